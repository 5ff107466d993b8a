import { addDays, atLocal, CHINA_OFFSET_MIN, isoWeekday } from '../localTime.js'

/** One recurring shift: on an ISO weekday (1 = Monday), from `start` to `end`, local time. */
export interface ShiftPattern {
  weekday: number
  /** HH:MM */
  start: string
  /** HH:MM; earlier than `start` means the shift ends the next day. */
  end: string
  /** The cadres expected on this shift. */
  personIds: string[]
}

/** A station's duty rota (坐班) and the rules it is judged by. */
export interface DutySchedule {
  stationId: string
  patterns: ShiftPattern[]
  /** Local dates with no duty (public holidays), YYYY-MM-DD. */
  holidays: string[]
  /** Dates that are workdays although their weekday has no pattern (调休), with the weekday to follow. */
  extraWorkdays?: { date: string; likeWeekday: number }[]
  graceLateMin: number
  graceEarlyMin: number
  /** Punches of the same person and direction this close together are one. */
  duplicateWithinMin: number
  offsetMin?: number
  /**
   * The first local date this rota is in force, YYYY-MM-DD; absent: from the start. A new
   * rota applies from its date on, and the days before keep the rota they had, so changing
   * the rota never rewrites last month's figures.
   */
  validFrom?: string
}

/** A shift on a given day, as instants. It belongs to the date it starts on. */
export interface ShiftInstance {
  stationId: string
  date: string
  start: number
  end: number
  personIds: string[]
}

/** The shifts of one local date. */
export function shiftsOn(schedule: DutySchedule, date: string): ShiftInstance[] {
  if (schedule.holidays.includes(date)) return []
  const offset = schedule.offsetMin ?? CHINA_OFFSET_MIN
  const weekday = schedule.extraWorkdays?.find((d) => d.date === date)?.likeWeekday ?? isoWeekday(date)
  return schedule.patterns
    .filter((p) => p.weekday === weekday)
    .map((p) => {
      const start = atLocal(date, p.start, offset)
      const crosses = p.end <= p.start
      const end = atLocal(crosses ? addDays(date, 1) : date, p.end, offset)
      return { stationId: schedule.stationId, date, start, end, personIds: [...p.personIds] }
    })
    .sort((a, b) => a.start - b.start)
}

/** The rota of one station in force on a date: the latest version whose `validFrom` is not after it. */
export function rotaInForce(versions: readonly DutySchedule[], date: string): DutySchedule | undefined {
  let best: DutySchedule | undefined
  for (const v of versions) {
    const from = v.validFrom ?? ''
    if (from <= date && (best === undefined || from >= (best.validFrom ?? ''))) best = v
  }
  return best
}
