import { useEffect, useState } from 'preact/hooks'
import type { AuditView, StationConfigView } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { dateTime } from '../../format.js'
import { zh } from '../../strings/index.js'

interface Push {
  at: string
  by: string
  stations: number
  versions: number[]
  settings: unknown
}

/**
 * 推送记录: who pushed what, when. The district reads the pushes in the audit trail
 * (`config.push`, its latest 1,000 entries); the API has no history route for other tiers
 * yet, so everyone also sees the pushes still standing, one per group of stations pushed
 * together (the same push in both is shown once).
 */
export function History(props: { rows: readonly StationConfigView[] }) {
  const { api, state } = useDashboard()
  const district = state.operator.value?.tier === 'district'
  const [audited, setAudited] = useState<Push[] | null>(null)
  const latest = props.rows.reduce((m, r) => Math.max(m, r.desired ? Date.parse(r.desired.issuedAt) : 0), 0)
  useEffect(() => {
    if (!district) return
    api<{ entries: AuditView[] }>('GET', '/api/audit?limit=1000')
      .then((r) => setAudited(r.entries.filter((e) => e.action === 'config.push').map(fromAudit)))
      .catch(() => setAudited(null))
  }, [district, latest])
  const pushes = merged(audited ?? [], standing(props.rows))
  return (
    <section class="history" data-testid="config-history">
      <h3>{zh.config.history.title}</h3>
      <p class="muted">{audited ? zh.config.history.full : zh.config.history.derived}</p>
      {pushes.length === 0 ? (
        <p class="muted">{zh.config.history.none}</p>
      ) : (
        <table class="table">
          <tbody>
            {pushes.slice(0, 50).map((p) => (
              <tr key={`${p.at}-${p.by}`} data-testid="config-push" data-by={p.by}>
                <td>{dateTime(p.at)}</td>
                <td>{p.by}</td>
                <td>{zh.config.history.stations(p.stations)}</td>
                <td class="mono">{zh.config.history.versions(versionList(p.versions))}</td>
                <td class="detail mono">{settingsText(p.settings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function merged(audited: readonly Push[], standing: readonly Push[]): Push[] {
  const seen = new Set(audited.map((p) => `${p.at}|${p.by}`))
  return [...audited, ...standing.filter((p) => !seen.has(`${p.at}|${p.by}`))].sort((a, b) =>
    b.at.localeCompare(a.at),
  )
}

function fromAudit(e: AuditView): Push {
  const d = (e.detail ?? {}) as { settings?: unknown; versions?: [string, number][] }
  const versions = (d.versions ?? []).map(([, v]) => v)
  return { at: e.at, by: e.actor, stations: versions.length, versions, settings: d.settings ?? {} }
}

/** The desired configs, grouped by the push that made them (same time, same operator). */
function standing(rows: readonly StationConfigView[]): Push[] {
  const groups = new Map<string, Push>()
  for (const r of rows) {
    if (!r.desired) continue
    const key = `${r.desired.issuedAt}|${r.desired.issuedBy}`
    const g = groups.get(key) ?? {
      at: r.desired.issuedAt,
      by: r.desired.issuedBy,
      stations: 0,
      versions: [],
      settings: r.desired.settings,
    }
    g.stations += 1
    g.versions.push(r.desired.version)
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => b.at.localeCompare(a.at))
}

function versionList(versions: readonly number[]): string {
  const unique = [...new Set(versions)].sort((a, b) => a - b)
  if (unique.length <= 3) return unique.map((v) => `v${v}`).join('、')
  return `v${unique[0]}–v${unique.at(-1)}`
}

function settingsText(settings: unknown): string {
  const json = JSON.stringify(settings) ?? ''
  if (json === '{}') return zh.config.history.empty
  return json.length > 140 ? `${json.slice(0, 137)}…` : json
}
