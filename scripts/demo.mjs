#!/usr/bin/env node
// `npm run demo`: the whole system on one machine, on embedded defaults. It provisions the
// sample district (青山区, 15 towns, 517 stations), starts the hub with its embedded broker,
// puts last month's work of one town (马家堡镇, 39 villages) and a roster for the real kiosk's
// village into it, starts that kiosk agent serving the kiosk UI and 477 simulated kiosks
// producing a working day, then prints where to look. Ctrl-C stops everything; data stays
// in .demo/.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
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

/** Runs a CLI of this repo to its end and resolves with the JSON line it prints. */
function runToEnd(name, bin, args, env = {}) {
  const child = spawn(process.execPath, [`${root}${bin}`, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, EJIA_LOG_LEVEL: process.env.EJIA_LOG_LEVEL ?? 'warn', ...env },
  })
  children.push(child)
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.splice(children.indexOf(child), 1)
      if (code === 0) return resolve(JSON.parse(out))
      if (!stopping) {
        console.error(`${name} failed (${code ?? signal}); stopping the demo`)
        stop(1)
      }
    })
  })
}

/**
 * Logs in as the admin the hub made on its first start (its password is in the file the hub
 * wrote, which stays, so a restarted demo logs in the same way) and makes an API token for
 * the seeders and the progress line.
 */
async function hubLogin(api, dataDir) {
  const file = `${dataDir}/initial-admin-password`
  const afresh = 'delete .demo to start afresh'
  if (!existsSync(file)) {
    console.error(`${file} is gone, so the demo cannot log in to its hub; ${afresh}`)
    await stop(1)
  }
  const [username, password] = readFileSync(file, 'utf8').split('\n')
  const login = await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!login.ok) {
    console.error(
      `logging in to the hub as ${username} failed (${login.status}): password changed? ${afresh}`,
    )
    await stop(1)
  }
  const session = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('ejia_session='))
  const headers = { cookie: session, 'x-csrf-token': (await login.json()).csrfToken }
  const made = await fetch(`${api}/api/auth/tokens`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'npm run demo' }),
  })
  if (made.status !== 201) {
    console.error(`making an API token failed (${made.status}): ${await made.text()}`)
    await stop(1)
  }
  const { token } = await made.json()
  await fetch(`${api}/api/auth/logout`, { method: 'POST', headers })
  return { username, password, token }
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
const startedAt = Date.now()

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
  // plain MQTT and HTTP on loopback: the demo is a lab (issue 10; a district runs on TLS)
  '--lab',
  '--host',
  '127.0.0.1',
  '--mqtt-port',
  String(await portOr(1883)),
  '--http-port',
  String(await portOr(8080)),
])
const mqttUrl = `mqtt://127.0.0.1:${hub.mqttPort}`
const api = `http://127.0.0.1:${hub.httpPort}`
const admin = await hubLogin(api, `${demo}/hub`)
// the seeders act as the admin; the token goes in their environment, not on their command line
const asAdmin = { EJIA_HUB_TOKEN: admin.token }

const kioskStation = '339901001001'
// last month, complete, in the stations' time (UTC+8)
const chinaNow = new Date(Date.now() + 8 * 3600_000)
const today = chinaNow.toISOString().slice(0, 10)
const lastMonthEnd = new Date(Date.UTC(chinaNow.getUTCFullYear(), chinaNow.getUTCMonth(), 0))
const month = lastMonthEnd.toISOString().slice(0, 7)
const [from, to] = [`${month}-01`, lastMonthEnd.toISOString().slice(0, 10)]

// The month's town gets its kiosks' events from the seeder, so the fleet must not run them,
// nor the real kiosk's station. The fleet takes a slice of the registry in its order (the
// CSV's, sorted by id): the kiosk's station first, the town's 39 last.
const seededTown = '339901015'
const ids = JSON.parse(readFileSync(`${district}/registry.json`, 'utf8')).stations.map((s) => s.id)
const townStart = ids.findIndex((id) => id.startsWith(seededTown))
if (
  ids[0] !== kioskStation ||
  townStart < 0 ||
  ids.slice(townStart).some((id) => !id.startsWith(seededTown))
) {
  console.error(`the registry no longer starts with ${kioskStation} and ends with town ${seededTown}`)
  await stop(1)
}
const fleetStations = townStart - 1

