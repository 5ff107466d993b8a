import { useEffect, useState } from 'preact/hooks'
import type { PersonRow } from './api/types.js'
import { useDashboard } from './context.js'

export interface TownOption {
  code: string
  name: string
  stations: { id: string; name: string }[]
}

/** The roster in the operator's scope, by person id: names for the ids that records carry. */
export function usePeople(): ReadonlyMap<string, PersonRow> {
  const { api } = useDashboard()
  const [people, setPeople] = useState<ReadonlyMap<string, PersonRow>>(new Map())
  useEffect(() => {
    api<{ people: PersonRow[] }>('GET', '/api/people')
      .then((r) => setPeople(new Map(r.people.map((p) => [p.personId, p]))))
      .catch(() => undefined)
  }, [])
  return people
}

/** The towns and stations in scope, from the fleet feed, sorted by code. */
export function useTowns(): TownOption[] {
  const { state } = useDashboard()
  state.fleet.layout.value
  const towns = new Map<string, TownOption>()
  for (const s of state.fleet.index.all()) {
    const t = towns.get(s.townCode) ?? { code: s.townCode, name: s.townName, stations: [] }
    t.stations.push({ id: s.id, name: s.name })
    towns.set(s.townCode, t)
  }
  return [...towns.values()]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((t) => ({ ...t, stations: t.stations.sort((a, b) => a.id.localeCompare(b.id)) }))
}

/** A station's name, or its id until the fleet is known. */
export function useStationName(): (id: string) => string {
  const { state } = useDashboard()
  state.fleet.layout.value
  return (id) => state.fleet.index.get(id)?.name ?? id
}

/** "王建国 (339901001001-c001)", or the id alone when the roster does not have them. */
export const personLabel = (people: ReadonlyMap<string, PersonRow>, id: string): string =>
  people.get(id)?.name ?? id
