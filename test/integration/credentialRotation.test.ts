import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import { loadStationConfig, type StationConfig } from '@ejia/firmware-config'
import { openDatabaseReadOnly } from '@ejia/platform'
import mqtt from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })
// a group photo, installed with the models (scripts/fetch-models.mjs)
const SAMPLE = new URL('../../.cache/ejia-models/face-api-demo-1.7.15/sample1.jpg', import.meta.url).pathname

interface CommandRow {
  commandId: string
  state: string
  detail: string | null
  args: Record<string, unknown>
}

/** Logs in with raw MQTT as the station: 'ok', or the CONNACK return code of the refusal. */
async function tryLogin(url: string, stationId: string, password: string): Promise<'ok' | number> {
  try {
    const client = await mqtt.connectAsync(url, {
      clientId: `ejia-edge-${stationId}`,
      username: stationId,
      password,
      reconnectPeriod: 0,
      protocolVersion: 4,
    })
    await client.endAsync(true)
    return 'ok'
  } catch (err) {
    return (err as { code?: number }).code ?? -1
  }
}

const secretIn = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as StationConfig).hub.password

/**
 * Issue 7, `rotateCredentials`: a real hub and real kiosks in-process over MQTT, each kiosk
 * started from its own station config file in a temp dir. The new secret is written before
 * the switch and accepted beside the old one until the kiosk logs in with it; then only the
 * new one works, for MQTT and photo uploads, across a hub restart. A kiosk offline gets it
 * when it comes back, a kiosk killed mid-rotation comes back with it, and an expired
 * rotation leaves the old secret in force.
 */
