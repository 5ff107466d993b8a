import { signal } from '@preact/signals'
import type { Operator } from './api/types.js'
import { zh } from './strings/index.js'

/**
 * The dashboard's pages, one path each, with the lowest tier that may open it (the API
 * refuses the rest anyway; the nav does not offer them). A page adds itself here and in
 * main.tsx's switch. A page may act at a higher tier than it reads: 配置与指令 is open to a village
 * cadre for their station's state, and offers its pushes and commands from the town tier up
 * (`hasTier`), as the API allows them.
 */
export const ROUTES = [
  { name: 'fleet', path: '/fleet', label: zh.nav.fleet, minTier: 'station' },
  { name: 'duty', path: '/duty', label: zh.nav.duty, minTier: 'station' },
  { name: 'alarms', path: '/alarms', label: zh.nav.alarms, minTier: 'station' },
  { name: 'records', path: '/records', label: zh.nav.records, minTier: 'station' },
  { name: 'stats', path: '/stats', label: zh.nav.stats, minTier: 'station' },
  { name: 'config', path: '/config', label: zh.nav.config, minTier: 'station' },
  { name: 'audit', path: '/audit', label: zh.nav.audit, minTier: 'district' },
] as const satisfies readonly { name: string; path: string; label: string; minTier: Operator['tier'] }[]

export type RouteName = (typeof ROUTES)[number]['name']

const TIER_RANK: Record<Operator['tier'], number> = { station: 0, town: 1, district: 2 }
/** Whether the operator's tier is `tier` or above. */
export const hasTier = (op: Operator, tier: Operator['tier']) => TIER_RANK[op.tier] >= TIER_RANK[tier]
export const routesFor = (op: Operator) => ROUTES.filter((r) => hasTier(op, r.minTier))
export const mayOpen = (op: Operator, name: RouteName) => routesFor(op).some((r) => r.name === name)

function fromPath(path: string): RouteName {
  return ROUTES.find((r) => path === r.path || path.startsWith(`${r.path}/`))?.name ?? 'fleet'
}

/** Where in a page: the path below the page's own ("/activity/x") and the query. */
export interface Place {
  rest: string
  query: URLSearchParams
}

function placeOf(name: RouteName): Place {
  const base = ROUTES.find((r) => r.name === name)?.path ?? ''
  const rest = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : ''
  return { rest, query: new URLSearchParams(location.search) }
}

/**
 * The current page and the place within it, kept in the address bar so a reload or a link
 * lands on it: an activity's record (/records/activity/<id>?…), a drilled-down statistic
 * (/stats?metric=…&town=…).
 */
export function createRouter() {
  const route = signal<RouteName>(fromPath(location.pathname))
  const place = signal<Place>(placeOf(route.value))
  addEventListener('popstate', () => {
    route.value = fromPath(location.pathname)
    place.value = placeOf(route.value)
  })
  const target = (name: RouteName, rest: string, query?: URLSearchParams) => {
    const r = ROUTES.find((x) => x.name === name)
    if (!r) return null
    const q = query?.toString() ?? ''
    return `${r.path}${rest}${q ? `?${q}` : ''}`
  }
  return {
    route,
    place,
    /** The address of a page (and a place in it), for links. */
    href: (name: RouteName, rest = '', query?: URLSearchParams) => target(name, rest, query) ?? '/',
    go(name: RouteName, rest = '', query?: URLSearchParams): void {
      const url = target(name, rest, query)
      if (!url || `${location.pathname}${location.search}` === url) return
      history.pushState(null, '', url)
      route.value = name
      place.value = placeOf(name)
    },
    /** A new query for the current page, without a new history entry (filters as they are typed). */
    replaceQuery(query: URLSearchParams): void {
      const q = query.toString()
      history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}`)
      place.value = placeOf(route.value)
    },
  }
}

export type Router = ReturnType<typeof createRouter>
