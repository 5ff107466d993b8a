import Type, { type Static } from 'typebox'
import { type EventBody, type EventType, eventBodies, eventTypes } from './events/index.js'
import { EventId, StationId, timestamp } from './ids.js'

const envelopeFields = {
  id: EventId,
  stationId: StationId,
  seq: Type.Integer({
    minimum: 1,
    description: 'Per-station sequence: starts at 1, rises by exactly 1 per event, survives restarts',
  }),
  time: timestamp('Device clock when the event was recorded (may be skewed)'),
  prev: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]{43}$',
      description:
        "Hash of the station's previous event (SHA-256 of its canonical JSON, base64url); absent on the first signed event",
    }),
  ),
  sig: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]{86}$',
      description:
        "Ed25519 signature by the station's journal key over this event's hash (base64url); absent from kiosks that do not sign",
    }),
  ),
}

/**
 * The envelope alone, with the body left open. Decoding checks the envelope first and
 * then the body against the schema of its type, so errors point at the field that is wrong
 * instead of listing every branch of a union.
 */
export const EventEnvelope = Type.Object(
  {
    ...envelopeFields,
    type: Type.Enum(eventTypes, { description: 'Event type; its body schema is fixed by the type' }),
    body: Type.Unknown(),
  },
  { additionalProperties: false, title: 'EventEnvelope' },
)

/** The full event schema, one branch per type: used for documentation. */
export const EventSchema = Type.Union(
  eventTypes.map((t) =>
    Type.Object(
      { ...envelopeFields, type: Type.Literal(t), body: eventBodies[t] },
      { additionalProperties: false, title: `Event ${t}` },
    ),
  ),
  { title: 'Event' },
)

export type Event<T extends EventType = EventType> = T extends EventType
  ? Static<typeof EventEnvelope> & { type: T; body: EventBody<T> }
  : never

/** What the app hands to the journal: the journal adds id, station, seq. */
export type EventDraft<T extends EventType = EventType> = T extends EventType
  ? { type: T; body: EventBody<T>; time: string }
  : never
