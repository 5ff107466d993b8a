import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import {
  loadRegistry,
  loadStationConfig,
  type Registry,
  type RegistryStation,
  STATIONS_DIR,
} from '@ejia/firmware-config'
import type { Event } from '@ejia/protocol'
import type { Logger } from 'pino'
import { HubApi, type HubPlan, type HubSchedule } from './hubApi.js'
import { generateMonth, type MonthScenario } from './monthScenario.js'
import { cardNumberOf } from './personDetails.js'
import { SeedError } from './seedError.js'
import { type PublishCount, publishAsStation } from './stationPublisher.js'
import {
  type CorrectionCount,
  type CorrectionWish,
  type PersonWish,
  type SyncCount,
  syncCorrections,
  syncPeople,
  syncPlans,
  syncSchedules,
} from './workSync.js'

export interface SeedMonthOptions {
  /** The hub's HTTP API, e.g. http://127.0.0.1:8080. */
  apiUrl: string
  /**
   * An API token of a district operator, the office clerk: they enter the work data and ask
   * for the corrections, and make the town operator who decides them.
   */
  token: string
  /** The hub's broker, e.g. mqtt://127.0.0.1:1883. */
  hubUrl: string
  registryFile: string
  /** Where the provisioned station configs are; defaults to `stations/` beside the registry. */
  configsDir?: string
  townCode: string
  /** YYYY-MM */
  month: string
  seed: number
  log: Logger
}

export interface SeedMonthSummary {
  town: string
  month: string
  stations: number
  people: SyncCount
  rotas: SyncCount
  plans: SyncCount
  corrections: CorrectionCount
  events: PublishCount
  durationS: number
}

const STATIONS_AT_ONCE = 8

/**
 * Puts a generated month of one town's work into a running hub, as the office and the kiosks
 * would: people, rotas, activity plans and corrections through the HTTP API, and every kiosk
 * event over MQTT as its station. Running it again changes nothing: items the hub already
 * holds are skipped, and the ledger takes the same event ids as duplicates.
 */
export async function seedMonth(opts: SeedMonthOptions): Promise<SeedMonthSummary> {
  const startedAt = Date.now()
  const { log, townCode } = opts
  const registry = loadRegistry(opts.registryFile)
  const stations = townStations(registry, townCode)
  const configsDir = opts.configsDir ?? join(dirname(opts.registryFile), STATIONS_DIR)
  const passwords = new Map(
    stations.map((s) => [s.id, loadStationConfig(join(configsDir, `${s.id}.json`)).hub.password]),
  )
  const api = new HubApi(opts.apiUrl, opts.token, log)
  const online = (await api.stations(townCode)).filter((s) => s.status === 'online').map((s) => s.id)
  if (online.length > 0) {
    throw new SeedError(
      'stationOnline',
      `kiosks of ${online.slice(0, 5).join(', ')}${online.length > 5 ? ' …' : ''} are connected: their ` +
        'events would collide with the seeded ones; stop them first, or seed another town',
    )
  }

  const scenario = generateMonth({ townCode, stations: stations.length, month: opts.month, seed: opts.seed })
  log.info({ town: townCode, month: opts.month, events: scenario.events.length }, 'month generated')
  const people = await syncPeople(api, peopleOf(scenario))
  const rotas = await syncSchedules(api, schedulesOf(scenario))
  const plans = await syncPlans(api, plansOf(scenario))
  const townName = registry.towns.find((t) => t.code === townCode)?.name ?? townCode
  const corrections = await syncCorrections(api, correctionsOf(scenario), () =>
    townOffice(api, opts, townName),
  )
  log.info({ people, rotas, plans, corrections }, 'work data seeded')

  const byStation = new Map<string, Event[]>()
  for (const e of scenario.events) byStation.set(e.stationId, [...(byStation.get(e.stationId) ?? []), e])
  const counts = await inParallel([...byStation], STATIONS_AT_ONCE, ([stationId, events]) =>
    publishAsStation({
      hubUrl: opts.hubUrl,
      stationId,
      password: passwords.get(stationId) as string,
      events,
      log,
    }),
  )
  const events: PublishCount = { sent: 0, accepted: 0, duplicate: 0, rejected: 0 }
  for (const c of counts) for (const k of Object.keys(events) as (keyof PublishCount)[]) events[k] += c[k]
  log.info({ events }, 'events published')
  return {
    town: townCode,
    month: opts.month,
    stations: stations.length,
    people: { saved: people.saved, unchanged: people.unchanged },
    rotas,
    plans,
    corrections,
    events,
    durationS: Math.round((Date.now() - startedAt) / 100) / 10,
  }
}

