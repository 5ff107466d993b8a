import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRegistry, type Registry, type StationConfig } from '@ejia/firmware-config'
import { startHub } from '@ejia/hub'
import mqtt from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { caFetch } from '../helpers/https.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'
import { until } from '../helpers/wait.js'

const SAMPLE = new URL('../../firmware-config/samples/qingshan-district.csv', import.meta.url).pathname

/** An MQTT login: 'ok', the CONNACK code, or the error's code or message. */
async function tryLogin(
  url: string,
  as: { id: string; password: string },
  tls: { cert?: Buffer; key?: Buffer; ca?: Buffer } = {},
): Promise<'ok' | number | string> {
  try {
    // allowRetries false: a connection closed before any CONNACK is an answer too
    const client = await mqtt.connectAsync(
      url,
      {
        clientId: `ejia-edge-${as.id}`,
        username: as.id,
        password: as.password,
        reconnectPeriod: 0,
        protocolVersion: 4,
        connectTimeout: 3000,
        ...(tls.ca ? { ...tls, rejectUnauthorized: true } : {}),
      },
      false,
    )
    await client.endAsync(true)
    return 'ok'
  } catch (err) {
    const e = err as { code?: number | string; message?: string }
    return e.code ?? e.message ?? 'error'
  }
}

/** What a browser gets back from logging in: status, the cookie's attributes and HSTS. */
async function login(fetcher: typeof fetch, api: string, dataDir: string) {
  const [username, password] = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').split('\n')
  const res = await fetcher(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('ejia_session=')) ?? ''
  return {
    status: res.status,
    cookie: setCookie.split(';')[0] as string,
    secure: /;\s*Secure/i.test(setCookie),
    hsts: res.headers.get('strict-transport-security'),
  }
}

/**
 * Issue 10: a hub serves mqtts and HTTPS with the district CA's certificates, plain MQTT and
 * HTTP only in an explicit lab mode, and refuses to start with neither; a kiosk of the bundle
 * speaks plain MQTT only with `--lab`. Real `ejia-hub` and `ejia-edge` processes on a small
 * district provisioned with `ejia-config provision --ca`.
 */
