import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  Accounts,
  createApi,
  defaultQuorum,
  type Level,
  SqliteOperatorStore,
  SqliteStorage,
  SqliteWorkStore,
  WorkStats,
} from '@ejia/hub'
import { generateMonth, type MonthScenario, type ScenarioShift } from '@ejia/simulators'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * A simulated month of one town: 30 stations, weekday rotas with a Wednesday night watch at
 * some, a holiday, late and early cadres, missing punches with corrections approved,
 * rejected and pending, an activity day on the 25th and a branch assembly with leave,
 * vouching and guests. The oracle below computes the expected figures from the scenario's
 * ground truth, by its own arithmetic: the hub's statistics must equal it exactly.
 */
const TOWN = '339901001'
const MONTH = '2026-11'
const NOW = Date.parse('2026-12-03T00:00:00+08:00')

interface DutyOracle {
  shifts: number
  onTime: number
  late: number
  leftEarly: number
  missingPunch: number
  absent: number
  corrected: number
  compliance: number | null
}

const r4 = (n: number) => Math.round(n * 10_000) / 10_000

function dutyOracle(shifts: readonly ScenarioShift[]): DutyOracle {
  const is = (...t: ScenarioShift['expected'][]) => shifts.filter((s) => t.includes(s.expected)).length
  return {
    shifts: shifts.length,
    onTime: is('onTime'),
    late: is('late', 'lateAndLeftEarly'),
    leftEarly: is('leftEarly', 'lateAndLeftEarly'),
    missingPunch: is('missingIn', 'missingOut'),
    absent: is('absent'),
    corrected: shifts.filter((s) => s.corrected).length,
    compliance: shifts.length ? r4(is('onTime') / shifts.length) : null,
  }
}

function attendanceOracle(activities: MonthScenario['activities']) {
  let expected = 0
  let onLeave = 0
  let present = 0
  let vouched = 0
  let quorumFailed = 0
  for (const a of activities) {
    const came = new Set([...a.present, ...a.vouched])
    expected += a.expected.length
    onLeave += a.leave.filter((p) => !came.has(p)).length
    present += a.present.length
    vouched += a.vouched.length
    if (a.kind === 'branchAssembly' && !(came.size > a.expected.length / 2)) quorumFailed++
  }
  const required = expected - onLeave
  return {
    activities: activities.length,
    expected,
    onLeave,
    present,
    vouched,
    rate: required ? r4((present + vouched) / required) : null,
    quorumFailed,
  }
}

