import { readFileSync } from 'node:fs'
import {
  type Channel,
  channelNames,
  checkEvent,
  codecs,
  type Decoded,
  decodeEventBatch,
  MAX_PAYLOAD_BYTES,
  type WireError,
} from '@ejia/protocol'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { FUZZ_TEST_TIMEOUT_MS, FuzzReport } from './harness.js'
import { hostileJson, NASTY_TIMES } from './hostile.js'
import { applyJsonMutations, applyTextMutations, jsonMutation, textMutation } from './mutate.js'

/**
 * Target 1: what arrives over MQTT. decodeEventBatch and every channel codec take any
 * bytes without throwing, answer within a bound, and are consistent: what they accept
 * passes the schema and encodes again to the same value; what they refuse comes with
 * errors that say where and why.
 */
const report = new FuzzReport()
afterAll(() => report.print())

const fixture = (channel: Channel): unknown =>
  JSON.parse(readFileSync(new URL(`../../protocol/fixtures/${channel}.json`, import.meta.url), 'utf8'))
const fixtureChannels = channelNames.filter((c) => c !== 'events' && c !== 'ack')

/** protocol/fixtures has no events file: a batch of five event types, checked below to be valid. */
const PHOTO_ID = 'a'.repeat(64)
const event = (seq: number, type: string, body: object) => ({
  id: `019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e${String(10 + seq)}`,
  stationId: '339901001001',
  seq,
  time: '2026-11-25T01:30:00.000Z',
  type,
  body,
})
const VALID_BATCH = {
  sentAt: '2026-11-25T01:30:01.000Z',
  events: [
    event(1, 'activity.start', {
      activityId: 'act-25',
      kind: 'themeDay',
      title: '主题党日',
      startedBy: 'c001',
    }),
    event(2, 'checkin', { personId: 'm001', method: 'card', activityId: 'act-25' }),
    event(3, 'duty.punch', { personId: 'c001', direction: 'in', method: 'face', score: 0.93 }),
    event(4, 'activity.photo', {
      photoId: PHOTO_ID,
      purpose: 'evidence',
      width: 1280,
      height: 960,
      bytes: 1,
    }),
    event(5, 'activity.end', { activityId: 'act-25', endedBy: 'c001' }),
  ],
}

const MAX_DECODE_MS = 250

function expectClearErrors(errors: WireError[]) {
  expect(errors.length).toBeGreaterThan(0)
  for (const e of errors) {
    expect(e.path === '' || e.path.startsWith('/'), `path ${e.path}`).toBe(true)
    expect(e.code).toMatch(/^[a-zA-Z]+$/)
    expect(e.message.length).toBeGreaterThan(0)
  }
}

/** A codec's answer: refused with clear errors, or a valid value that encodes to itself. */
function checkCodec(channel: Channel, payload: Uint8Array | string): Decoded<unknown> {
  const codec = codecs[channel]
  const started = performance.now()
  const r = codec.decode(payload)
  expect(performance.now() - started, `${channel} decode time`).toBeLessThan(MAX_DECODE_MS)
  if (!r.ok) {
    expectClearErrors(r.errors)
    return r
  }
  expect(codec.check(r.value)).toEqual([])
  // what was accepted must survive the trip the hub gives it: stored as JSON, sent again
  const again = codec.decode(codec.encode(r.value as never))
  expect(again).toEqual({ ok: true, value: withoutNegativeZero(r.value) })
  return r
}

/** -0 is written as 0, and is the same number to everyone but Object.is. */
function withoutNegativeZero(v: unknown): unknown {
  if (Object.is(v, -0)) return 0
  if (Array.isArray(v)) return v.map(withoutNegativeZero)
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]))
  return v
}

/** A batch's answer: refused whole, or every event either valid or refused with its index. */
function checkBatch(payload: Uint8Array | string): void {
  const started = performance.now()
  const r = decodeEventBatch(payload)
  expect(performance.now() - started, 'decodeEventBatch time').toBeLessThan(MAX_DECODE_MS)
  if (!r.ok) return expectClearErrors(r.errors)
  const raw = JSON.parse(Buffer.from(payload).toString('utf8')) as { events: unknown[] }
  expect(r.value.events.length + r.value.invalid.length).toBe(raw.events.length)
  for (const e of r.value.events) {
    expect(checkEvent(e)).toEqual([])
    // the hub stores each event's body as JSON text: it must read back the same
    expect(JSON.parse(JSON.stringify(e))).toEqual(withoutNegativeZero(e))
  }
  const indexes = r.value.invalid.map((i) => i.index)
  expect(new Set(indexes).size).toBe(indexes.length)
  for (const bad of r.value.invalid) {
    expectClearErrors(bad.errors)
    for (const e of bad.errors) expect(e.path.startsWith(`/events/${bad.index}`), e.path).toBe(true)
  }
}

