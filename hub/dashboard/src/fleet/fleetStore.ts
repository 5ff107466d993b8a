import { batch, type Signal, signal } from '@preact/signals'
import type { StationView } from '../api/types.js'
import { type FleetFilter, FleetIndex, type FleetSort, NO_FILTER, type Summary } from './fleetIndex.js'

/**
 * The fleet as signals for the views. Each station has its own signal, so a station's new
 * view re-renders its row (if on screen) and nothing else; `layout` changes only when rows
 * appear, go or move, which is when the table recomputes its window.
 */
export function createFleetStore() {
  const index = new FleetIndex()
  const rows = new Map<string, Signal<StationView>>()
  const layout = signal(0)
  const summary = signal<Summary>({ ...index.summary })
  const filter = signal<FleetFilter>(NO_FILTER)
  const sort = signal<FleetSort>({ key: 'name', dir: 1 })
  /** False until the first snapshot. */
  const loaded = signal(false)
  const collapsed = signal<ReadonlySet<string>>(new Set())

  const relayout = () => {
    layout.value += 1
    summary.value = { ...index.summary }
  }

  return {
    index,
    layout,
    summary,
    filter,
    sort,
    loaded,
    collapsed,
    station(id: string): Signal<StationView> | undefined {
      return rows.get(id)
    },
    reset(views: readonly StationView[]): void {
      batch(() => {
        index.reset(views)
        const seen = new Set<string>()
        for (const v of views) {
          seen.add(v.id)
          const s = rows.get(v.id)
          if (s) s.value = v
          else rows.set(v.id, signal(v))
        }
        for (const id of rows.keys()) if (!seen.has(id)) rows.delete(id)
        loaded.value = true
        relayout()
      })
    },
    update(views: readonly StationView[]): void {
      batch(() => {
        const moved = index.update(views)
        for (const v of views) {
          const s = rows.get(v.id)
          if (s) s.value = v
          else rows.set(v.id, signal(v))
        }
        if (moved) layout.value += 1
        summary.value = { ...index.summary }
      })
    },
    setFilter(f: FleetFilter): void {
      index.setFilter(f)
      batch(() => {
        filter.value = f
        relayout()
      })
    },
    setSort(s: FleetSort): void {
      index.setSort(s)
      batch(() => {
        sort.value = s
        relayout()
      })
    },
    toggleTown(code: string): void {
      const next = new Set(collapsed.value)
      if (!next.delete(code)) next.add(code)
      collapsed.value = next
    },
    setAllCollapsed(on: boolean): void {
      collapsed.value = on ? new Set(index.groups().map((g) => g.code)) : new Set()
    },
  }
}

export type FleetStore = ReturnType<typeof createFleetStore>
