import type { AppState } from '../state.js'
import { zh } from '../strings.js'

const hhmm = (iso: string) =>
  new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' })

/** Shown while the hub is unreachable: the kiosk keeps working and says what waits. */
export function OfflineBanner({ state }: { state: AppState }) {
  const s = state.status.value
  if (!state.agentReachable.value) return <div class="banner banner-error">{zh.agentUnreachable}</div>
  if (!s) return <div class="banner">{zh.connecting}</div>
  const { depth, oldestUnsentAt } = s.health.backlog
  if (s.connected && depth === 0) return null
  return (
    <div class={s.connected ? 'banner' : 'banner banner-offline'} role="status">
      <strong>{s.connected ? zh.online : zh.offline}</strong>
      {depth > 0 && <span> · {zh.backlogWaiting(depth)}</span>}
      {oldestUnsentAt && <span> · {zh.backlogSince(hhmm(oldestUnsentAt))}</span>}
    </div>
  )
}
