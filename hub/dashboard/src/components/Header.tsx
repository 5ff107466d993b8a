import { useDashboard } from '../context.js'
import { routesFor } from '../router.js'
import { zh } from '../strings/index.js'

/** Who is logged in, over what, the pages, and whether the live feed is up. */
export function Header() {
  const { state, router, logout } = useDashboard()
  const op = state.operator.value
  if (!op) return null
  const alarms = state.activeAlarms.value?.length ?? 0
  const stream = state.stream.value
  return (
    <header class="header">
      <div class="brand">{zh.appName}</div>
      <nav class="nav">
        {routesFor(op).map((r) => (
          <a
            key={r.name}
            href={r.path}
            class={router.route.value === r.name ? 'nav-item active' : 'nav-item'}
            data-testid={`nav-${r.name}`}
            onClick={(e) => {
              e.preventDefault()
              router.go(r.name)
            }}
          >
            {r.label}
            {r.name === 'alarms' && alarms > 0 ? (
              <span class="badge" title={zh.header.activeAlarms(alarms)} data-testid="alarm-badge">
                {alarms}
              </span>
            ) : null}
          </a>
        ))}
      </nav>
      <div class="who">
        <span class={`live ${stream}`} data-testid="stream-state">
          {stream === 'open' ? zh.header.live : zh.header.reconnecting}
        </span>
        <span class="operator" data-testid="operator">
          {op.displayName}
        </span>
        <span class="scope" data-testid="operator-scope">
          {zh.tier[op.tier]} · <ScopeName />
        </span>
        <button type="button" class="link" onClick={() => void logout()} data-testid="logout">
          {zh.header.logout}
        </button>
      </div>
    </header>
  )
}

/** The operator's town or station by name, once the fleet is known. */
function ScopeName() {
  const { state } = useDashboard()
  const op = state.operator.value
  state.fleet.layout.value
  if (!op || op.tier === 'district' || op.scope === null) return <>{zh.header.scopeDistrict}</>
  if (op.tier === 'station') return <>{state.fleet.station(op.scope)?.value.name ?? op.scope}</>
  const town = state.fleet.index.groups().find((g) => g.code === op.scope)
  return <>{town?.name ?? op.scope}</>
}
