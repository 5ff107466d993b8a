import type { Heartbeat } from '@ejia/protocol'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LEDGER_CHECK, LEDGER_CHECK_ACTOR, LedgerCheck, missingFromLedger } from './ledgerCheck.js'

const heartbeat = (lastSeq: number, depth = 0, deadLetters = 0): Heartbeat => ({
  time: '2026-11-28T01:00:00.000Z',
  bootedAt: '2026-11-28T00:00:00.000Z',
  intervalS: 30,
  lastSeq,
  backlog: { depth, oldestUnsentAt: null, oldestUnsentAgeS: null, deadLetters },
  versions: { agent: '1', protocol: '1', config: '1' },
  faults: [],
})

function setup() {
  let now = Date.parse('2026-11-28T01:00:00Z')
  const ledger = { events: 150, firstMissing: 151 }
  const issued: { stationId: string; args: unknown; by: string }[] = []
  const check = new LedgerCheck({
    storage: {
      ledgerSummary: async (stationId) =>
        stationId === 'unknown' ? undefined : { stationId, events: ledger.events, seqMax: ledger.events },
      firstMissingSeq: async () => ledger.firstMissing,
    },
    control: {
      issue: async (ids, _name, args, by) => {
        for (const stationId of ids) issued.push({ stationId, args, by })
        return []
      },
    },
    log: pino({ level: 'silent' }),
    now: () => now,
  })
  return { check, ledger, issued, advance: (ms: number) => (now += ms) }
}

describe('ledger check', () => {
  it('counts what the ledger should hold: journalled less waiting less refused', () => {
    expect(missingFromLedger(heartbeat(200, 10, 2), 188)).toBe(0)
    expect(missingFromLedger(heartbeat(200, 10, 2), 150)).toBe(38)
    // a kiosk reinstalled with a new journal: the ledger holds more than it says; nothing to ask
    expect(missingFromLedger(heartbeat(5), 150)).toBe(0)
  })

  it('asks a kiosk to send again from the first missing seq once two heartbeats agree', async () => {
    const t = setup()
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toEqual([]) // one heartbeat may race an ack
    expect(t.check.missing('s1')).toBe(50)
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toEqual([
      { stationId: 's1', args: { fromSeq: 151, skipPruned: true }, by: LEDGER_CHECK_ACTOR },
    ])
    // while the resent events drain they are backlog: not a gap, not yet complete
    await t.check.onHeartbeat('s1', heartbeat(200, 50))
    expect(t.check.missing('s1')).toBeNull()
    t.ledger.events = 200
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.check.missing('s1')).toBeNull()
    expect(t.issued).toHaveLength(1)
  })

  it('asks again less and less often when the kiosk cannot fill the gap', async () => {
    const t = setup()
    await t.check.onHeartbeat('s1', heartbeat(200))
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toHaveLength(1)
    // the kiosk resent what it had; the pruned ones never came
    await t.check.onHeartbeat('s1', heartbeat(200, 20))
    await t.check.onHeartbeat('s1', heartbeat(200))
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toHaveLength(1)
    t.advance(DEFAULT_LEDGER_CHECK.retryMs)
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toHaveLength(2)
    t.advance(DEFAULT_LEDGER_CHECK.retryMs)
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toHaveLength(2) // the wait doubled
    t.advance(DEFAULT_LEDGER_CHECK.retryMs)
    await t.check.onHeartbeat('s1', heartbeat(200))
    expect(t.issued).toHaveLength(3)
    expect(t.check.missing('s1')).toBe(50)
  })

  it('leaves stations outside the registry alone', async () => {
    const t = setup()
    await t.check.onHeartbeat('unknown', heartbeat(200))
    await t.check.onHeartbeat('unknown', heartbeat(200))
    expect(t.issued).toEqual([])
    expect(t.check.missing('unknown')).toBeNull()
  })
})
