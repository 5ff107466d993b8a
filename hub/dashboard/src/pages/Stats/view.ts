import type { Operator } from '../../api/types.js'
import { monthRange } from '../../period.js'

export type Metric = 'duty' | 'attendance' | 'activities' | 'study'
export const METRICS: readonly Metric[] = ['duty', 'attendance', 'activities', 'study']
export type Level = 'district' | 'town' | 'village' | 'person'

/**
 * What the statistics page shows: a metric over a period, drilled down to a town or a
 * village. The rows' level follows from the drill: the district's rows are its towns, a
 * town's its villages, a village's its people (activities stop at the village).
 */
export interface StatView {
  metric: Metric
  from: string
  to: string
  town: string | null
  station: string | null
}

/** Where an operator starts: a town operator at their town, a village cadre at their village. */
export function startView(op: Operator, today: string, townOf: (station: string) => string | null): StatView {
  const month = monthRange(today.slice(0, 7))
  const base = { metric: 'duty' as const, from: month.from, to: today }
  if (op.tier === 'town') return { ...base, town: op.scope, station: null }
  if (op.tier === 'station') return { ...base, town: op.scope ? townOf(op.scope) : null, station: op.scope }
  return { ...base, town: null, station: null }
}

export function rowLevel(v: StatView): Level {
  if (v.station) return v.metric === 'activities' ? 'village' : 'person'
  return v.town ? 'village' : 'town'
}

const TIER_LEVELS: Record<Operator['tier'], readonly Level[]> = {
  district: ['district', 'town', 'village', 'person'],
  town: ['town', 'village', 'person'],
  station: ['village', 'person'],
}
/** The API answers 403 to a level wider than the operator's tier: never ask for one. */
export const levelAllowed = (op: Operator, level: Level) => TIER_LEVELS[op.tier].includes(level)

/** The query of the rows (and of their report): period, level, and the drill's town or station. */
export function rowsQuery(v: StatView, today: string): URLSearchParams {
  return new URLSearchParams({
    ...(v.metric === 'study' ? { today: v.to < today ? v.to : today } : { from: v.from, to: v.to }),
    level: rowLevel(v),
    ...(v.station ? { station: v.station } : v.town ? { town: v.town } : {}),
  })
}

/** The one row above the rows, for the total line, or null when there is none to ask for. */
export function totalQuery(v: StatView, today: string, op: Operator): URLSearchParams | null {
  const level = rowLevel(v)
  if (level === 'village' && v.station) return null
  const parent: Level = level === 'town' ? 'district' : level === 'village' ? 'town' : 'village'
  if (!levelAllowed(op, parent)) return null
  const q = rowsQuery(v, today)
  q.set('level', parent)
  return q
}

/** The view one level down from a row, or null at the bottom. */
export function drillInto(v: StatView, code: string): StatView | null {
  const level = rowLevel(v)
  if (level === 'town') return { ...v, town: code, station: null }
  if (level === 'village' && !v.station) return { ...v, station: code }
  return null
}

const API = { duty: 'duty', attendance: 'attendance', activities: 'activities', study: 'study' } as const
export const statsPath = (m: Metric) => `/api/stats/${API[m]}`
export const reportPath = (m: Metric, format: 'xlsx' | 'csv') => `/api/reports/${API[m]}.${format}`

export function toAddress(v: StatView): URLSearchParams {
  return new URLSearchParams({
    metric: v.metric,
    from: v.from,
    to: v.to,
    ...(v.town ? { town: v.town } : {}),
    ...(v.station ? { station: v.station } : {}),
  })
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
/**
 * The view in the address bar, if any, within what the operator may see: a town operator's
 * town stays theirs, a cadre's station theirs, whatever the address says.
 */
export function fromAddress(p: URLSearchParams, start: StatView, op: Operator): StatView {
  const metric = p.get('metric') as Metric | null
  const from = p.get('from')
  const to = p.get('to')
  const v: StatView = {
    metric: metric && METRICS.includes(metric) ? metric : start.metric,
    from: from && DATE.test(from) ? from : start.from,
    to: to && DATE.test(to) ? to : start.to,
    town: p.get('town') ?? start.town,
    station: p.get('station') ?? start.station,
  }
  if (op.tier === 'town') v.town = start.town
  if (op.tier === 'station') return { ...v, town: start.town, station: start.station }
  return v
}
