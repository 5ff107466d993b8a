import { useKiosk } from '../context.js'
import { hhmm } from '../format.js'
import { zh } from '../strings.js'

/**
 * Shown while the hub is unreachable or records wait: the kiosk keeps working offline and says
 * how much waits and since when, so nobody signs in twice "to be sure".
 */
export function OfflineBanner() {
  const { state } = useKiosk()
  const s = state.status.value
  if (!state.agentReachable.value)
    return (
      <div class="banner banner-error" role="alert" data-testid="banner">
        {zh.banner.agentUnreachable}
      </div>
    )
  if (!s)
    return (
      <div class="banner" data-testid="banner">
        {zh.banner.connecting}
      </div>
    )
  const { depth, oldestUnsentAt } = s.health.backlog
  if (s.connected && depth === 0) return null
  const since = state.offlineSince.value
  return (
    <div class={s.connected ? 'banner' : 'banner banner-offline'} role="status" data-testid="banner">
      <strong>
        {s.connected ? zh.banner.online : zh.banner.offline}
        {!s.connected && since !== null && zh.banner.offlineSince(hhmm(since))}
      </strong>
      {depth > 0 && <span data-testid="backlog"> · {zh.banner.backlogWaiting(depth)}</span>}
      {oldestUnsentAt && <span> · {zh.banner.backlogSince(hhmm(oldestUnsentAt))}</span>}
    </div>
  )
}
