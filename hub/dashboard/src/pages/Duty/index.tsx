import { useEffect, useState } from 'preact/hooks'
import type { DutyNowRow, PersonRow } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { zh } from '../../strings.js'

/** 值班: who is on duty now at every station with a rota, unmanned stations first and in red. */
export function Duty() {
  const { state, api, refreshDuty } = useDashboard()
  const [names, setNames] = useState<Map<string, string>>(new Map())
  const [onlyInShift, setOnlyInShift] = useState(true)
  useEffect(() => {
    void refreshDuty()
    // the roster in scope, for names; the duty answer carries person ids only
    api<{ people: PersonRow[] }>('GET', '/api/people')
      .then((r) => setNames(new Map(r.people.map((p) => [p.personId, p.name]))))
      .catch(() => undefined)
  }, [])
  const rows = state.duty.value
  const error = state.dutyError.value
  state.fleet.layout.value
  if (rows === null) return <p class="muted">{error ? zh.common.error(error) : zh.duty.loading}</p>
  const shown = rows
    .filter((r) => !onlyInShift || r.inShift)
    .sort(
      (a, b) =>
        Number(b.unmanned) - Number(a.unmanned) ||
        Number(b.inShift) - Number(a.inShift) ||
        a.townCode.localeCompare(b.townCode) ||
        a.stationName.localeCompare(b.stationName, 'zh-CN'),
    )
  const inShift = rows.filter((r) => r.inShift).length
  const unmanned = rows.filter((r) => r.unmanned).length
  const who = (ids: string[]) =>
    ids.length === 0 ? zh.duty.nobody : ids.map((id) => names.get(id) ?? id).join('、')
  return (
    <section class="duty">
      <div class="toolbar">
        <h2>{zh.duty.title}</h2>
        <span class={unmanned > 0 ? 'bad-text' : 'muted'} data-testid="duty-summary">
          {zh.duty.summary(inShift, unmanned)}
        </span>
        <label class="check">
          <input
            type="checkbox"
            checked={onlyInShift}
            onChange={(e) => setOnlyInShift(e.currentTarget.checked)}
          />
          {zh.duty.onlyInShift}
        </label>
        <span class="spacer" />
        {error ? <span class="bad-text">{zh.common.error(error)}</span> : null}
        <button type="button" onClick={() => void refreshDuty()}>
          {zh.duty.refresh}
        </button>
      </div>
      {shown.length === 0 ? (
        <p class="muted">{zh.duty.none}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{zh.duty.columns.station}</th>
              <th>{zh.duty.columns.town}</th>
              <th>{zh.duty.columns.state}</th>
              <th>{zh.duty.columns.expected}</th>
              <th>{zh.duty.columns.onDuty}</th>
              <th>{zh.duty.columns.kiosk}</th>
              <th>{zh.duty.columns.backlog}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <DutyRow key={r.stationId} row={r} who={who} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function DutyRow({ row, who }: { row: DutyNowRow; who: (ids: string[]) => string }) {
  const { state } = useDashboard()
  const kiosk = state.fleet.station(row.stationId)?.value
  const label = row.unmanned ? zh.duty.unmanned : row.inShift ? zh.duty.manned : zh.duty.notInShift
  return (
    <tr class={row.unmanned ? 'unmanned' : ''} data-testid="duty-row" data-station={row.stationId}>
      <td>
        {row.stationName}
        <small class="muted"> {row.stationId}</small>
      </td>
      <td>{row.townName}</td>
      <td>
        <span class={`pill ${row.unmanned ? 'offline' : row.inShift ? 'online' : 'never'}`}>{label}</span>
      </td>
      <td>{who(row.expected)}</td>
      <td>{who(row.onDuty)}</td>
      <td>
        {kiosk ? <span class={`pill ${kiosk.status}`}>{zh.status[kiosk.status]}</span> : zh.common.none}
      </td>
      <td class="num" title={row.provisional ? zh.duty.provisional : undefined}>
        {row.backlog > 0 ? `${row.backlog} ⚠` : row.backlog}
      </td>
    </tr>
  )
}
