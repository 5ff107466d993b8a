/**
 * Edge drain: one kiosk comes back online with a long backlog, printed as one JSON object.
 *
 * Real parts, each in a process of its own: an `ejia-edge` agent on a provisioned station
 * config as `ejia-config provision` writes it (uplink knobs at their defaults: 100 events a
 * batch, 4 batches in flight, reconnect every 2 s; face check-in on), and an `ejia-hub`
 * with its embedded broker and SQLite ledger.
 *
 * 1. The hub is down. The backlog is recorded through the kiosk's local API, as the kiosk
 *    UI and readers record sign-ins (POST /api/events, answered once the event is on disk),
 *    16 requests at a time so that filling takes about a minute rather than days.
 * 2. The hub starts on the port the kiosk's config names. Drain rate: the backlog's events
 *    over the time from the kiosk reporting itself connected (GET /api/status, polled) to
 *    the kiosk's journal marking the last backlog event acknowledged (`acked_at`, set by the
 *    agent when the hub's commit ack names it). The hub's ledger must then hold every event
 *    once (GET /api/stations/<id>, as an operator).
 * 3. Meanwhile a live sign-in every 250 ms, as a queue at the kiosk would make: its ack
 *    latency is from the POST to the `acked_at` the journal gives it (the outbox's live
 *    lane, app/outboxSync.ts and domain/batchPlan.ts, gives live events half of each batch).
 *
 * Baseline, in the same run: the same backlog moved by the same storage adapters with
 * nothing between them, one batch of `batchMaxEvents` at a time in this process: the
 * journal's `pending` read, the hub's `SqliteStorage.commitEvents` (one transaction, synced),
 * and the journal's `markAcked` (synced). Every drained batch costs at least those three
 * disk steps, so the ratio says how much of the drain time MQTT, JSON, validation and
 * scheduling add on top of the disk work both ends must do (a ratio above 1 means the two
 * processes overlap their disk work, which the window of 4 batches allows).
 *
 * Run: npm run bench -- edge-drain. EJIA_BENCH_BACKLOG changes the backlog (default 100,000);
 * EJIA_BENCH_UPLINK='{"maxInFlightBatches":8}' overrides uplink knobs, to see what limits the drain.
 * Targets (issue 9): >= 2,000 events/s to the hub; live events acked within 2 s while draining.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteJournal } from '@ejia/edge'
import { SqliteStorage, syncRegistry } from '@ejia/hub'
import { openDatabaseReadOnly } from '@ejia/platform'
import { cpuSecondsOf } from './lib/cpu.js'
import { benchDistrict } from './lib/district.js'
import { initialAdminAuth } from './lib/hubApi.js'
import { type BenchKiosk, call, startKiosk } from './lib/kiosk.js'
import { freePort } from './lib/net.js'
import { type BenchProc, runBin } from './lib/procs.js'
import { machine, percentile, round } from './lib/stats.js'

const BACKLOG = Number(process.env.EJIA_BENCH_BACKLOG ?? 100_000)
const FILL_CONCURRENCY = 16
const LIVE_EVERY_MS = 250
const STATUS_EVERY_MS = 250
const MiB = 1024 * 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Status {
  connected: boolean
  health: { lastSeq: number; backlog: { depth: number } }
  outbox: { batchesSent: number; eventsAcked: number; ackTimeouts: number }
}

const d = benchDistrict(1)
const provisioned = d.configs[0]
if (!provisioned) throw new Error('no station provisioned')
const config = {
  ...provisioned,
  uplink: { ...provisioned.uplink, ...JSON.parse(process.env.EJIA_BENCH_UPLINK ?? '{}') },
}
const stationId = config.station.id

const status = (kiosk: BenchKiosk) => call<Status>(`${kiosk.api}/api/status`)
const record = (kiosk: BenchKiosk, i: number) =>
  call<{ id: string; seq: number }>(`${kiosk.api}/api/events`, {
    body: { type: 'checkin', body: { personId: `p-${i % 500}`, method: 'card' } },
    expect: 201,
  })
const journalOf = (kiosk: BenchKiosk) => openDatabaseReadOnly(join(kiosk.dataDir, 'journal.db'))

/** The backlog, recorded through the local API while the hub is down. */
async function fillBacklog(kiosk: BenchKiosk) {
  let posted = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async () => {
      while (posted < BACKLOG) await record(kiosk, posted++)
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const offline = await status(kiosk)
  // agent.start is journalled first
  if (offline.connected || offline.health.backlog.depth !== BACKLOG + 1)
    throw new Error(`expected ${BACKLOG + 1} events waiting offline: ${JSON.stringify(offline)}`)
  return { events: offline.health.backlog.depth, lastSeq: offline.health.lastSeq, seconds }
}

/** A copy of the journal as it stands, for the baseline (VACUUM INTO reads a live WAL database consistently). */
async function snapshotJournal(kiosk: BenchKiosk): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'ejia-bench-drain-')), 'journal.db')
  const db = await journalOf(kiosk)
  await db.exec(`VACUUM INTO '${file}'`)
  await db.close()
  return file
}

