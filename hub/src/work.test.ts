import { verifyPin } from '@ejia/platform'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, type TestHub } from '../../test/helpers/hub.js'
import { drawInspectionSample } from './domain/inspection.js'

/** The hub's work API, over HTTP, on a real hub with its SQLite file. */
describe('work API', () => {
  const district = makeDistrict(4)
  const [s1, s2] = district.configs.map((c) => c.station.id) as [string, string]
  let hub: TestHub
  let api: string
  const call = async (method: string, path: string, body?: unknown, who: BearerAuth = hub.auth) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(body === undefined
          ? {}
          : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
        ...who,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text }
  }

  beforeAll(async () => {
    hub = await startTestHub(district.registry)
    api = hub.api
  })
  afterAll(() => hub.stop())

  it('imports the roster from an office CSV, explains bad lines, and exports it back', async () => {
    const csv = [
      '站点编码,人员编号,姓名,角色,卡号,二维码,指纹页号',
      `${s1},p-1,张建国,干部、党员,0013A8F2AB,,5`,
      `${s1},p-2,李秀英,党员,"099,12345;0000000001",,`,
      `${s2},p-3,王芳,群众,,,`,
    ].join('\n')
    expect(await call('POST', '/api/people/import', `${csv}\n12345,bad id!,,,,,\n`)).toMatchObject({
      status: 400,
      body: {
        error: 'badCsv',
        problems: expect.arrayContaining([{ line: 5, message: expect.stringContaining('人员编号') }]),
      },
    })
    expect((await call('GET', '/api/people')).body.people).toEqual([]) // nothing half-imported
    expect(await call('POST', '/api/people/import', csv)).toMatchObject({
      status: 200,
      body: { imported: 3 },
    })
    const people = (await call('GET', `/api/people?station=${s1}`)).body.people
    expect(people.map((p: { personId: string; roles: string[] }) => [p.personId, p.roles])).toEqual([
      ['p-1', ['cadre', 'member']],
      ['p-2', ['member']],
    ])
    const raw = Buffer.from(
      await (await fetch(`${api}/api/people/export.csv`, { headers: hub.auth })).arrayBuffer(),
    )
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // a BOM, for Excel
    const exported = raw.subarray(3).toString('utf8')
    expect(exported.startsWith('站点编码,人员编号,姓名,角色')).toBe(true)
    expect(exported).toContain(`${s1},p-1,张建国,干部、党员,0013A8F2AB,,5`)
    expect(exported).toContain('"099,12345;0000000001"')
  })

  it('refuses a card that would belong to two people at one station, and bad card numbers', async () => {
    const header = '站点编码,人员编号,姓名,角色,卡号,二维码,指纹页号'
    const bad = await call('POST', '/api/people/import', `${header}\n${s1},p-9,赵六,群众,12AB,,\n`)
    expect(bad).toMatchObject({
      status: 400,
      body: { problems: [{ line: 2, message: expect.stringContaining('12AB') }] },
    })
    const clash = await call('POST', '/api/people/import', `${header}\n${s1},p-9,赵六,群众,0013a8f2ab,,\n`)
    expect(clash).toMatchObject({
      status: 409,
      body: { error: 'credentialTwice', problems: [expect.stringContaining('belongs to both p-1 and p-9')] },
    })
    // the same card at another village is another card
    expect(
      await call('POST', '/api/people/import', `${header}\n${s2},p-9,赵六,群众,0013A8F2AB,,\n`),
    ).toMatchObject({ status: 200 })
  })

  it('keeps only a hash of a PIN, and keeps it across a re-import', async () => {
    expect(await call('PUT', '/api/people/p-3/pin', { pin: '12' })).toMatchObject({ status: 400 })
    expect(await call('PUT', '/api/people/nobody/pin', { pin: '2580' })).toMatchObject({ status: 404 })
    expect(await call('PUT', '/api/people/p-3/pin', { pin: '2580' })).toMatchObject({ status: 200 })
    const p3 = async () =>
      (await call('GET', `/api/people?station=${s2}`)).body.people.find(
        (p: { personId: string }) => p.personId === 'p-3',
      )
    const hash = (await p3()).pinHash as string
    expect(hash).toMatch(/^scrypt\$/)
    expect(hash).not.toContain('2580')
    expect(await verifyPin('2580', hash)).toBe(true)
    const csv = `站点编码,人员编号,姓名,角色,卡号,二维码,指纹页号\n${s2},p-3,王芳芳,群众,,,\n`
    expect(await call('POST', '/api/people/import', csv)).toMatchObject({ status: 200 })
    expect(await p3()).toMatchObject({ name: '王芳芳', pinHash: hash })
  })

  it('keeps corrections to a second person, with the audit trail', async () => {
    const town = district.configs[0]?.station.townCode as string
    const clerk = await operatorAuth(hub, { username: 'town-clerk', tier: 'town', scope: town })
    const head = await operatorAuth(hub, { username: 'town-head', tier: 'town', scope: town })
    const asked = await call(
      'POST',
      '/api/duty/corrections',
      {
        stationId: s1,
        personId: 'p-1',
        direction: 'out',
        at: '2026-11-25T09:30:00.000Z',
        reason: '忘记打卡',
      },
      clerk,
    )
    expect(asked).toMatchObject({ status: 201, body: { status: 'pending' } })
    const id = asked.body.id as number
    expect(
      await call('POST', `/api/duty/corrections/${id}/decision`, { approve: true }, clerk),
    ).toMatchObject({
      status: 403,
      body: { error: 'sameApprover' },
    })
    const ok = await call('POST', `/api/duty/corrections/${id}/decision`, { approve: true }, head)
    expect(ok.body).toMatchObject({ status: 'approved', decidedBy: 'town-head', requestedBy: 'town-clerk' })
    expect(
      (await call('POST', `/api/duty/corrections/${id}/decision`, { approve: false }, hub.auth)).status,
    ).toBe(409)
  })

  it('judges each day by the rota in force that day: a new rota does not rewrite the past', async () => {
    const rota = (weekday: number, validFrom?: string) => ({
      patterns: [{ weekday, start: '08:30', end: '17:30', personIds: ['p-3'] }],
      ...(validFrom ? { validFrom } : {}),
    })
    // Mondays from 5 January 2026, then Tuesdays from the 15th
    expect(await call('PUT', `/api/duty/schedules/${s2}`, rota(1, '2026-01-05'))).toMatchObject({
      status: 200,
      body: { validFrom: '2026-01-05' },
    })
    expect(await call('PUT', `/api/duty/schedules/${s2}`, rota(2, '2026-01-15'))).toMatchObject({
      status: 200,
    })
    const q = `from=2026-01-01&to=2026-01-21&level=person&station=${s2}`
    const [row] = (await call('GET', `/api/stats/duty?${q}`)).body.rows
    // Monday 5th and 12th on the first rota, Tuesday 20th on the second; nobody came
    expect(row).toMatchObject({ code: 'p-3', figures: { shifts: 3, absent: 3 } })
    const versions = (await call('GET', '/api/duty/schedules')).body.schedules.filter(
      (x: { stationId: string }) => x.stationId === s2,
    )
    expect(versions.map((v: { validFrom: string }) => v.validFrom)).toEqual(['2026-01-05', '2026-01-15'])
    // without a date, a rota applies from today
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    expect((await call('PUT', `/api/duty/schedules/${s2}`, rota(3))).body.validFrom).toBe(today)
  })

  it('draws the inspection sample once, reproducibly, and refuses to redraw it', async () => {
    const drawn = await call('POST', '/api/inspections', { month: '2026-11', seed: 42 })
    expect(drawn).toMatchObject({
      status: 201,
      body: {
        seed: 42,
        stations: drawInspectionSample(
          district.configs.map((c) => c.station.id),
          42,
        ),
      },
    })
    expect((await call('POST', '/api/inspections', { month: '2026-11' })).status).toBe(409)
    expect((await call('GET', '/api/inspections/2026-11')).body).toMatchObject({ seed: 42 })
  })

  it('records who made up for an absence', async () => {
    await call('PUT', '/api/activities/a-25', {
      stationId: s1,
      kind: 'themeDay',
      theme: 'service',
      title: '主题党日',
      date: '2026-11-25',
      expected: ['p-1', 'p-2'],
      hours: 2,
    })
    await call('PUT', '/api/activities/a-27', {
      stationId: s1,
      kind: 'makeUp',
      title: '补课',
      date: '2026-11-27',
      expected: ['p-2'],
      makeUpOf: 'a-25',
      hours: 2,
    })
    const { activities } = (await call('GET', '/api/activities?from=2026-11-01&to=2026-11-30')).body
    const day = activities.find((a: { plan: { activityId: string } }) => a.plan.activityId === 'a-25')
    expect(day).toMatchObject({
      result: { absent: ['p-1', 'p-2'], quorumMet: true },
      stillAbsent: ['p-1', 'p-2'],
    })
  })

  it('lists who is behind on study hours, with hours entered at the hub', async () => {
    await call('POST', '/api/study/entries', {
      personId: 'p-1',
      hours: 30,
      ref: '党校培训',
      date: '2026-10-10',
    })
    const { members } = (await call('GET', '/api/study?today=2026-11-30&behind=true')).body
    expect(members.map((m: { personId: string }) => m.personId)).toEqual(['p-2'])
  })

  it('keeps an audit trail of every change', async () => {
    const { body } = await call('GET', '/api/audit?limit=50')
    expect(body.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'people.upsert',
        'duty.correction.request',
        'duty.correction.approve',
        'inspection.draw',
        'study.entry',
        'activity.plan',
      ]),
    )
  })
})
