import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registry, StationConfig } from '@ejia/firmware-config'
import mqtt from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { caFetch } from '../helpers/https.js'
import { type BearerAuth, initialAdminAuth } from '../helpers/hub.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'
import { until } from '../helpers/wait.js'

const SAMPLE = new URL('../../firmware-config/samples/qingshan-district.csv', import.meta.url).pathname
const SAMPLE_STATIONS = 517

/** Runs `ejia-config` to its end: its JSON line, after checking it exited 0. */
async function ejiaConfig(args: string[]): Promise<Record<string, unknown>> {
  const p = runBin('firmware-config', 'ejia-config', args)
  const [json, code] = await Promise.all([p.firstJson, p.exited])
  expect(code, p.stderr()).toBe(0)
  return json
}

/** Logs in over mqtts with the given certificate: 'ok', the CONNACK code, or the TLS error's code. */
async function tryTlsLogin(
  url: string,
  as: { stationId: string; password: string },
  tls: { cert?: Buffer; key?: Buffer; ca: Buffer },
): Promise<'ok' | number | string> {
  try {
    const client = await mqtt.connectAsync(url, {
      clientId: `ejia-edge-${as.stationId}`,
      username: as.stationId,
      password: as.password,
      reconnectPeriod: 0,
      protocolVersion: 4,
      connectTimeout: 5000,
      rejectUnauthorized: true,
      ...tls,
    })
    await client.endAsync(true)
    return 'ok'
  } catch (err) {
    const e = err as { code?: number | string }
    return e.code ?? 'error'
  }
}

/**
 * Issue 8, acceptance: the sample district provisioned with a new district CA, a hub on
 * mqtts and HTTPS only (issue 10), and three kiosks from their bundles over mutual TLS, all real processes.
 * Events reach the ledger; a certificate of another station is refused; a revoked station
 * is disconnected and refused (across a hub restart) while the others go on, and comes
 * back with its backlog once unrevoked.
 */
