import type { Logger } from 'pino'
import { simRoster } from '../fleet/dayScript.js'
import { HubApi, type HubPlan } from './hubApi.js'
import { cardNumberOf, personName } from './personDetails.js'
import { SeedError } from './seedError.js'
import { type PersonWish, type SyncCount, syncPeople, syncPlans, syncSchedules } from './workSync.js'

export interface SeedStationOptions {
  apiUrl: string
  /** An API token of an operator who may change the station's roster, rota and plans. */
  token: string
  stationId: string
  /** YYYY-MM: the month whose 25th gets the theme day. */
  month: string
  log: Logger
}

export interface SeedStationSummary {
  station: string
  people: SyncCount & { pinsSet: number }
  rotas: SyncCount
  plans: SyncCount
  /** Who can sign in with a PIN at the kiosk, to try it. */
  pins: { personId: string; name: string; pin: string }[]
}

/** PINs to try at a demo kiosk: its first cadre, first member and first villager. */
const DEMO_PINS: Record<string, string> = { c001: '2580', m001: '1357', v001: '2468' }

/**
 * Gives one station a roster a kiosk can work with: the people the simulated day script
 * uses, with names, cards and a few PINs, a weekday duty rota for its cadres, and the theme
 * day on the 25th. The kiosk gets the roster on its next heartbeat. Running it again
 * changes nothing.
 */
export async function seedStation(opts: SeedStationOptions): Promise<SeedStationSummary> {
  const { stationId } = opts
  const api = new HubApi(opts.apiUrl, opts.token, opts.log)
  if (!(await api.stations()).some((s) => s.id === stationId))
    throw new SeedError('unknownStation', `station ${stationId} is not in the hub's registry`)

  const roster = simRoster(stationId)
  const pinOf = (personId: string) => DEMO_PINS[personId.slice(stationId.length + 1)]
  const person = (personId: string, roles: PersonWish['roles'], card: boolean): PersonWish => {
    const pin = pinOf(personId)
    return {
      personId,
      stationId,
      name: personName(personId),
      roles,
      cards: card ? [cardNumberOf(personId)] : [],
      qrTokens: [],
      fingerprints: [],
      ...(pin ? { pin } : {}),
    }
  }
  const people = [
    ...roster.cadres.map((id) => person(id, ['cadre', 'member'], true)),
    ...roster.members.map((id) => person(id, ['member'], true)),
    // about half the villagers have been given a card
    ...roster.villagers.map((id, i) => person(id, ['villager'], i % 2 === 0)),
  ]
  const peopleCount = await syncPeople(api, people)

  // one cadre a weekday, in turn, 08:30 to 17:30 (坐班)
  const rotas = await syncSchedules(api, [
    {
      stationId,
      patterns: [1, 2, 3, 4, 5].map((weekday) => ({
        weekday,
        start: '08:30',
        end: '17:30',
        personIds: [roster.cadres[(weekday - 1) % roster.cadres.length] as string],
      })),
      holidays: [],
      extraWorkdays: [],
      graceLateMin: 5,
      graceEarlyMin: 5,
      duplicateWithinMin: 3,
    },
  ])

  const date = `${opts.month}-25`
  const chair = roster.cadres[0] as string
  const themeDay: HubPlan = {
    activityId: `${stationId}-themeDay-${date}`,
    stationId,
    kind: 'themeDay',
    theme: 'education',
    title: '主题党日：党员教育',
    agenda: ['集中学习', '开展主题活动', '交流讨论'],
    date,
    expected: [...roster.cadres, ...roster.members],
    leave: roster.members
      .slice(1, 2)
      .map((personId) => ({ personId, reason: '外出务工', approvedBy: chair })),
    hours: 2,
  }
  const plans = await syncPlans(api, [themeDay])

  return {
    station: stationId,
    people: peopleCount,
    rotas,
    plans,
    pins: people.flatMap((p) => (p.pin ? [{ personId: p.personId, name: p.name, pin: p.pin }] : [])),
  }
}
