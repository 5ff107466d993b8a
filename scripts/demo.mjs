#!/usr/bin/env node
// `npm run demo`: the whole system on one machine, on embedded defaults. It provisions the
// sample district (青山区, 15 towns, 517 stations), starts the hub with its embedded broker,
// one real kiosk agent serving the kiosk UI, and 516 simulated kiosks producing a working
// day, then prints where to look. Ctrl-C stops everything; data stays in .demo/.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'

const root = new URL('..', import.meta.url).pathname
const demo = `${root}.demo`
const children = []

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts })
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed`)
    process.exit(1)
  }
}

/** The preferred port if it is free, else any free port: 1883 and 8080 are often taken. */
function portOr(preferred) {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(0))
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)))
  })
}

/** Starts a CLI of this repo and resolves with the JSON line it prints once ready. */
function start(name, bin, args, env = {}) {
  const child = spawn(process.execPath, [`${root}${bin}`, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, EJIA_LOG_LEVEL: process.env.EJIA_LOG_LEVEL ?? 'warn', ...env },
  })
  children.push(child)
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped unexpectedly (${code ?? signal}); stopping the demo`)
      stop(1)
    }
  })
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line)))
  })
}

let stopping = false
const exited = (c) =>
  c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null
/** Kiosks first, then the hub: the kiosks say goodbye to a hub that is still there. */
async function stop(code = 0) {
  if (stopping) return
  stopping = true
  console.log('\nstopping…')
  const [hub, ...kiosks] = children
  for (const c of kiosks) c.kill('SIGTERM')
  await Promise.all(kiosks.map(exited))
  hub?.kill('SIGTERM')
  await exited(hub ?? { exitCode: 0 })
  process.exit(code)
}
process.on('SIGINT', () => stop())
process.on('SIGTERM', () => stop())

if (!existsSync(`${root}node_modules`)) {
  console.log('first run: installing dependencies (npm ci)…')
  run('npm', ['ci'], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } })
}
console.log('building…')
run('npm', ['run', 'build', '--silent'])

mkdirSync(demo, { recursive: true })
const district = `${demo}/district`
run(
  process.execPath,
  [
    'firmware-config/bin/ejia-config.js',
    'provision',
    '--stations',
    'firmware-config/samples/qingshan-district.csv',
    '--out',
    district,
    '--district-name',
    '青山区',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
)

const hub = await start('hub', 'hub/bin/ejia-hub.js', [
  '--data',
  `${demo}/hub`,
  '--registry',
  `${district}/registry.json`,
  '--host',
  '127.0.0.1',
  '--mqtt-port',
  String(await portOr(1883)),
  '--http-port',
  String(await portOr(8080)),
])
const mqttUrl = `mqtt://127.0.0.1:${hub.mqttPort}`
const api = `http://127.0.0.1:${hub.httpPort}`

const kioskStation = '339901001001'
const kiosk = await start('kiosk agent', 'edge/bin/ejia-edge.js', [
  '--config',
  `${district}/stations/${kioskStation}.json`,
  '--hub',
  mqttUrl,
  // evidence photos taken at the kiosk are uploaded to the hub API
  '--hub-http',
  api,
  '--data',
  `${demo}/kiosk`,
  '--api-port',
  String(await portOr(8731)),
])
start('fleet', 'simulators/bin/ejia-sim.js', [
  'fleet',
  '--hub',
  mqttUrl,
  '--registry',
  `${district}/registry.json`,
  '--data',
  `${demo}/fleet`,
  '--stations',
  '516',
  '--offset',
  '1',
  '--events-per-station',
  '1000000',
  '--rate',
  '0.02',
  '--heartbeat',
  '10',
  '--keep-running',
])

console.log(`
ejia demo — 青山区, 15 towns, 517 village stations

  Kiosk UI (station ${kioskStation}):  ${kiosk.localApi}/
  Kiosk agent status:              ${kiosk.localApi}/api/status

  Hub API (MQTT broker at ${mqttUrl}):
    fleet health   ${api}/api/stations
    one town       ${api}/api/stations?town=339901001
    event ledger   ${api}/api/events?limit=20
    ingest stats   ${api}/api/stats/ingest
    health         ${api}/api/health
    API reference  ${api}/api/openapi.json

  516 simulated kiosks connect over the next seconds and record a working day
  (duty clock-ins, activity sign-ins, visits), about 10 events/s in all.
  Ctrl-C stops everything. Data is kept in .demo/ — delete it to start afresh.
`)

// a line of progress now and then, so the terminal shows the district at work
setInterval(async () => {
  try {
    const { stations } = await (await fetch(`${api}/api/stations`)).json()
    const stats = await (await fetch(`${api}/api/stats/ingest`)).json()
    const online = stations.filter((s) => s.status === 'online').length
    const backlog = stations.reduce((n, s) => n + (s.backlog ?? 0), 0)
    console.log(
      `${new Date().toLocaleTimeString('zh-CN')}  online ${online}/${stations.length}  ledger ${stats.accepted} events  backlog ${backlog}  rejected ${stats.rejected.total}`,
    )
  } catch {
    // the hub is starting or stopping
  }
}, 15_000).unref()
