import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../../../test/helpers/district.js'
import { startTestHub, type TestHub } from '../../../../test/helpers/hub.js'

// found by test/fuzz/hubApi.test.ts: dates and times the schemas let through that Date
// cannot read made `toISOString` throw, a 500, or a filter match nothing
describe('dates and times in queries that are no dates', () => {
  const district = makeDistrict(1)
  let hub: TestHub & { registryStation: string }
  beforeAll(async () => {
    hub = { ...(await startTestHub(district.registry)), registryStation: district.configs[0]!.station.id }
  })
  afterAll(() => hub.stop())
  const get = async (path: string) => {
    const res = await fetch(`${hub.api}${path}`, { headers: hub.auth })
    return { status: res.status, body: (await res.json()) as { message?: string } }
  }

  it('a leap second (RFC 3339 allows it) is a 400 that says so, on events, alarms and corrections', async () => {
    for (const path of [
      '/api/events?since=2026-12-31T23:59:60Z',
      '/api/events?until=2026-12-31T23:59:60Z',
      '/api/alarms?from=2026-12-31T23:59:60Z',
      '/api/alarms?to=2026-12-31T23:59:60Z',
    ]) {
      const r = await get(path)
      expect([r.status, r.body.message], path).toEqual([400, expect.stringMatching(/leap second/)])
    }
    expect((await get('/api/events?since=2026-12-31T23:59:59Z')).status).toBe(200)
    const correction = await fetch(`${hub.api}/api/duty/corrections`, {
      method: 'POST',
      headers: { ...hub.auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        stationId: hub.registryStation,
        personId: 'c1',
        direction: 'in',
        at: '2026-12-31T23:59:60+00:00',
        reason: '忘记打卡',
      }),
    })
    expect([correction.status, ((await correction.json()) as { message: string }).message]).toEqual([
      400,
      'body/at 2026-12-31T23:59:60+00:00 is not a time this hub can read (a leap second?)',
    ])
  })

  it('a day the month does not have is a 400, not the day after (2026-02-30 was read as 03-02)', async () => {
    for (const date of ['2026-02-30', '2025-02-29', '2026-04-31']) {
      const r = await get(`/api/stats/duty?from=${date}&to=2026-05-31&level=village`)
      expect([r.status, r.body.message], date).toEqual([400, expect.stringMatching(/date/)])
    }
    expect((await get('/api/stats/duty?from=2024-02-29&to=2024-03-31&level=village')).status).toBe(200)
  })

  it('duty figures over any range, 0000-01-01 to 9999-12-31 too, come back at once', async () => {
    const station = hub.registryStation
    const send = (method: string, path: string, body: object) =>
      fetch(`${hub.api}${path}`, {
        method,
        headers: { ...hub.auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    await send('PUT', '/api/people', {
      people: [{ personId: 'c1', stationId: station, name: '干部', roles: ['cadre'] }],
    })
    const rota = {
      validFrom: '2026-01-01',
      patterns: [{ weekday: 1, start: '08:00', end: '12:00', personIds: ['c1'] }],
    }
    expect((await send('PUT', `/api/duty/schedules/${station}`, rota)).status).toBe(200)
    const started = performance.now()
    const all = await get('/api/stats/duty?from=0000-01-01&to=9999-12-31&level=person')
    const last = await get('/api/stats/duty?from=9999-12-31&to=9999-12-31')
    expect(performance.now() - started).toBeLessThan(2000)
    expect([all.status, last.status]).toEqual([200, 200])
    // the same figures as the range of the rota up to tomorrow in China (UTC+8)
    const tomorrow = new Date(Date.now() + (8 + 24) * 3600_000).toISOString().slice(0, 10)
    expect(all.body).toEqual((await get(`/api/stats/duty?from=2026-01-01&to=${tomorrow}&level=person`)).body)
  })

  it('a month 00 or 13 or a day 00 is refused by the schema, not a 500', async () => {
    for (const [from, to] of [
      ['0000-00-00', '0000-00-00'],
      ['2026-13-01', '2026-13-31'],
      ['2026-11-00', '2026-11-30'],
    ])
      expect((await get(`/api/stats/duty?from=${from}&to=${to}`)).status).toBe(400)
    expect((await get('/api/stats/duty?from=2026-11-01&to=2026-11-30')).status).toBe(200)
  })
})
