import { describe, expect, it } from 'vitest'
import { eventHash, journalKeyFromPem, newJournalKey, publicKeyOf, signHash, verifyHash } from './chain.js'
import type { Event } from './event.js'

const event = {
  id: '01936f5e-8a00-7000-8000-000000000001',
  stationId: '339901001001',
  seq: 2,
  time: '2026-11-25T01:30:00.000Z',
  type: 'checkin.recorded',
  body: { personId: 'p-1', method: 'card', activityId: 'a-1', score: 0.5 },
  prev: 'A'.repeat(43),
} as unknown as Event

describe('event hash chain', () => {
  it('hashes the canonical form: key order and a signature do not change the hash', () => {
    const reordered = JSON.parse(
      '{"body":{"score":0.5,"activityId":"a-1","method":"card","personId":"p-1"},"type":"checkin.recorded","prev":"' +
        'A'.repeat(43) +
        '","time":"2026-11-25T01:30:00.000Z","seq":2,"stationId":"339901001001","id":"01936f5e-8a00-7000-8000-000000000001"}',
    )
    expect(eventHash(reordered)).toBe(eventHash(event))
    expect(eventHash({ ...event, sig: 'x'.repeat(86) })).toBe(eventHash(event))
    expect(eventHash(event)).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('changes with every field the station signs, the link to the previous event included', () => {
    const base = eventHash(event)
    const edits: Partial<Event>[] = [
      { seq: 3 },
      { time: '2026-11-25T01:30:00.001Z' },
      { prev: 'B'.repeat(43) },
      { body: { ...(event.body as object), personId: 'p-2' } } as Partial<Event>,
    ]
    for (const edit of edits) expect(eventHash({ ...event, ...edit } as Event)).not.toBe(base)
    const { prev: _, ...first } = event
    expect(eventHash(first as Event)).not.toBe(base)
  })

  it('verifies a signature with the public key alone, and refuses another hash or key', () => {
    const key = newJournalKey()
    const hash = eventHash(event)
    const sig = signHash(hash, key.privateKey)
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/)
    expect(verifyHash(hash, sig, publicKeyOf(key.publicKey))).toBe(true)
    expect(verifyHash(eventHash({ ...event, seq: 3 }), sig, publicKeyOf(key.publicKey))).toBe(false)
    expect(verifyHash(hash, sig, publicKeyOf(newJournalKey().publicKey))).toBe(false)
    expect(verifyHash(hash, 'not a signature', publicKeyOf(key.publicKey))).toBe(false)
  })

  it('reads a key back from PEM and refuses one that is not Ed25519', () => {
    const key = newJournalKey()
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(journalKeyFromPem(pem).publicKey).toBe(key.publicKey)
    expect(() => publicKeyOf('short')).toThrow()
  })
})
