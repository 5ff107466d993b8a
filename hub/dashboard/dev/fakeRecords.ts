import type { PersonRow, StationView } from '../src/api/types.js'
import { flagsOf, syntheticRecords } from './syntheticRecords.js'
import { syntheticStats } from './syntheticStats.js'

export interface FakeAnswer {
  status: number
  body: unknown
  /** Content type, when not JSON. */
  type?: string
}

type Level = 'district' | 'town' | 'village' | 'person'

/**
 * The record, statistics and audit routes of the fake hub (dev/fakeHub.ts), over synthetic
 * records of the fake district: GET /api/events, /api/activities(/flags), /api/stats/*,
 * /api/reports/*, /api/audit and the photos (drawn as SVG placeholders).
 */
export function fakeRecordRoutes(stations: readonly StationView[], roster: readonly PersonRow[]) {
  const now = Date.now()
  const data = syntheticRecords(stations, now)
  const cadres = new Map(roster.map((p) => [p.personId, p.name]))
  for (const p of data.people) p.name = cadres.get(p.personId) ?? p.name
  const stats = syntheticStats({ stations, ...data })
  const byId = new Map(stations.map((s) => [s.id, s]))
  const inPlace = (stationId: string, q: URLSearchParams) =>
    (!q.get('station') || stationId === q.get('station')) &&
    (!q.get('town') || byId.get(stationId)?.townCode === q.get('town'))

  return {
    people: data.people,
    answer(path: string, q: URLSearchParams): FakeAnswer | null {
      if (path === '/api/events') {
        const after = Number(q.get('after') ?? 0)
        const limit = Number(q.get('limit') ?? 100)
        const since = q.get('since') ? Date.parse(q.get('since') as string) : -Infinity
        const until = q.get('until') ? Date.parse(q.get('until') as string) : Infinity
        const person = q.get('person')
        const type = q.get('type')
        const events = data.events
          .filter(
            (e) =>
              e.ingestId > after &&
              inPlace(e.stationId, q) &&
              (!type || e.type === type) &&
              (!person || (e.body as { personId?: string }).personId === person) &&
              Date.parse(e.time) >= since &&
              Date.parse(e.time) < until,
          )
          .slice(0, limit)
        const last = events.at(-1)
        return {
          status: 200,
          body: { events, nextCursor: events.length === limit && last ? last.ingestId : null },
        }
      }
      const from = q.get('from') ?? '0000-01-01'
      const to = q.get('to') ?? '9999-12-31'
      if (path === '/api/activities')
        return {
          status: 200,
          body: {
            activities: data.activities.filter(
              (a) => a.plan.date >= from && a.plan.date <= to && inPlace(a.plan.stationId, q),
            ),
          },
        }
      if (path === '/api/activities/flags') {
        const list = data.activities.filter(
          (a) => a.plan.date >= from && a.plan.date <= to && inPlace(a.plan.stationId, q),
        )
        return { status: 200, body: { activities: flagsOf(list, (id) => byId.get(id)) } }
      }
      const stat = /^\/api\/(stats|reports)\/(duty|attendance|activities|study)(?:\.(xlsx|csv))?$/.exec(path)
      if (stat) {
        const level = (q.get('level') ?? 'town') as Level
        const scope = {
          ...(q.get('town') ? { town: q.get('town') as string } : {}),
          ...(q.get('station') ? { station: q.get('station') as string } : {}),
        }
        const kind = stat[2] as 'duty' | 'attendance' | 'activities' | 'study'
        if (kind === 'activities' && level === 'person')
          return { status: 400, body: { error: 'badQuery', message: 'activities are counted per village' } }
        const rows =
          kind === 'study'
            ? stats.study(q.get('today') ?? to, level, scope)
            : kind === 'duty'
              ? stats.duty(from, to, level, scope, now)
              : stats[kind](from, to, level, scope)
        if (stat[1] === 'stats') return { status: 200, body: { rows } }
        // the fake's report is a CSV of the rows, whatever the format asked
        const keys = Object.keys(rows[0]?.figures ?? {})
        const csv = [
          ['名称', ...keys].join(','),
          ...rows.map((r) =>
            [r.name, ...keys.map((k) => (r.figures as Record<string, unknown>)[k])].join(','),
          ),
        ].join('\r\n')
        return { status: 200, body: `\uFEFF${csv}\r\n`, type: 'text/csv; charset=utf-8' }
      }
      if (path === '/api/audit')
        return { status: 200, body: { entries: data.audit.slice(0, Number(q.get('limit') ?? 100)) } }
      const photo = /^\/api\/photos\/([0-9a-zA-Z]{64})(\/thumb)?$/.exec(path)
      if (photo) return { status: 200, body: placeholder(photo[1] as string), type: 'image/svg+xml' }
      return null
    },
  }
}

/** A photo stand-in: a meeting room of coloured heads, different for every id. */
function placeholder(id: string): string {
  const hue = Number.parseInt(id.slice(0, 4), 36) % 360
  const heads = Array.from({ length: 8 }, (_, i) => {
    const x = 90 + (i % 4) * 150
    const y = 250 + Math.floor(i / 4) * 170
    return `<circle cx="${x}" cy="${y}" r="42" fill="hsl(${(hue + i * 25) % 360} 45% 60%)"/><rect x="${x - 60}" y="${y + 50}" width="120" height="90" rx="30" fill="hsl(${hue} 30% 35%)"/>`
  }).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480" viewBox="0 0 640 480"><rect width="640" height="480" fill="hsl(${hue} 25% 88%)"/><rect x="120" y="40" width="400" height="110" fill="#b91c1c"/><text x="320" y="108" font-size="40" text-anchor="middle" fill="#fff">主题党日</text>${heads}</svg>`
}
