import type { PersonRow } from '../../api/types.js'
import { monthRange } from '../../period.js'

/** What the records are searched by; the same for every tab. */
export interface RecordQuery {
  /** Typed: a name or a person id. */
  person: string
  /** The person it was resolved to, once one is picked. */
  personId: string | null
  town: string
  station: string
  /** An event type, or '' for all. */
  type: string
  from: string
  to: string
}

export const initialQuery = (today: string): RecordQuery => ({
  person: '',
  personId: null,
  town: '',
  station: '',
  type: '',
  ...monthRange(today.slice(0, 7)),
  to: today,
})

/**
 * The people a typed text may mean: the person with that id, else everyone whose name holds
 * it. An id the roster does not know (someone removed since) is searched as typed.
 */
export function resolvePerson(text: string, people: ReadonlyMap<string, PersonRow>): string[] {
  const q = text.trim()
  if (q === '') return []
  if (people.has(q)) return [q]
  const byName = [...people.values()].filter((p) => p.name.includes(q)).map((p) => p.personId)
  if (byName.length > 0) return byName
  return /^[A-Za-z0-9_.:-]+$/.test(q) ? [q] : []
}

/** The query's town and station as API parameters (only those set). */
export function placeParams(q: RecordQuery): Record<string, string> {
  return { ...(q.station ? { station: q.station } : q.town ? { town: q.town } : {}) }
}

/** Where an activity's record page is: its id, with the station and date to find it by. */
export const activityPlace = (activityId: string, stationId: string, date: string) =>
  [`/activity/${encodeURIComponent(activityId)}`, new URLSearchParams({ station: stationId, date })] as const

export type RecordTab = 'events' | 'activities' | 'flags'
const TABS: readonly RecordTab[] = ['events', 'activities', 'flags']
const KEYS = ['person', 'town', 'station', 'type', 'from', 'to'] as const

/** The tab and the query as the address bar keeps them, so a reload or "back" finds them again. */
export function fromAddress(params: URLSearchParams, today: string): { tab: RecordTab; query: RecordQuery } {
  const query = initialQuery(today)
  for (const k of KEYS) {
    const v = params.get(k)
    if (v !== null) query[k] = v
  }
  query.personId = params.get('pid')
  const tab = params.get('tab') as RecordTab | null
  return { tab: tab && TABS.includes(tab) ? tab : 'events', query }
}

export function toAddress(tab: RecordTab, q: RecordQuery): URLSearchParams {
  const p = new URLSearchParams({ tab })
  for (const k of KEYS) if (q[k]) p.set(k, q[k])
  if (q.personId) p.set('pid', q.personId)
  return p
}
