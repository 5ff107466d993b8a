import { useEffect, useState } from 'preact/hooks'
import type { DutyNowRow, DutyPersonView, PersonRow } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { zh } from '../../strings/index.js'

/**
 * 值班: every station with a rota, unmanned stations first and in red, and each cadre of the
 * shift that is on: waiting, absent past grace, in (and how late) or gone (and how early).
 */
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
  const who = (id: string) => names.get(id) ?? id
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
              <th>{zh.duty.columns.people}</th>
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

const hhmm = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  })

/** One cadre as a chip: the state, and how late or early where it applies. */
function Person({ p, who }: { p: DutyPersonView; who: (id: string) => string }) {
  const bad = p.state === 'absent' || p.lateMin > 0 || p.earlyMin > 0
  const notes = [
    p.in && p.state === 'onDuty' ? zh.duty.since(hhmm(p.in)) : '',
    p.lateMin > 0 ? zh.duty.late(p.lateMin) : '',
    p.state === 'left' && p.earlyMin > 0 ? zh.duty.early(p.earlyMin) : '',
  ].filter(Boolean)
  return (
    <span
      class={`duty-person ${p.state}${bad ? ' bad' : ''}`}
      data-testid="duty-person"
      data-person={p.personId}
      data-state={p.state}
      title={zh.duty.shift(hhmm(p.shiftStart), hhmm(p.shiftEnd))}
    >
      <b>{who(p.personId)}</b> {zh.duty.person[p.state] ?? p.state}
      {notes.length > 0 && <small> · {notes.join(' · ')}</small>}
    </span>
  )
}

function DutyRow({ row, who }: { row: DutyNowRow; who: (id: string) => string }) {
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
      <td class="duty-people">
        {row.people.length === 0
          ? zh.duty.nobody
          : row.people.map((p) => <Person key={`${p.personId}-${p.shiftStart}`} p={p} who={who} />)}
      </td>
      <td>
        {kiosk ? <span class={`pill ${kiosk.status}`}>{zh.status[kiosk.status]}</span> : zh.common.none}
      </td>
      <td class="num" title={row.provisional ? zh.duty.provisional : undefined}>
        {row.backlog > 0 ? `${row.backlog} ⚠` : row.backlog}
      </td>
    </tr>
  )
}
