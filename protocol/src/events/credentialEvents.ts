import Type, { type Static } from 'typebox'

/**
 * A card, QR code or fingerprint the kiosk read but could not match to anyone on its
 * roster. It signs nobody in; the hub lists them so a cadre can register the card.
 */
export const UnknownCredentialBody = Type.Object(
  {
    method: Type.Enum(['card', 'qr', 'fingerprint']),
    credential: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Card number, QR payload or fingerprint page id',
    }),
    device: Type.String({ minLength: 1, maxLength: 32, description: 'Which reader, by its configured name' }),
    reason: Type.Enum(['notOnRoster', 'badToken'], {
      description: 'badToken: a QR payload whose check digits fail',
    }),
  },
  { additionalProperties: false, title: 'credential.unknown' },
)
export type UnknownCredentialBody = Static<typeof UnknownCredentialBody>
