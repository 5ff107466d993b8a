import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import {
  provision,
  REGISTRY_FILE,
  type StationConfig,
  type StationRow,
  writeBundle,
} from '@ejia/firmware-config'
import { verifyPin } from '@ejia/platform'
import {
  generateMonth,
  type ScenarioShift,
  type SeedMonthSummary,
  seedMonth,
  seedStation,
  simRoster,
  townOfficeUsername,
} from '@ejia/simulators'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, TEST_ADMIN, type TestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

/**
 * `ejia-sim month` and `ejia-sim seed-station` against a real hub in-process, over its
 * HTTP API and broker: the hub's figures must equal the month's ground truth, computed here
 * by our own arithmetic, and seeding again must change nothing.
 */
const TOWN = '339901001'
const MONTH = '2025-11'
const LAST = '2025-11-30'
const SEED = 7
const KIOSK = '339901002001'

/** Town 001 numbered 001…006; town 002 has the kiosk; town 003 skips a number. */
function district() {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-seed-district-'))
  const ids = [
    ...[1, 2, 3, 4, 5, 6].map((n) => `${TOWN}00${n}`),
    '339901002001',
    '339901002002',
    '339901003001',
    '339901003003',
  ]
  const towns: Record<string, string> = { '001': '城关镇', '002': '东坝镇', '003': '西岭镇' }
  const rows: StationRow[] = ids.map((stationId, i) => ({
    line: i + 2,
    townName: towns[stationId.slice(6, 9)] as string,
    villageName: `测试${i + 1}村`,
    stationId,
    contactName: '张三',
    contactPhone: '13900000000',
  }))
  const { registry, configs, problems } = provision(rows, {
    districtName: '青山区',
    hubUrl: 'mqtt://127.0.0.1:1',
    allowPlain: true,
  })
  if (problems.length > 0) throw new Error(JSON.stringify(problems))
  writeBundle(dir, registry, configs)
  return { registry, configs, registryFile: join(dir, REGISTRY_FILE) }
}

const r4 = (n: number) => Math.round(n * 10_000) / 10_000

