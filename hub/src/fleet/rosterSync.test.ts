import { codecs, MAX_PAYLOAD_BYTES } from '@ejia/protocol'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { MessageBus } from '../broker/bus.js'
import type { WorkStats } from '../stats/workStats.js'
import type { Person, WorkStore } from '../storage/workStore.js'
import { RosterSync, splitRosterUpdate } from './rosterSync.js'

const person = (i: number, tokens = 0): Person => ({
  personId: `p-${String(i).padStart(4, '0')}`,
  stationId: '339901001001',
  name: '某某某某某某某某',
  roles: ['member'],
  cards: [],
  qrTokens: Array.from({ length: tokens }, (_, t) => `${'x'.repeat(120)}${t}`),
  fingerprints: [],
  pinHash: null,
})

describe('splitRosterUpdate', () => {
  it('keeps every part under the payload limit and every person in order, once', () => {
    const upserts = Array.from({ length: 1500 }, (_, i) => person(i, 8)) // ~1 KB each
    const delta = {
      stationId: '339901001001',
      fromVersion: 0,
      version: 1500,
      full: true,
      upserts,
      removals: [],
    }
    const parts = splitRosterUpdate(delta, { study: [], rotas: [], plans: [] }, '2026-11-27')
    expect(parts.length).toBeGreaterThan(4)
    for (const p of parts) {
      expect(codecs.roster.encode(p).byteLength).toBeLessThan(MAX_PAYLOAD_BYTES)
      expect(p).toMatchObject({ parts: parts.length, version: 1500, full: true })
    }
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i))
    expect(parts.flatMap((p) => p.upserts.map((u) => u.personId))).toEqual(upserts.map((u) => u.personId))
  })

  it('sends an up-to-date roster as one empty part that carries the study hours', () => {
    const delta = { stationId: 's', fromVersion: 7, version: 7, full: false, upserts: [], removals: [] }
    const study = [{ personId: 'p-1', done: 1, dueByNow: 2, target: 32, behind: true }]
    expect(splitRosterUpdate(delta, { study, rotas: [], plans: [] }, '2026-11-27')).toEqual([
      {
        fromVersion: 7,
        version: 7,
        full: false,
        part: 0,
        parts: 1,
        upserts: [],
        removals: [],
        studyAsOf: '2026-11-27',
        study,
        rotas: [],
        plans: [],
      },
    ])
  })
})

describe('RosterSync', () => {
  function setup(version: number) {
    let now = Date.parse('2026-11-27T02:00:00Z')
    const sent: { topic: string; version: number; from: number }[] = []
    const bus: MessageBus = {
      subscribe: async () => undefined,
      publish: async (topic, payload) => {
        const u = JSON.parse(payload.toString()) as { version: number; fromVersion: number }
        sent.push({ topic, version: u.version, from: u.fromVersion })
      },
    }
    const work = {
      rosterVersion: async () => version,
      schedules: async () => [],
      plans: async () => [],
      rosterDelta: async (stationId: string, since: number) => ({
        stationId,
        fromVersion: since,
        version,
        full: false,
        upserts: [person(1)],
        removals: [],
      }),
    } as unknown as WorkStore
    const stats = { study: async () => [] } as unknown as WorkStats
    const sync = new RosterSync(
      { work, stats, bus, log: pino({ level: 'silent' }), now: () => now },
      { resendAfterMs: 60_000, studyRefreshMs: 600_000 },
    )
    const beat = async (held: string | undefined) => {
      sync.onHeartbeat('339901001001', held)
      await new Promise((r) => setTimeout(r, 10))
    }
    return { sent, beat, advance: (ms: number) => (now += ms) }
  }

  it('sends a delta once, resends it only if no heartbeat confirms it in time, and stops when confirmed', async () => {
    const t = setup(5)
    await t.beat('3')
    expect(t.sent).toEqual([{ topic: 'ejia/v1/station/339901001001/roster', version: 5, from: 3 }])
    await t.beat('3') // still in transit
    expect(t.sent).toHaveLength(1)
    t.advance(61_000)
    await t.beat('3')
    expect(t.sent).toHaveLength(2)
    await t.beat('5')
    await t.beat('5')
    expect(t.sent).toHaveLength(2)
  })

  it('leaves alone a kiosk on a roster file, and one that reports nonsense', async () => {
    const t = setup(5)
    await t.beat(undefined)
    await t.beat('v2-final')
    expect(t.sent).toEqual([])
  })

  it("sends the kiosk its rota from yesterday's version on, and the plans of yesterday to two weeks ahead", async () => {
    const published: { rotas?: { validFrom?: string }[]; plans?: { activityId: string }[] }[] = []
    const asked: { from: string; to: string }[] = []
    const rota = (validFrom?: string) => ({
      stationId: '339901001001',
      patterns: [],
      holidays: [],
      graceLateMin: 5,
      graceEarlyMin: 5,
      duplicateWithinMin: 3,
      ...(validFrom ? { validFrom } : {}),
    })
    const work = {
      rosterVersion: async () => 0,
      schedules: async () => [rota(), rota('2026-11-01'), rota('2026-12-01')],
      plans: async (q: { from: string; to: string }) => {
        asked.push(q)
        return [
          {
            activityId: 'a-25',
            stationId: '339901001001',
            kind: 'themeDay',
            title: '主题党日',
            date: '2026-11-25',
            agenda: [],
            hours: 2,
          },
        ]
      },
    } as unknown as WorkStore
    const sync = new RosterSync(
      {
        work,
        stats: { study: async () => [] } as unknown as WorkStats,
        bus: {
          subscribe: async () => undefined,
          publish: async (_t, p) => void published.push(JSON.parse(p.toString())),
        },
        log: pino({ level: 'silent' }),
        now: () => Date.parse('2026-11-27T02:00:00Z'),
      },
      { resendAfterMs: 60_000, studyRefreshMs: 600_000 },
    )
    sync.onHeartbeat('339901001001', '0')
    await new Promise((r) => setTimeout(r, 10))
    expect(asked).toEqual([{ from: '2026-11-26', to: '2026-12-11' }])
    expect(published[0]?.rotas?.map((r) => r.validFrom)).toEqual(['2026-11-01', '2026-12-01'])
    expect(published[0]?.plans?.map((p) => p.activityId)).toEqual(['a-25'])
  })
})
