import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import { useDashboard } from '../../context.js'
import type { SortKey, TownGroup } from '../../fleet/fleetIndex.js'
import { zh } from '../../strings/index.js'
import { StationRow, TownRow } from './StationRow.js'

/** Every row is this tall, so the window is arithmetic. */
export const ROW_H = 32
/** Rows drawn beyond the visible ones, so a quick scroll shows no gap. */
const OVERSCAN = 8

type Item = { kind: 'town'; group: TownGroup; top: number } | { kind: 'station'; id: string; top: number }

/**
 * The rows from `start` to `end` of the grouped list, without building the whole list: a
 * town's header then its shown stations, unless folded. Work follows the towns and the window.
 */
function windowItems(
  groups: readonly TownGroup[],
  collapsed: ReadonlySet<string>,
  start: number,
  end: number,
): { items: Item[]; total: number } {
  const items: Item[] = []
  let offset = 0
  for (const g of groups) {
    const size = 1 + (collapsed.has(g.code) ? 0 : g.shown.length)
    if (offset + size > start && offset < end) {
      const from = Math.max(0, start - offset)
      const to = Math.min(size, end - offset)
      for (let i = from; i < to; i++) {
        const top = (offset + i) * ROW_H
        items.push(
          i === 0 ? { kind: 'town', group: g, top } : { kind: 'station', id: g.shown[i - 1] as string, top },
        )
      }
    }
    offset += size
  }
  return { items, total: offset }
}

const COLUMNS: { key: SortKey; label: string; hint?: string }[] = [
  { key: 'name', label: zh.fleet.columns.station },
  { key: 'status', label: zh.fleet.columns.status },
  { key: 'lastSeen', label: zh.fleet.columns.lastSeen, hint: zh.fleet.hints.lastSeen },
  { key: 'backlog', label: zh.fleet.columns.backlog, hint: zh.fleet.hints.backlog },
  { key: 'oldestUnsent', label: zh.fleet.columns.oldestUnsent, hint: zh.fleet.hints.oldestUnsent },
  { key: 'skew', label: zh.fleet.columns.skew, hint: zh.fleet.hints.skew },
  { key: 'agent', label: zh.fleet.columns.agent, hint: zh.fleet.hints.versions },
  { key: 'config', label: zh.fleet.columns.config, hint: zh.fleet.hints.versions },
  { key: 'models', label: zh.fleet.columns.models, hint: zh.fleet.hints.versions },
  { key: 'faults', label: zh.fleet.columns.faults, hint: zh.fleet.hints.faults },
]

/** The station table, windowed: only the rows in view (and a few more) are in the DOM. */
export function FleetGrid() {
  const { state } = useDashboard()
  const fleet = state.fleet
  fleet.layout.value
  const collapsed = fleet.collapsed.value
  const sort = fleet.sort.value
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(800)

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const ro = new ResizeObserver(() => setHeight(el.clientHeight))
    ro.observe(el)
    setHeight(el.clientHeight)
    return () => ro.disconnect()
  }, [])

  const groups = fleet.index.groups().filter((g) => g.shown.length > 0)
  const start = Math.max(0, Math.floor(scrollTop / ROW_H) - OVERSCAN)
  const end = Math.ceil((scrollTop + height) / ROW_H) + OVERSCAN
  const { items, total } = windowItems(groups, collapsed, start, end)

  return (
    <div
      class="grid-scroll"
      ref={scroller}
      data-testid="fleet-grid"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div class="grid-row grid-head">
        {COLUMNS.map((c) => (
          <button
            key={c.key}
            type="button"
            class={sort.key === c.key ? 'sorted' : ''}
            title={c.hint}
            data-testid={`sort-${c.key}`}
            onClick={() =>
              fleet.setSort({ key: c.key, dir: sort.key === c.key ? (sort.dir === 1 ? -1 : 1) : 1 })
            }
          >
            {c.label}
            {sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
          </button>
        ))}
      </div>
      {total === 0 ? <p class="muted empty">{zh.fleet.empty}</p> : null}
      <div class="grid-body" style={{ height: `${total * ROW_H}px` }}>
        {items.map((it) =>
          it.kind === 'town' ? (
            <TownRow
              key={`t-${it.group.code}`}
              group={it.group}
              top={it.top}
              folded={collapsed.has(it.group.code)}
              onToggle={() => fleet.toggleTown(it.group.code)}
            />
          ) : (
            <StationRow key={it.id} id={it.id} top={it.top} />
          ),
        )}
      </div>
    </div>
  )
}
