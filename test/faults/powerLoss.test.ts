import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub } from '../helpers/hub.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'
import { until } from '../helpers/wait.js'
import {
  between,
  CLEAN_LEDGER,
  checkLedger,
  faultKioskConfig,
  faultRandom,
  faultRuns,
  printFigures,
  sleep,
  writeKioskConfig,
} from './faultKit.js'
import { burst, kioskStatus, newTally } from './kioskLoad.js'

const RUNS = faultRuns(6)

interface JournalLook {
  integrity: string
  rows: number
  minSeq: number | null
  maxSeq: number | null
  /** The highest seq AUTOINCREMENT ever issued (sqlite_sequence). */
  issued: number
  running: string | null
  /** Events the journal holds as stored by the hub: id → seq. */
  acked: Map<string, number>
  /** Every event: seq → id. */
  bySeq: Map<number, string>
}

/** Opens a journal as the kiosk left it, read-only, and reads what its invariants need. */
async function lookAtJournal(file: string): Promise<JournalLook> {
  const db = await openDatabaseReadOnly(file)
  try {
    const integrity = await db.all<{ integrity_check: string }[]>('PRAGMA integrity_check')
    const span = await db.get<{ rows: number; lo: number | null; hi: number | null }>(
      'SELECT count(*) AS rows, min(seq) AS lo, max(seq) AS hi FROM events',
    )
    const issued = await db.get<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'")
    const running = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'running'")
    const rows = await db.all<{ seq: number; id: string; ack_status: string | null }[]>(
      'SELECT seq, id, ack_status FROM events ORDER BY seq',
    )
    return {
      integrity: integrity.map((r) => r.integrity_check).join('; '),
      rows: span?.rows ?? 0,
      minSeq: span?.lo ?? null,
      maxSeq: span?.hi ?? null,
      issued: issued?.seq ?? 0,
      running: running?.value ?? null,
      acked: new Map(rows.filter((r) => r.ack_status === 'accepted').map((r) => [r.id, r.seq])),
      bySeq: new Map(rows.map((r) => [r.seq, r.id])),
    }
  } finally {
    await db.close()
  }
}

/**
 * Scenario 3 of the fault suite (docs/RELIABILITY.md, "Faults"): power loss, as near as a
 * test gets without pulling a plug. The kiosk agent (`ejia-edge`) is killed with SIGKILL
 * in the middle of a burst of concurrent journal appends; the journal is then opened as it
 * was left and checked, before the agent starts on it again: SQLite's integrity check, seq
 * contiguous from 1, the AUTOINCREMENT counter at the last row, every event answered 201
 * there under its seq, and every event it holds as acked in the hub's ledger.
 */
describe('faults: kill -9 in the middle of journal transactions', () => {
  it(`keeps the journal whole through ${RUNS} kills mid-burst`, {
    timeout: 40_000 + RUNS * 5000,
  }, async () => {
    const started = Date.now()
    const rand = faultRandom('powerLoss')
    const district = makeDistrict(1)
    const stationId = district.configs[0]!.station.id
    const hubDir = mkdtempSync(join(tmpdir(), 'ejia-fault-power-hub-'))
    const hub = await startTestHub(district.registry, { dataDir: hubDir })
    const ledgerFile = join(hubDir, 'hub.db')
    const dir = mkdtempSync(join(tmpdir(), 'ejia-fault-power-'))
    const config = faultKioskConfig(district.configs[0]!, hub.mqttUrl, join(dir, 'kiosk'))
    const configFile = writeKioskConfig(dir, config)
    const journalFile = join(config.dataDir, 'journal.db')
    const tally = newTally()
    const procs: Proc[] = []
    let bursts = 0
    let appendsCut = 0
    /** The seq each restart's agent.start must take: the one after the last journalled. */
    const restartSeqs: number[] = []

    const startKiosk = async () => {
      const edge = runBin('edge', 'ejia-edge', ['--config', configFile])
      procs.push(edge)
      return { edge, api: ((await edge.firstJson) as { localApi: string }).localApi }
    }
    try {
      for (let run = 0; run < RUNS; run++) {
        const { edge, api } = await startKiosk()
        // a few bursts get through whole, then one is cut short by the kill
        const whole = between(rand, 0, 2)
        for (let b = 0; b < whole; b++) {
          await burst(api, between(rand, 20, 60), tally)
          bursts++
        }
        const before = tally.inDoubt
        const last = burst(api, between(rand, 40, 80), tally)
        bursts++
        await sleep(between(rand, 3, 120))
        await kill9(edge)
        await last
        appendsCut += tally.inDoubt - before

        const look = await lookAtJournal(journalFile)
        expect(look.integrity, `run ${run}`).toBe('ok')
        expect(look.running, 'the kill left the journal marked as running').toBe('1')
        expect({ lo: look.minSeq, hi: look.maxSeq, issued: look.issued }).toEqual({
          lo: 1,
          hi: look.rows,
          issued: look.rows,
        })
        const missing = [...tally.confirmed].filter(([id, seq]) => look.bySeq.get(seq) !== id)
        expect(missing, 'events answered 201 but not in the journal under their seq').toEqual([])
        const { figures, examples } = await checkLedger(ledgerFile, [
          { stationId, lastSeq: 0, confirmed: look.acked },
        ])
        expect(figures.lost, `acked on the kiosk but not in the ledger: ${examples.join('; ')}`).toBe(0)
        restartSeqs.push(look.rows + 1)
      }

      // the last start: the journal drains to the hub and the agent stops cleanly
      const { edge, api } = await startKiosk()
      const drained = await until(
        'the kiosk to drain its journal',
        async () => {
          const s = await kioskStatus(api)
          return s.connected && s.health.backlog.depth === 0 ? s : undefined
        },
        30_000,
        100,
      )
      edge.child.kill('SIGTERM')
      expect(await edge.exited).toBe(0)
      const after = await lookAtJournal(journalFile)
      expect(after).toMatchObject({
        integrity: 'ok',
        running: '0',
        minSeq: 1,
        maxSeq: drained.health.lastSeq,
      })
      expect(after.acked.size).toBe(after.rows)

      const { figures, examples } = await checkLedger(ledgerFile, [
        { stationId, lastSeq: drained.health.lastSeq, confirmed: tally.confirmed, journalFile },
      ])
      // each restart journalled its agent.start right after the last event the kill left
      const ledger = await openDatabaseReadOnly(ledgerFile)
      const starts = await ledger.all<{ seq: number; shutdown: string }[]>(
        "SELECT seq, body ->> '$.previousShutdown' AS shutdown FROM events WHERE type = 'agent.start' ORDER BY seq",
      )
      await ledger.close()
      printFigures('powerLoss', {
        runs: RUNS,
        kills: RUNS,
        bursts,
        appendsCut,
        events: figures.events,
        confirmed: tally.confirmed.size,
        integrity: after.integrity,
        gaps: figures.gaps,
        duplicates: figures.duplicates,
        lost: figures.lost,
        ms: Date.now() - started,
      })
      expect(figures, examples.join('\n')).toEqual({
        stations: 1,
        events: drained.health.lastSeq,
        ...CLEAN_LEDGER,
      })
      expect(starts).toEqual([
        { seq: 1, shutdown: 'first' },
        ...restartSeqs.map((seq) => ({ seq, shutdown: 'unclean' })),
      ])
      expect(appendsCut, 'the kills landed while appends were in flight').toBeGreaterThan(0)
    } finally {
      for (const p of procs) await kill9(p)
      await hub.stop()
    }
  })
})
