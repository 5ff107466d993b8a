import { useDashboard } from '../../context.js'
import type { StatusFilter } from '../../fleet/fleetIndex.js'
import { zh } from '../../strings/index.js'

export function Filters() {
  const { state } = useDashboard()
  const fleet = state.fleet
  const f = fleet.filter.value
  fleet.layout.value
  const towns = fleet.index.groups()
  const shown = fleet.index.shownCount()
  const check = (key: 'backlog' | 'faults' | 'skewed', label: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={f[key]}
        data-testid={`filter-${key}`}
        onChange={(e) => fleet.setFilter({ ...f, [key]: e.currentTarget.checked })}
      />
      {label}
    </label>
  )
  return (
    <div class="filters">
      <input
        type="search"
        class="search"
        placeholder={zh.fleet.search}
        value={f.text}
        data-testid="filter-text"
        onInput={(e) => fleet.setFilter({ ...f, text: e.currentTarget.value })}
      />
      <select
        value={f.town}
        data-testid="filter-town"
        onChange={(e) => fleet.setFilter({ ...f, town: e.currentTarget.value })}
      >
        <option value="">{zh.fleet.allTowns}</option>
        {towns.map((t) => (
          <option key={t.code} value={t.code}>
            {t.name}
          </option>
        ))}
      </select>
      <select
        value={f.status}
        data-testid="filter-status"
        onChange={(e) => fleet.setFilter({ ...f, status: e.currentTarget.value as StatusFilter })}
      >
        <option value="all">{zh.fleet.allStatus}</option>
        <option value="online">{zh.status.online}</option>
        <option value="offline">{zh.status.offline}</option>
        <option value="never">{zh.status.never}</option>
      </select>
      {check('backlog', zh.fleet.hasBacklog)}
      {check('faults', zh.fleet.hasFaults)}
      {check('skewed', zh.fleet.skewed)}
      <span class="spacer" />
      <span class="muted" data-testid="shown-count">
        {zh.fleet.shown(shown, fleet.summary.value.total)}
      </span>
      <button type="button" class="link" onClick={() => fleet.setAllCollapsed(false)}>
        {zh.fleet.expandAll}
      </button>
      <button type="button" class="link" onClick={() => fleet.setAllCollapsed(true)}>
        {zh.fleet.collapseAll}
      </button>
    </div>
  )
}
