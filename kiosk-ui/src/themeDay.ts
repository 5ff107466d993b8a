// the subpath, not the package root: the root would bring every wire schema into the bundle
import { localDate } from '@ejia/protocol/localTime'

const DAY_MS = 86_400_000

/** The station's next monthly theme day (主题党日). */
export interface ThemeDay {
  /** Local date, YYYY-MM-DD. */
  date: string
  month: number
  day: number
  /** 0 when it is today. */
  inDays: number
}

/**
 * The next theme day on or after `today` (the station's local date, YYYY-MM-DD): this month's
 * if it has not passed, else next month's, December's passing into January. The station config
 * allows days 1–28 (firmware-config ActivityDefaults), which every month has; a later day
 * would fall on the month's last.
 */
export function nextThemeDay(today: string, dayOfMonth: number): ThemeDay {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number]
  const from = Date.UTC(year, month - 1, day)
  // Date.UTC takes month 12 as January of the next year, and day 0 as the month before's last
  const on = (m0: number) =>
    Date.UTC(year, m0, Math.min(dayOfMonth, new Date(Date.UTC(year, m0 + 1, 0)).getUTCDate()))
  const thisMonth = on(month - 1)
  const at = thisMonth >= from ? thisMonth : on(month)
  const d = new Date(at)
  return {
    date: d.toISOString().slice(0, 10),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    inDays: Math.round((at - from) / DAY_MS),
  }
}

/** The next theme day from an instant, in China Standard Time whatever the machine's zone. */
export const nextThemeDayAt = (now: Date, dayOfMonth: number): ThemeDay =>
  nextThemeDay(localDate(now.getTime()), dayOfMonth)
