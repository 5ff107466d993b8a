import type { ActivityKind, ActivityTheme, EventBody, EventType, SignInMethod } from '@ejia/protocol'
import { seededRandom, seedOf, weighted } from './random.js'

export interface Draft<T extends EventType = EventType> {
  type: T
  body: EventBody<T>
}

/** The people of a simulated village: cadres on duty, party members, villagers. */
export interface SimRoster {
  cadres: string[]
  members: string[]
  villagers: string[]
}

export function simRoster(stationId: string): SimRoster {
  const rand = seededRandom(seedOf(`roster:${stationId}`))
  const ids = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${stationId}-${prefix}${String(i + 1).padStart(3, '0')}`)
  return {
    cadres: ids('c', 2 + Math.floor(rand() * 3)),
    members: ids('m', 15 + Math.floor(rand() * 26)),
    villagers: ids('v', 30 + Math.floor(rand() * 51)),
  }
}

// How people sign in at a village kiosk: mostly face, then card; a few need a cadre.
const METHODS: readonly (readonly [SignInMethod, number])[] = [
  ['face', 55],
  ['card', 25],
  ['qr', 9],
  ['pin', 5],
  ['fingerprint', 5],
  ['vouch', 1],
]
const THEMES: readonly (readonly [ActivityTheme, number])[] = [
  ['education', 3],
  ['service', 3],
  ['deliberation', 2],
  ['harmony', 2],
  ['x', 1],
]
const THEME_TITLES: Record<ActivityTheme, string> = {
  education: '主题党日：党员教育',
  service: '主题党日：为民服务',
  deliberation: '主题党日：民主议事',
  harmony: '主题党日：平安和谐',
  x: '主题党日：支部自选主题',
}
const OTHER_ACTIVITIES: readonly (readonly [ActivityKind, string])[] = [
  ['branchAssembly', '支部党员大会'],
  ['committeeMeeting', '支委会'],
  ['groupMeeting', '党小组会'],
  ['partyLecture', '党课'],
  ['study', '集中学习'],
]

/**
 * A station's days, as an endless, deterministic stream of events: the duty cadre clocks
 * in, on some days a branch activity runs with members signing in, villagers drop by,
 * and the cadre clocks out. The same station always produces the same stream, so a
 * restarted simulator can skip what its journal already holds.
 */
export function* dayScript(stationId: string): Generator<Draft> {
  const roster = simRoster(stationId)
  const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  for (let day = 1; ; day++) {
    const rand = seededRandom(seedOf(`${stationId}:day:${day}`))
    const onDuty = pick(rand, roster.cadres)
    const signIn = (): SignInMethod => weighted(rand, METHODS)
    const score = (m: SignInMethod) =>
      m === 'face' ? 0.6 + rand() * 0.35 : m === 'fingerprint' ? 0.8 : undefined

    const inMethod = rand() < 0.7 ? 'face' : 'card'
    yield {
      type: 'duty.punch',
      body: withScore({ personId: onDuty, direction: 'in', method: inMethod }, score(inMethod)),
    }

    const visits = 2 + Math.floor(rand() * 6)
    if (rand() < 0.5) {
      const activityId = `${stationId}-d${day}`
      const isThemeDay = rand() < 0.5
      const theme = weighted(rand, THEMES)
      const [kind, title] = isThemeDay
        ? (['themeDay', THEME_TITLES[theme]] as const)
        : pick(rand, OTHER_ACTIVITIES)
      yield {
        type: 'activity.start',
        body: { activityId, kind, title, startedBy: onDuty, ...(isThemeDay ? { theme } : {}) },
      }
      const attending = roster.members.filter(() => rand() < 0.8)
      for (const personId of attending) {
        const method = signIn()
        const body = { personId, method, activityId, ...(method === 'vouch' ? { vouchedBy: onDuty } : {}) }
        yield { type: 'checkin', body: withScore(body, score(method)) }
      }
      yield { type: 'activity.end', body: { activityId, endedBy: onDuty } }
    }
    for (let i = 0; i < visits; i++) {
      const method = signIn()
      const body = {
        personId: pick(rand, roster.villagers),
        method,
        ...(method === 'vouch' ? { vouchedBy: onDuty } : {}),
      }
      yield { type: 'checkin', body: withScore(body, score(method)) }
    }
    const outMethod = rand() < 0.7 ? 'face' : 'card'
    yield {
      type: 'duty.punch',
      body: withScore({ personId: onDuty, direction: 'out', method: outMethod }, score(outMethod)),
    }
  }
}

function withScore<T extends object>(body: T, score: number | undefined): T {
  return score === undefined ? body : { ...body, score: Math.round(score * 1000) / 1000 }
}