const everyDecoder = (payload: Uint8Array | string) => {
  checkBatch(payload)
  for (const c of channelNames) checkCodec(c, payload)
}

describe('fuzzing the MQTT payload decoders', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('the fixtures are valid to start from', () => {
    expect(decodeEventBatch(JSON.stringify(VALID_BATCH))).toMatchObject({ ok: true, value: { invalid: [] } })
    for (const c of fixtureChannels) expect(codecs[c].decode(JSON.stringify(fixture(c))).ok).toBe(true)
  })

  it('arbitrary bytes, to decodeEventBatch and every channel codec', async () => {
    await report.run(
      'mqtt: arbitrary bytes',
      [
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }),
          fc.string({ unit: 'binary', maxLength: 256 }).map((s) => Buffer.from(s)),
          // a JSON-looking start, then noise
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"sentAt":"'), b])),
        ),
      ],
      (payload) => everyDecoder(payload),
      { runs: 1500 },
    )
  })

  it('arbitrary JSON, to decodeEventBatch and every channel codec', async () => {
    await report.run(
      'mqtt: arbitrary JSON',
      [hostileJson(4)],
      (value) => everyDecoder(JSON.stringify(value)),
      {
        runs: 1500,
      },
    )
  })

  it('batches of hostile and damaged events: each event judged on its own', async () => {
    const item = fc.oneof(
      hostileJson(2),
      fc
        .tuple(
          fc.constantFrom(...VALID_BATCH.events),
          fc.array(jsonMutation(), { minLength: 0, maxLength: 3 }),
        )
        .map(([e, m]) => applyJsonMutations(e, m)),
    )
    await report.run(
      'mqtt: events batch',
      [
        fc.oneof(fc.constantFrom(...NASTY_TIMES), fc.string()),
        fc.array(item, { minLength: 1, maxLength: 30 }),
      ],
      (sentAt, events) => checkBatch(JSON.stringify({ sentAt, events })),
      { runs: 1000 },
    )
  })

  it('mutations of the valid fixtures, structural and byte by byte', async () => {
    const docs: { channel: Channel | 'batch'; doc: unknown }[] = [
      { channel: 'batch', doc: VALID_BATCH },
      ...fixtureChannels.map((channel) => ({ channel, doc: fixture(channel) })),
    ]
    await report.run(
      'mqtt: mutated fixtures',
      [
        fc.constantFrom(...docs),
        fc.array(jsonMutation(), { maxLength: 3 }),
        fc.array(textMutation(), { maxLength: 3 }),
      ],
      ({ channel, doc }, structural, bytes) => {
        const mutated = applyJsonMutations(doc, structural)
        const text = mutated === undefined ? '' : JSON.stringify(mutated)
        const payload = applyTextMutations(Buffer.from(text), bytes)
        if (channel === 'batch') checkBatch(payload)
        else checkCodec(channel, payload)
        // no mutation at all: the fixture must still decode (the test can tell good from bad)
        if (structural.length === 0 && bytes.length === 0) {
          const ok = channel === 'batch' ? decodeEventBatch(payload).ok : codecs[channel].decode(payload).ok
          expect(ok).toBe(true)
        }
      },
      { runs: 3000 },
    )
  })

  it('payloads at and over the size limit are refused before parsing, quickly', async () => {
    await report.run(
      'mqtt: oversized',
      [fc.integer({ min: 0, max: 2048 }), fc.constantFrom(0x20, 0x7b, 0x5b, 0x22)],
      (over, fill) => {
        const payload = Buffer.alloc(MAX_PAYLOAD_BYTES + 1 + over, fill)
        for (const decode of [decodeEventBatch, ...channelNames.map((c) => codecs[c].decode)]) {
          const r = decode(payload)
          expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['tooLarge'])
        }
      },
      { runs: 20, maxRuns: 100 },
    )
  })
})
