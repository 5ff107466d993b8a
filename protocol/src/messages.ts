import Type, { type Static } from 'typebox'
import { EventEnvelope, EventSchema } from './event.js'
import { EventId, Timestamp, timestamp } from './ids.js'
import { MAX_BATCH_EVENTS } from './limits.js'

/** The station's journal public key: what the hub pins and verifies signatures with. */
export const JournalPublicKey = Type.String({
  pattern: '^[A-Za-z0-9_-]{43}$',
  description: "The station's Ed25519 journal public key, raw, base64url; the hub pins the first it sees",
})

/** Uplink, QoS 1: a batch of journalled events, oldest backlog and newest live mixed. */
export const EventBatch = Type.Object(
  {
    sentAt: timestamp('Device clock when the batch was sent'),
    key: Type.Optional(JournalPublicKey),
    events: Type.Array(EventEnvelope, { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
  },
  { additionalProperties: false, title: 'EventBatch' },
)
export type EventBatch = Static<typeof EventBatch>

/** EventBatch as documented: each event fully typed. */
export const EventBatchDoc = Type.Object(
  {
    sentAt: Timestamp,
    key: Type.Optional(JournalPublicKey),
    events: Type.Array(EventSchema, { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
  },
  { additionalProperties: false, title: 'EventBatch' },
)

export const RejectedEvent = Type.Object(
  {
    id: EventId,
    code: Type.String({ description: 'Stable reason code, e.g. schema, stationMismatch' }),
    message: Type.String(),
  },
  { additionalProperties: false },
)
export type RejectedEvent = Static<typeof RejectedEvent>

/**
 * Downlink, QoS 1: the hub's commit acknowledgement. Sent only after the named events are
 * durably committed (accepted now, or already stored before: duplicate) or refused for
 * good (rejected). The kiosk removes an event from its outbox only when an ack names it.
 */
export const CommitAck = Type.Object(
  {
    committedAt: Timestamp,
    accepted: Type.Array(EventId),
    duplicate: Type.Array(EventId),
    rejected: Type.Array(RejectedEvent),
  },
  { additionalProperties: false, title: 'CommitAck' },
)
export type CommitAck = Static<typeof CommitAck>

export const Fault = Type.Object(
  {
    device: Type.String({
      maxLength: 64,
      description: 'What is faulty: camera, serial:<name>, disk, journal, uplink, clock',
    }),
    code: Type.String({ maxLength: 64 }),
    message: Type.String({ maxLength: 500 }),
    since: Timestamp,
  },
  { additionalProperties: false, title: 'Fault' },
)
export type Fault = Static<typeof Fault>

/** Uplink, QoS 0, every `intervalS` seconds while connected. */
export const Heartbeat = Type.Object(
  {
    time: timestamp('Device clock at sending; the hub derives clock skew from it'),
    bootedAt: Timestamp,
    intervalS: Type.Number({ minimum: 1, description: 'Seconds until the next heartbeat' }),
    lastSeq: Type.Integer({ minimum: 0, description: 'Highest sequence number journalled so far' }),
    backlog: Type.Object(
      {
        depth: Type.Integer({ minimum: 0, description: 'Events journalled but not yet acknowledged' }),
        oldestUnsentAt: Type.Union([Timestamp, Type.Null()]),
        oldestUnsentAgeS: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
        deadLetters: Type.Integer({ minimum: 0, description: 'Events the hub refused for good' }),
      },
      { additionalProperties: false },
    ),
    versions: Type.Object(
      {
        agent: Type.String({ maxLength: 64 }),
        protocol: Type.String({ maxLength: 16 }),
        config: Type.String({ maxLength: 64 }),
        models: Type.Optional(Type.String({ maxLength: 128 })),
        roster: Type.Optional(Type.String({ maxLength: 32, description: 'Roster version the kiosk holds' })),
      },
      { additionalProperties: false },
    ),
    faults: Type.Array(Fault, { maxItems: 32 }),
    // optional: kiosks from before it still validate, and a kiosk that cannot read its disk leaves it out
    disk: Type.Optional(
      Type.Object(
        {
          freeBytes: Type.Integer({
            minimum: 0,
            description: 'Bytes free to the agent on its data directory',
          }),
          totalBytes: Type.Integer({
            minimum: 0,
            description: 'Size of the file system of the data directory',
          }),
        },
        { additionalProperties: false, description: "The kiosk's data directory: journal, photos, roster" },
      ),
    ),
  },
  { additionalProperties: false, title: 'Heartbeat' },
)
export type Heartbeat = Static<typeof Heartbeat>

/**
 * Uplink, QoS 1, retained. `online` is published on connect; the broker publishes the
 * last will (`offline`, `connectionLost`) when the link dies; a clean stop publishes
 * `offline`, `shutdown`.
 */
export const Status = Type.Object(
  {
    state: Type.Enum(['online', 'offline']),
    reason: Type.Enum(['connected', 'shutdown', 'connectionLost']),
    since: timestamp('Device clock when this connection was opened'),
  },
  { additionalProperties: false, title: 'Status' },
)
export type Status = Static<typeof Status>
