import {
  addDays,
  atLocal,
  type DutyRota,
  localDate,
  type PlannedActivity,
  rotaInForce,
  shiftsOn,
} from '@ejia/protocol'
import type { Clock } from '../ports/clock.js'
import type { Journal } from '../ports/journal.js'
import type { Roster } from '../ports/roster.js'
import type { KioskMode } from './signInOutcome.js'

/** A clock-in older than this is a forgotten clock-out, not someone still on duty. */
const ON_DUTY_MAX_MS = 16 * 3600_000

export interface Today {
  date: string
  mode: KioskMode
  activities: PlannedActivity[]
  duty: {
    shifts: { start: string; end: string; people: { personId: string; name?: string }[] }[]
    onDuty: { personId: string; name?: string; since: string }[]
  }
}

/**
 * What the idle screen shows: today's planned activities and rota as the hub last sent
 * them, and who is on duty by the kiosk's own journal, so it holds while offline.
 */
export async function todayAtStation(deps: {
  journal: Journal
  roster: () => Roster
  rotas: () => readonly DutyRota[]
  plans: () => readonly PlannedActivity[]
  mode: () => KioskMode
  clock: Clock
}): Promise<Today> {
  const now = deps.clock.now()
  const date = localDate(now)
  const roster = deps.roster()
  const named = (personId: string) => {
    const name = roster.person(personId)?.name
    return name ? { personId, name } : { personId }
  }
  const rota = rotaInForce(deps.rotas(), date)
  const shifts = rota ? shiftsOn(rota, date) : []

  const last = new Map<string, { direction: string; time: string }>()
  const from = new Date(atLocal(addDays(date, -1), '00:00')).toISOString()
  for (const e of await deps.journal.since('duty.punch', from, 5000)) {
    if (e.type === 'duty.punch') last.set(e.body.personId, { direction: e.body.direction, time: e.time })
  }
  const onDuty = [...last]
    .filter(([, p]) => p.direction === 'in' && now - Date.parse(p.time) < ON_DUTY_MAX_MS)
    .map(([personId, p]) => ({ ...named(personId), since: p.time }))

  return {
    date,
    mode: deps.mode(),
    activities: deps.plans().filter((p) => p.date === date),
    duty: {
      shifts: shifts.map((s) => ({
        start: new Date(s.start).toISOString(),
        end: new Date(s.end).toISOString(),
        people: s.personIds.map(named),
      })),
      onDuty,
    },
  }
}