const seedingStarted = Date.now()
const seeded = await runToEnd(
  'month seeding',
  'simulators/bin/ejia-sim.js',
  [
    'month',
    '--api',
    api,
    '--hub',
    mqttUrl,
    '--registry',
    `${district}/registry.json`,
    '--town',
    seededTown,
    '--month',
    month,
  ],
  asAdmin,
)
const station = await runToEnd(
  'station seeding',
  'simulators/bin/ejia-sim.js',
  ['seed-station', '--api', api, '--station', kioskStation],
  asAdmin,
)
const seedingS = ((Date.now() - seedingStarted) / 1000).toFixed(1)

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
  String(fleetStations),
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

const scope = `from=${from}&to=${to}&town=${seededTown}`
const pins = station.pins.map((p) => `${p.personId} ${p.name} PIN ${p.pin}`).join('\n    ')
console.log(`
ejia demo — 青山区, 15 towns, 517 village stations (up in ${((Date.now() - startedAt) / 1000).toFixed(0)} s after the build)

  Lab mode: the hub serves plain MQTT and HTTP without TLS (ejia-hub --lab), for a demo only.
  A district's hub runs on TLS files from \`ejia-config provision --ca\` (docs/OPERATIONS.md).

  Kiosk UI (station ${kioskStation}):  ${kiosk.localApi}/
  Kiosk agent status:              ${kiosk.localApi}/api/status
  PIN sign-in at the kiosk (keypad, or POST ${kiosk.localApi}/api/signin/pin {personId, pin}):
    ${pins}

  Operators' dashboard:            ${api}/   (log in as ${admin.username} / ${admin.password})
  The hub API answers operators only: log in (POST ${api}/api/auth/login), or send the demo's token:
    curl -H 'Authorization: Bearer ${admin.token}' ${api}/api/stations

  Hub API (MQTT broker at ${mqttUrl}):
    fleet health   ${api}/api/stations
    one town       ${api}/api/stations?town=339901001
    event ledger   ${api}/api/events?limit=20
    ingest stats   ${api}/api/stats/ingest
    health         ${api}/api/health
    API reference  ${api}/api/openapi.json

  Last month's work of 马家堡镇 (town ${seededTown}, ${seeded.stations} villages, ${month}), seeded in ${seedingS} s:
  ${seeded.people.saved + seeded.people.unchanged} people, ${seeded.rotas.saved + seeded.rotas.unchanged} rotas, ${seeded.plans.saved + seeded.plans.unchanged} activities, ${seeded.events.sent} kiosk events
    duty per village        ${api}/api/stats/duty?level=village&${scope}
    attendance per village  ${api}/api/stats/attendance?level=village&${scope}
    activity records        ${api}/api/activities?from=${from}&to=${to}
    records to inspect      ${api}/api/activities/flags?${scope}
    corrections pending     ${api}/api/duty/corrections?status=pending
    members behind on study ${api}/api/study?today=${today}&behind=true
    reports (XLSX)          ${api}/api/reports/attendance.xlsx?level=village&${scope}
                            ${api}/api/reports/duty.xlsx?level=village&${scope}
  Now:
    on duty now             ${api}/api/duty/now
    alarms                  ${api}/api/alarms?active=true
    the kiosk's roster      ${api}/api/people?station=${kioskStation}

  ${fleetStations} simulated kiosks connect over the next seconds and record a working day
  (duty clock-ins, activity sign-ins, visits), about ${Math.round(fleetStations * 0.02)} events/s in all.
  Ctrl-C stops everything. Data is kept in .demo/ — delete it to start afresh.
`)

// a line of progress now and then, so the terminal shows the district at work
setInterval(async () => {
  try {
    const headers = { authorization: `Bearer ${admin.token}` }
    const { stations } = await (await fetch(`${api}/api/stations`, { headers })).json()
    const stats = await (await fetch(`${api}/api/stats/ingest`, { headers })).json()
    const online = stations.filter((s) => s.status === 'online').length
    const backlog = stations.reduce((n, s) => n + (s.backlog ?? 0), 0)
    console.log(
      `${new Date().toLocaleTimeString('zh-CN')}  online ${online}/${stations.length}  ledger ${stats.accepted} events  backlog ${backlog}  rejected ${stats.rejected.total}`,
    )
  } catch {
    // the hub is starting or stopping
  }
}, 15_000).unref()
