import { zh } from '../../strings/index.js'

/** The precise status rules (docs/OPERATIONS.md, "Station status"), one click away. */
export function StatusLegend() {
  const r = zh.statusRules
  return (
    <details class="legend" data-testid="status-legend">
      <summary>{r.title}</summary>
      <ul>
        <li>
          <span class="pill online">{zh.status.online}</span> {r.online(75)}
        </li>
        <li>
          <span class="pill offline">{zh.status.offline}</span> {r.shutdown}
        </li>
        <li>
          <span class="pill offline">{zh.status.offline}</span> {r.connectionLost}
        </li>
        <li>
          <span class="pill offline">{zh.status.offline}</span> {r.heartbeatTimeout}
        </li>
        <li>
          <span class="pill never">{zh.status.never}</span> {r.never}
        </li>
        <li class="muted">{r.reconnect}</li>
      </ul>
    </details>
  )
}
