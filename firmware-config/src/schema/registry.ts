import { DistrictCode, StationId, Tier, TownCode } from '@ejia/protocol'
import Type, { type Static } from 'typebox'

export const REGISTRY_SCHEMA_VERSION = 1

export const RegistryStation = Type.Object(
  {
    id: StationId,
    name: Type.String({ minLength: 1, maxLength: 64 }),
    tier: Tier,
    townCode: TownCode,
    contact: Type.Optional(
      Type.Object(
        { name: Type.String({ maxLength: 32 }), phone: Type.String({ maxLength: 32 }) },
        { additionalProperties: false },
      ),
    ),
    auth: Type.Object(
      {
        username: Type.String({ minLength: 1 }),
        /**
         * SHA-256 of the station's secret, hex. The secret is 256 random bits, so a fast
         * hash is safe here: slow hashes exist to protect guessable passwords.
         */
        secretSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
        /**
         * Serial (hex, lower case, no leading zeros) of the client certificate the station must
         * present over TLS; an older or foreign certificate for the same CN is refused.
         */
        certSerial: Type.Optional(Type.String({ pattern: '^[0-9a-f]{1,40}$' })),
      },
      { additionalProperties: false },
    ),
    /** Refused at the hub, whatever credentials it shows (`ejia-config revoke`). */
    revoked: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, title: 'Registered station' },
)
export type RegistryStation = Static<typeof RegistryStation>

export const Registry = Type.Object(
  {
    schemaVersion: Type.Literal(REGISTRY_SCHEMA_VERSION),
    generatedAt: Type.String({ format: 'date-time' }),
    district: Type.Object(
      { code: DistrictCode, name: Type.String({ minLength: 1, maxLength: 64 }) },
      { additionalProperties: false },
    ),
    towns: Type.Array(
      Type.Object(
        { code: TownCode, name: Type.String({ minLength: 1, maxLength: 64 }) },
        { additionalProperties: false },
      ),
    ),
    stations: Type.Array(RegistryStation),
  },
  { additionalProperties: false, title: 'Hub registry' },
)
export type Registry = Static<typeof Registry>
