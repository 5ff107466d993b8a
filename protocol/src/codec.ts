import type { Static, TSchema } from 'typebox'
import Type from 'typebox'
import { Compile } from 'typebox/compile'
import { Settings } from 'typebox/system'
import { ProtocolError, toWireErrors, type WireError } from './errors.js'
import { type Event, EventEnvelope } from './event.js'
import { type EventType, eventBodies, eventTypes } from './events/index.js'
import { EventId, Timestamp } from './ids.js'
import { MAX_BATCH_EVENTS, MAX_EVENT_BODY_BYTES, MAX_PAYLOAD_BYTES } from './limits.js'
import { JournalPublicKey } from './messages.js'
import { type Channel, channels } from './topics.js'

// TypeBox stops collecting errors after `maxErrors` (8 by default) as a guard against
// hostile input. Report more, so an operator sees every problem of a realistic message,
// and still bound the work one payload can cause.
Settings.Set({ maxErrors: 32 })

export type Decoded<T> = { ok: true; value: T } | { ok: false; errors: WireError[] }

export interface Codec<T> {
  /** Parses and validates; never throws, and reports every error found. */
  decode(payload: Uint8Array | string): Decoded<T>
  /** Validates and serialises; throws ProtocolError rather than send a bad message. */
  encode(value: T): Buffer
  /** Validation errors of a value already in memory; empty when valid. */
  check(value: unknown): WireError[]
}

/**
 * A NUL character (U+0000) in JSON text, written `\u0000`: not one preceded by an escaped
 * backslash. No field means one, and PostgreSQL can store none in text or JSONB, so a
 * message carrying one is refused here, the same on every store.
 */
const ESCAPED_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/

export function parsePayload(payload: Uint8Array | string): Decoded<unknown> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength
  if (size > MAX_PAYLOAD_BYTES) {
    return fail('', 'tooLarge', `payload is ${size} bytes, more than the limit of ${MAX_PAYLOAD_BYTES}`)
  }
  const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8')
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    return fail('', 'json', `not valid JSON: ${(err as Error).message}`)
  }
}

const NON_FINITE = 'a number is beyond the range of a double (JSON has no Infinity)'

/**
 * JSON has no Infinity, but JSON.parse reads a literal past the double range (`1e999`) as
 * one, which a `minimum`-only schema (a heartbeat's intervalS) lets through and which is
 * stored and sent on as `null`.
 * Found by test/fuzz/mqttPayload.test.ts.
 */
function nonFinitePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path
  if (typeof value !== 'object' || value === null) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nonFinitePath(value[i], `${path}/${i}`)
      if (at !== undefined) return at
    }
    return undefined
  }
  for (const [key, v] of Object.entries(value)) {
    const at = nonFinitePath(v, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)
    if (at !== undefined) return at
  }
  return undefined
}

export function createCodec<S extends TSchema>(schema: S): Codec<Static<S>> {
  const validator = Compile(schema)
  const check = (value: unknown): WireError[] =>
    validator.Check(value) ? [] : toWireErrors(validator.Errors(value))
  return {
    check,
    decode(payload) {
      const parsed = parsePayload(payload)
      if (!parsed.ok) return parsed
      if (ESCAPED_NUL.test(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8')))
        return fail('', 'nulCharacter', 'a text holds a NUL character (U+0000)')
      const overflow = nonFinitePath(parsed.value, '')
      if (overflow !== undefined) return fail(overflow, 'nonFinite', NON_FINITE)
      const errors = check(parsed.value)
      return errors.length === 0 ? { ok: true, value: parsed.value as Static<S> } : { ok: false, errors }
    },
    encode(value) {
      const errors = check(value)
      if (errors.length > 0) throw new ProtocolError('invalidMessage', errors)
      const buf = Buffer.from(JSON.stringify(value))
      if (buf.byteLength > MAX_PAYLOAD_BYTES) {
        throw new ProtocolError('tooLarge', [
          { path: '', code: 'tooLarge', message: `message is ${buf.byteLength} bytes` },
        ])
      }
      return buf
    },
  }
}

const bodyValidators = Object.fromEntries(eventTypes.map((t) => [t, Compile(eventBodies[t])])) as {
  [T in EventType]: ReturnType<typeof Compile>
}
const envelopeValidator = Compile(EventEnvelope)
const eventIdValidator = Compile(EventId)

/** Errors of one event: envelope first, then its body against the schema of its type. */
export function checkEvent(value: unknown, prefix = ''): WireError[] {
  if (!envelopeValidator.Check(value)) return toWireErrors(envelopeValidator.Errors(value), prefix)
  return checkBody(value.type as EventType, value.body, `${prefix}/body`)
}

export function checkBody(type: EventType, body: unknown, prefix = '/body'): WireError[] {
  const validator = bodyValidators[type]
  if (!validator.Check(body)) return toWireErrors(validator.Errors(body), prefix)
  const json = JSON.stringify(body)
  if (ESCAPED_NUL.test(json))
    return [{ path: prefix, code: 'nulCharacter', message: 'a text holds a NUL character (U+0000)' }]
  const size = Buffer.byteLength(json)
  if (size > MAX_EVENT_BODY_BYTES) {
    return [
      { path: prefix, code: 'bodyTooLarge', message: `body is ${size} bytes, limit ${MAX_EVENT_BODY_BYTES}` },
    ]
  }
  return []
}

export interface InvalidEvent {
  index: number
  /** The event's id when it has a well-formed one, so the refusal can be acknowledged. */
  id?: string
  errors: WireError[]
}

export interface DecodedBatch {
  sentAt: string
  /** The station's journal public key, when it signs its events. */
  key?: string
  events: Event[]
  invalid: InvalidEvent[]
}

const batchShape = Compile(
  Type.Object(
    {
      sentAt: Timestamp,
      key: Type.Optional(JournalPublicKey),
      events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BATCH_EVENTS }),
    },
    { additionalProperties: false },
  ),
)

/**
 * Decodes an events message. The batch shape must hold as a whole; within it each event
 * stands alone, so one bad event is refused without holding back the good ones.
 */
export function decodeEventBatch(payload: Uint8Array | string): Decoded<DecodedBatch> {
  const parsed = parsePayload(payload)
  if (!parsed.ok) return parsed
  const raw = parsed.value
  if (!batchShape.Check(raw)) return { ok: false, errors: toWireErrors(batchShape.Errors(raw)) }
  const events: Event[] = []
  const invalid: InvalidEvent[] = []
  raw.events.forEach((item, index) => {
    const errors = checkEvent(item, `/events/${index}`)
    if (errors.length === 0) {
      events.push(item as Event)
      return
    }
    const id = (item as { id?: unknown } | null)?.id
    invalid.push(eventIdValidator.Check(id) ? { index, id, errors } : { index, errors })
  })
  const value: DecodedBatch = { sentAt: raw.sentAt, events, invalid }
  if (raw.key !== undefined) value.key = raw.key
  return { ok: true, value }
}

/** One codec per channel, built from the channel table. */
export const codecs = Object.fromEntries(
  Object.entries(channels).map(([name, c]) => [name, createCodec(c.schema)]),
) as { [C in Channel]: Codec<Static<(typeof channels)[C]['schema']>> }

function fail(path: string, code: string, message: string): Decoded<never> {
  return { ok: false, errors: [{ path, code, message }] }
}
