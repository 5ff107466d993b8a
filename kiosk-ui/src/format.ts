import { zh } from './strings.js'

/**
 * The kiosk shows China Standard Time whatever the machine's zone (docs/KIOSK.md: local times
 * are CST), so a kiosk imaged in UTC still shows the villagers' clock.
 */
const TZ = 'Asia/Shanghai'

const timeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
const secFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})
const partsFmt = new Intl.DateTimeFormat('en-US', {
  timeZone: TZ,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  weekday: 'short',
})
const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

export const hhmm = (t: string | number | Date) => timeFmt.format(new Date(t))
export const hhmmss = (t: string | number | Date) => secFmt.format(new Date(t))

/** "2026年11月25日 星期三" */
export function dateLabel(t: Date): string {
  const p = Object.fromEntries(partsFmt.formatToParts(t).map((x) => [x.type, x.value]))
  return `${p.year}年${p.month}月${p.day}日 ${zh.weekdays[WEEKDAY.indexOf(p.weekday ?? '')] ?? ''}`
}

/** Hours as people say them: 6, 2.5 — never 2.4999999. */
export const hours = (h: number) => (Number.isInteger(h) ? String(h) : h.toFixed(1))
