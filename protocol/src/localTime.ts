/**
 * Station-local dates and times. China keeps one offset all year (UTC+8, no daylight
 * saving), so a fixed offset is exact there; it is a parameter for any other deployment.
 */
export const CHINA_OFFSET_MIN = 480

const MINUTE = 60_000
const DAY = 86_400_000

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(at: number, offsetMin = CHINA_OFFSET_MIN): string {
  return new Date(at + offsetMin * MINUTE).toISOString().slice(0, 10)
}

/** The instant of a local date at HH:MM. */
export function atLocal(date: string, hhmm: string, offsetMin = CHINA_OFFSET_MIN): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return Date.parse(`${date}T00:00:00.000Z`) + (h * 60 + m - offsetMin) * MINUTE
}

/** ISO weekday of a local date: Monday 1 … Sunday 7. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00.000Z`).getUTCDay()
  return d === 0 ? 7 : d
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY).toISOString().slice(0, 10)
}

/** Every local date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = []
  // by instant, not by text: the day after 9999-12-31 is written "+010000-01-01", which sorts
  // before "9999", and the loop never ended (found by test/fuzz/hubApi.test.ts)
  const end = Date.parse(`${to}T00:00:00.000Z`)
  for (let t = Date.parse(`${from}T00:00:00.000Z`); t <= end; t += DAY)
    out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

export const minutes = (ms: number): number => Math.ceil(ms / MINUTE)
