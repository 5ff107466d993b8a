import { setMaxListeners } from 'node:events'
import { dirname, join } from 'node:path'
import { isPlainUrl, loadRegistry, loadStationConfig, STATIONS_DIR } from '@ejia/firmware-config'
import type { Logger } from 'pino'
import { SimStation, stationDataDir } from './simStation.js'

export interface FleetOptions {
  /** The hub's broker; a plain mqtt:// one is allowed for the fleet's kiosks (`hub.allowPlain`). */
  hubUrl: string
  registryFile: string
  /** Where the provisioned station configs are; defaults to `stations/` beside the registry. */
  configsDir?: string
  dataDir: string
  stations: number
  /** Skip this many stations of the registry first, to split a district across processes. */
  offset?: number
  eventsPerStation: number
  ratePerStation: number
  heartbeatIntervalS?: number
  /** After every event is acknowledged, keep the kiosks connected until the signal. */
  keepRunning?: boolean
  log: Logger
  signal: AbortSignal
  onProgress?: (p: FleetProgress) => void
}

export interface FleetProgress {
  stations: number
  settled: number
  generated: number
}

export interface FleetSummary {
  stations: number
  eventsPerStation: number
  ledgerEventsExpected: number
  generatedThisRun: number
  ackedThisRun: number
  batchesSent: number
  ackTimeouts: number
  durationS: number
  eventsPerSecond: number
  interrupted: boolean
}

const START_CONCURRENCY = 25
const SETTLE_POLL_MS = 500

/**
 * Runs N simulated kiosks against a hub until every station's journal holds K events
 * and the hub has acknowledged all of them.
 */
export async function runFleet(opts: FleetOptions): Promise<FleetSummary> {
  const startedAt = Date.now()
  const registry = loadRegistry(opts.registryFile)
  const offset = opts.offset ?? 0
  const chosen = registry.stations.slice(offset, offset + opts.stations)
  if (chosen.length < opts.stations) {
    throw new Error(
      `the registry has ${registry.stations.length} stations; cannot run ${opts.stations} from ${offset}`,
    )
  }
  const configsDir = opts.configsDir ?? join(dirname(opts.registryFile), STATIONS_DIR)
  const sims = chosen.map((s) => {
    const config = loadStationConfig(join(configsDir, `${s.id}.json`))
    config.hub.mqttUrl = opts.hubUrl
    // a simulated fleet is a lab tool: the plain --hub it is given is its lab setting (issue 10)
    if (isPlainUrl(opts.hubUrl)) config.hub.allowPlain = true
    config.dataDir = stationDataDir(opts.dataDir, s.id)
    // simulated kiosks have no camera: no face models to load, hundreds of times over
    config.face.enabled = false
    config.camera = { type: 'none', fps: config.camera.fps }
    if (opts.heartbeatIntervalS) config.uplink.heartbeatIntervalS = opts.heartbeatIntervalS
    return new SimStation({
      config,
      eventsPerStation: opts.eventsPerStation,
      ratePerSecond: opts.ratePerStation,
      log: opts.log.child({ station: s.id }),
      signal: opts.signal,
    })
  })

  // every station waits on the same stop signal: that many listeners is by design
  setMaxListeners(sims.length + 10, opts.signal)
  for (let i = 0; i < sims.length; i += START_CONCURRENCY) {
    await Promise.all(sims.slice(i, i + START_CONCURRENCY).map((s) => s.start()))
  }
  const generating = Promise.all(sims.map((s) => s.generate()))

  // a settled station stays settled (it has produced all its events), so stop asking it
  const settled = new Set<SimStation>()
  while (!opts.signal.aborted) {
    const pending = sims.filter((s) => !settled.has(s))
    const done = await Promise.all(pending.map((s) => s.settled()))
    pending.forEach((s, i) => {
      if (done[i]) settled.add(s)
    })
    opts.onProgress?.({
      stations: sims.length,
      settled: settled.size,
      generated: sims.reduce((n, s) => n + s.generated, 0),
    })
    if (settled.size === sims.length) break
    await new Promise((r) => setTimeout(r, SETTLE_POLL_MS))
  }
  await generating
  const stats = await Promise.all(sims.map((s) => s.stats()))
  const durationS = (Date.now() - startedAt) / 1000
  const generatedThisRun = sims.reduce((n, s) => n + s.generated, 0)
  const summary: FleetSummary = {
    stations: sims.length,
    eventsPerStation: opts.eventsPerStation,
    ledgerEventsExpected: sims.length * opts.eventsPerStation,
    generatedThisRun,
    ackedThisRun: stats.reduce((n, s) => n + s.eventsAcked, 0),
    batchesSent: stats.reduce((n, s) => n + s.batchesSent, 0),
    ackTimeouts: stats.reduce((n, s) => n + s.ackTimeouts, 0),
    durationS: Math.round(durationS * 10) / 10,
    eventsPerSecond: Math.round(generatedThisRun / durationS),
    interrupted: opts.signal.aborted,
  }
  if (opts.keepRunning && !opts.signal.aborted) {
    await new Promise((resolve) => opts.signal.addEventListener('abort', resolve))
  }
  await Promise.all(sims.map((s) => s.stop()))
  return summary
}
