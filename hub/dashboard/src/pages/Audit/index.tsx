import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'
import type { AuditView } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { dateTime } from '../../format.js'
import { zh } from '../../strings/index.js'

const LATEST = 1000

/** 审计: who changed what, when (the hub's audit trail, latest first); the district's to read. */
export function Audit() {
  const { api } = useDashboard()
  const [entries, setEntries] = useState<AuditView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [actor, setActor] = useState('')
  const [action, setAction] = useState('')
  useEffect(() => {
    api<{ entries: AuditView[] }>('GET', `/api/audit?limit=${LATEST}`)
      .then((r) => setEntries(r.entries))
      .catch((err) => setError(messageOf(err)))
  }, [])
  const a = actor.trim().toLowerCase()
  const b = action.trim().toLowerCase()
  const shown = (entries ?? []).filter(
    (e) => (!a || e.actor.toLowerCase().includes(a)) && (!b || e.action.toLowerCase().includes(b)),
  )
  return (
    <section class="audit">
      <div class="toolbar">
        <h2>{zh.audit.title}</h2>
        <input
          type="search"
          placeholder={zh.audit.filterActor}
          value={actor}
          data-testid="audit-actor"
          onInput={(e) => setActor(e.currentTarget.value)}
        />
        <input
          type="search"
          placeholder={zh.audit.filterAction}
          value={action}
          data-testid="audit-action"
          onInput={(e) => setAction(e.currentTarget.value)}
        />
        <span class="spacer" />
        {entries ? (
          <span class="muted" data-testid="audit-count">
            {zh.audit.shown(shown.length, entries.length)}
          </span>
        ) : null}
      </div>
      {error ? <p class="bad-text">{zh.common.error(error)}</p> : null}
      {entries === null ? (
        error ? null : (
          <p class="muted">{zh.audit.loading}</p>
        )
      ) : shown.length === 0 ? (
        <p class="muted">{zh.audit.none}</p>
      ) : (
        <table class="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>{zh.audit.time}</th>
              <th>{zh.audit.actor}</th>
              <th>{zh.audit.action}</th>
              <th>{zh.audit.detail}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-action={e.action} data-actor={e.actor}>
                <td>{dateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td class="mono">{e.action}</td>
                <td class="detail">{detail(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** The detail as compact JSON, cut to a line; the whole in the tooltip. */
function detail(d: unknown) {
  const json = JSON.stringify(d) ?? ''
  return (
    <span title={json.length > 160 ? json : undefined}>
      {json.length > 160 ? `${json.slice(0, 157)}…` : json}
    </span>
  )
}