describe('provisioning with a district CA, kiosks over mutual TLS, revocation', () => {
  const procs: Proc[] = []
  afterAll(async () => {
    for (const p of procs) await kill9(p)
  })

  it('runs the sample district over mqtts and revokes one kiosk', { timeout: 180_000 }, async () => {
    expect(existsSync(new URL('../../firmware-config/dist/cli/ejiaConfig.js', import.meta.url))).toBe(true)
    const caDir = join(mkdtempSync(join(tmpdir(), 'ejia-ca-')), 'ca')
    const bundle = mkdtempSync(join(tmpdir(), 'ejia-bundle-'))
    const hubData = mkdtempSync(join(tmpdir(), 'ejia-e2e-hub-'))

    const ca = await ejiaConfig(['ca', 'init', '--out', caDir, '--name', '青山区 ejia CA'])
    expect(ca.subject).toContain('青山区 ejia CA')
    const provisionArgs = [
      'provision',
      '--stations',
      SAMPLE,
      '--out',
      bundle,
      '--ca',
      caDir,
      '--hub-host',
      '127.0.0.1',
      '--hub-host',
      'localhost',
    ]
    const first = await ejiaConfig(provisionArgs)
    expect(first).toMatchObject({
      stations: SAMPLE_STATIONS,
      certificates: { issued: SAMPLE_STATIONS + 1, kept: 0 },
    })
    const registryFile = join(bundle, 'registry.json')
    const registry = () => JSON.parse(readFileSync(registryFile, 'utf8')) as Registry
    const stationFile = (id: string) => join(bundle, 'stations', `${id}.json`)
    const config = (id: string) => JSON.parse(readFileSync(stationFile(id), 'utf8')) as StationConfig
    const [a, b, c] = registry().stations.map((s) => s.id) as [string, string, string]

    // private keys are for their owner only; certificates may be read by anyone
    const mode = (f: string) => statSync(f).mode & 0o777
    expect(mode(join(caDir, 'ca.key'))).toBe(0o600)
    expect(mode(join(bundle, 'hub', 'server.key'))).toBe(0o600)
    expect(mode(join(bundle, 'stations', `${a}.key`))).toBe(0o600)
    expect(mode(join(bundle, 'stations', `${a}.crt`))).toBe(0o644)
    expect(config(a).hub).toMatchObject({
      mqttUrl: 'mqtts://127.0.0.1:8883',
      tls: { caFile: 'ca.crt', certFile: `${a}.crt`, keyFile: `${a}.key` },
    })

    // re-running keeps every secret, key and certificate
    const before = { registry: registry(), key: readFileSync(join(bundle, 'stations', `${a}.key`), 'utf8') }
    const again = await ejiaConfig(provisionArgs)
    expect(again).toMatchObject({ certificates: { issued: 0, kept: SAMPLE_STATIONS + 1 } })
    expect(registry().stations).toEqual(before.registry.stations)
    expect(readFileSync(join(bundle, 'stations', `${a}.key`), 'utf8')).toBe(before.key)

    // the printable enrolment sheet: one block and one QR code per station, no secret
    const sheetFile = join(bundle, 'sheet.html')
    expect(await ejiaConfig(['sheet', '--bundle', bundle, '--out', sheetFile])).toMatchObject({
      stations: SAMPLE_STATIONS,
      ca: true,
    })
    const sheet = readFileSync(sheetFile, 'utf8')
    expect(sheet.match(/<svg/g)).toHaveLength(SAMPLE_STATIONS)
    expect(sheet).toContain('肖家沟村')
    expect(sheet).not.toContain(config(a).hub.password)

    // the hub on mqtts and HTTPS only (no --lab), with the bundle's server certificate
    const hubArgs = (mqttsPort: number, httpsPort: number) => [
      '--data',
      hubData,
      '--registry',
      registryFile,
      '--host',
      '127.0.0.1',
      '--https-port',
      String(httpsPort),
      '--tls-cert',
      join(bundle, 'hub', 'server.crt'),
      '--tls-key',
      join(bundle, 'hub', 'server.key'),
      '--tls-ca',
      join(bundle, 'hub', 'ca.crt'),
      '--mqtts-port',
      String(mqttsPort),
    ]
    let hub = runBin('hub', 'ejia-hub', hubArgs(0, 0))
    procs.push(hub)
    const ports = (await hub.firstJson) as { mqttPort: number; mqttsPort: number; httpsPort: number }
    expect(ports).toMatchObject({ mqttPort: 0, httpPort: 0 })
    const mqtts = `mqtts://127.0.0.1:${ports.mqttsPort}`
    // operators over HTTPS, checking the hub against the district CA
    const api = `https://127.0.0.1:${ports.httpsPort}`
    const hubFetch = caFetch(readFileSync(join(bundle, 'hub', 'ca.crt')))
    const auth: BearerAuth = await initialAdminAuth(api, hubData, hubFetch)
    const get = async (path: string) =>
      (await (await hubFetch(`${api}${path}`, { headers: auth })).json()) as any

    // three kiosks from their bundles: the config beside its certificate, key and CA
    const kiosks = new Map<string, string>()
    const startKiosk = async (id: string) => {
      const cfg = config(id)
      cfg.hub.mqttUrl = mqtts
      cfg.dataDir = mkdtempSync(join(tmpdir(), `ejia-e2e-kiosk-${id}-`))
      cfg.localApi.port = 0
      cfg.face.enabled = false
      cfg.uplink.heartbeatIntervalS = 1
      cfg.uplink.reconnectPeriodS = 0.3
      const file = join(bundle, 'stations', `${id}.e2e.json`)
      writeFileSync(file, JSON.stringify(cfg), { mode: 0o600 })
      const edge = runBin('edge', 'ejia-edge', ['--config', file])
      procs.push(edge)
      const { localApi } = (await edge.firstJson) as { localApi: string }
      kiosks.set(id, localApi)
    }
    for (const id of [a, b, c]) await startKiosk(id)
    let n = 0
    const record = async (id: string) => {
      const res = await fetch(`${kiosks.get(id)}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'checkin', body: { personId: `p${n++}`, method: 'card' } }),
      })
      expect(res.status).toBe(201)
      return ((await res.json()) as { id: string }).id
    }
    const inLedger = (id: string, count: number) =>
      until(`${count} events of ${id} in the ledger`, async () => {
        const { events } = await get(`/api/events?station=${id}&limit=1000`)
        const checkins = (events as { type: string }[]).filter((e) => e.type === 'checkin')
        return checkins.length >= count ? checkins.length : undefined
      })
    for (const id of [a, b, c]) for (let i = 0; i < 3; i++) await record(id)
    for (const id of [a, b, c]) expect(await inLedger(id, 3)).toBe(3)

    // a certificate of another station, even with that station's own secret, is refused
    const tlsOf = (id: string) => ({
      cert: readFileSync(join(bundle, 'stations', `${id}.crt`)),
      key: readFileSync(join(bundle, 'stations', `${id}.key`)),
      ca: readFileSync(join(bundle, 'stations', 'ca.crt')),
    })
    const d = registry().stations[3]?.id as string
    const secretOf = (id: string) => config(id).hub.password
    expect(await tryTlsLogin(mqtts, { stationId: d, password: secretOf(d) }, tlsOf(a))).toBe(5)
    expect(await tryTlsLogin(mqtts, { stationId: d, password: secretOf(d) }, tlsOf(d))).toBe('ok')
    // no client certificate: the handshake fails before MQTT
    expect(await tryTlsLogin(mqtts, { stationId: d, password: secretOf(d) }, { ca: tlsOf(d).ca })).not.toBe(
      'ok',
    )

    // revoke c: its connection is closed, it is refused, the other two go on
    const revoke = await hubFetch(`${api}/api/stations/${c}/revoke`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'kiosk stolen from the village office' }),
    })
    expect(revoke.status).toBe(200)
    expect(await revoke.json()).toMatchObject({
      disconnected: true,
      revocation: { stationId: c, source: 'hub' },
    })
    await until(`${c} offline`, async () =>
      (await get(`/api/stations/${c}`)).status === 'offline' ? true : undefined,
    )
    expect(await tryTlsLogin(mqtts, { stationId: c, password: secretOf(c) }, tlsOf(c))).toBe(5)
    const held = await record(c)
    for (const id of [a, b]) await record(id)
    for (const id of [a, b]) expect(await inLedger(id, 4)).toBe(4)
    const stats = await get('/api/stats/ingest')
    expect(stats.denied.byReason['connect.revoked']).toBeGreaterThan(0)

    // the revocation outlives a restart of the hub
    hub.child.kill('SIGTERM')
    expect(await hub.exited).toBe(0)
    hub = runBin('hub', 'ejia-hub', hubArgs(ports.mqttsPort, ports.httpsPort))
    procs.push(hub)
    await hub.firstJson
    expect(await tryTlsLogin(mqtts, { stationId: c, password: secretOf(c) }, tlsOf(c))).toBe(5)
    await record(a)
    expect(await inLedger(a, 5)).toBe(5)
    expect(await inLedger(c, 3)).toBe(3)

    // unrevoked: c logs in again and its held event arrives
    const unrevoke = await hubFetch(`${api}/api/stations/${c}/unrevoke`, { method: 'POST', headers: auth })
    expect(unrevoke.status).toBe(200)
    expect(await inLedger(c, 4)).toBe(4)
    const { events } = await get(`/api/events?station=${c}&limit=1000`)
    expect((events as { id: string }[]).map((e) => e.id)).toContain(held)
    const { entries } = await get('/api/audit?limit=50')
    expect((entries as { action: string }[]).map((e) => e.action)).toEqual(
      expect.arrayContaining(['station.revoke', 'station.unrevoke']),
    )
  })
})