/**
 * A town's village stations, which must be numbered 001, 002, … without gaps: the month
 * scenario names its stations that way, and the hub refuses events for stations it does not
 * know.
 */
export function townStations(registry: Registry, townCode: string): RegistryStation[] {
  const known = registry.towns.map((t) => t.code)
  if (!known.includes(townCode))
    throw new SeedError('unknownTown', `town ${townCode} is not in the registry; it has ${known.join(', ')}`)
  const stations = registry.stations
    .filter((s) => s.townCode === townCode && s.tier === 'village')
    .sort((a, b) => a.id.localeCompare(b.id))
  if (stations.length === 0) throw new SeedError('unknownTown', `town ${townCode} has no village stations`)
  stations.forEach((s, i) => {
    const want = `${townCode}${String(i + 1).padStart(3, '0')}`
    if (s.id !== want)
      throw new SeedError(
        'stationGap',
        `the month scenario numbers a town's villages ${townCode}001, 002, … without gaps; ` +
          `town ${townCode}'s village no. ${i + 1} is ${s.id}, not ${want}`,
      )
  })
  return stations
}

function peopleOf(scenario: MonthScenario): PersonWish[] {
  return scenario.people.map((p) => ({
    ...p,
    cards: [cardNumberOf(p.personId)],
    qrTokens: [],
    fingerprints: [],
  }))
}

function schedulesOf(scenario: MonthScenario): HubSchedule[] {
  return scenario.schedules.map((s) => ({
    ...s,
    // in force from the month's first day, so the month is judged by it
    validFrom: `${scenario.month}-01`,
    extraWorkdays: [],
    // the rules the scenario's ground truth follows (docs/RULES.md, duty)
    graceLateMin: 5,
    graceEarlyMin: 5,
    duplicateWithinMin: 3,
  }))
}

const AGENDA: Record<HubPlan['kind'], string[]> = {
  themeDay: ['集中学习', '开展主题活动', '交流讨论'],
  branchAssembly: ['通报支部工作', '讨论议题', '表决'],
}

function plansOf(scenario: MonthScenario): HubPlan[] {
  return scenario.activities.map((a) => ({
    activityId: a.activityId,
    stationId: a.stationId,
    kind: a.kind,
    ...(a.theme ? { theme: a.theme } : {}),
    ...(a.theme === 'x' ? { themeTitle: '乡村振兴' } : {}),
    title: a.title,
    agenda: AGENDA[a.kind],
    date: a.date,
    expected: a.expected,
    leave: a.leave.map((personId) => ({ personId, reason: '外出务工', approvedBy: `${a.stationId}-c1` })),
    hours: a.hours,
  }))
}

function correctionsOf(scenario: MonthScenario): CorrectionWish[] {
  return scenario.corrections.map((c) => ({
    stationId: c.stationId,
    personId: c.personId,
    direction: c.direction,
    at: new Date(`${c.date}T${c.time}:00+08:00`).toISOString(),
    reason: c.direction === 'in' ? '上班忘记打卡' : '下班忘记打卡',
    decision: c.decision,
  }))
}

/** The town office's operator, who decides the corrections the clerk asks for. */
export const townOfficeUsername = (townCode: string) => `town-office-${townCode}`

/**
 * Logs in as the town office: the clerk makes the operator, or gives the one a previous run
 * made a new password (the seeder keeps no password between runs), then it logs in.
 */
async function townOffice(clerk: HubApi, opts: SeedMonthOptions, townName: string): Promise<HubApi> {
  const username = townOfficeUsername(opts.townCode)
  const password = randomBytes(18).toString('base64url')
  await clerk.ensureOperator(
    { username, displayName: `${townName}办公室`.slice(0, 64), tier: 'town', scope: opts.townCode },
    password,
  )
  return HubApi.login(opts.apiUrl, username, password, opts.log)
}

/** Runs `fn` over the items, at most `limit` at a time. */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
