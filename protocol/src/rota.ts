import Type, { type Static } from 'typebox'
import { PersonId, StationId } from './ids.js'
import { addDays, atLocal, CHINA_OFFSET_MIN, isoWeekday, localDate, minutes } from './localTime.js'

const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  format: 'date',
  description: 'Local date, YYYY-MM-DD, a day the month has',
})
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'Local time, HH:MM' })

/** One recurring shift: on an ISO weekday (1 = Monday), from `start` to `end`, local time. */
export const ShiftPattern = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7 }),
    start: HHMM,
    /** Earlier than `start` means the shift ends the next day. */
    end: HHMM,
    /** The cadres expected on this shift. */
    personIds: Type.Array(PersonId, { minItems: 1 }),
  },
  { additionalProperties: false },
)
export type ShiftPattern = Static<typeof ShiftPattern>

/**
 * A station's duty rota (坐班) and the rules it is judged by. The hub judges shifts with
 * it and the kiosk shows it, so both read it through the functions below.
 */
export const DutyRota = Type.Object(
  {
    stationId: StationId,
    patterns: Type.Array(ShiftPattern),
    /** Local dates with no duty (public holidays). */
    holidays: Type.Array(LocalDate),
    /** Dates that are workdays although their weekday has no pattern (调休), with the weekday to follow. */
    extraWorkdays: Type.Optional(
      Type.Array(Type.Object({ date: LocalDate, likeWeekday: Type.Integer({ minimum: 1, maximum: 7 }) })),
    ),
    graceLateMin: Type.Integer({ minimum: 0, maximum: 120 }),
    graceEarlyMin: Type.Integer({ minimum: 0, maximum: 120 }),
    /** Punches of the same person and direction this close together are one. */
    duplicateWithinMin: Type.Integer({ minimum: 0, maximum: 60 }),
    offsetMin: Type.Optional(Type.Integer({ minimum: -720, maximum: 840 })),
    /**
     * The first local date this rota is in force; absent: from the start. A new rota
     * applies from its date on, and the days before keep the rota they had, so changing the
     * rota never rewrites last month's figures.
     */
    validFrom: Type.Optional(LocalDate),
  },
  { additionalProperties: false, title: 'DutyRota' },
)
export type DutyRota = Static<typeof DutyRota>

/** A shift on a given day, as instants. It belongs to the date it starts on. */
export interface ShiftInstance {
  stationId: string
  date: string
  start: number
  end: number
  personIds: string[]
}

/** The shifts of one local date. */
export function shiftsOn(rota: DutyRota, date: string): ShiftInstance[] {
  if (rota.holidays.includes(date)) return []
  const offset = rota.offsetMin ?? CHINA_OFFSET_MIN
  const weekday = rota.extraWorkdays?.find((d) => d.date === date)?.likeWeekday ?? isoWeekday(date)
  return rota.patterns
    .filter((p) => p.weekday === weekday)
    .map((p) => {
      const start = atLocal(date, p.start, offset)
      const crosses = p.end <= p.start
      const end = atLocal(crosses ? addDays(date, 1) : date, p.end, offset)
      return { stationId: rota.stationId, date, start, end, personIds: [...p.personIds] }
    })
    .sort((a, b) => a.start - b.start)
}

/** The rota of one station in force on a date: the latest version whose `validFrom` is not after it. */
export function rotaInForce(versions: readonly DutyRota[], date: string): DutyRota | undefined {
  let best: DutyRota | undefined
  for (const v of versions) {
    const from = v.validFrom ?? ''
    if (from <= date && (best === undefined || from >= (best.validFrom ?? ''))) best = v
  }
  return best
}

/** An "in" counts for a shift from this long before its start until its end. */
export const IN_WINDOW_BEFORE_MS = 2 * 3600_000
/** An "out" counts for a shift until this long after its end. */
export const OUT_WINDOW_AFTER_MS = 4 * 3600_000

/**
 * The shift a single punch belongs to, by the windows the hub judges with, and how late
 * (an "in") or early (an "out") it is beyond the grace: what the kiosk tells a cadre the
 * moment they clock. Yesterday's shift is looked at too, for a night shift's "out".
 */
export function punchOnShift(
  versions: readonly DutyRota[],
  personId: string,
  direction: 'in' | 'out',
  at: number,
): { shift: ShiftInstance; lateMin: number; earlyMin: number } | undefined {
  const today = localDate(at, versions[0]?.offsetMin ?? CHINA_OFFSET_MIN)
  for (const date of [today, addDays(today, -1)]) {
    const rota = rotaInForce(versions, date)
    if (!rota) continue
    for (const shift of shiftsOn(rota, date)) {
      if (!shift.personIds.includes(personId)) continue
      const fits =
        direction === 'in'
          ? at >= shift.start - IN_WINDOW_BEFORE_MS && at <= shift.end
          : at >= shift.start && at <= shift.end + OUT_WINDOW_AFTER_MS
      if (!fits) continue
      const lateMs = at - shift.start
      const earlyMs = shift.end - at
      return {
        shift,
        lateMin: direction === 'in' && lateMs > rota.graceLateMin * 60_000 ? minutes(lateMs) : 0,
        earlyMin: direction === 'out' && earlyMs > rota.graceEarlyMin * 60_000 ? minutes(earlyMs) : 0,
      }
    }
  }
  return undefined
}

/** The shift a punch falls on as a duty answer tells it (times RFC 3339), or undefined off shift. */
export function punchShiftAnswer(
  versions: readonly DutyRota[],
  personId: string,
  direction: 'in' | 'out',
  at: number,
): { start: string; end: string; lateMin: number; earlyMin: number } | undefined {
  const on = punchOnShift(versions, personId, direction, at)
  return (
    on && {
      start: new Date(on.shift.start).toISOString(),
      end: new Date(on.shift.end).toISOString(),
      lateMin: on.lateMin,
      earlyMin: on.earlyMin,
    }
  )
}
