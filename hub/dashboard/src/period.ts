/**
 * Dates as the hub counts them: local days in China (UTC+8 all year, docs/RULES.md), written
 * YYYY-MM-DD, whatever the browser's own zone.
 */
const CHINA_MS = 8 * 3600_000

/** The local date of an instant (epoch ms), YYYY-MM-DD. */
export const localDate = (ms: number): string => new Date(ms + CHINA_MS).toISOString().slice(0, 10)

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The first and last day of a month ("2026-11"). */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

/** Device-time bounds of local days `from`…`to` (inclusive), for /api/events' since and until. */
export function dayBounds(from: string, to: string): { since: string; until: string } {
  return { since: `${from}T00:00:00+08:00`, until: `${addDays(to, 1)}T00:00:00+08:00` }
}

/** "11-27 09:24" in China time, from an ISO instant. */
export function shortTime(iso: string): string {
  return new Date(new Date(iso).getTime() + CHINA_MS).toISOString().slice(5, 16).replace('T', ' ')
}