/** Duty figures from the ground truth of each shift, as docs/RULES.md defines them. */
function dutyOracle(shifts: readonly ScenarioShift[]) {
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

describe('seeding a month of one town into a running hub', () => {
  const { registry, configs, registryFile } = district()
  const scenario = generateMonth({ townCode: TOWN, stations: 6, month: MONTH, seed: SEED })
  let hub: TestHub
  let edge: EdgeHandle | undefined
  let api = ''
  let mqttUrl = ''
  let first: SeedMonthSummary
  const get = async <T>(path: string) =>
    (await (await fetch(`${api}${path}`, { headers: hub.auth })).json()) as T
  const month = (townCode: string) =>
    seedMonth({
      apiUrl: api,
      token: hub.token,
      hubUrl: mqttUrl,
      registryFile,
      townCode,
      month: MONTH,
      seed: SEED,
      log,
    })
  const seed = () => month(TOWN)
  const ledgerEvents = async (town: string) =>
    (await get<{ stations: { ledger: { events: number } }[] }>(`/api/stations?town=${town}`)).stations.reduce(
      (n, s) => n + s.ledger.events,
      0,
    )
  const lastAuditId = async () =>
    (await get<{ entries: { id: number }[] }>('/api/audit?limit=1')).entries[0]?.id

  beforeAll(async () => {
    hub = await startTestHub(registry)
    api = hub.api
    mqttUrl = hub.mqttUrl
    first = await seed()
  }, 60_000)
  afterAll(async () => {
    await edge?.stop()
    await hub?.stop()
  })

  it('puts every person, rota, plan, correction and event in', async () => {
    expect(first).toMatchObject({
      stations: 6,
      people: { saved: scenario.people.length, unchanged: 0 },
      rotas: { saved: 6, unchanged: 0 },
      plans: { saved: 12, unchanged: 0 },
      corrections: {
        requested: scenario.corrections.length,
        decided: scenario.corrections.filter((c) => c.decision !== 'pending').length,
      },
      events: { sent: scenario.events.length, accepted: scenario.events.length, duplicate: 0, rejected: 0 },
    })
    expect(await ledgerEvents(TOWN)).toBe(scenario.events.length)
    const { people } = await get<{ people: { personId: string; name: string; cards: string[] }[] }>(
      `/api/people?station=${TOWN}003`,
    )
    expect(people.map((p) => p.personId).sort()).toEqual(
      scenario.people.filter((p) => p.stationId === `${TOWN}003`).map((p) => p.personId),
    )
    for (const p of people) {
      expect(p.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
      expect(p.cards).toEqual([expect.stringMatching(/^[0-9A-F]{10}$/)])
    }
    const { corrections } = await get<{
      corrections: { status: string; requestedBy: string; decidedBy: string | null }[]
    }>('/api/duty/corrections')
    expect(corrections.map((c) => c.status)).toEqual(scenario.corrections.map((c) => c.decision))
    // asked for by the clerk whose token the seeder has, decided by a second operator it made
    expect(corrections.map((c) => [c.requestedBy, c.decidedBy])).toEqual(
      scenario.corrections.map((c) => [
        TEST_ADMIN.username,
        c.decision === 'pending' ? null : townOfficeUsername(TOWN),
      ]),
    )
  })

  it('gives duty figures per village equal to the ground truth', async () => {
    const { rows } = await get<{ rows: { code: string; figures: unknown }[] }>(
      `/api/stats/duty?from=${MONTH}-01&to=${LAST}&level=village`,
    )
    const byStation = new Map<string, ScenarioShift[]>()
    for (const s of scenario.shifts) byStation.set(s.stationId, [...(byStation.get(s.stationId) ?? []), s])
    expect(rows.map((r) => [r.code, r.figures])).toEqual(
      [...byStation].sort(([a], [b]) => a.localeCompare(b)).map(([k, ss]) => [k, dutyOracle(ss)]),
    )
    // the month is a real one: late, absent and corrected shifts all occur
    const [town] = (
      await get<{ rows: { code: string; figures: ReturnType<typeof dutyOracle> }[] }>(
        `/api/stats/duty?from=${MONTH}-01&to=${LAST}&level=town`,
      )
    ).rows
    expect(town?.code).toBe(TOWN)
    expect(town?.figures.late).toBeGreaterThan(0)
    expect(town?.figures.absent).toBeGreaterThan(0)
    expect(town?.figures.corrected).toBeGreaterThan(0)
  })

  it('gives activity attendance equal to the ground truth', async () => {
    const { rows } = await get<{ rows: { code: string; figures: Record<string, unknown> }[] }>(
      `/api/stats/attendance?from=${MONTH}-01&to=${LAST}&level=town`,
    )
    const sum = (f: (a: (typeof scenario.activities)[number]) => number) =>
      scenario.activities.reduce((n, a) => n + f(a), 0)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.figures).toMatchObject({
      activities: 12,
      expected: sum((a) => a.expected.length),
      // on leave and did not come anyway
      onLeave: sum((a) => a.leave.filter((p) => !a.present.includes(p) && !a.vouched.includes(p)).length),
      present: sum((a) => a.present.length),
      vouched: sum((a) => a.vouched.length),
    })
    expect(sum((a) => a.present.length)).toBeGreaterThan(0)
  })

  it('changes nothing when run again', async () => {
    const audit = await lastAuditId()
    const duty = await get<unknown>(`/api/stats/duty?from=${MONTH}-01&to=${LAST}&level=village`)
    const again = await seed()
    expect(again).toMatchObject({
      people: { saved: 0, unchanged: scenario.people.length },
      rotas: { saved: 0, unchanged: 6 },
      plans: { saved: 0, unchanged: 12 },
      corrections: { requested: 0, decided: 0, unchanged: scenario.corrections.length },
      events: { sent: scenario.events.length, accepted: 0, duplicate: scenario.events.length },
    })
    expect(await ledgerEvents(TOWN)).toBe(scenario.events.length)
    expect((await get<{ corrections: unknown[] }>('/api/duty/corrections')).corrections).toHaveLength(
      scenario.corrections.length,
    )
    expect(await lastAuditId()).toBe(audit)
    expect(await get<unknown>(`/api/stats/duty?from=${MONTH}-01&to=${LAST}&level=village`)).toEqual(duty)
  })

  it('refuses a town it does not know, or whose villages are not numbered 001, 002, …', async () => {
    await expect(month('339901009')).rejects.toMatchObject({ code: 'unknownTown' })
    await expect(month('339901003')).rejects.toMatchObject({
      code: 'stationGap',
      message: expect.stringContaining('339901003003, not 339901003002'),
    })
  })

  it('seeds a kiosk station whose kiosk then signs people in by PIN, and refuses to seed a month over it', {
    timeout: 60_000,
  }, async () => {
    const seedKiosk = () =>
      seedStation({ apiUrl: api, token: hub.token, stationId: KIOSK, month: '2025-12', log })
    const seeded = await seedKiosk()
    const roster = simRoster(KIOSK)
    const size = roster.cadres.length + roster.members.length + roster.villagers.length
    expect(seeded).toMatchObject({
      people: { saved: size, unchanged: 0, pinsSet: 3 },
      rotas: { saved: 1 },
      plans: { saved: 1 },
    })
    expect(seeded.pins.map((p) => [p.personId, p.pin])).toEqual([
      [`${KIOSK}-c001`, '2580'],
      [`${KIOSK}-m001`, '1357'],
      [`${KIOSK}-v001`, '2468'],
    ])
    const { people } = await get<{ people: { personId: string; pinHash: string | null }[] }>(
      `/api/people?station=${KIOSK}`,
    )
    expect(people).toHaveLength(size)
    const hash = people.find((p) => p.personId === `${KIOSK}-c001`)?.pinHash
    expect(await verifyPin('2580', hash ?? '')).toBe(true)
    expect(await seedKiosk()).toMatchObject({
      people: { saved: 0, unchanged: size, pinsSet: 0 },
      rotas: { saved: 0 },
      plans: { saved: 0 },
    })

    const config = structuredClone(configs.find((c) => c.station.id === KIOSK) as StationConfig)
    config.hub.mqttUrl = mqttUrl
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-seed-kiosk-'))
    config.localApi.port = 0
    config.uplink.heartbeatIntervalS = 1
    config.face.enabled = false
    config.camera = { type: 'none', fps: config.camera.fps }
    edge = await startEdge(config, { log })
    const local = edge.localApiUrl as string
    const signIn = await until('the kiosk to take the seeded roster', async () => {
      const res = await fetch(`${local}/api/signin/pin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: `${KIOSK}-c001`, pin: '2580' }),
      })
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined
    })
    expect(signIn).toMatchObject({ kind: 'checkin', personId: `${KIOSK}-c001`, name: seeded.pins[0]?.name })

    await until('the hub to see the kiosk online', async () =>
      (await get<{ stations: { status: string }[] }>('/api/stations?town=339901002')).stations.some(
        (s) => s.status === 'online',
      )
        ? true
        : undefined,
    )
    await expect(month('339901002')).rejects.toMatchObject({ code: 'stationOnline' })
  })
})
