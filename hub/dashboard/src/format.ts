import { zh } from './strings/index.js'

/** "12 秒前", "3 分钟前"…: how long ago, from a number of seconds. */
export function ago(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return zh.age.seconds(s)
  if (s < 3600) return zh.age.minutes(Math.floor(s / 60))
  if (s < 86_400) return zh.age.hours(Math.floor(s / 3600))
  return zh.age.days(Math.floor(s / 86_400))
}

/** "45 秒", "2 小时 5 分": a duration. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return zh.duration.seconds(s)
  if (s < 3600) return zh.duration.minutes(Math.floor(s / 60))
  if (s < 86_400) return zh.duration.hours(Math.floor(s / 3600), Math.floor((s % 3600) / 60))
  return zh.duration.days(Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600))
}

/** Clock skew with its sign: "+3 秒", "−2 分钟". */
export function skew(seconds: number): string {
  const s = Math.round(seconds)
  const sign = s > 0 ? '+' : s < 0 ? '−' : ''
  return `${sign}${duration(Math.abs(s))}`
}

/** A hub timestamp in China time, "11-27 09:24:05". */
export function dateTime(iso: string | null): string {
  if (!iso) return zh.common.none
  const d = new Date(iso)
  return d.toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  })
}

/** A rate 0..1 as "87.5%"; a missing one as a dash. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return zh.common.none
  return `${Math.round(rate * 1000) / 10}%`
}