/**
 * From the kiosk connecting to its last backlog event acked, with a live sign-in every
 * 250 ms meanwhile; the ack times from the kiosk's own journal.
 */
async function drain(kiosk: BenchKiosk, hub: BenchProc, hubStarted: number, lastBacklogSeq: number) {
  while (!(await status(kiosk)).connected) await sleep(20)
  const connectedAt = Date.now()
  const connectedAfterHubStartS = (performance.now() - hubStarted) / 1000
  const pids = { edge: kiosk.proc.child.pid as number, hub: hub.child.pid as number }
  const cpu0 = { edge: cpuSecondsOf(pids.edge), hub: cpuSecondsOf(pids.hub) }

  const live: { id: string; seq: number; postedAt: number; postMs: number }[] = []
  let draining = true
  const liveLoop = (async () => {
    for (let i = 0; draining; i++) {
      await sleep(LIVE_EVERY_MS)
      if (!draining) break
      const postedAt = Date.now()
      const t0 = performance.now()
      const r = await record(kiosk, 1_000_000 + i)
      live.push({ id: r.id, seq: r.seq, postedAt, postMs: performance.now() - t0 })
    }
  })()
  // the kiosk's depth counts live events too, and one may always be in flight when it is
  // asked: the backlog is drained when the journal holds no unacknowledged event up to its seq
  const watch = await journalOf(kiosk)
  const depth: { s: number; depth: number }[] = []
  try {
    for (;;) {
      const s = await status(kiosk)
      depth.push({ s: round((Date.now() - connectedAt) / 1000, 1), depth: s.health.backlog.depth })
      if (!s.connected) throw new Error('the kiosk lost the hub while draining')
      const left = await watch.get<{ n: number }>(
        'SELECT count(*) AS n FROM events WHERE acked_at IS NULL AND seq <= ?',
        lastBacklogSeq,
      )
      if (left?.n === 0) break
      await sleep(STATUS_EVERY_MS)
    }
  } finally {
    draining = false
    await watch.close()
  }
  const watchedS = (Date.now() - connectedAt) / 1000
  await liveLoop
  const cpu = { edge: cpuSecondsOf(pids.edge) - cpu0.edge, hub: cpuSecondsOf(pids.hub) - cpu0.hub }
  // then the kiosk's own word for it: nothing left to send
  while ((await status(kiosk)).health.backlog.depth > 0) await sleep(50)
  const memory = { edge: kiosk.proc.memory(), hub: hub.memory() }

  const journal = await journalOf(kiosk)
  const end = await journal.get<{ at: number; pending: number }>(
    'SELECT max(acked_at) AS at, count(*) FILTER (WHERE acked_at IS NULL) AS pending FROM events WHERE seq <= ?',
    lastBacklogSeq,
  )
  const ackedAt = new Map(
    (
      await journal.all<{ id: string; acked_at: number }[]>(
        'SELECT id, acked_at FROM events WHERE id IN (SELECT value FROM json_each(?))',
        JSON.stringify(live.map((l) => l.id)),
      )
    ).map((r) => [r.id, r.acked_at]),
  )
  await journal.close()
  if (!end?.at || end.pending !== 0) throw new Error(`backlog not acked: ${JSON.stringify(end)}`)
  const ackMs = live.map((l) => (ackedAt.get(l.id) as number) - l.postedAt)
  const postMs = live.map((l) => l.postMs)
  return {
    connectedAfterHubStartS: round(connectedAfterHubStartS, 2),
    seconds: (end.at - connectedAt) / 1000,
    cpuSeconds: { edge: round(cpu.edge, 1), hub: round(cpu.hub, 1) },
    cpuShareOfOneCore: { edge: round(cpu.edge / watchedS, 2), hub: round(cpu.hub / watchedS, 2) },
    peakRssMiB: { edge: Math.round(memory.edge.peak / MiB), hub: Math.round(memory.hub.peak / MiB) },
    depthEvery5s: depth.filter((_, i) => i % Math.round(5000 / STATUS_EVERY_MS) === 0),
    live: {
      everyMs: LIVE_EVERY_MS,
      events: live.length,
      inBacklogLane: live.filter((l) => l.seq <= lastBacklogSeq).length,
      ackMs: {
        p50: round(percentile(ackMs, 0.5), 1),
        p99: round(percentile(ackMs, 0.99), 1),
        max: round(Math.max(...ackMs), 1),
      },
      recordMs: { p50: round(percentile(postMs, 0.5), 1), max: round(Math.max(...postMs), 1) },
    },
  }
}