describe('rotating station secrets, hub and kiosks', () => {
  const district = makeDistrict(4)
  const [a, b, c, d] = district.configs.map((x) => x.station.id) as [string, string, string, string]
  const provisioned = new Map(district.configs.map((x) => [x.station.id, x.hub.password]))
  const files = new Map<string, string>()
  const edges = new Map<string, EdgeHandle>()
  let hub: TestHub
  let mqttPort: number
  let dataDir: string
  // the hub's clock runs ahead when a test needs a resend or an expiry now
  let ahead = 0
  const now = () => Date.now() + ahead

  const writeConfig = (stationId: string) => {
    const config = structuredClone(district.configs.find((x) => x.station.id === stationId)!)
    config.hub.mqttUrl = hub.mqttUrl
    config.hub.httpUrl = hub.api
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    config.uplink.heartbeatIntervalS = 1
    config.face.enabled = false
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-station-')), 'station.json')
    writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
    files.set(stationId, file)
  }
  const startKiosk = async (stationId: string, over: Parameters<typeof startEdge>[1] = { log }) => {
    const file = files.get(stationId)!
    const edge = await startEdge(loadStationConfig(file), {
      rotationTimeoutMs: 15_000,
      ...over,
      configFile: file,
    })
    edges.set(stationId, edge)
    return edge
  }
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.api}${path}`, {
      method,
      headers: { ...hub.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const rotate = async (stationId: string, expiresInS = 3600) => {
    const r = await api('POST', '/api/commands', {
      target: { station: stationId },
      name: 'rotateCredentials',
      expiresInS,
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    // the secret is never in what the hub keeps or shows
    expect(r.body.commands[0].args).toEqual({})
    return r.body.commands[0].commandId as string
  }
  const commandOf = async (stationId: string, id: string): Promise<CommandRow | undefined> =>
    ((await api('GET', `/api/commands?station=${stationId}`)).body.commands as CommandRow[]).find(
      (x) => x.commandId === id,
    )
  const finished = (stationId: string, id: string) =>
    until(
      `rotation on ${stationId} to finish`,
      async () => {
        const row = await commandOf(stationId, id)
        return row && !['pending', 'accepted'].includes(row.state) ? row : undefined
      },
      30_000,
    )
  const online = (stationId: string) =>
    until(`${stationId} online`, async () => {
      const s = (await api('GET', `/api/stations/${stationId}`)).body
      return s.status === 'online' ? true : undefined
    })

  beforeAll(async () => {
    mqttPort = await freePort()
    dataDir = mkdtempSync(join(tmpdir(), 'ejia-hub-'))
    hub = await startTestHub(district.registry, { mqttPort, dataDir, now })
    for (const s of [a, b, c, d]) writeConfig(s)
  })
  afterAll(async () => {
    for (const e of edges.values()) await e.stop().catch(() => undefined)
    await hub?.stop()
  })

  it('rotates an online kiosk: succeeded, old secret refused, events all in the ledger once, photos upload', async () => {
    const edge = await startKiosk(a)
    await online(a)
    // events recorded all through the rotation, across the agent's restart on the new secret
    const recorded: string[] = []
    let recording = true
    const recorder = (async () => {
      let n = 0
      while (recording) {
        try {
          const e = await edge.agent.record('checkin', { personId: `${a}-p${n++}`, method: 'card' })
          recorded.push(e.id)
        } catch {
          // refused while the agent restarts: the caller is told, nothing is stored
        }
        await new Promise((r) => setTimeout(r, 15))
      }
    })()
    await new Promise((r) => setTimeout(r, 200))
    const id = await rotate(a)
    const done = await finished(a, id)
    await new Promise((r) => setTimeout(r, 200))
    recording = false
    await recorder
    expect(done.state, done.detail ?? '').toBe('succeeded')

    const file = files.get(a)!
    const secret = secretIn(file)
    expect(secret).not.toBe(provisioned.get(a))
    expect(secretIn(`${file}.prev`)).toBe(provisioned.get(a))
    expect(await tryLogin(hub.mqttUrl, a, provisioned.get(a)!)).toBe(4)

    // every event recorded during the rotation reaches the ledger exactly once
    expect(recorded.length).toBeGreaterThan(10)
    const ledger = await until('every recorded event in the ledger', async () => {
      const r = await api('GET', `/api/events?station=${a}&type=checkin&limit=1000`)
      const ids = (r.body.events as { id: string }[]).map((e) => e.id)
      return ids.length >= recorded.length ? ids : undefined
    })
    expect(ledger.sort()).toEqual([...recorded].sort())

    // a photo taken now is uploaded over HTTP Basic with the new secret
    const res = await fetch(`${edge.localApiUrl}/api/photos?purpose=evidence&activityId=act-1&takenBy=c1`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: readFileSync(SAMPLE),
    })
    expect(res.status).toBe(201)
    const { photoId } = (await res.json()) as { photoId: string }
    await until('the hub to hold the photo', async () => {
      const r = await fetch(`${hub.api}/api/photos/${photoId}`, { headers: hub.auth })
      return r.status === 200 ? true : undefined
    })
    const basic = (p: string) => `Basic ${Buffer.from(`${a}:${p}`).toString('base64')}`
    const old = await fetch(`${hub.api}/api/stations/${a}/photos/${photoId}`, {
      method: 'PUT',
      headers: { authorization: basic(provisioned.get(a)!), 'content-type': 'image/jpeg' },
      body: readFileSync(SAMPLE),
    })
    expect(old.status).toBe(401)

    // a second rotation waits for none: the first is over
    const again = await rotate(a)
    expect((await finished(a, again)).state).toBe('succeeded')
    expect(secretIn(file)).not.toBe(secret)
    expect(secretIn(`${file}.prev`)).toBe(secret)
    expect(await tryLogin(hub.mqttUrl, a, secret)).toBe(4)
  })

  it('keeps a rotation for an offline kiosk pending until it comes back', async () => {
    const id = await rotate(b)
    // one at a time per station
    const second = await api('POST', '/api/commands', { target: { station: b }, name: 'rotateCredentials' })
    expect(second.status).toBe(409)
    expect(second.body.error).toBe('rotationPending')
    expect((await commandOf(b, id))?.state).toBe('pending')
    // the old secret still works meanwhile (a raw login, then gone)
    expect(await tryLogin(hub.mqttUrl, b, provisioned.get(b)!)).toBe('ok')
    ahead += 31_000 // the next heartbeat sends the unanswered command again
    await startKiosk(b)
    const done = await finished(b, id)
    expect(done.state, done.detail ?? '').toBe('succeeded')
    expect(secretIn(files.get(b)!)).not.toBe(provisioned.get(b))
    expect(await tryLogin(hub.mqttUrl, b, provisioned.get(b)!)).toBe(4)
  })

  it('a kiosk killed between writing the new secret and reconnecting comes back with it, and the hub promotes it', async () => {
    let written!: () => void
    const atWrite = new Promise<void>((r) => {
      written = r
    })
    const edge = await startKiosk(c, {
      log,
      // stops there for good, as a power cut would
      rotationHooks: {
        afterWrite: () => {
          written()
          return new Promise<void>(() => undefined)
        },
      },
    })
    await online(c)
    const id = await rotate(c)
    await atWrite
    await until('the kiosk to accept', async () =>
      (await commandOf(c, id))?.state === 'accepted' ? true : undefined,
    )
    await edge.stop()
    const file = files.get(c)!
    expect(secretIn(file)).not.toBe(provisioned.get(c))
    expect(secretIn(`${file}.prev`)).toBe(provisioned.get(c))

    await startKiosk(c)
    const done = await finished(c, id)
    expect(done).toMatchObject({
      state: 'succeeded',
      detail: expect.stringMatching(/logged in with its new secret/),
    })
    await online(c)
    expect(await tryLogin(hub.mqttUrl, c, provisioned.get(c)!)).toBe(4)
  })

  it('an expired rotation leaves the old secret in force', async () => {
    const id = await rotate(d, 10)
    ahead += 11 * 60_000 + 20_000 // past the command's expiry and the grace after it
    expect((await finished(d, id)).state).toBe('expired')
    await startKiosk(d)
    await online(d)
    expect(secretIn(files.get(d)!)).toBe(provisioned.get(d))
    // another rotation is allowed now
    const next = await rotate(d)
    expect((await finished(d, next)).state).toBe('succeeded')
  })

  it('a restarted hub accepts only the new secrets, and its database holds no secret', async () => {
    for (const e of edges.values()) await e.stop()
    edges.clear()
    await hub.stop()
    hub = await startTestHub(district.registry, { mqttPort, dataDir, now })
    const current = new Map([a, b, c, d].map((s) => [s, secretIn(files.get(s)!)]))
    for (const s of [a, b, c, d]) {
      expect(await tryLogin(hub.mqttUrl, s, provisioned.get(s)!), s).toBe(4)
      expect(await tryLogin(hub.mqttUrl, s, current.get(s)!), s).toBe('ok')
    }
    // the kiosks come back on their files
    await startKiosk(a)
    await online(a)

    // read beside the running hub (WAL): hashes only
    const db = await openDatabaseReadOnly(join(dataDir, 'hub.db'))
    const rows = await db.all<
      { station_id: string; current_sha256: string; pending_sha256: string | null }[]
    >('SELECT station_id, current_sha256, pending_sha256 FROM station_secrets ORDER BY station_id')
    await db.close()
    const sha = (s: string) => createHash('sha256').update(s).digest('hex')
    expect(rows).toEqual(
      [a, b, c, d].sort().map((s) => ({
        station_id: s,
        current_sha256: sha(current.get(s)!),
        pending_sha256: null,
      })),
    )
    const bytes = readdirSync(dataDir)
      .filter((f) => f.startsWith('hub.db'))
      .map((f) => readFileSync(join(dataDir, f)).toString('latin1'))
      .join('')
    for (const s of [...current.values(), ...provisioned.values()]) expect(bytes.includes(s)).toBe(false)
  })

  it('a registry that re-issues a station’s secret wins over the rotated one', async () => {
    for (const e of edges.values()) await e.stop()
    edges.clear()
    await hub.stop()
    const reissued = 'reissued-secret-by-provisioning-xxxxxxxxxxxx'
    const registry = structuredClone(district.registry)
    const station = registry.stations.find((s) => s.id === d)!
    station.auth.secretSha256 = createHash('sha256').update(reissued).digest('hex')
    hub = await startTestHub(registry, { mqttPort, dataDir, now })
    expect(await tryLogin(hub.mqttUrl, d, reissued)).toBe('ok')
    expect(await tryLogin(hub.mqttUrl, d, secretIn(files.get(d)!))).toBe(4)
    // the others keep their rotated secrets: their registry entries did not change
    expect(await tryLogin(hub.mqttUrl, a, secretIn(files.get(a)!))).toBe('ok')
  })
})
