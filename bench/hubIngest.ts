/**
 * Hub ingest: events per second committed and acked, and publish-to-ack latency, at 500
 * and 5,000 simulated stations, in three configurations measured in the same run:
 *
 * - `embeddedSqlite`: one `ejia-hub` process, its aedes broker and its SQLite ledger;
 *   `embeddedSqliteSigned` the same with every event hash-chained and signed as a kiosk's
 *   journal does (issue 10), reported also as a ratio to the unsigned run;
 * - `mosquittoPostgres`: Mosquitto (dynamic-security config from the registry), two
 *   `ejia-hub --broker external` ingest workers and PostgreSQL (docs/SCALING.md);
 * - `raw*`: the limit, the same number of rows batch-inserted straight into each store
 *   through its Storage adapter (commitEvents, 5,000 events a transaction), no MQTT.
 *
 * Each configuration is reported as a ratio to the raw limit of its own store.
 * Run: npm run bench -- hub-ingest [500,5000]. Targets (issue 9): >= 10,000 events/s with
 * SQLite, >= 60 % of the raw insert limit. Needs `npm run build`, Mosquitto and PostgreSQL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MOSQUITTO_EJIA_SETTINGS, mosquittoDynsec, readExistingSecrets } from '@ejia/firmware-config'
import { type LedgerEvent, PgStorage, SqliteStorage, type Storage, syncRegistry } from '@ejia/hub'
import { v7 as uuidv7 } from 'uuid'
import { type BenchDistrict, benchDistrict } from './lib/district.js'
import { startMosquitto } from './lib/mosquitto.js'
import { tempDatabase } from './lib/postgres.js'
import { runBin } from './lib/procs.js'
import { type LoadResult, StationLoad } from './lib/stationLoad.js'
import { machine, round } from './lib/stats.js'

const TOTAL_EVENTS = Number(process.env.EJIA_BENCH_EVENTS ?? 100_000)
const sizes = (process.argv[2] ?? '500,5000').split(',').map(Number)
const MiB = 1024 * 1024

function shape(stations: number): { eventsPerStation: number; batchSize: number } {
  const eventsPerStation = Math.max(10, Math.round(TOTAL_EVENTS / stations))
  return { eventsPerStation, batchSize: Math.min(50, eventsPerStation) }
}

const loginsOf = (d: BenchDistrict) =>
  d.configs.map((c) => ({ id: c.station.id, username: c.hub.username, password: c.hub.password ?? '' }))

/** Warm the path (JIT, the first SQLite pages), then the measured run. */
async function drive(url: string, d: BenchDistrict, signed = false): Promise<LoadResult> {
  const load = await StationLoad.connect(url, loginsOf(d))
  try {
    const { eventsPerStation, batchSize } = shape(d.configs.length)
    await load.run({ eventsPerStation: batchSize, batchSize, signed })
    return await load.run({ eventsPerStation, batchSize, fromSeq: batchSize + 1, signed })
  } finally {
    await load.close()
  }
}

async function embeddedSqlite(d: BenchDistrict, signed = false) {
  const hub = runBin('hub', 'ejia-hub', [
    '--data',
    mkdtempSync(join(tmpdir(), 'ejia-bench-hub-')),
    '--registry',
    d.registryFile,
    '--lab',
    '--host',
    '127.0.0.1',
    '--mqtt-port',
    '0',
    '--http-port',
    '0',
  ])
  try {
    const { mqttPort } = (await hub.ready) as { mqttPort: number }
    const result = await drive(`mqtt://127.0.0.1:${mqttPort}`, d, signed)
    return { ...result, hubPeakRssMiB: Math.round(hub.memory().peak / MiB) }
  } finally {
    await hub.stop()
  }
}

async function mosquittoPostgres(d: BenchDistrict) {
  const account = { username: 'ejia-hub', password: 'bench-hub-password-0123456789abcdef' }
  const broker = await startMosquitto({
    settings: MOSQUITTO_EJIA_SETTINGS,
    dynsec: mosquittoDynsec(d.registry, readExistingSecrets(d.dir), account),
  })
  const db = await tempDatabase()
  const passwordFile = join(mkdtempSync(join(tmpdir(), 'ejia-bench-')), 'hub.password')
  writeFileSync(passwordFile, account.password, { mode: 0o600 })
  const workers = ['w1', 'w2'].map((name) =>
    runBin('hub', 'ejia-hub', [
      '--broker',
      'external',
      '--mqtt-url',
      broker.url,
      '--mqtt-username',
      account.username,
      '--mqtt-password-file',
      passwordFile,
      '--store',
      db.url,
      '--registry',
      d.registryFile,
      '--client-id',
      `ejia-bench-${name}`,
    ]),
  )
  try {
    for (const w of workers) await w.ready
    const result = await drive(broker.url, d)
    return {
      ...result,
      workerPeakRssMiB: workers.map((w) => Math.round(w.memory().peak / MiB)),
    }
  } finally {
    for (const w of workers) await w.stop()
    await broker.stop()
    await db.drop()
  }
}

/** The same rows, straight into the store: what the MQTT path is measured against. */
async function raw(d: BenchDistrict, open: () => Promise<Storage>) {
  const storage = await open()
  try {
    await syncRegistry(storage, d.registry)
    const { eventsPerStation } = shape(d.configs.length)
    const rows: LedgerEvent[] = []
    const now = Date.now()
    for (let seq = 1; seq <= eventsPerStation; seq++)
      for (const c of d.configs)
        rows.push({
          id: uuidv7(),
          stationId: c.station.id,
          seq,
          time: new Date(now).toISOString(),
          type: 'checkin',
          body: { personId: `${c.station.id}-p${seq % 40}`, method: 'card' },
          receivedAt: now,
        } as LedgerEvent)
    const started = performance.now()
    for (let i = 0; i < rows.length; i += 5000) await storage.commitEvents(rows.slice(i, i + 5000))
    const seconds = (performance.now() - started) / 1000
    return { events: rows.length, seconds: round(seconds, 2), eventsPerS: Math.round(rows.length / seconds) }
  } finally {
    await storage.close()
  }
}

const results: Record<string, unknown> = {}
for (const n of sizes) {
  const d = benchDistrict(n)
  const rawSqlite = await raw(d, () =>
    SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-bench-raw-')), 'hub.db')),
  )
  const db = await tempDatabase()
  const rawPostgres = await raw(d, () => PgStorage.open(db.url)).finally(() => db.drop())
  const embedded = await embeddedSqlite(d)
  const signed = await embeddedSqlite(d, true)
  const scaled = await mosquittoPostgres(d)
  results[String(n)] = {
    ...shape(n),
    embeddedSqlite: { ...embedded, ratioToRaw: round(embedded.eventsPerS / rawSqlite.eventsPerS, 3) },
    embeddedSqliteSigned: {
      ...signed,
      ratioToRaw: round(signed.eventsPerS / rawSqlite.eventsPerS, 3),
      ratioToUnsigned: round(signed.eventsPerS / embedded.eventsPerS, 3),
    },
    mosquittoPostgres: { ...scaled, ratioToRaw: round(scaled.eventsPerS / rawPostgres.eventsPerS, 3) },
    rawSqlite,
    rawPostgres,
  }
}
console.log(
  JSON.stringify(
    {
      bench: 'hub-ingest',
      machine: await machine(),
      targets: { sqliteEventsPerS: 10_000, ratioToRaw: 0.6 },
      results,
    },
    null,
    2,
  ),
)
