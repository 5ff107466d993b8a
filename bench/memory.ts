/**
 * Memory of the two programs as real processes (VmRSS now and VmHWM, the peak, from /proc),
 * printed as one JSON object.
 *
 * - Edge: `ejia-edge` on a provisioned station config (face check-in on, its four ONNX
 *   models loaded at start, camera fed by the kiosk UI), with no hub to reach: idle after
 *   start, then through face work as the kiosk UI drives it over the local API (consent and
 *   enrolment of three people from three photos each, then four rounds of five check-ins by
 *   pushed camera frames, two of them strangers), with RSS after each round to see it level
 *   off. Baselines in the same run: a bare Node process, and the same agent with face
 *   check-in off, so the models' share is the difference.
 * - Hub: `ejia-hub` (embedded broker, SQLite) with a 5,000-station registry: idle, with
 *   every station connected over MQTT as itself, and after each of three rounds in which
 *   every station sends one batch and waits for its commit ack (bench/lib/stationLoad.ts);
 *   with the V8 heap's share from the hub's own /metrics. Baseline: the same hub before any
 *   station connects, and the bare Node process.
 *
 * Run: npm run bench -- memory [STATIONS]; EJIA_BENCH_HUB_ROUNDS sets the hub's rounds
 * (default 6). Target (issue 9): edge RSS with models <= 300 MB; the hub's RSS at 5,000
 * stations is reported against its idle self, with no target.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import { benchDistrict } from './lib/district.js'
import { initialAdminAuth } from './lib/hubApi.js'
import { call, startKiosk } from './lib/kiosk.js'
import { memoryOf, runBin } from './lib/procs.js'
import { StationLoad } from './lib/stationLoad.js'
import { machine, round } from './lib/stats.js'

const STATIONS = Number(process.argv[2] ?? 5000)
/** Events in each station's batch: 5,000 × 20 stays under the hub's ingest queue bound (200,000 events). */
const BATCH = 20
const SETTLE_MS = 3000
const FACE_ROUNDS = 4
/** Enough rounds for V8 to run a major GC or two: the RSS saw-tooths between them. */
const HUB_ROUNDS = Number(process.env.EJIA_BENCH_HUB_ROUNDS ?? 6)
const MB = 1000 * 1000
// the labelled photos beside the project (never copied into it); EJIA_FACES_DIR overrides
const FACES = process.env.EJIA_FACES_DIR ?? new URL('../../../shared/faces/', import.meta.url).pathname
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const mb = (m: { rss: number; peak: number }) => ({
  rssMB: Math.round(m.rss / MB),
  peakMB: Math.round(m.peak / MB),
})

