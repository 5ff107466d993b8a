import Type, { type Static, type TSchema } from 'typebox'
import { FACE_DELETE_REQUESTS } from './events/face.js'
import { PersonId, Timestamp, timestamp } from './ids.js'

/**
 * Remote configuration and commands, the way device shadows (AWS IoT), shared attributes
 * (ThingsBoard) and Zigbee2MQTT's bridge requests do it: the hub holds a station's desired
 * config (retained, versioned) and the kiosk reports what it applied; a command is a
 * request with a correlation id, answered `accepted` at once and then with its result.
 */

/** A command is named by a UUIDv7 made at the hub; the kiosk's answers carry it back. */
export const CommandId = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
  title: 'Command id',
  description: 'UUIDv7 (RFC 9562), lower case, made by the hub',
})
export type CommandId = Static<typeof CommandId>

export const ConfigProblem = Type.Object(
  {
    path: Type.String({
      maxLength: 256,
      description: 'JSON pointer into the settings, e.g. /devices/0/port',
    }),
    message: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false, title: 'ConfigProblem' },
)
export type ConfigProblem = Static<typeof ConfigProblem>

/** Problems a rejection reports; more are summarised in the last one. */
export const MAX_CONFIG_PROBLEMS = 32

/**
 * Downlink, QoS 1, retained: the station's desired remote settings. Retained, so a kiosk
 * that was offline gets the latest one when it subscribes again. `settings` is a
 * RemoteSettings document (firmware-config): the kiosk checks it in full, against its own
 * hardware too, and answers on `configState`.
 */
export const ConfigPush = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Per station, increasing with each push' }),
    issuedAt: Timestamp,
    issuedBy: Type.String({ minLength: 1, maxLength: 64, description: 'Operator who pushed it' }),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'RemoteSettings (firmware-config): the part of a station config the hub may set; it replaces the previous push whole',
    }),
  },
  { additionalProperties: false, title: 'ConfigPush' },
)
export type ConfigPush = Static<typeof ConfigPush>

/**
 * Uplink, QoS 1, retained: what the kiosk made of the latest push. `applied`: the settings
 * of `appliedVersion` are in force (`desiredVersion` equals it, or was already applied).
 * `rejected`: `desiredVersion` was refused for the `problems` given, and the kiosk keeps
 * running on `appliedVersion` (0: the provisioned file alone).
 */
export const ConfigState = Type.Object(
  {
    desiredVersion: Type.Integer({ minimum: 0 }),
    appliedVersion: Type.Integer({ minimum: 0 }),
    state: Type.Enum(['applied', 'rejected']),
    problems: Type.Optional(Type.Array(ConfigProblem, { maxItems: MAX_CONFIG_PROBLEMS })),
    at: timestamp('Device clock when the kiosk decided'),
  },
  { additionalProperties: false, title: 'ConfigState' },
)
export type ConfigState = Static<typeof ConfigState>

/** The commands a kiosk knows, with the arguments each takes. */
export const commandArgs = {
  forgetFace: Type.Object(
    {
      personId: PersonId,
      reason: Type.Enum([...FACE_DELETE_REQUESTS], {
        description:
          'Why (PIPL art. 47): personRequest when the person asked at the town or district office, not at the kiosk',
      }),
    },
    { additionalProperties: false },
  ),
  restartAgent: Type.Object({}, { additionalProperties: false }),
  resyncRoster: Type.Object({}, { additionalProperties: false }),
  reupload: Type.Object(
    {
      fromSeq: Type.Integer({
        minimum: 1,
        description: 'Send the journalled events from this sequence number on again',
      }),
      skipPruned: Type.Optional(
        Type.Boolean({
          description:
            'When retention already deleted events from fromSeq, send what the journal still holds instead of failing; the detail says how many were lost',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  rotateCredentials: Type.Object(
    {
      secret: Type.String({
        minLength: 32,
        maxLength: 256,
        pattern: '^[A-Za-z0-9_-]+$',
        description:
          'The new station secret, made by the hub (256 random bits, base64url). Sent only on the station’s own command topic; the hub keeps only its SHA-256',
      }),
    },
    { additionalProperties: false },
  ),
  upgradeAgent: Type.Object(
    {
      version: Type.String({
        pattern: '^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$',
        description: 'The agent version to run, as its signed release manifest names it',
      }),
      url: Type.String({
        minLength: 1,
        maxLength: 2048,
        pattern: '^(https?://|file:/|/)',
        description:
          'The release tarball (`ejia-release pack`): http(s) from the hub or another server, or a path on the kiosk; its manifest is at the same place plus `.manifest.json`',
      }),
      sha256: Type.String({
        pattern: '^[0-9a-fA-F]{64}$',
        description: 'SHA-256 of the tarball; must match the manifest the district release key signed',
      }),
    },
    { additionalProperties: false },
  ),
} as const satisfies Record<string, TSchema>
export type CommandName = keyof typeof commandArgs
export const COMMAND_NAMES = Object.keys(commandArgs) as CommandName[]

/**
 * Downlink, QoS 1, not retained: one request to one kiosk. `name` is left open on the wire
 * so a kiosk can answer a command it does not know with `rejected` rather than drop it.
 */
export const Command = Type.Object(
  {
    commandId: CommandId,
    name: Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9]{0,31}$',
      description: `One of ${COMMAND_NAMES.join(', ')}`,
    }),
    args: Type.Record(Type.String(), Type.Unknown()),
    issuedAt: Timestamp,
    expiresAt: timestamp('A command that reaches the kiosk after this is answered expired, not run'),
  },
  { additionalProperties: false, title: 'Command' },
)
export type Command = Static<typeof Command>

export const COMMAND_STATES = ['accepted', 'succeeded', 'failed', 'rejected', 'expired'] as const
export type CommandState = (typeof COMMAND_STATES)[number]

/**
 * Uplink, QoS 1: a kiosk's answer to a command, by its id. `accepted` comes at once, then
 * one final state: `succeeded` or `failed` (with what happened in `detail`), or instead of
 * both `rejected` (unknown command, bad arguments, not supported) or `expired`.
 */
export const CommandResult = Type.Object(
  {
    commandId: CommandId,
    state: Type.Enum([...COMMAND_STATES]),
    detail: Type.Optional(Type.String({ maxLength: 500 })),
    at: timestamp('Device clock'),
  },
  { additionalProperties: false, title: 'CommandResult' },
)
export type CommandResult = Static<typeof CommandResult>

/** `configVersion` in heartbeats: the provisioned file's version, then `+r<n>` once remote settings n apply. */
export function remoteConfigVersion(fileVersion: string, remoteVersion: number): string {
  if (remoteVersion <= 0) return fileVersion
  const suffix = `+r${remoteVersion}`
  return `${fileVersion.slice(0, 64 - suffix.length)}${suffix}`
}

/** The remote settings version a heartbeat's `versions.config` names; 0 for none. */
export function remoteVersionOf(configVersion: string): number {
  const m = /\+r(\d{1,15})$/.exec(configVersion)
  return m ? Number(m[1]) : 0
}
