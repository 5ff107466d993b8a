import { signal } from '@preact/signals'
import type { Operator } from './api/types.js'
import { zh } from './strings.js'

/**
 * The dashboard's pages, one path each. A later slice adds its page here and in main.tsx's
 * switch: records (/records), statistics (/stats), config and commands (/config), and the
 * audit log (/audit, minTier district).
 */
export const ROUTES = [
  { name: 'fleet', path: '/fleet', label: zh.nav.fleet, minTier: 'station' },
  { name: 'duty', path: '/duty', label: zh.nav.duty, minTier: 'station' },
  { name: 'alarms', path: '/alarms', label: zh.nav.alarms, minTier: 'station' },
] as const satisfies readonly { name: string; path: string; label: string; minTier: Operator['tier'] }[]

export type RouteName = (typeof ROUTES)[number]['name']

const TIER_RANK: Record<Operator['tier'], number> = { station: 0, town: 1, district: 2 }
export const routesFor = (op: Operator) => ROUTES.filter((r) => TIER_RANK[op.tier] >= TIER_RANK[r.minTier])

function fromPath(path: string): RouteName {
  return ROUTES.find((r) => path === r.path || path.startsWith(`${r.path}/`))?.name ?? 'fleet'
}

/** The current page, kept in the address bar so a reload or a link lands on it. */
export function createRouter() {
  const route = signal<RouteName>(fromPath(location.pathname))
  addEventListener('popstate', () => {
    route.value = fromPath(location.pathname)
  })
  return {
    route,
    go(name: RouteName): void {
      const r = ROUTES.find((x) => x.name === name)
      if (!r || route.value === name) return
      history.pushState(null, '', r.path)
      route.value = name
    },
  }
}

export type Router = ReturnType<typeof createRouter>
