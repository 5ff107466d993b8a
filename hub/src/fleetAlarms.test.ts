import { type Heartbeat, PROTOCOL_VERSION, type Status, stationTopic } from '@ejia/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, type TestHub } from '../../test/helpers/hub.js'
import { connectStation, type StationClient } from '../../test/helpers/mqtt.js'
import { until } from '../../test/helpers/wait.js'

interface AlarmRow {
  id: number
  kind: string
  stationId: string
  subject: string
  clearedAt: string | null
  clearReason: string | null
  ackedBy: string | null
  resolvedBy: string | null
  detail: Record<string, unknown>
}

/**
 * The fleet alarms on a real hub: stations logging in over MQTT and reporting through
 * their status and heartbeats, a clock the test moves, and the fleet watch looking every
 * 50 ms, with the default thresholds.
 */
describe('fleet alarms', () => {
  const district = makeDistrict(4)
  const [a1, b1] = district.configs.map((c) => c.station.id) as [string, string]
  const secret = (id: string) => district.configs.find((c) => c.station.id === id)?.hub.password as string
  const townA = district.configs[0]?.station.townCode as string
  let now = Date.parse('2026-11-27T01:00:00Z')
  let hub: TestHub
  let clerk: BearerAuth
  let station: StationClient

  const call = async (method: string, path: string, body?: unknown, who: BearerAuth = clerk) => {
    const res = await fetch(`${hub.api}${path}`, {
      method,
      headers: { ...who, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }
  const alarms = async (q: string): Promise<AlarmRow[]> =>
    (await call('GET', `/api/alarms?${q}`, undefined, hub.auth)).body.alarms
  /** The one alarm of a kind at a station (and subject) matching `ready`, once it is there. */
  const alarm = (
    kind: string,
    stationId: string,
    ready: (a: AlarmRow) => boolean = (a) => a.clearedAt === null,
    subject = '',
  ) =>
    until(`${kind} at ${stationId} ${subject}`, async () =>
      (await alarms(`kind=${kind}&station=${stationId}`)).find((a) => a.subject === subject && ready(a)),
    )
  const open = async (kind: string, stationId: string) =>
    (await alarms(`kind=${kind}&station=${stationId}&active=true`)).map((a) => a.subject)
  /** A person acknowledges the alarm, then resolves it with a note. */
  const handle = async (a: AlarmRow, who: BearerAuth = clerk, name = 'town-clerk') => {
    expect((await call('POST', `/api/alarms/${a.id}/ack`, undefined, who)).body.ackedBy).toBe(name)
    const r = await call('POST', `/api/alarms/${a.id}/resolve`, { note: '已处理' }, who)
    expect(r.body).toMatchObject({ id: a.id, resolvedBy: name, resolveNote: '已处理' })
    expect(r.body.resolvedAt).not.toBeNull()
  }
  /** Two checks of the watch go by. */
  const watchLooks = () => new Promise((r) => setTimeout(r, 200))

  const heartbeat = (over: Partial<Heartbeat> = {}): Heartbeat => ({
    time: new Date(now).toISOString(),
    bootedAt: '2026-11-27T00:00:00.000Z',
    intervalS: 30,
    lastSeq: 0,
    backlog: { depth: 0, oldestUnsentAt: null, oldestUnsentAgeS: null, deadLetters: 0 },
    versions: { agent: '0.1.0', protocol: PROTOCOL_VERSION, config: 'c1' },
    faults: [],
    ...over,
  })
  const send = async (id: string, channel: 'heartbeat' | 'status', message: Heartbeat | Status) => {
    await station.client.publishAsync(stationTopic(id, channel), JSON.stringify(message), { qos: 1 })
  }
  const statusOf = async (id: string) => (await call('GET', `/api/stations/${id}`, undefined, hub.auth)).body

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { now: () => now, fleetWatch: { checkEveryMs: 50 } })
    clerk = await operatorAuth(hub, { username: 'town-clerk', tier: 'town', scope: townA })
    station = await connectStation(hub.mqttUrl, a1, secret(a1))
  })
  afterAll(async () => {
    await station?.close()
    await hub?.stop()
  })

  it('offline: raised 30 minutes after the station was last heard, cleared when it is back', async () => {
    await send(a1, 'status', { state: 'online', reason: 'connected', since: new Date(now).toISOString() })
    await send(a1, 'heartbeat', heartbeat())
    await until('online', async () => ((await statusOf(a1)).status === 'online' ? true : undefined))
    await send(a1, 'status', { state: 'offline', reason: 'shutdown', since: new Date(now).toISOString() })
    await until('offline', async () => ((await statusOf(a1)).status === 'offline' ? true : undefined))

    now += 29 * 60_000
    await watchLooks()
    expect(await open('offline', a1)).toEqual([])
    now += 2 * 60_000
    const raised = await alarm('offline', a1)
    expect(raised.detail).toMatchObject({ offlineReason: 'shutdown', lastSeen: '2026-11-27T01:00:00.000Z' })
    expect((await call('POST', `/api/alarms/${raised.id}/ack`)).body.ackedBy).toBe('town-clerk')

    await send(a1, 'status', { state: 'online', reason: 'connected', since: new Date(now).toISOString() })
    const cleared = await alarm('offline', a1, (a) => a.clearedAt !== null)
    expect(cleared).toMatchObject({ id: raised.id, clearReason: 'online', ackedBy: 'town-clerk' })

    // the clerk closes the case; the rule's reason stays, the person's note is added
    const resolved = await call('POST', `/api/alarms/${raised.id}/resolve`, { note: '村里停电，已恢复' })
    expect(resolved.body).toMatchObject({
      resolvedBy: 'town-clerk',
      resolveNote: '村里停电，已恢复',
      clearReason: 'online',
    })
    const audit = (await call('GET', '/api/audit', undefined, hub.auth)).body.entries as {
      action: string
      actor: string
    }[]
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'alarm.ack', actor: 'town-clerk' }),
        expect.objectContaining({ action: 'alarm.resolve', actor: 'town-clerk' }),
      ]),
    )
  })

  it('clock skew, backlog age and low disk: raised from a heartbeat, cleared by a good one', async () => {
    await send(
      a1,
      'heartbeat',
      heartbeat({
        time: new Date(now + 300_000).toISOString(),
        backlog: { depth: 40, oldestUnsentAt: null, oldestUnsentAgeS: 2 * 3600, deadLetters: 0 },
        disk: { freeBytes: 200 * 1024 ** 2, totalBytes: 16 * 1024 ** 3 },
      }),
    )
    expect((await alarm('clockSkew', a1)).detail).toMatchObject({ clockSkewS: 300, maxS: 120 })
    expect((await alarm('backlogAge', a1)).detail).toMatchObject({ oldestUnsentAgeS: 7200, backlog: 40 })
    expect((await alarm('diskLow', a1)).detail).toMatchObject({
      freeBytes: 200 * 1024 ** 2,
      minFreeBytes: 1024 ** 3,
    })

    // within the thresholds: 100 s of skew, 50 minutes of backlog, 2 GiB free
    await send(
      a1,
      'heartbeat',
      heartbeat({
        time: new Date(now + 100_000).toISOString(),
        backlog: { depth: 3, oldestUnsentAt: null, oldestUnsentAgeS: 50 * 60, deadLetters: 0 },
        disk: { freeBytes: 2 * 1024 ** 3, totalBytes: 16 * 1024 ** 3 },
      }),
    )
    const done = (a: AlarmRow) => a.clearedAt !== null
    const reasons = { clockSkew: 'clockOk', backlogAge: 'backlogSent', diskLow: 'diskOk' }
    for (const [kind, reason] of Object.entries(reasons)) {
      const cleared = await alarm(kind, a1, done)
      expect(cleared.clearReason, kind).toBe(reason)
      await handle(cleared)
    }
  })

  it('device faults: one alarm per device once held 10 minutes, each cleared when its fault is gone', async () => {
    const since = new Date(now).toISOString()
    const camera = { device: 'camera', code: 'noFrames', message: 'no frames for 60 s', since }
    const reader = { device: 'serial:reader', code: 'unplugged', message: '/dev/ttyUSB0 gone', since }
    await send(a1, 'heartbeat', heartbeat({ faults: [camera, reader] }))
    now += 9 * 60_000
    await watchLooks()
    expect(await open('deviceFault', a1)).toEqual([])
    now += 2 * 60_000
    await send(a1, 'heartbeat', heartbeat({ faults: [camera, reader] }))
    await alarm('deviceFault', a1, undefined, 'camera')
    const readerAlarm = await alarm('deviceFault', a1, undefined, 'serial:reader')
    expect(readerAlarm.detail).toMatchObject({ code: 'unplugged', since })
    // only deviceFault alarms when asked for them
    expect(new Set((await alarms('kind=deviceFault')).map((a) => a.kind))).toEqual(new Set(['deviceFault']))

    await send(a1, 'heartbeat', heartbeat({ faults: [reader] }))
    const cameraCleared = await alarm('deviceFault', a1, (a) => a.clearedAt !== null, 'camera')
    expect(cameraCleared.clearReason).toBe('faultGone')
    await handle(cameraCleared)
    expect(await open('deviceFault', a1)).toEqual(['serial:reader'])

    // resolved while the reader is still out: closed, and not raised again at once…
    const resolved = await call('POST', `/api/alarms/${readerAlarm.id}/resolve`, { note: '已派人更换读卡器' })
    expect(resolved.body).toMatchObject({ clearReason: 'resolved', resolvedBy: 'town-clerk' })
    await watchLooks()
    expect(await open('deviceFault', a1)).toEqual([])
    // …but a day later, with the reader still out, it is
    now += 25 * 3600_000
    const again = await alarm('deviceFault', a1, undefined, 'serial:reader')
    expect(again.id).not.toBe(readerAlarm.id)
  })

  it('denied logins: five refused logins naming a station raise it; ten quiet minutes clear it', async () => {
    const refused = async (opts: { clientId?: string; username?: string } = {}) => {
      await expect(connectStation(hub.mqttUrl, b1, 'not-the-secret', opts)).rejects.toThrow()
    }
    for (let i = 0; i < 3; i++) await refused()
    // a username no station has, with the station's client id, is laid at its door too
    await refused({ username: 'guess' })
    await watchLooks()
    expect(await open('deniedLogins', b1)).toEqual([])
    await refused()
    const raised = await alarm('deniedLogins', b1)
    expect(raised.detail).toMatchObject({
      count: 5,
      reasons: { badSecret: 4, unknownUser: 1 },
      clientIds: [`ejia-edge-${b1}`],
      usernames: expect.arrayContaining([b1, 'guess']),
    })
    expect(String((raised.detail.addresses as string[])[0])).toContain('127.0.0.1')
    // b1 is not in the clerk's town: they may neither acknowledge nor resolve it
    expect((await call('POST', `/api/alarms/${raised.id}/resolve`, { note: '不是我镇的' })).status).toBe(403)
    expect((await call('GET', `/api/alarms?kind=deniedLogins&station=${b1}`)).status).toBe(403)

    now += 9 * 60_000
    await watchLooks()
    expect(await open('deniedLogins', b1)).toEqual([''])
    now += 2 * 60_000
    const quiet = await alarm('deniedLogins', b1, (a) => a.clearedAt !== null)
    expect(quiet.clearReason).toBe('quiet')
    await handle(quiet, hub.auth, 'admin')
    expect((await call('POST', '/api/alarms/9999/resolve', { note: '无' }, hub.auth)).status).toBe(404)
  })
})