/** The hub's side: the station's ledger as an operator sees it, and how the group commit batched. */
async function hubSide(api: string, dataDir: string) {
  const auth = await initialAdminAuth(api, dataDir)
  const { ledger } = await call<{ ledger: { events: number; seqMax: number; missing: number } }>(
    `${api}/api/stations/${stationId}`,
    { headers: auth },
  )
  const { ingest } = await call<{
    ingest: { commits: number; eventsCommitted: number; largestCommit: number }
  }>(`${api}/api/health`)
  const metrics = await (await fetch(`${api}/metrics`, { headers: auth })).text()
  const metric = (name: string) =>
    Number(new RegExp(`^${name}\\{outcome="ok"\\} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN)
  const commitSeconds = metric('ejia_ingest_commit_duration_seconds_sum')
  return {
    ledger,
    commits: ingest.commits,
    eventsPerCommit: round(ingest.eventsCommitted / Math.max(1, ingest.commits), 1),
    largestCommit: ingest.largestCommit,
    commitMsMean: round((commitSeconds * 1000) / metric('ejia_ingest_commit_duration_seconds_count'), 1),
    commitSeconds,
  }
}

/** The whole run with real processes, stopped whatever happens. */
async function measure() {
  const mqttPort = await freePort()
  const kiosk = await startKiosk(config, `mqtt://127.0.0.1:${mqttPort}`)
  const hubData = mkdtempSync(join(tmpdir(), 'ejia-bench-hub-'))
  let hub: BenchProc | undefined
  try {
    const backlog = await fillBacklog(kiosk)
    const snapshot = await snapshotJournal(kiosk)
    // the hub comes up on the port the kiosk's config names
    const hubStarted = performance.now()
    hub = runBin('hub', 'ejia-hub', [
      '--data',
      hubData,
      '--registry',
      d.registryFile,
      '--lab',
      '--host',
      '127.0.0.1',
      '--mqtt-port',
      String(mqttPort),
      '--http-port',
      '0',
    ])
    const { httpPort } = (await hub.ready) as { httpPort: number }
    const drained = await drain(kiosk, hub, hubStarted, backlog.lastSeq)
    const final = await status(kiosk)
    const hubEnd = await hubSide(`http://127.0.0.1:${httpPort}`, hubData)
    return { backlog, snapshot, drained, final, hubEnd }
  } finally {
    await kiosk.proc.stop()
    await hub?.stop()
  }
}

const { backlog, snapshot, drained, final, hubEnd } = await measure()
const baseline = await storageOnly(snapshot, config.uplink.batchMaxEvents)
const drainPerS = backlog.events / drained.seconds
const { live, ...drainRest } = drained
console.log(
  JSON.stringify(
    {
      bench: 'edge-drain',
      machine: await machine(),
      uplink: config.uplink,
      backlog: {
        events: backlog.events,
        recordedThroughLocalApi: BACKLOG,
        fillConcurrency: FILL_CONCURRENCY,
        fillSeconds: round(backlog.seconds, 1),
        recordPerS: Math.round(BACKLOG / backlog.seconds),
      },
      drain: {
        ...drainRest,
        seconds: round(drained.seconds, 2),
        eventsPerS: Math.round(drainPerS),
        batchesSent: final.outbox.batchesSent,
        ackTimeouts: final.outbox.ackTimeouts,
        hubCommits: hubEnd.commits,
        hubEventsPerCommit: hubEnd.eventsPerCommit,
        hubLargestCommit: hubEnd.largestCommit,
        hubCommitMsMean: hubEnd.commitMsMean,
        hubCommitBusyShare: round(hubEnd.commitSeconds / drained.seconds, 2),
      },
      live,
      hubLedger: { ...hubEnd.ledger, expected: final.health.lastSeq },
      baseline,
      ratioToStorageOnly: round(drainPerS / baseline.eventsPerS, 3),
      targets: {
        eventsPerS: 2000,
        liveAckMaxMs: 2000,
        met: {
          eventsPerS: drainPerS >= 2000,
          liveAckWithin2s: live.ackMs.max <= 2000,
          ledgerComplete: hubEnd.ledger.events === final.health.lastSeq && hubEnd.ledger.missing === 0,
        },
      },
    },
    null,
    2,
  ),
)

/**
 * The baseline: the same events through the same adapters, no MQTT and no second process,
 * one batch at a time: journal read, ledger commit, journal ack.
 */
async function storageOnly(journalFile: string, batch: number) {
  const journal = await SqliteJournal.open(journalFile, stationId)
  const storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-bench-raw-')), 'hub.db'))
  await syncRegistry(storage, d.registry)
  const ms = { read: 0, commit: 0, ack: 0 }
  let events = 0
  let after = 0
  const started = performance.now()
  for (;;) {
    const t0 = performance.now()
    const page = await journal.pending({ afterSeq: after, limit: batch })
    if (page.length === 0) break
    const t1 = performance.now()
    await storage.commitEvents(page.map((e) => ({ ...e, receivedAt: Date.now() })))
    const t2 = performance.now()
    await journal.markAcked(
      page.map((e) => e.id),
      Date.now(),
    )
    const t3 = performance.now()
    ms.read += t1 - t0
    ms.commit += t2 - t1
    ms.ack += t3 - t2
    events += page.length
    after = (page.at(-1) as { seq: number }).seq
  }
  const seconds = (performance.now() - started) / 1000
  await journal.close()
  await storage.close()
  const batches = Math.ceil(events / batch)
  return {
    what: 'journal.pending + SqliteStorage.commitEvents + journal.markAcked, one batch at a time, in-process',
    events,
    seconds: round(seconds, 2),
    eventsPerS: Math.round(events / seconds),
    msPerBatch: {
      journalRead: round(ms.read / batches),
      hubCommit: round(ms.commit / batches),
      journalAck: round(ms.ack / batches),
    },
  }
}