describe('a simulated month of one town, against an oracle', () => {
  const scenario = generateMonth({ townCode: TOWN, stations: 30, month: MONTH, seed: 25 })
  let storage: SqliteStorage
  let work: SqliteWorkStore
  let stats: WorkStats
  let operators: SqliteOperatorStore
  let accounts: Accounts
  /** A district operator's API token: the reports need a login. */
  let auth: { authorization: string }
  /** The hub's API on this ledger, as main.ts wires it but without the fleet, broker or photos. */
  const hubApi = () =>
    createApi(
      { storage, work, stats, operators, accounts, version: 'test', now: () => NOW } as never,
      pino({ level: 'silent' }),
    )
  const get = (app: Awaited<ReturnType<typeof hubApi>>, url: string) => app.inject({ url, headers: auth })

  beforeAll(async () => {
    storage = await SqliteStorage.open(join(mkdtempSync(join(tmpdir(), 'ejia-month-')), 'hub.db'))
    await storage.syncRegistry(
      { code: '339901', name: '青山区' },
      [{ code: TOWN, name: '城关镇' }],
      scenario.stations.map((s) => ({
        id: s.stationId,
        name: s.name,
        tier: 'village' as const,
        townCode: TOWN,
        contact: null,
      })),
    )
    work = new SqliteWorkStore(storage.db, () => NOW)
    await work.upsertPeople(
      scenario.people.map((p) => ({ ...p, cards: [], qrTokens: [], fingerprints: [], pinHash: null })),
      'test',
    )
    for (const s of scenario.schedules) {
      await work.setSchedule({ ...s, graceLateMin: 5, graceEarlyMin: 5, duplicateWithinMin: 3 }, 'test')
    }
    for (const a of scenario.activities) {
      const cadre = `${a.stationId}-c1`
      await work.savePlan(
        {
          activityId: a.activityId,
          stationId: a.stationId,
          kind: a.kind,
          ...(a.theme ? { theme: a.theme } : {}),
          title: a.title,
          agenda: ['学习', '讨论'],
          date: a.date,
          expected: a.expected,
          quorum: defaultQuorum(a.kind),
          leave: a.leave.map((personId) => ({ personId, reason: '外出务工', approvedBy: cadre })),
          hours: a.hours,
        },
        'test',
      )
    }
    for (const c of scenario.corrections) {
      const id = await work.requestCorrection({
        stationId: c.stationId,
        personId: c.personId,
        direction: c.direction,
        at: Date.parse(`${c.date}T${c.time}:00+08:00`),
        reason: '忘记打卡',
        requestedBy: c.personId,
        requestedAt: NOW,
      })
      if (c.decision !== 'pending')
        await work.decideCorrection(id, c.decision === 'approved', 'town-officer', NOW)
    }
    await storage.commitEvents(scenario.events.map((e) => ({ ...e, receivedAt: Date.parse(e.time) })))
    stats = new WorkStats({
      work,
      places: () =>
        scenario.stations.map((s) => ({
          stationId: s.stationId,
          stationName: s.name,
          townCode: TOWN,
          townName: '城关镇',
          provisional: false,
          backlog: 0,
          oldestUnsentAgeS: null,
        })),
      districtName: () => '青山区',
      now: () => NOW,
    })
    operators = new SqliteOperatorStore(storage.db)
    accounts = new Accounts(operators, () => NOW)
    await accounts.addOperator({
      username: 'district-office',
      displayName: '区委组织部',
      tier: 'district',
      scope: null,
      password: 'district-office-password',
    })
    auth = { authorization: `Bearer ${(await accounts.createToken('district-office', 'test')).token}` }
  })
  afterAll(() => storage.close())

  it('generates a realistic month', () => {
    expect(scenario.stations).toHaveLength(30)
    expect(scenario.shifts.length).toBeGreaterThan(600)
    expect(new Set(scenario.shifts.map((s) => s.truth)).size).toBe(7)
    expect(scenario.corrections.map((c) => c.decision)).toEqual(
      expect.arrayContaining(['approved', 'rejected', 'pending']),
    )
    expect(scenario.events.length).toBeGreaterThan(1500)
  })

  it.each<Level>(['village', 'town', 'district'])(
    'gets duty compliance exactly right per %s',
    async (level) => {
      const rows = await stats.duty(`${MONTH}-01`, `${MONTH}-30`, level)
      const key = (s: ScenarioShift) =>
        level === 'village' ? s.stationId : level === 'town' ? TOWN : 'district'
      const groups = new Map<string, ScenarioShift[]>()
      for (const s of scenario.shifts) groups.set(key(s), [...(groups.get(key(s)) ?? []), s])
      expect(rows.map((r) => [r.code, r.figures])).toEqual(
        [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, ss]) => [k, dutyOracle(ss)]),
      )
    },
  )

  it('gets every late and early minute right, shift by shift', async () => {
    const results = await stats.shiftResults(`${MONTH}-01`, `${MONTH}-30`)
    expect(results).toHaveLength(scenario.shifts.length)
    const byKey = new Map(results.map((r) => [`${r.personId}@${r.date}`, r]))
    for (const s of scenario.shifts) {
      const r = byKey.get(`${s.personId}@${s.date}`)
      expect(r?.status, `${s.personId} on ${s.date}`).toBe(s.expected)
      if (!s.corrected)
        expect([r?.lateMin, r?.earlyMin], `${s.personId} on ${s.date}`).toEqual([s.lateMin, s.earlyMin])
    }
  })

  it.each<Exclude<Level, 'person'>>(['village', 'town', 'district'])(
    'gets activity attendance exactly right per %s',
    async (level) => {
      const rows = await stats.attendance(`${MONTH}-01`, `${MONTH}-30`, level)
      const key = (stationId: string) =>
        level === 'village' ? stationId : level === 'town' ? TOWN : 'district'
      const groups = new Map<string, MonthScenario['activities']>()
      for (const a of scenario.activities)
        groups.set(key(a.stationId), [...(groups.get(key(a.stationId)) ?? []), a])
      expect(rows.map((r) => [r.code, r.figures])).toEqual(
        [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, as]) => [k, attendanceOracle(as)]),
      )
    },
  )

  it('counts activities by kind and theme', async () => {
    const [district] = await stats.activityCounts(`${MONTH}-01`, `${MONTH}-30`, 'district')
    const themes = new Map<string, number>()
    for (const a of scenario.activities)
      if (a.theme) themes.set(`theme.${a.theme}`, (themes.get(`theme.${a.theme}`) ?? 0) + 1)
    expect(district?.figures).toEqual({
      total: 60,
      held: 60,
      'kind.themeDay': 30,
      'kind.branchAssembly': 30,
      ...Object.fromEntries(themes),
    })
  })

  it('drills down: the person rows add up to the rows above them, inside a town or a village', async () => {
    const range = [`${MONTH}-01`, `${MONTH}-30`] as const
    const station = scenario.stations[3]!.stationId
    const sum = <F>(rows: { figures: F }[], k: keyof F) =>
      rows.reduce((n, r) => n + (r.figures[k] as number), 0)
    for (const scope of [{ town: TOWN }, { station }]) {
      const [above] =
        'town' in scope
          ? await stats.duty(...range, 'town', scope)
          : await stats.duty(...range, 'village', scope)
      const people = await stats.duty(...range, 'person', scope)
      for (const k of ['shifts', 'onTime', 'late', 'absent', 'corrected'] as const)
        expect(sum(people, k), `duty ${k} in ${JSON.stringify(scope)}`).toBe(above!.figures[k])
      const [att] =
        'town' in scope
          ? await stats.attendance(...range, 'town', scope)
          : await stats.attendance(...range, 'village', scope)
      const attPeople = await stats.attendance(...range, 'person', scope)
      for (const k of ['expected', 'onLeave', 'present', 'vouched'] as const)
        expect(sum(attPeople, k), `attendance ${k} in ${JSON.stringify(scope)}`).toBe(att!.figures[k])
    }
    // person rows carry names, and a village scope holds only that village's people
    const inVillage = await stats.duty(...range, 'person', { station })
    expect(inVillage.every((r) => r.code.startsWith(station))).toBe(true)
    const name = scenario.people.find((p) => p.personId === inVillage[0]!.code)!.name
    expect(inVillage[0]!.name).toBe(name)
    expect(await stats.duty(...range, 'village', { town: '339901999' })).toEqual([])
  })

  it('sums study-hour completion from the members up', async () => {
    const members = await stats.study(`${MONTH}-30`)
    const [district] = await stats.studyCompletion(`${MONTH}-30`, 'district')
    const villages = await stats.studyCompletion(`${MONTH}-30`, 'village')
    expect(district!.figures.members).toBe(members.length)
    expect(district!.figures.behind).toBe(members.filter((m) => m.behind).length)
    expect(villages.reduce((n, r) => n + r.figures.members, 0)).toBe(members.length)
    const done = members.reduce((n, m) => n + m.done, 0)
    expect(district!.figures.done).toBeCloseTo(done, 2)
  })

  it('credits study hours to everyone who signed in, once per activity', async () => {
    const members = await stats.study(`${MONTH}-30`)
    const hours = new Map<string, number>()
    for (const a of scenario.activities)
      for (const p of new Set([...a.present, ...a.vouched])) hours.set(p, (hours.get(p) ?? 0) + a.hours)
    for (const m of members) expect(m.done, m.personId).toBe(hours.get(m.personId) ?? 0)
    expect(members).toHaveLength(scenario.people.filter((p) => p.roles.includes('member')).length)
  })

  it('exports XLSX that opens, with Chinese headers, whose numbers and totals match the API', async () => {
    const app = await hubApi()
    const q = `from=${MONTH}-01&to=${MONTH}-30&level=village`
    const api = (await get(app, `/api/stats/attendance?${q}`)).json() as {
      rows: { code: string; figures: Record<string, number> }[]
    }
    const res = await get(app, `/api/reports/attendance.xlsx?${q}`)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('活动出勤')!
    expect(ws.getRow(2).values).toEqual([
      undefined,
      '村/社区',
      '编码',
      '活动次数',
      '应到人数',
      '请假',
      '实到（本人）',
      '实到（代签）',
      '出勤率',
      '未达法定人数',
      '备注',
    ])
    const data = Array.from({ length: api.rows.length }, (_, i) => ws.getRow(3 + i))
    data.forEach((row, i) => {
      const f = api.rows[i]!.figures
      expect([
        row.getCell(2).value,
        row.getCell(4).value,
        row.getCell(6).value,
        row.getCell(7).value,
        row.getCell(8).value,
      ]).toEqual([api.rows[i]!.code, f.expected, f.present, f.vouched, f.rate])
    })
    const total = ws.getRow(3 + api.rows.length)
    expect(total.getCell(1).value).toBe('合计')
    const sum = (k: string) => api.rows.reduce((n, r) => n + (r.figures[k] ?? 0), 0)
    expect([
      total.getCell(4).value,
      total.getCell(5).value,
      total.getCell(6).value,
      total.getCell(7).value,
    ]).toEqual([sum('expected'), sum('onLeave'), sum('present'), sum('vouched')])
    const [district] = await stats.attendance(`${MONTH}-01`, `${MONTH}-30`, 'district')
    expect(total.getCell(8).value).toBe(district?.figures.rate)
    await app.close()
  })

  it('exports every report as CSV too, with a BOM for Excel, whose lines and total match the API', async () => {
    const app = await hubApi()
    const q = `from=${MONTH}-01&to=${MONTH}-30&level=person&town=${TOWN}`
    const api = (await get(app, `/api/stats/duty?${q}`)).json() as {
      rows: { code: string; name: string; figures: Record<string, number> }[]
    }
    expect(api.rows.length).toBeGreaterThan(30)
    const res = await get(app, `/api/reports/duty.csv?${q}`)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = parse(res.rawPayload.subarray(3).toString('utf8')) as string[][]
    expect(lines[0]?.slice(0, 4)).toEqual(['人员', '编码', '应值班次', '按时'])
    expect(lines.slice(1, -1).map((l) => [l[1], l[0], Number(l[2]), Number(l[3])])).toEqual(
      api.rows.map((r) => [r.code, r.name, r.figures.shifts, r.figures.onTime]),
    )
    const total = lines.at(-1)!
    expect([total[0], Number(total[2])]).toEqual([
      '合计',
      api.rows.reduce((n, r) => n + (r.figures.shifts ?? 0), 0),
    ])

    for (const report of ['activities.xlsx', 'activities.csv', 'study.csv', 'attendance.csv']) {
      const query = report.startsWith('study')
        ? `today=${MONTH}-30&level=village`
        : `from=${MONTH}-01&to=${MONTH}-30&level=town`
      expect((await get(app, `/api/reports/${report}?${query}`)).statusCode, report).toBe(200)
    }
    const study = await get(app, `/api/reports/study.xlsx?today=${MONTH}-30&level=town`)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(study.rawPayload as unknown as ArrayBuffer)
    const [town] = await stats.studyCompletion(`${MONTH}-30`, 'town')
    expect(wb.getWorksheet('学时完成')!.getRow(3).getCell(3).value).toBe(town!.figures.members)
    expect((await get(app, `/api/reports/study.csv?level=town`)).statusCode).toBe(400)
    expect(
      (await get(app, `/api/reports/activities.csv?from=${MONTH}-01&to=${MONTH}-30&level=person`)).json(),
    ).toMatchObject({ error: 'badQuery' })
    expect((await get(app, '/api/reports/people.pdf?level=town')).statusCode).toBe(400)
    await app.close()
  })
})
