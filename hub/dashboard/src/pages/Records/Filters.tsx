import type { PersonRow } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { useTowns } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import type { RecordQuery } from './query.js'

// the face events too: operators see each station's consents and deletions (docs/PRIVACY.md)
const EVENT_TYPES = [
  'checkin',
  'duty.punch',
  'activity.start',
  'activity.end',
  'activity.photo',
  'face.consent',
  'face.deleted',
]

/** Person, town, station, type (events only) and dates; 查询 applies them. */
export function Filters(props: {
  query: RecordQuery
  withType: boolean
  candidates: string[]
  people: ReadonlyMap<string, PersonRow>
  onChange: (q: RecordQuery) => void
  onSearch: () => void
}) {
  const { state } = useDashboard()
  const towns = useTowns()
  const q = props.query
  const set = (patch: Partial<RecordQuery>) => props.onChange({ ...q, ...patch })
  const tier = state.operator.value?.tier
  const stations = towns.filter((t) => !q.town || t.code === q.town).flatMap((t) => t.stations)
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault()
        props.onSearch()
      }}
    >
      <input
        class="search"
        type="search"
        placeholder={zh.records.person}
        value={q.person}
        data-testid="records-person"
        onInput={(e) => set({ person: e.currentTarget.value, personId: null })}
      />
      {tier === 'district' ? (
        <select
          value={q.town}
          data-testid="records-town"
          onChange={(e) => set({ town: e.currentTarget.value, station: '' })}
        >
          <option value="">{zh.records.allTowns}</option>
          {towns.map((t) => (
            <option key={t.code} value={t.code}>
              {t.name}
            </option>
          ))}
        </select>
      ) : null}
      {tier !== 'station' ? (
        <select
          value={q.station}
          data-testid="records-station"
          onChange={(e) => set({ station: e.currentTarget.value })}
        >
          <option value="">{zh.records.allStations}</option>
          {stations.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      ) : null}
      {props.withType ? (
        <select
          value={q.type}
          data-testid="records-type"
          onChange={(e) => set({ type: e.currentTarget.value })}
        >
          <option value="">{zh.records.types.all}</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {zh.records.types[t]}
            </option>
          ))}
        </select>
      ) : null}
      <label class="check">
        {zh.records.from}
        <input
          type="date"
          value={q.from}
          data-testid="records-from"
          onChange={(e) => set({ from: e.currentTarget.value })}
        />
      </label>
      <label class="check">
        {zh.records.to}
        <input
          type="date"
          value={q.to}
          data-testid="records-to"
          onChange={(e) => set({ to: e.currentTarget.value })}
        />
      </label>
      <button type="submit" class="primary" data-testid="records-search">
        {zh.records.search}
      </button>
      {props.candidates.length > 1 && q.personId === null ? (
        <span class="pick" data-testid="records-pick">
          {zh.records.pickPerson}
          {props.candidates.slice(0, 12).map((id) => (
            <button
              key={id}
              type="button"
              class="link"
              data-testid="records-pick-person"
              onClick={() => {
                props.onChange({ ...q, personId: id })
              }}
            >
              {props.people.get(id)?.name ?? id}
              <small>{id}</small>
            </button>
          ))}
        </span>
      ) : null}
    </form>
  )
}
