import type { ActivityView, LedgerEvent, PersonRow, StationView, StatRow } from '../src/api/types.js'

type Level = 'district' | 'town' | 'village' | 'person'
interface Item {
  stationId: string
  personId: string
  f: Record<string, number>
}

const DISTRICT = '青山区'
const CHINA = 8 * 3600_000
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null)

/**
 * The fake hub's /api/stats/*: figures worked out from the synthetic records with the rules
 * of docs/RULES.md in brief, rolled up per district, town, village or person as the hub does
 * (hub/src/stats/rollUp.ts), provisional where a station still holds unsent events.
 */
export function syntheticStats(data: {
  stations: readonly StationView[]
  people: readonly PersonRow[]
  events: readonly LedgerEvent[]
  activities: readonly ActivityView[]
}) {
  const places = new Map(data.stations.map((s) => [s.id, s]))
  const names = new Map(data.people.map((p) => [p.personId, p.name]))

  const rollUp = (
    items: Item[],
    level: Level,
    scope: { town?: string; station?: string },
    finish: (f: Record<string, number>) => Record<string, number | null>,
  ) => {
    const groups = new Map<string, { name: string; f: Record<string, number>; stations: Set<string> }>()
    for (const it of items) {
      const p = places.get(it.stationId)
      if (!p) continue
      if (scope.town && p.townCode !== scope.town) continue
      if (scope.station && p.id !== scope.station) continue
      const [code, name] =
        level === 'district'
          ? ['district', DISTRICT]
          : level === 'town'
            ? [p.townCode, p.townName]
            : level === 'village'
              ? [p.id, p.name]
              : [it.personId, names.get(it.personId) ?? it.personId]
      const g = groups.get(code) ?? { name, f: {}, stations: new Set<string>() }
      for (const [k, v] of Object.entries(it.f)) g.f[k] = (g.f[k] ?? 0) + v
      g.stations.add(p.id)
      groups.set(code, g)
    }
    return [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, g]): StatRow<unknown> => {
        const behind = [...g.stations].map((id) => places.get(id)).filter((p) => (p?.backlog ?? 0) > 0)
        const ages = behind.map((p) => p?.oldestUnsentAgeS ?? 0)
        return {
          level,
          code,
          name: g.name,
          figures: finish(g.f),
          provisional: behind.length > 0,
          oldestUnsentAgeS: ages.length > 0 ? Math.max(...ages) : null,
        }
      })
  }

  const inRange = (date: string, from: string, to: string) => date >= from && date <= to

  function duty(from: string, to: string, now: number): Item[] {
    const byDay = new Map<string, { in?: number; out?: number }>()
    for (const e of data.events) {
      if (e.type !== 'duty.punch') continue
      const b = e.body as { personId: string; direction: 'in' | 'out' }
      const at = Date.parse(e.time)
      const key = `${e.stationId}|${b.personId}|${new Date(at + CHINA).toISOString().slice(0, 10)}`
      const d = byDay.get(key) ?? {}
      if (b.direction === 'in' && d.in === undefined) d.in = at
      if (b.direction === 'out') d.out = at
      byDay.set(key, d)
    }
    const today = new Date(now + CHINA).toISOString().slice(0, 10)
    const items: Item[] = []
    for (const s of data.stations) {
      if (s.status === 'never') continue
      const personId = `${s.id}-c001`
      for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10)
        const wd = new Date(t).getUTCDay()
        if (wd === 0 || wd === 6 || date >= today) continue
        const d = byDay.get(`${s.id}|${personId}|${date}`) ?? {}
        const startMs = Date.parse(`${date}T01:00:00Z`)
        const endMs = startMs + 8 * 3600_000
        const late = d.in !== undefined && d.in > startMs + 5 * 60_000
        const early = d.out !== undefined && d.out < endMs - 5 * 60_000
        const f = { shifts: 1, onTime: 0, late: 0, leftEarly: 0, missingPunch: 0, absent: 0, corrected: 0 }
        if (d.in === undefined && d.out === undefined) f.absent = 1
        else if (d.in === undefined || d.out === undefined) f.missingPunch = 1
        else if (!late && !early) f.onTime = 1
        else {
          f.late = late ? 1 : 0
          f.leftEarly = early ? 1 : 0
        }
        items.push({ stationId: s.id, personId, f })
      }
    }
    return items
  }

  const activitiesIn = (from: string, to: string) =>
    data.activities.filter((a) => inRange(a.plan.date, from, to))

  return {
    duty(from: string, to: string, level: Level, scope: { town?: string; station?: string }, now: number) {
      return rollUp(duty(from, to, now), level, scope, (f) => ({
        ...f,
        compliance: ratio(f.onTime ?? 0, f.shifts ?? 0),
      }))
    },
    attendance(from: string, to: string, level: Level, scope: { town?: string; station?: string }) {
      const items: Item[] = activitiesIn(from, to).flatMap((a) => {
        const r = a.result
        if (level !== 'person')
          return [
            {
              stationId: a.plan.stationId,
              personId: '',
              f: {
                activities: 1,
                expected: r.expected,
                onLeave: r.onLeave,
                present: r.present,
                vouched: r.vouched,
                quorumFailed: r.quorumMet ? 0 : 1,
              },
            },
          ]
        return a.plan.expected.map((personId) => {
          const s = a.signIns.find((x) => x.personId === personId)
          const leave = !s && a.plan.leave.some((l) => l.personId === personId)
          return {
            stationId: a.plan.stationId,
            personId,
            f: {
              activities: 1,
              expected: 1,
              onLeave: leave ? 1 : 0,
              present: s && s.method !== 'vouch' ? 1 : 0,
              vouched: s?.method === 'vouch' ? 1 : 0,
              quorumFailed: 0,
            },
          }
        })
      })
      return rollUp(items, level, scope, (f) => ({
        ...f,
        rate: ratio((f.present ?? 0) + (f.vouched ?? 0), (f.expected ?? 0) - (f.onLeave ?? 0)),
      }))
    },
    activities(from: string, to: string, level: Level, scope: { town?: string; station?: string }) {
      const items: Item[] = activitiesIn(from, to).map((a) => ({
        stationId: a.plan.stationId,
        personId: '',
        f: {
          total: 1,
          held: a.started || a.signIns.length > 0 ? 1 : 0,
          [`kind.${a.plan.kind}`]: 1,
          ...(a.plan.theme ? { [`theme.${a.plan.theme}`]: 1 } : {}),
        },
      }))
      return rollUp(items, level, scope, (f) => f)
    },
    study(today: string, level: Level, scope: { town?: string; station?: string }) {
      const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1
      const due = 8 * quarter
      const attended = new Map<string, number>()
      for (const a of data.activities)
        if (a.plan.date <= today)
          for (const s of a.signIns) attended.set(s.personId, (attended.get(s.personId) ?? 0) + a.plan.hours)
      const items: Item[] = data.people
        .filter((p) => p.roles?.includes('member'))
        .map((p, i) => {
          const done = Math.min(40, (attended.get(p.personId) ?? 0) + ((i * 37) % 23))
          return {
            stationId: p.stationId,
            personId: p.personId,
            f: {
              members: 1,
              onTrack: done >= due ? 1 : 0,
              behind: done >= due ? 0 : 1,
              done,
              dueByNow: due,
              target: 32,
              capped: Math.min(done, 32),
            },
          }
        })
      return rollUp(items, level, scope, ({ capped, ...f }) => ({
        ...f,
        onTrackRate: ratio(f.onTrack ?? 0, f.members ?? 0),
        completion: ratio(capped ?? 0, f.target ?? 0),
      }))
    },
  }
}
