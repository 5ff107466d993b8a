import type { StationView } from '../api/types.js'

/** Skew beyond this is worth a look: a kiosk clock a minute off misdates punches. */
export const SKEW_LIMIT_S = 60

export type StatusFilter = 'all' | 'online' | 'offline' | 'never'

export interface FleetFilter {
  text: string
  town: string
  status: StatusFilter
  backlog: boolean
  faults: boolean
  skewed: boolean
}

export const NO_FILTER: FleetFilter = {
  text: '',
  town: '',
  status: 'all',
  backlog: false,
  faults: false,
  skewed: false,
}

export type SortKey =
  | 'name'
  | 'status'
  | 'lastSeen'
  | 'backlog'
  | 'oldestUnsent'
  | 'skew'
  | 'agent'
  | 'config'
  | 'models'
  | 'faults'
export interface FleetSort {
  key: SortKey
  dir: 1 | -1
}

export interface Summary {
  total: number
  online: number
  offline: number
  never: number
  backlog: number
  faults: number
  skewed: number
}

/** One town and the ids of its stations that pass the filter, in sort order. */
export interface TownGroup {
  code: string
  name: string
  total: number
  online: number
  shown: string[]
}

const hasBacklog = (v: StationView) => (v.backlog ?? 0) > 0
const hasFaults = (v: StationView) => v.faults.length > 0
const isSkewed = (v: StationView) => v.clockSkewS !== null && Math.abs(v.clockSkewS) > SKEW_LIMIT_S

export function matches(v: StationView, f: FleetFilter, needle = f.text.trim().toLowerCase()): boolean {
  if (f.town !== '' && v.townCode !== f.town) return false
  if (f.status !== 'all' && v.status !== f.status) return false
  if (f.backlog && !hasBacklog(v)) return false
  if (f.faults && !hasFaults(v)) return false
  if (f.skewed && !isSkewed(v)) return false
  if (needle === '') return true
  return (
    v.name.toLowerCase().includes(needle) ||
    v.id.includes(needle) ||
    v.townName.toLowerCase().includes(needle)
  )
}

const STATUS_RANK = { offline: 0, never: 1, online: 2 } as const

/** The value a column sorts by; null sorts last whichever the direction. */
function sortValue(v: StationView, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return v.name
    case 'status':
      return STATUS_RANK[v.status] * 10 + (v.offlineReason === 'heartbeatTimeout' ? 0 : 1)
    case 'lastSeen':
      return v.lastSeen === null ? null : -Date.parse(v.lastSeen)
    case 'backlog':
      return v.backlog
    case 'oldestUnsent':
      return v.oldestUnsentAgeS
    case 'skew':
      return v.clockSkewS === null ? null : Math.abs(v.clockSkewS)
    case 'agent':
      return v.versions?.agent ?? null
    case 'config':
      return v.versions?.config ?? null
    case 'models':
      return v.versions?.models ?? null
    case 'faults':
      return v.faults.length
  }
}

export function compareBy(sort: FleetSort): (a: StationView, b: StationView) => number {
  return (a, b) => {
    const x = sortValue(a, sort.key)
    const y = sortValue(b, sort.key)
    if (x !== y) {
      if (x === null) return 1
      if (y === null) return -1
      const c =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN')
      if (c !== 0) return c * sort.dir
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  }
}

/**
 * The fleet as the table shows it: every station's latest view, the stations that pass the
 * filter grouped by town in sort order, and the summary counts. A change of a few stations
 * costs work in proportion to them (a count adjusted, a row moved by binary search), not to
 * the fleet; only a new filter or sort goes through every station.
 */
export class FleetIndex {
  private readonly views = new Map<string, StationView>()
  private readonly towns = new Map<string, TownGroup>()
  private order: TownGroup[] = []
  private cmp: (a: StationView, b: StationView) => number
  summary: Summary = emptySummary()

  constructor(
    private filter: FleetFilter = NO_FILTER,
    private sort: FleetSort = { key: 'name', dir: 1 },
  ) {
    this.cmp = compareBy(sort)
  }

  get size(): number {
    return this.views.size
  }

  get(id: string): StationView | undefined {
    return this.views.get(id)
  }

  /** Every station, filtered or not. */
  all(): IterableIterator<StationView> {
    return this.views.values()
  }

  groups(): readonly TownGroup[] {
    return this.order
  }

  shownCount(): number {
    let n = 0
    for (const g of this.order) n += g.shown.length
    return n
  }

  /** Every station anew (a snapshot). */
  reset(views: readonly StationView[]): void {
    this.views.clear()
    for (const v of views) this.views.set(v.id, v)
    this.rebuild()
  }

  setFilter(filter: FleetFilter): void {
    this.filter = filter
    this.rebuild()
  }

  setSort(sort: FleetSort): void {
    this.sort = sort
    this.cmp = compareBy(sort)
    this.rebuild()
  }

  /** New views of some stations; true when a row appeared, went or moved. */
  update(views: readonly StationView[]): boolean {
    let moved = false
    const needle = this.filter.text.trim().toLowerCase()
    for (const v of views) {
      const old = this.views.get(v.id)
      this.views.set(v.id, v)
      if (old) count(this.summary, old, -1)
      count(this.summary, v, 1)
      const town = this.town(v)
      if (old) town.online -= old.status === 'online' ? 1 : 0
      else town.total += 1
      town.online += v.status === 'online' ? 1 : 0
      const was = old !== undefined && matches(old, this.filter, needle)
      const is = matches(v, this.filter, needle)
      if (!was && !is) continue
      if (was && is && this.cmp(old, v) === 0) continue
      if (was) {
        const at = town.shown.indexOf(v.id)
        if (at >= 0) town.shown.splice(at, 1)
      }
      if (is) town.shown.splice(this.position(town.shown, v), 0, v.id)
      moved = true
    }
    return moved
  }

  private position(ids: readonly string[], v: StationView): number {
    let lo = 0
    let hi = ids.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.cmp(this.views.get(ids[mid] as string) as StationView, v) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private town(v: StationView): TownGroup {
    let t = this.towns.get(v.townCode)
    if (!t) {
      t = { code: v.townCode, name: v.townName, total: 0, online: 0, shown: [] }
      this.towns.set(v.townCode, t)
      this.order = [...this.towns.values()].sort((a, b) => (a.code < b.code ? -1 : 1))
    }
    return t
  }

  private rebuild(): void {
    this.towns.clear()
    this.order = []
    this.summary = emptySummary()
    const needle = this.filter.text.trim().toLowerCase()
    const sorted = [...this.views.values()].sort(this.cmp)
    for (const v of sorted) {
      count(this.summary, v, 1)
      const t = this.town(v)
      t.total += 1
      if (v.status === 'online') t.online += 1
      if (matches(v, this.filter, needle)) t.shown.push(v.id)
    }
  }
}

function emptySummary(): Summary {
  return { total: 0, online: 0, offline: 0, never: 0, backlog: 0, faults: 0, skewed: 0 }
}

function count(s: Summary, v: StationView, by: 1 | -1): void {
  s.total += by
  s[v.status] += by
  if (hasBacklog(v)) s.backlog += by
  if (hasFaults(v)) s.faults += by
  if (isSkewed(v)) s.skewed += by
}