describe('ejia-hub transport security', () => {
  const procs: Proc[] = []
  let dir: string
  let registryFile: string
  let tlsArgs: string[]
  let ca: Buffer
  let station: { id: string; password: string; cert: Buffer; key: Buffer }
  /** That station's config from the bundle, beside its certificate, for a kiosk run here. */
  let kioskFile: string
  let bundleHub: StationConfig['hub']

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ejia-transport-'))
    const csv = join(dir, 'stations.csv')
    writeFileSync(csv, readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 3).join('\n'))
    const bundle = join(dir, 'district')
    for (const args of [
      ['ca', 'init', '--out', join(dir, 'ca')],
      ['provision', '--stations', csv, '--out', bundle, '--ca', join(dir, 'ca'), '--hub-host', '127.0.0.1'],
    ]) {
      const p = runBin('firmware-config', 'ejia-config', args)
      expect(await p.exited, p.stderr()).toBe(0)
    }
    registryFile = join(bundle, 'registry.json')
    const hub = (f: string) => join(bundle, 'hub', f)
    tlsArgs = ['--tls-cert', hub('server.crt'), '--tls-key', hub('server.key'), '--tls-ca', hub('ca.crt')]
    ca = readFileSync(hub('ca.crt'))
    const id = (JSON.parse(readFileSync(registryFile, 'utf8')) as Registry).stations[0]?.id as string
    const config = JSON.parse(readFileSync(join(bundle, 'stations', `${id}.json`), 'utf8')) as StationConfig
    station = {
      id,
      password: config.hub.password,
      cert: readFileSync(join(bundle, 'stations', `${id}.crt`)),
      key: readFileSync(join(bundle, 'stations', `${id}.key`)),
    }
    bundleHub = config.hub
    kioskFile = join(bundle, 'stations', `${id}.e2e.json`)
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-transport-kiosk-'))
    config.localApi.port = 0
    config.face.enabled = false
    config.uplink.reconnectPeriodS = 0.2
    writeFileSync(kioskFile, JSON.stringify(config), { mode: 0o600 })
  })
  afterAll(async () => {
    for (const p of procs) await kill9(p)
  })

  const runHub = async (args: string[]) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ejia-transport-hub-'))
    const hub = runBin('hub', 'ejia-hub', ['--data', dataDir, '--registry', registryFile, ...args])
    procs.push(hub)
    const ports = (await hub.firstJson) as Record<'mqttPort' | 'mqttsPort' | 'httpPort' | 'httpsPort', number>
    return { dataDir, ports }
  }
  const anyPorts = ['--host', '127.0.0.1', '--mqtts-port', '0', '--https-port', '0']

  it('refuses to start without TLS files and without --lab, and says how to fix it', async () => {
    const dataDir = join(dir, 'never')
    const hub = runBin('hub', 'ejia-hub', ['--data', dataDir, '--registry', registryFile, '--http-port', '0'])
    procs.push(hub)
    expect(await hub.exited).toBe(2)
    const said = hub.stderr().trim()
    expect(said.split('\n')).toHaveLength(1)
    expect(said).toMatch(/^ejia-hub: no TLS files: give --tls-cert, --tls-key and --tls-ca .*--lab/)
    expect(said).toContain('ejia-config provision --ca')
    expect(existsSync(dataDir)).toBe(false)

    // a cluster node takes kiosks too: the same rule, before it reaches for Redis
    const node = runBin('hub', 'ejia-hub', [
      '--broker',
      'cluster',
      '--redis-url',
      'redis://127.0.0.1:1',
      '--store',
      join(dir, 'node.db'),
      '--registry',
      registryFile,
    ])
    procs.push(node)
    expect(await node.exited).toBe(2)
    expect(node.stderr()).toMatch(/^ejia-hub: no TLS files: .*--lab/)

    // in code the choice is explicit too
    const inProcess = join(dir, 'in-process')
    await expect(
      startHub({
        dataDir: inProcess,
        registry: loadRegistry(registryFile),
        mqttHost: '127.0.0.1',
        mqttPort: 0,
        httpHost: '127.0.0.1',
        httpPort: 0,
        lab: false,
        log: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow('the hub needs TLS files, or lab mode')
    expect(existsSync(inProcess)).toBe(false)
  })

  it('with TLS files serves only mqtts and HTTPS, on the district CA', { timeout: 30_000 }, async () => {
    const { dataDir, ports } = await runHub([...tlsArgs, ...anyPorts])
    expect(ports).toMatchObject({ mqttPort: 0, httpPort: 0 })
    const api = `https://127.0.0.1:${ports.httpsPort}`
    const hubFetch = caFetch(ca)

    // operators log in over HTTPS; the cookie is Secure and HSTS is on
    const session = await login(hubFetch, api, dataDir)
    expect(session).toMatchObject({ status: 200, secure: true, hsts: 'max-age=31536000' })
    const res = await hubFetch(`${api}/api/stations`, { headers: { cookie: session.cookie } })
    expect(res.status).toBe(200)
    const { stations } = (await res.json()) as { stations: { id: string }[] }
    expect(stations.map((s) => s.id)).toContain(station.id)
    expect(stations).toHaveLength(2)
    // the certificate is the district CA's: not trusted without it
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (err: { cause?: { code?: string } }) => err.cause?.code ?? 'failed',
      )
    expect(await failure(fetch(`${api}/api/health`))).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    // no plain HTTP, not even on the HTTPS port
    expect(await failure(fetch(`http://127.0.0.1:${ports.httpsPort}/api/health`))).not.toBe('answered')

    // a kiosk with its certificate gets in over mqtts; plain MQTT does not, with the same login
    const mqtts = `mqtts://127.0.0.1:${ports.mqttsPort}`
    expect(await tryLogin(mqtts, station, { ca, cert: station.cert, key: station.key })).toBe('ok')
    expect(await tryLogin(`mqtt://127.0.0.1:${ports.mqttsPort}`, station)).toBe("Couldn't connect to server")
  })

  it('with TLS files and --lab serves plain MQTT and HTTP as well', { timeout: 30_000 }, async () => {
    const { dataDir, ports } = await runHub([
      ...tlsArgs,
      ...anyPorts,
      '--lab',
      '--mqtt-port',
      '0',
      '--http-port',
      '0',
    ])
    for (const port of Object.values(ports)) expect(port).toBeGreaterThan(0)
    expect(await tryLogin(`mqtt://127.0.0.1:${ports.mqttPort}`, station)).toBe('ok')
    const mqtts = `mqtts://127.0.0.1:${ports.mqttsPort}`
    expect(await tryLogin(mqtts, station, { ca, cert: station.cert, key: station.key })).toBe('ok')

    // one API on both; the cookie is Secure over HTTPS only, and no HSTS (it would send a
    // browser to HTTPS on the plain port too)
    expect(await login(fetch, `http://127.0.0.1:${ports.httpPort}`, dataDir)).toMatchObject({
      status: 200,
      secure: false,
      hsts: null,
    })
    expect(await login(caFetch(ca), `https://127.0.0.1:${ports.httpsPort}`, dataDir)).toMatchObject({
      status: 200,
      secure: true,
      hsts: null,
    })
  })

  it('a kiosk of the bundle connects to a plain --hub only with --lab', { timeout: 30_000 }, async () => {
    expect(bundleHub.mqttUrl).toMatch(/^mqtts:/)
    expect('allowPlain' in bundleHub).toBe(false)
    // whoever listens on a plain port hears the kiosk's login: count who connects
    let connections = 0
    const listener = createServer((socket) => {
      connections++
      socket.destroy()
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    try {
      const plain = `mqtt://127.0.0.1:${(listener.address() as AddressInfo).port}`
      const refused = runBin('edge', 'ejia-edge', ['--config', kioskFile, '--hub', plain])
      procs.push(refused)
      expect(await refused.exited).toBe(2)
      expect(refused.stderr()).toContain('hub.mqttUrl: mqtt:// is plain MQTT without TLS')
      expect(refused.stderr()).toContain('ejia-edge --lab allows plain MQTT and HTTP to the hub')
      expect(connections).toBe(0)

      const lab = runBin('edge', 'ejia-edge', ['--config', kioskFile, '--hub', plain, '--lab'])
      procs.push(lab)
      expect(await lab.firstJson).toMatchObject({ stationId: station.id })
      await until('the --lab kiosk to connect', async () => (connections > 0 ? true : undefined))
      expect(lab.stderr()).toContain('lab mode: plain MQTT or HTTP to the hub without TLS')
      await kill9(lab)
    } finally {
      listener.close()
    }
  })
})
