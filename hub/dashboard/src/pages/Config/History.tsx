import { useEffect, useState } from 'preact/hooks'
import type { StationConfigView } from '../../api/types.js'
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

/** One version of one station, as GET /api/config/history answers. */
interface PushedVersion {
  stationId: string
  version: number
  issuedAt: string
  issuedBy: string
  settings: unknown
}

/**
 * 推送记录: who pushed what, when, to how many stations: the config versions of every station
 * in the operator's scope (GET /api/config/history, the latest 1,000), grouped by the push
 * that made them (same time, same operator). Until they arrive, the versions still standing.
 */
export function History(props: { rows: readonly StationConfigView[] }) {
  const { api } = useDashboard()
  const [pushed, setPushed] = useState<Push[] | null>(null)
  const latest = props.rows.reduce((m, r) => Math.max(m, r.desired ? Date.parse(r.desired.issuedAt) : 0), 0)
  useEffect(() => {
    api<{ versions: PushedVersion[] }>('GET', '/api/config/history?limit=1000')
      .then((r) => setPushed(grouped(r.versions)))
      .catch(() => setPushed(null))
  }, [latest])
  const pushes = merged(pushed ?? [], standing(props.rows))
  return (
    <section class="history" data-testid="config-history">
      <h3>{zh.config.history.title}</h3>
      <p class="muted">{pushed ? zh.config.history.full : zh.config.history.derived}</p>
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

/** Versions of many stations, grouped by the push that made them. */
function grouped(versions: readonly PushedVersion[]): Push[] {
  return groupPushes(
    versions.map((v) => ({ at: v.issuedAt, by: v.issuedBy, version: v.version, settings: v.settings })),
  )
}

function groupPushes(
  items: readonly { at: string; by: string; version: number; settings: unknown }[],
): Push[] {
  const groups = new Map<string, Push>()
  for (const i of items) {
    const key = `${i.at}|${i.by}`
    const g = groups.get(key) ?? { at: i.at, by: i.by, stations: 0, versions: [], settings: i.settings }
    g.stations += 1
    g.versions.push(i.version)
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => b.at.localeCompare(a.at))
}

function merged(audited: readonly Push[], standing: readonly Push[]): Push[] {
  const seen = new Set(audited.map((p) => `${p.at}|${p.by}`))
  return [...audited, ...standing.filter((p) => !seen.has(`${p.at}|${p.by}`))].sort((a, b) =>
    b.at.localeCompare(a.at),
  )
}

/** The desired configs, grouped by the push that made them (same time, same operator). */
function standing(rows: readonly StationConfigView[]): Push[] {
  return groupPushes(
    rows.flatMap((r) =>
      r.desired
        ? [
            {
              at: r.desired.issuedAt,
              by: r.desired.issuedBy,
              version: r.desired.version,
              settings: r.desired.settings,
            },
          ]
        : [],
    ),
  )
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
