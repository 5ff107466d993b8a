import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import { openDatabaseReadOnly, seededRandom } from '@ejia/platform'
import { seedOf } from '@ejia/simulators'

/**
 * The fault suite's size: each scenario runs its CI number of rounds (kills, partitions,
 * bursts) unless EJIA_FAULT_RUNS asks for more (`EJIA_FAULT_RUNS=50 npm run test:faults`).
 * EJIA_FAULT_SEED picks the moments; a failing run is repeated with the seed it printed.
 */
export function faultRuns(ci: number): number {
  const n = Number(process.env.EJIA_FAULT_RUNS)
  return Number.isInteger(n) && n > 0 ? n : ci
}

export const FAULT_SEED = (() => {
  const n = Number(process.env.EJIA_FAULT_SEED)
  return Number.isInteger(n) && n >= 0 ? n : 10
})()

/** A random source per scenario, the same for the same seed: `rand()` in [0, 1). */
export function faultRandom(scenario: string): () => number {
  return seededRandom(seedOf(`${scenario}:${FAULT_SEED}`))
}

/** A uniform integer in [lo, hi]. */
export const between = (rand: () => number, lo: number, hi: number): number =>
  lo + Math.floor(rand() * (hi - lo + 1))

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** What one kiosk told us about its events, to hold the ledger against. */
export interface KioskAccount {
  stationId: string
  /** The kiosk's last sequence number (its journal's, after the drain). */
  lastSeq: number
  /** Events the kiosk answered "recorded" for (HTTP 201, or `record` resolved): id → seq. */
  confirmed: ReadonlyMap<string, number>
  /** The kiosk's journal, to compare row by row with the ledger. */
  journalFile?: string
}

export interface LedgerFigures {
  stations: number
  /** Rows in the ledger for these stations. */
  events: number
  /** Sequence numbers of 1..N (N the kiosk's last) the ledger lacks. */
  gaps: number
  /** Rows beyond one per (station, seq), or per (station, event id). */
  duplicates: number
  /** Confirmed events missing from the ledger, or stored under another seq. */
  lost: number
  /** Journal rows whose event the ledger holds under another id or seq. */
  mismatched: number
  /** Ledger rows without the station's signature: every kiosk here signs its journal. */
  unsigned: number
  /**
   * Integrity findings against these stations but a key pinned and a back-dated event (a
   * clock set back is one): a kill or a cut must never look like tampering.
   */
  tampered: number
}

/** What every scenario's ledger must show: nothing missing, twice, lost, moved, unsigned or tampered with. */
export const CLEAN_LEDGER = {
  gaps: 0,
  duplicates: 0,
  lost: 0,
  mismatched: 0,
  unsigned: 0,
  tampered: 0,
} as const

/**
 * The check every fault scenario ends with, read straight from the hub's SQLite ledger:
 * per station, sequence numbers exactly 1..N with N the kiosk's last, no gap, no
 * duplicate, every confirmed event stored under the seq the kiosk gave it, and the
 * journal and the ledger agreeing row by row. `examples` names the first problems found.
 */
export async function checkLedger(
  hubDb: string,
  kiosks: readonly KioskAccount[],
): Promise<{ figures: LedgerFigures; examples: string[] }> {
  const ledger = await openDatabaseReadOnly(hubDb)
  const figures: LedgerFigures = { stations: kiosks.length, events: 0, ...CLEAN_LEDGER }
  const examples: string[] = []
  const note = (problem: string) => {
    if (examples.length < 10) examples.push(problem)
  }
  try {
    for (const k of kiosks) {
      const rows = await ledger.all<{ seq: number; event_id: string; sig: string | null }[]>(
        'SELECT seq, event_id, sig FROM events WHERE station_id = ? ORDER BY seq',
        k.stationId,
      )
      figures.events += rows.length
      figures.unsigned += rows.filter((r) => r.sig === null).length
      const findings = await ledger.all<{ kind: string; seq: number | null; detail: string }[]>(
        "SELECT kind, seq, detail FROM integrity_findings WHERE station_id = ? AND kind NOT IN ('keyPinned', 'backdated')",
        k.stationId,
      )
      figures.tampered += findings.length
      for (const f of findings) note(`${k.stationId}: ${f.kind} at seq ${f.seq}: ${f.detail}`)
      const bySeq = new Map<number, string>()
      const ids = new Set<string>()
      for (const r of rows) {
        if (bySeq.has(r.seq) || ids.has(r.event_id)) {
          figures.duplicates++
          note(`${k.stationId}: seq ${r.seq} / ${r.event_id} twice`)
        }
        bySeq.set(r.seq, r.event_id)
        ids.add(r.event_id)
      }
      const top = Math.max(k.lastSeq, rows.at(-1)?.seq ?? 0)
      for (let seq = 1; seq <= top; seq++) {
        if (bySeq.has(seq)) continue
        figures.gaps++
        note(`${k.stationId}: seq ${seq} missing from the ledger`)
      }
      for (const [id, seq] of k.confirmed) {
        if (bySeq.get(seq) === id) continue
        figures.lost++
        const held = bySeq.get(seq) ?? 'nothing'
        note(`${k.stationId}: confirmed ${id} as seq ${seq}; the ledger holds ${held} there`)
      }
      if (k.journalFile) figures.mismatched += await journalAgainstLedger(k.journalFile, bySeq)
    }
  } finally {
    await ledger.close()
  }
  return { figures, examples }
}

async function journalAgainstLedger(file: string, bySeq: ReadonlyMap<number, string>): Promise<number> {
  const journal = await openDatabaseReadOnly(file)
  try {
    const rows = await journal.all<{ seq: number; id: string }[]>('SELECT seq, id FROM events')
    return rows.filter((r) => bySeq.get(r.seq) !== r.id).length
  } finally {
    await journal.close()
  }
}

/** The suite's one line of figures per scenario, for CI logs and docs/RELIABILITY.md. */
export function printFigures(scenario: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ faults: scenario, seed: FAULT_SEED, ...figures }))
}

/**
 * A kiosk config for fault runs: no camera or face models, the local API on an ephemeral
 * port, and short uplink timings so reconnects and resends happen within a test.
 */
export function faultKioskConfig(base: StationConfig, hubUrl: string, dataDir: string): StationConfig {
  const config = structuredClone(base)
  config.hub.mqttUrl = hubUrl
  config.dataDir = dataDir
  config.localApi.port = 0
  config.face.enabled = false
  config.camera = { type: 'none', fps: config.camera.fps }
  config.uplink.reconnectPeriodS = 0.2
  config.uplink.heartbeatIntervalS = 1
  config.uplink.ackTimeoutS = 2
  config.uplink.batchMaxEvents = 50
  return config
}

/** Writes a config for `ejia-edge --config`; returns the file. */
export function writeKioskConfig(dir: string, config: StationConfig): string {
  const file = join(dir, 'station.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

/** A check-in the local API takes, of one of a few people. */
export function checkinBody(n: number): { type: 'checkin'; body: { personId: string; method: 'card' } } {
  return { type: 'checkin', body: { personId: `fault-p${n % 40}`, method: 'card' } }
}
