import type { Level, Row, Scope, StationPlace } from './figures.js'

/**
 * Groups items into the rows of `level` (the district, each town, each village, each
 * person), keeping only those inside `scope`, and computes each row's figures. A row is
 * provisional when any of its stations still holds unsent events, with the oldest age.
 */
export function rollUp<T, F>(
  items: readonly T[],
  at: {
    level: Level
    scope: Scope
    places: readonly StationPlace[]
    districtName: string
    /** Display names of people, for person rows; the id stands in for anyone unnamed. */
    names?: ReadonlyMap<string, string>
  },
  stationOf: (t: T) => string,
  personOf: (t: T) => string,
  figures: (ts: T[]) => F,
): Row<F>[] {
  const { level, scope } = at
  const places = new Map(at.places.map((p) => [p.stationId, p]))
  const groups = new Map<string, { name: string; items: T[]; stations: Set<string> }>()
  for (const item of items) {
    const place = places.get(stationOf(item))
    if (!place) continue
    if (scope.town !== undefined && place.townCode !== scope.town) continue
    if (scope.station !== undefined && place.stationId !== scope.station) continue
    const person = level === 'person' ? personOf(item) : ''
    const [code, name] =
      level === 'district'
        ? ['district', at.districtName]
        : level === 'town'
          ? [place.townCode, place.townName]
          : level === 'village'
            ? [place.stationId, place.stationName]
            : [person, at.names?.get(person) ?? person]
    const g = groups.get(code) ?? { name, items: [], stations: new Set<string>() }
    g.items.push(item)
    g.stations.add(place.stationId)
    groups.set(code, g)
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, g]) => {
      const behind = [...g.stations]
        .map((s) => places.get(s))
        .filter((p): p is StationPlace => p?.provisional === true)
      const ages = behind.map((p) => p.oldestUnsentAgeS ?? 0)
      return {
        level,
        code,
        name: g.name,
        figures: figures(g.items),
        provisional: behind.length > 0,
        oldestUnsentAgeS: ages.length > 0 ? Math.max(...ages) : null,
      }
    })
}
