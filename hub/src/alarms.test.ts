import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, type TestHub } from '../../test/helpers/hub.js'
import { until } from '../../test/helpers/wait.js'

/**
 * The unmanned-station alarm on a real hub: a rota, a clock the test moves, and the
 * duty watch checking every 50 ms instead of every minute.
 */
describe('unmanned-station alarm', () => {
  const district = makeDistrict(2)
  const [s1] = district.configs.map((c) => c.station.id) as [string]
  const town = district.configs[0]?.station.townCode as string
  // Friday 2026-11-27, 09:00 in China
  let now = Date.parse('2026-11-27T01:00:00Z')
  let hub: TestHub
  let api: string
  // the town office: a clerk who watches the alarms, and the head who approves corrections
  let clerk: BearerAuth
  let head: BearerAuth
  const call = async (method: string, path: string, body?: unknown, who = clerk) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...who,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  type AlarmList = {
    alarms: {
      id: number
      stationId: string
      clearedAt: string | null
      clearReason: string | null
      detail: Record<string, unknown>
    }[]
  }
  const alarms = async (q = '') => (await call('GET', `/api/alarms${q}`)).body as unknown as AlarmList

  beforeAll(async () => {
    hub = await startTestHub(district.registry, {
      now: () => now,
      dutyWatch: { checkEveryMs: 50, holdMs: 10 * 60_000 },
    })
    api = hub.api
    clerk = await operatorAuth(hub, { username: 'town-clerk', tier: 'town', scope: town })
    head = await operatorAuth(hub, { username: 'town-head', tier: 'town', scope: town })
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      start: '09:00',
      end: '17:00',
      personIds: ['c-1'],
    }))
    expect(
      await call('PUT', `/api/duty/schedules/${s1}`, { patterns: weekdays, graceLateMin: 5 }),
    ).toMatchObject({
      status: 200,
    })
  })
  afterAll(() => hub.stop())

  it('goes off when nobody has clocked in past grace and hold, clears when someone does, and is acknowledged', async () => {
    now += 14 * 60_000 // 09:14: past the 5-minute grace, but unmanned only since 09:05-ish
    await new Promise((r) => setTimeout(r, 200))
    expect((await alarms()).alarms).toEqual([])
    now += 10 * 60_000 // 09:24: unmanned for longer than the hold
    const raised = await until('the alarm', async () => (await alarms('?active=true')).alarms[0])
    expect(raised).toMatchObject({
      stationId: s1,
      clearedAt: null,
      detail: { expected: ['c-1'], kioskOnline: false, provisional: false },
    })

    // the missed punch is added and approved by a second person: the station is staffed
    const asked = await call('POST', '/api/duty/corrections', {
      stationId: s1,
      personId: 'c-1',
      direction: 'in',
      at: new Date(now - 60_000).toISOString(),
      reason: '读卡器故障',
    })
    await call('POST', `/api/duty/corrections/${asked.body.id}/decision`, { approve: true }, head)
    const cleared = await until('the alarm to clear', async () => {
      const a = (await alarms()).alarms[0]
      return a?.clearedAt ? a : undefined
    })
    expect(cleared.clearReason).toBe('staffed')
    expect((await alarms('?active=true')).alarms).toEqual([])

    expect(await call('POST', `/api/alarms/${raised.id}/ack`)).toMatchObject({
      status: 200,
      body: { ackedBy: 'town-clerk' },
    })
    expect(await call('POST', '/api/alarms/999/ack')).toMatchObject({
      status: 404,
      body: { error: 'notFound' },
    })
    const audit = (await call('GET', '/api/audit', undefined, hub.auth)).body as {
      entries: { action: string }[]
    }
    expect(audit.entries.map((e) => e.action)).toContain('alarm.ack')
  })
})