/** A bare Node process that has started and does nothing: the floor every Node program pays. */
async function bareNode() {
  const child = spawn(process.execPath, ['-e', 'console.log("{}"); setInterval(() => {}, 1 << 30)'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  await new Promise((r) => child.stdout.once('data', r))
  await sleep(SETTLE_MS)
  const m = memoryOf(child.pid as number)
  child.kill('SIGTERM')
  return mb(m)
}

/** The agent with no hub, idle after start; with face on, then after face work. */
async function edge(config: StationConfig, faceWork: boolean) {
  const kiosk = await startKiosk(config, 'mqtt://127.0.0.1:1')
  try {
    await sleep(SETTLE_MS)
    const idle = mb(kiosk.proc.memory())
    const face = await call<{ enabled: boolean; modelVersion?: string; reason?: string }>(
      `${kiosk.api}/api/face`,
    )
    if (!faceWork) return { face, idle }
    if (!face.enabled) throw new Error(`face check-in is off: ${face.reason}`)
    if (!existsSync(FACES)) return { face, idle, afterFaceWork: null, note: `no photos in ${FACES}` }
    const work = await driveFace(kiosk.api, () => kiosk.proc.memory())
    await sleep(SETTLE_MS)
    return { face, idle, faceWork: work, afterFaceWork: mb(kiosk.proc.memory()) }
  } finally {
    await kiosk.proc.stop()
  }
}

/**
 * As the kiosk UI does it: consent and enrolment, then rounds of check-ins by frames pushed
 * from the camera, with the agent's memory after each round (does it level off?).
 */
async function driveFace(api: string, memory: () => { rss: number; peak: number }) {
  const photo = (person: string, n: number) => readFileSync(join(FACES, person, `${person}${n}.png`))
  const people = ['amy', 'bernadette', 'howard']
  for (const personId of people) {
    await call(`${api}/api/face/consent`, {
      body: { personId, granted: true, textVersion: '2025-1', authorisedBy: 'cadre-1' },
      expect: 201,
    })
    const images = [1, 2, 3].map((n) => photo(personId, n).toString('base64'))
    await call(`${api}/api/face/enrol`, { body: { personId, authorisedBy: 'cadre-1', images }, expect: 201 })
  }
  const outcomes: Record<string, number> = {}
  const afterRound: { rssMB: number; peakMB: number }[] = []
  let frames = 0
  for (let round = 0; round < FACE_ROUNDS; round++) {
    for (const person of [...people, 'penny', 'leonard']) {
      await call(`${api}/api/face/checkin`, { body: {} })
      for (let i = 0; ; i++) {
        const res = await fetch(`${api}/api/camera/frame`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: photo(person, 4 + (i % 2)),
        })
        if (res.status !== 202) throw new Error(`camera frame: ${res.status} ${await res.text()}`)
        frames++
        await sleep(200) // the UI pushes about 5 frames a second
        const s = await call<{ state: string }>(`${api}/api/face/checkin`)
        if (s.state !== 'looking') {
          outcomes[s.state] = (outcomes[s.state] ?? 0) + 1
          break
        }
      }
    }
    afterRound.push(mb(memory()))
  }
  return { enrolled: people.length, checkIns: outcomes, frames, afterRound }
}

async function hub(stations: number) {
  const d = benchDistrict(stations)
  const dataDir = mkdtempSync(join(tmpdir(), 'ejia-bench-hub-'))
  const proc = runBin('hub', 'ejia-hub', [
    '--data',
    dataDir,
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
    const { mqttPort, httpPort } = (await proc.ready) as { mqttPort: number; httpPort: number }
    const api = `http://127.0.0.1:${httpPort}`
    const auth = await initialAdminAuth(api, dataDir)
    // RSS, and how much of it the V8 heap holds (the hub's own Prometheus gauges)
    const sample = async () => {
      await sleep(SETTLE_MS)
      const m = proc.memory()
      const text = await (await fetch(`${api}/metrics`, { headers: auth })).text()
      const gauge = (name: string) =>
        Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / MB)
      return {
        ...mb(m),
        heapUsedMB: gauge('nodejs_heap_size_used_bytes'),
        heapTotalMB: gauge('nodejs_heap_size_total_bytes'),
        externalMB: gauge('nodejs_external_memory_bytes'),
        bytes: m.rss,
      }
    }
    const idle = await sample()
    const t0 = performance.now()
    const load = await StationLoad.connect(
      `mqtt://127.0.0.1:${mqttPort}`,
      d.configs.map((c) => ({ id: c.station.id, username: c.hub.username, password: c.hub.password ?? '' })),
    )
    const connectSeconds = (performance.now() - t0) / 1000
    const connected = await sample()
    // rounds of one batch from every station: does the hub keep growing, or level off?
    const rounds = []
    for (let r = 0; r < HUB_ROUNDS; r++) {
      const sent = await load.run({ eventsPerStation: BATCH, batchSize: BATCH, fromSeq: r * BATCH + 1 })
      const { bytes: _, ...after } = await sample()
      rounds.push({
        events: sent.events,
        seconds: sent.seconds,
        ackP99Ms: sent.ackP99Ms,
        ackTimeouts: sent.ackTimeouts,
        ...after,
      })
    }
    await load.close()
    const { bytes: idleBytes, ...idleOut } = idle
    const { bytes: connectedBytes, ...connectedOut } = connected
    return {
      stations,
      connectSeconds: round(connectSeconds, 1),
      eventsPerStationBatch: BATCH,
      idle: idleOut,
      connected: connectedOut,
      connectedPerStationKB: round((connectedBytes - idleBytes) / 1000 / stations, 1),
      afterBatchRound: rounds,
    }
  } finally {
    await proc.stop()
  }
}

const bare = await bareNode()
const provisioned = benchDistrict(1).configs[0] as StationConfig
const faceOff = await edge({ ...provisioned, face: { ...provisioned.face, enabled: false } }, false)
const faceOn = await edge(provisioned, true)
const hubAt = await hub(STATIONS)

const hubPeak = Math.max(...hubAt.afterBatchRound.map((r) => r.peakMB))
const faceOnAfter = 'afterFaceWork' in faceOn && faceOn.afterFaceWork ? faceOn.afterFaceWork : faceOn.idle
const edgeWorst = Math.max(faceOn.idle.peakMB, faceOnAfter.peakMB)
console.log(
  JSON.stringify(
    {
      bench: 'memory',
      machine: await machine(),
      unit: 'MB (10^6 bytes); rss is VmRSS now, peak is VmHWM',
      bareNode: bare,
      edge: {
        faceOff: faceOff.idle,
        faceOn,
        modelsShareMB: faceOn.idle.rssMB - faceOff.idle.rssMB,
        ratioToBareNode: round(faceOnAfter.rssMB / bare.rssMB, 2),
      },
      hub: {
        ...hubAt,
        peakMB: hubPeak,
        // what stays live: the V8 heap right after a round that a major GC cleaned up
        lowestHeapUsedAfterRoundMB: Math.min(...hubAt.afterBatchRound.map((r) => r.heapUsedMB)),
        peakRatioToIdle: round(hubPeak / hubAt.idle.rssMB, 2),
        peakRatioToBareNode: round(hubPeak / bare.rssMB, 2),
      },
      targets: {
        edgeRssMB: 300,
        met: { edgeRss: faceOnAfter.rssMB <= 300, edgePeak: edgeWorst <= 300 },
      },
    },
    null,
    2,
  ),
)
