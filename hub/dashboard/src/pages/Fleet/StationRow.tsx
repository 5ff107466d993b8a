import type { StationView } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { SKEW_LIMIT_S, type TownGroup } from '../../fleet/fleetIndex.js'
import { ago, duration, skew } from '../../format.js'
import { deviceLabel, zh } from '../../strings/index.js'

const DEFAULT_INTERVAL_S = 30
const OFFLINE_AFTER_HEARTBEATS = 2.5

/** The definition behind a status, for its tooltip. */
function statusRule(v: StationView): string {
  const r = zh.statusRules
  if (v.status === 'never') return r.never
  if (v.status === 'online')
    return r.online(Math.round((v.heartbeatIntervalS ?? DEFAULT_INTERVAL_S) * OFFLINE_AFTER_HEARTBEATS))
  return r[v.offlineReason ?? 'connectionLost']
}

/** How long ago, on the hub's clock, ticking. A component of its own so only it re-renders each second. */
function Age({ iso }: { iso: string | null }) {
  const { state } = useDashboard()
  if (iso === null) return <>{zh.common.none}</>
  return <>{ago((state.now.value - Date.parse(iso)) / 1000)}</>
}

export function StationRow({ id, top }: { id: string; top: number }) {
  const { state } = useDashboard()
  const v = state.fleet.station(id)?.value
  if (!v) return null
  const skewed = v.clockSkewS !== null && Math.abs(v.clockSkewS) > SKEW_LIMIT_S
  const none = zh.common.none
  return (
    <div
      class={`grid-row station ${v.status}`}
      style={{ top: `${top}px` }}
      data-testid="station-row"
      data-station={v.id}
      data-status={v.status}
    >
      <span class="cell name" title={`${v.name} ${v.id}`}>
        {v.name}
        <small>{v.id}</small>
      </span>
      <span class="cell" title={statusRule(v)}>
        <span class={`pill ${v.status}`} data-testid="station-status">
          {zh.status[v.status]}
          {v.offlineReason ? ` · ${zh.offlineReason[v.offlineReason]}` : ''}
        </span>
      </span>
      <span class="cell" data-testid="station-age">
        <Age iso={v.lastSeen} />
      </span>
      <span class={`cell num${(v.backlog ?? 0) > 0 ? ' warn' : ''}`}>{v.backlog ?? none}</span>
      <span class="cell num">
        {v.oldestUnsentAgeS === null || (v.backlog ?? 0) === 0 ? none : duration(v.oldestUnsentAgeS)}
      </span>
      <span class={`cell num${skewed ? ' warn' : ''}`}>
        {v.clockSkewS === null ? none : skew(v.clockSkewS)}
      </span>
      <span class="cell mono">{v.versions?.agent ?? none}</span>
      <span class="cell mono">{v.versions?.config ?? none}</span>
      <span class="cell mono" title={v.versions?.models}>
        {v.versions?.models ?? none}
      </span>
      <span class="cell faults">
        {v.faults.length === 0
          ? none
          : v.faults.map((f) => (
              <span key={f.device} class="chip" title={`${f.code}：${f.message}`}>
                {deviceLabel(f.device)}
              </span>
            ))}
      </span>
    </div>
  )
}

export function TownRow(props: { group: TownGroup; top: number; folded: boolean; onToggle: () => void }) {
  const g = props.group
  // its counts change with any station's status, not only when rows move
  useDashboard().state.fleet.summary.value
  return (
    <button
      type="button"
      class="grid-row town"
      style={{ top: `${props.top}px` }}
      data-testid="town-row"
      data-town={g.code}
      aria-expanded={!props.folded}
      onClick={props.onToggle}
    >
      <span class="fold">{props.folded ? '▸' : '▾'}</span>
      <strong>{g.name}</strong>
      <span class="muted">{zh.fleet.townCount(g.shown.length, g.total, g.online)}</span>
    </button>
  )
}
