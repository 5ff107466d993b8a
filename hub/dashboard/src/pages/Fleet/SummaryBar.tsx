import { useDashboard } from '../../context.js'
import type { FleetFilter } from '../../fleet/fleetIndex.js'
import { zh } from '../../strings/index.js'

/** The counts at the top; each one is also the filter that shows those stations. */
export function SummaryBar() {
  const { state } = useDashboard()
  const fleet = state.fleet
  const s = fleet.summary.value
  const f = fleet.filter.value
  const unmanned = state.unmanned.value
  const tile = (
    key: string,
    label: string,
    value: number | null,
    tone: string,
    apply?: Partial<FleetFilter>,
    on = false,
  ) => (
    <button
      type="button"
      class={`tile ${tone}${on ? ' on' : ''}`}
      data-testid={`summary-${key}`}
      disabled={!apply}
      onClick={() => apply && fleet.setFilter({ ...f, ...apply })}
    >
      <span class="tile-value">{value ?? zh.common.none}</span>
      <span class="tile-label">{label}</span>
    </button>
  )
  return (
    <div class="summary">
      {tile('total', zh.summary.total, s.total, 'plain', { status: 'all' }, false)}
      {tile('online', zh.summary.online, s.online, 'good', { status: 'online' }, f.status === 'online')}
      {tile(
        'offline',
        zh.summary.offline,
        s.offline,
        s.offline > 0 ? 'bad' : 'plain',
        { status: 'offline' },
        f.status === 'offline',
      )}
      {tile('never', zh.summary.never, s.never, 'plain', { status: 'never' }, f.status === 'never')}
      {tile('unmanned', zh.summary.unmanned, unmanned, (unmanned ?? 0) > 0 ? 'bad' : 'plain')}
      {tile(
        'backlog',
        zh.summary.backlog,
        s.backlog,
        s.backlog > 0 ? 'warn' : 'plain',
        { backlog: !f.backlog },
        f.backlog,
      )}
      {tile(
        'faults',
        zh.summary.faults,
        s.faults,
        s.faults > 0 ? 'warn' : 'plain',
        { faults: !f.faults },
        f.faults,
      )}
      {tile(
        'skewed',
        zh.summary.skewed,
        s.skewed,
        s.skewed > 0 ? 'warn' : 'plain',
        { skewed: !f.skewed },
        f.skewed,
      )}
    </div>
  )
}
