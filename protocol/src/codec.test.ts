import { describe, expect, it } from 'vitest'
import { checkBody, codecs, decodeEventBatch } from './codec.js'
import { MAX_PAYLOAD_BYTES } from './limits.js'

const event = (over: Record<string, unknown> = {}) => ({
  id: '019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e11',
  stationId: '339901001001',
  seq: 1,
  time: '2026-11-25T01:30:00.000Z',
  type: 'checkin',
  body: { personId: 'p-0001', method: 'card' },
  ...over,
})

describe('decodeEventBatch', () => {
  it('accepts a valid batch', () => {
    const r = decodeEventBatch(JSON.stringify({ sentAt: '2026-11-25T01:30:01.000Z', events: [event()] }))
    expect(r.ok && r.value.events.map((e) => e.seq)).toEqual([1])
  })

  it('reports bad JSON with a clear code', () => {
    const r = decodeEventBatch('{"events": [')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.errors[0]?.code).toBe('json')
  })

  it('refuses an oversized payload before parsing it', () => {
    const r = decodeEventBatch(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20))
    expect(!r.ok && r.errors).toEqual([expect.objectContaining({ code: 'tooLarge' })])
  })

  it('separates bad events from good ones and returns every error of each', () => {
    const payload = {
      sentAt: '2026-11-25T01:30:01.000Z',
      events: [
        event(),
        event({
          id: '019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e12',
          seq: 0,
          body: { personId: 'p 1', method: 'magic' },
        }),
        event({ id: 'not-a-uuid', seq: 3 }),
      ],
    }
    const r = decodeEventBatch(JSON.stringify(payload))
    if (!r.ok) throw new Error('batch shape should hold')
    expect(r.value.events).toHaveLength(1)
    expect(r.value.invalid.map((i) => [i.index, i.id])).toEqual([
      [1, '019ac6a5-3b2e-7c41-9d2a-0f3b5c7d9e12'],
      [2, undefined],
    ])
    // the envelope error (seq) is reported; the body is checked only once the envelope holds
    expect(r.value.invalid[0]?.errors.map((e) => e.path)).toEqual(['/events/1/seq'])
    expect(r.value.invalid[1]?.errors.map((e) => e.path)).toEqual(['/events/2/id'])
  })

  it('checks the body against the schema of its type, listing all problems', () => {
    const errors = checkBody('checkin', { personId: 'p 1', method: 'magic', extra: 1 })
    expect(errors.map((e) => e.path).sort()).toEqual(['/body', '/body/method', '/body/personId'])
    expect(errors.find((e) => e.path === '/body/method')?.message).toContain('"card"')
    expect(errors.find((e) => e.path === '/body')?.message).toBe('unknown field(s): extra')
  })

  it('rejects an unknown event type naming the allowed ones', () => {
    const r = decodeEventBatch(
      JSON.stringify({ sentAt: '2026-11-25T01:30:01.000Z', events: [event({ type: 'x' })] }),
    )
    expect(r.ok && r.value.invalid[0]?.errors[0]?.message).toMatch(/must be one of "checkin", "duty.punch"/)
  })
})

describe('channel codecs', () => {
  it('refuses to encode a message that breaks the contract', () => {
    expect(() => codecs.status.encode({ state: 'maybe' } as never)).toThrow(/invalidMessage/)
  })

  it('round-trips a heartbeat', () => {
    const hb = {
      time: '2026-11-25T01:30:00.000Z',
      bootedAt: '2026-11-25T00:00:00.000Z',
      intervalS: 30,
      lastSeq: 10,
      backlog: { depth: 2, oldestUnsentAt: '2026-11-25T01:29:00.000Z', oldestUnsentAgeS: 60, deadLetters: 0 },
      versions: { agent: '0.1.0', protocol: 'v1', config: '1' },
      faults: [],
    }
    const r = codecs.heartbeat.decode(codecs.heartbeat.encode(hb))
    expect(r).toEqual({ ok: true, value: hb })
  })
})

describe('NUL characters', () => {
  it('refuses an event whose body holds one, and no other, in the same batch', () => {
    const good = {
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      stationId: '339901001001',
      seq: 1,
      time: '2026-11-28T01:00:00.000Z',
      type: 'checkin',
      body: { personId: 'p-1', method: 'card' },
    }
    const bad = {
      ...good,
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
      seq: 2,
      type: 'activity.start',
      body: { activityId: 'a-1', kind: 'study', title: '学习\u0000', startedBy: 'p-1' },
    }
    // a backslash and "u0000" as text is not a NUL
    const text = {
      ...good,
      id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d',
      seq: 3,
      type: 'activity.start',
      body: { activityId: 'a-1', kind: 'study', title: 'C:\\u0000 目录', startedBy: 'p-1' },
    }
    const decoded = decodeEventBatch(
      JSON.stringify({ sentAt: '2026-11-28T01:00:00.000Z', events: [good, bad, text] }),
    )
    expect(decoded.ok).toBe(true)
    if (!decoded.ok) return
    expect(decoded.value.events.map((e) => e.seq)).toEqual([1, 3])
    expect(decoded.value.invalid).toEqual([
      {
        index: 1,
        id: bad.id,
        errors: [
          { path: '/events/1/body', code: 'nulCharacter', message: 'a text holds a NUL character (U+0000)' },
        ],
      },
    ])
  })

  it('refuses any other message holding one as a whole', () => {
    const result = {
      commandId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      state: 'failed',
      at: '2026-11-28T01:00:00.000Z',
      detail: 'bad\u0000',
    }
    const decoded = codecs.commandResult.decode(JSON.stringify(result))
    expect(decoded).toMatchObject({ ok: false, errors: [{ code: 'nulCharacter' }] })
  })
})

// found by test/fuzz/mqttPayload.test.ts: JSON.parse reads 1e999 as Infinity, which passed
// `minimum`-only schemas and was stored and sent on as null
describe('numbers beyond the range of a double', () => {
  it('refuses a heartbeat whose interval is 1e999, naming the field', () => {
    const text =
      '{"time":"2026-11-25T01:30:00.000Z","bootedAt":"2026-11-25T00:00:00.000Z","intervalS":1e999,' +
      '"lastSeq":10,"backlog":{"depth":0,"oldestUnsentAt":null,"oldestUnsentAgeS":null,"deadLetters":0},' +
      '"versions":{"agent":"0.1.0","protocol":"v1","config":"1"},"faults":[]}'
    expect(codecs.heartbeat.decode(text)).toMatchObject({
      ok: false,
      errors: [{ path: '/intervalS', code: 'nonFinite' }],
    })
    expect(codecs.heartbeat.decode(text.replace('1e999', '30')).ok).toBe(true)
  })
})
