import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, type TestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

interface ConfigRow {
  stationId: string
  state: string
  appliedVersion: number
  desired: { version: number; issuedBy: string } | null
  problems: { path: string; message: string }[]
}
interface CommandRow {
  commandId: string
  stationId: string
  name: string
  state: string
  detail: string | null
  acceptedAt: string | null
  finishedAt: string | null
}
interface StationRow {
  heartbeatIntervalS: number | null
  versions: { config: string; roster?: string } | null
  backlog: number | null
  ledger: { events: number }
}

/**
 * Issue 7, remote config and commands: a real hub and four real kiosks in-process, in two
 * towns, over MQTT. A town operator pushes settings to their town; each kiosk checks them,
 * restarts on them and says so; a bad push is refused with the kiosk's reasons; a kiosk
 * that was offline gets the retained config when it comes back; every command is accepted
 * and then answered.
 */
describe('remote config and commands, hub to kiosks', () => {
  const district = makeDistrict(4)
  const [a1, b1, a2, b2] = district.configs.map((c) => c.station.id) as [string, string, string, string]
  const townA = district.configs[0]!.station.townCode
  const townB = district.configs[1]!.station.townCode
  let hub: TestHub
  let townOp: BearerAuth
  let cadre: BearerAuth
  const edges = new Map<string, EdgeHandle>()

  const startKiosk = async (stationId: string) => {
    const config = structuredClone(district.configs.find((c) => c.station.id === stationId)!)
    config.hub.mqttUrl = hub.mqttUrl
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    config.uplink.heartbeatIntervalS = 1
    const edge = await startEdge(config, { log })
    edges.set(stationId, edge)
    return edge
  }
  const api = async (who: BearerAuth, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.api}${path}`, {
      method,
      headers: { ...who, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const configOf = async (stationId: string): Promise<ConfigRow> =>
    (await api(hub.auth, 'GET', `/api/config?station=${stationId}`)).body.stations[0]
  const stationOf = async (stationId: string): Promise<StationRow> =>
    (await api(hub.auth, 'GET', `/api/stations/${stationId}`)).body
  const configIs = (stationId: string, state: string) =>
    until(`${stationId} config ${state}`, async () => {
      const c = await configOf(stationId)
      return c.state === state ? c : undefined
    })
  const command = async (stationId: string, name: string, args: Record<string, unknown> = {}) => {
    const r = await api(townOp, 'POST', '/api/commands', { target: { station: stationId }, name, args })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const id = r.body.commands[0].commandId as string
    return until(
      `${name} on ${stationId} to finish`,
      async () => {
        const list = (await api(hub.auth, 'GET', `/api/commands?station=${stationId}`)).body
          .commands as CommandRow[]
        const c = list.find((x) => x.commandId === id)
        return c && !['pending', 'accepted'].includes(c.state) ? c : undefined
      },
      30_000,
    )
  }
  const pin = (edge: EdgeHandle, personId: string, p: string) =>
    fetch(`${edge.localApiUrl}/api/signin/pin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId, pin: p }),
    })

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { rosterSync: { resendAfterMs: 2000 } })
    townOp = await operatorAuth(hub, { username: 'town-a', tier: 'town', scope: townA })
    cadre = await operatorAuth(hub, { username: 'cadre-a1', tier: 'station', scope: a1 })
    const people = [a1, a2, b1, b2].map((s) => ({
      personId: `${s}-c1`,
      stationId: s,
      name: '书记',
      roles: ['cadre', 'member'],
    }))
    expect((await api(hub.auth, 'PUT', '/api/people', { people })).status).toBe(200)
    expect((await api(hub.auth, 'PUT', `/api/people/${a1}-c1/pin`, { pin: '2580' })).status).toBe(200)
    // a2 is switched off when the town's config is pushed
    for (const s of [a1, b1, b2]) await startKiosk(s)
    await until('every kiosk to hold its roster', async () => {
      const rows = await Promise.all([a1, b1, b2].map(stationOf))
      return rows.every((r) => r.versions?.roster !== undefined && r.versions.roster !== '0')
        ? true
        : undefined
    })
  }, 60_000)
  afterAll(async () => {
    for (const e of edges.values()) await e.stop()
    await hub?.stop()
  })

  it('applies a config pushed to a town on every kiosk of that town, the offline one when it returns', {
    timeout: 90_000,
  }, async () => {
    const localBefore = edges.get(a1)?.localApiUrl
    // a town operator may not reach the other town, nor a village cadre push at all
    expect((await api(townOp, 'PUT', '/api/config', { target: { town: townB }, settings: {} })).status).toBe(
      403,
    )
    expect((await api(townOp, 'PUT', '/api/config', { target: { station: b1 }, settings: {} })).status).toBe(
      403,
    )
    expect((await api(townOp, 'PUT', '/api/config', { target: { all: true }, settings: {} })).status).toBe(
      403,
    )
    expect((await api(cadre, 'PUT', '/api/config', { target: { station: a1 }, settings: {} })).status).toBe(
      403,
    )
    // the hub refuses what is never the hub's to set, before any kiosk sees it
    const identity = await api(townOp, 'PUT', '/api/config', {
      target: { town: townA },
      settings: { hub: { mqttUrl: 'mqtt://elsewhere:1883' } },
    })
    expect(identity.status).toBe(400)

    const pushed = await api(townOp, 'PUT', '/api/config', {
      target: { town: townA },
      settings: { uplink: { heartbeatIntervalS: 2 }, journal: { retentionDays: 365 } },
    })
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200)
    expect(pushed.body.pushed).toEqual(
      expect.arrayContaining([
        { stationId: a1, version: 1 },
        { stationId: a2, version: 1 },
      ]),
    )
    expect(pushed.body.pushed).toHaveLength(2)

    const applied = await configIs(a1, 'applied')
    expect(applied).toMatchObject({
      appliedVersion: 1,
      desired: { version: 1, issuedBy: 'town-a' },
      problems: [],
    })
    await until('a1 heartbeats on the new settings', async () => {
      const s = await stationOf(a1)
      return s.heartbeatIntervalS === 2 && s.versions?.config.endsWith('+r1') ? s : undefined
    })
    // the kiosk restarted in-process on the same local API port, and still signs people in
    // (its first heartbeat can come before the restart has finished wiring the local API)
    await until('a1 serving its local API again', async () => edges.get(a1)?.localApiUrl)
    expect(edges.get(a1)?.localApiUrl).toBe(localBefore)
    expect((await pin(edges.get(a1)!, `${a1}-c1`, '2580')).status).toBe(200)
    // the other town untouched
    expect(await configOf(b1)).toMatchObject({ state: 'none', desired: null, appliedVersion: 0 })
    expect((await stationOf(b1)).heartbeatIntervalS).toBe(1)
    expect((await stationOf(b1)).versions?.config).not.toContain('+r')
    // a2 was off: pending, until it comes back and finds the retained config
    expect((await configOf(a2)).state).toBe('pending')
    await startKiosk(a2)
    await configIs(a2, 'applied')
    await until('a2 heartbeats on the new settings', async () => {
      const s = await stationOf(a2)
      return s.heartbeatIntervalS === 2 ? s : undefined
    })
    // the town's view, as its operator sees it
    const mine = (await api(townOp, 'GET', '/api/config')).body.stations as ConfigRow[]
    expect(mine.map((s) => [s.stationId, s.state]).sort()).toEqual([
      [a1, 'applied'],
      [a2, 'applied'],
    ])
  })

  it('shows a config every kiosk of a town rejects with its reasons; they keep their settings; a good one then applies everywhere', {
    timeout: 90_000,
  }, async () => {
    // issue 8: a bad config to a whole town
    const bad = await api(townOp, 'PUT', '/api/config', {
      target: { town: townA },
      settings: {
        uplink: { heartbeatIntervalS: 5 },
        devices: [{ name: 'card', profile: 'rdm6300', port: '/dev/ttyEJIA-missing' }],
      },
    })
    expect(bad.status).toBe(200)
    for (const station of [a1, a2]) {
      const rejected = await configIs(station, 'rejected')
      expect(rejected).toMatchObject({ desired: { version: 2 }, appliedVersion: 1 })
      expect(rejected.problems).toEqual([
        { path: '/devices/0/port', message: 'no serial device /dev/ttyEJIA-missing on this kiosk' },
      ])
    }
    // a village cadre may read their station's state
    const seen = await api(cadre, 'GET', '/api/config')
    expect(seen.body.stations.map((s: ConfigRow) => [s.stationId, s.state])).toEqual([[a1, 'rejected']])
    // both still on version 1: same interval, same version in heartbeats; a1 still signs people in
    await new Promise((r) => setTimeout(r, 2500))
    for (const station of [a1, a2]) {
      const s = await stationOf(station)
      expect(s.heartbeatIntervalS, station).toBe(2)
      expect(s.versions?.config.endsWith('+r1'), station).toBe(true)
    }
    expect((await pin(edges.get(a1)!, `${a1}-c1`, '2580')).status).toBe(200)

    // a good config from the district then applies on every kiosk, and their heartbeats show it
    const good = await api(hub.auth, 'PUT', '/api/config', {
      target: { all: true },
      settings: { uplink: { heartbeatIntervalS: 1 } },
    })
    expect(good.status).toBe(200)
    const versions = new Map<string, number>(
      good.body.pushed.map((p: { stationId: string; version: number }) => [p.stationId, p.version]),
    )
    expect([...versions.keys()].sort()).toEqual([a1, a2, b1, b2].sort())
    for (const station of [a1, a2, b1, b2]) {
      const version = versions.get(station) as number
      expect(await configIs(station, 'applied'), station).toMatchObject({ appliedVersion: version })
      await until(`${station} to report version ${version} in its heartbeat`, async () => {
        const s = await stationOf(station)
        return s.versions?.config.endsWith(`+r${version}`) && s.heartbeatIntervalS === 1 ? true : undefined
      })
    }
  })

  it('answers each command: accepted at once, then its result', { timeout: 90_000 }, async () => {
    const edge = edges.get(a1)!
    await until('a1 to have sent everything', async () => {
      const s = await stationOf(a1)
      return s.backlog === 0 && s.ledger.events > 0 ? s : undefined
    })
    const before = await stationOf(a1)
    const ingest = async () =>
      (await api(hub.auth, 'GET', '/api/stats/ingest')).body as { duplicates: number }
    const dupBefore = (await ingest()).duplicates

    // reupload: events sent again, the ledger unchanged thanks to dedup
    const reupload = await command(a1, 'reupload', { fromSeq: 1 })
    expect(reupload).toMatchObject({ state: 'succeeded' })
    expect(reupload.acceptedAt).not.toBeNull()
    const queued = Number(/^(\d+) events from seq 1 queued/.exec(reupload.detail ?? '')?.[1])
    expect(queued).toBeGreaterThanOrEqual(before.ledger.events)
    await until('the re-sent events to come back as duplicates', async () => {
      const d = (await ingest()).duplicates
      return d - dupBefore >= queued ? d : undefined
    })
    const lastSeq = (await edge.agent.status()).health.lastSeq
    expect((await stationOf(a1)).ledger.events).toBe(lastSeq)

    // resyncRoster: the kiosk drops its roster version and the hub sends it all again
    const resync = await command(a1, 'resyncRoster')
    expect(resync.state).toBe('succeeded')
    expect(resync.detail).toMatch(/^full roster version \d+ applied: 1 people$/)
    expect((await pin(edge, `${a1}-c1`, '2580')).status).toBe(200)

    // restartAgent: in-process, same local API, and the restart is in the ledger
    const starts = async () =>
      (await api(hub.auth, 'GET', `/api/events?station=${a1}&type=agent.start&limit=100`)).body.events
        .length as number
    const startsBefore = await starts()
    const url = edge.localApiUrl
    const restart = await command(a1, 'restartAgent')
    expect(restart).toMatchObject({ state: 'succeeded' })
    await until('the kiosk serving its local API again', async () => edge.localApiUrl)
    expect(edge.localApiUrl).toBe(url)
    await until('the restart to reach the ledger', async () =>
      (await starts()) > startsBefore ? true : undefined,
    )
    expect((await pin(edge, `${a1}-c1`, '2580')).status).toBe(200)

    // a kiosk started without its config file cannot keep a new secret, and says so
    // (credentialRotation.test.ts rotates kiosks that have one); bad arguments are refused at the hub
    expect(await command(a1, 'rotateCredentials')).toMatchObject({
      state: 'rejected',
      detail: expect.stringMatching(/without its station config file/),
    })
    const badArgs = await api(townOp, 'POST', '/api/commands', {
      target: { station: a1 },
      name: 'reupload',
      args: { fromSeq: 0 },
    })
    expect(badArgs.status).toBe(400)
    // a town operator commands their town only; the list is theirs too
    const other = await api(townOp, 'POST', '/api/commands', {
      target: { station: b1 },
      name: 'restartAgent',
    })
    expect(other.status).toBe(403)
    const listed = (await api(townOp, 'GET', '/api/commands')).body.commands as CommandRow[]
    expect(new Set(listed.map((c) => c.stationId))).toEqual(new Set([a1]))
    expect(listed.map((c) => c.state).sort()).toEqual(['rejected', 'succeeded', 'succeeded', 'succeeded'])
    expect((await api(townOp, 'GET', `/api/commands?town=${townB}`)).status).toBe(403)
  })
})
