import type { ControlTarget, Operator } from '../../api/types.js'
import type { TownOption } from '../../lookups.js'
import { zh } from '../../strings/index.js'

/** What the target picker holds: the kind, and the station and town picked for each kind. */
export interface TargetChoice {
  kind: 'station' | 'town' | 'all'
  station: string
  town: string
}

export function defaultTarget(op: Operator, towns: readonly TownOption[]): TargetChoice {
  const town = op.tier === 'town' && op.scope ? op.scope : (towns[0]?.code ?? '')
  const station = towns.find((t) => t.code === town)?.stations[0]?.id ?? ''
  return { kind: op.tier === 'station' ? 'station' : 'town', station, town }
}

export function targetOf(c: TargetChoice): ControlTarget {
  if (c.kind === 'station') return { station: c.station }
  if (c.kind === 'town') return { town: c.town }
  return { all: true }
}

/** The stations a target reaches, as far as the fleet in scope knows. */
export function stationsOf(c: TargetChoice, towns: readonly TownOption[]): string[] {
  if (c.kind === 'station') return c.station ? [c.station] : []
  if (c.kind === 'town') return towns.find((t) => t.code === c.town)?.stations.map((s) => s.id) ?? []
  return towns.flatMap((t) => t.stations.map((s) => s.id))
}

/** The target's name: a station, a town, or the district. */
export function targetName(c: TargetChoice, towns: readonly TownOption[]): string {
  if (c.kind === 'all') return zh.control.target.all
  if (c.kind === 'town') return towns.find((t) => t.code === c.town)?.name ?? c.town
  for (const t of towns) {
    const s = t.stations.find((x) => x.id === c.station)
    if (s) return s.name
  }
  return c.station
}

/**
 * One station, a town, or (for the district) all: the choices the API would accept from this
 * operator (a town operator has their own town only).
 */
export function TargetPicker(props: {
  op: Operator
  towns: readonly TownOption[]
  value: TargetChoice
  onChange: (c: TargetChoice) => void
  testId: string
}) {
  const { op, towns, value, onChange } = props
  const kinds: TargetChoice['kind'][] =
    op.tier === 'district' ? ['station', 'town', 'all'] : ['station', 'town']
  const n = stationsOf(value, towns).length
  return (
    <fieldset class="target" data-testid={props.testId}>
      <legend>{zh.control.target.label}</legend>
      <div class="target-kinds">
        {kinds.map((k) => (
          <label key={k} class="check">
            <input
              type="radio"
              name={`${props.testId}-kind`}
              value={k}
              checked={value.kind === k}
              data-testid={`${props.testId}-${k}`}
              onChange={() => onChange({ ...value, kind: k })}
            />
            {zh.control.target[k]}
          </label>
        ))}
      </div>
      {value.kind === 'station' ? (
        <select
          value={value.station}
          aria-label={zh.control.target.pickStation}
          data-testid={`${props.testId}-pick-station`}
          onChange={(e) => onChange({ ...value, station: e.currentTarget.value })}
        >
          {towns.map((t) => (
            <optgroup key={t.code} label={t.name}>
              {t.stations.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} {s.id}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      ) : value.kind === 'town' ? (
        <select
          value={value.town}
          aria-label={zh.control.target.pickTown}
          data-testid={`${props.testId}-pick-town`}
          onChange={(e) => onChange({ ...value, town: e.currentTarget.value })}
        >
          {towns.map((t) => (
            <option key={t.code} value={t.code}>
              {t.name}
            </option>
          ))}
        </select>
      ) : null}
      <span class="muted" data-testid={`${props.testId}-count`}>
        {zh.control.target.count(n)}
      </span>
    </fieldset>
  )
}
