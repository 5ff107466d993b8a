import { useState } from 'preact/hooks'
import type { StationConfigView } from '../../api/types.js'
import { Pager, usePaging } from '../../components/Pager.js'
import { dateTime } from '../../format.js'
import type { TownOption } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import type { ConfigFilter } from './Configs.js'

const STATE_CLASS = { none: 'never', pending: 'warn', applied: 'online', rejected: 'offline' } as const

/**
 * The stations' config state, by town, filtered, a page at a time (paging.ts): a town's
 * heading opens each page it has rows on, with the counts of the whole town.
 */
export function ConfigTable(props: {
  rows: readonly StationConfigView[]
  towns: readonly TownOption[]
  filter: ConfigFilter
}) {
  const { rows, towns, filter } = props
  const [open, setOpen] = useState<string | null>(null)
  const text = filter.text.trim().toLowerCase()
  const shown = rows
    .filter(
      (r) =>
        (!filter.town || r.townCode === filter.town) &&
        (!filter.state || r.state === filter.state) &&
        (!text || r.stationName.toLowerCase().includes(text) || r.stationId.includes(text)),
    )
    .sort((a, b) => a.townCode.localeCompare(b.townCode) || a.stationId.localeCompare(b.stationId))
  const paging = usePaging(shown.length, JSON.stringify(filter))
  const { at } = paging
  const townName = new Map(towns.map((t) => [t.code, t.name]))
  const byTown = groupByTown(shown)
  const onPage = groupByTown(shown.slice(at.from, at.to))
  const count = (list: readonly StationConfigView[], s: StationConfigView['state']) =>
    list.filter((r) => r.state === s).length
  const pager = (testId: string) => <Pager at={at} total={shown.length} onPage={paging.go} testId={testId} />
  return (
    <>
      <div class="table-top">
        <p class="muted" data-testid="config-shown">
          {zh.config.shown(shown.length, rows.length)}
        </p>
        {pager('config-pager')}
      </div>
      {shown.length === 0 ? (
        <p class="muted">{zh.config.empty}</p>
      ) : (
        <table class="table config-table" data-testid="config-table">
          <thead>
            <tr>
              <th>{zh.config.columns.station}</th>
              <th>{zh.config.columns.desired}</th>
              <th class="num">{zh.config.columns.applied}</th>
              <th>{zh.config.columns.state}</th>
              <th>{zh.config.columns.reportedAt}</th>
              <th>{zh.config.columns.problems}</th>
            </tr>
          </thead>
          {[...onPage.entries()].map(([town, list]) => {
            const all = byTown.get(town) ?? list
            return (
              <tbody key={town}>
                <tr data-testid="config-town" data-town={town}>
                  <td colSpan={6} class="config-group">
                    <strong>{townName.get(town) ?? town}</strong>{' '}
                    <span class="muted">
                      {zh.config.townCounts(
                        all.length,
                        count(all, 'applied'),
                        count(all, 'pending'),
                        count(all, 'rejected'),
                      )}
                    </span>
                  </td>
                </tr>
                {list.map((r) => (
                  <ConfigRow
                    key={r.stationId}
                    row={r}
                    open={open === r.stationId}
                    onToggle={() => setOpen(open === r.stationId ? null : r.stationId)}
                  />
                ))}
              </tbody>
            )
          })}
        </table>
      )}
      {at.to - at.from > 20 ? pager('config-pager-foot') : null}
    </>
  )
}

/** Rows by town, in the order they come. */
function groupByTown(rows: readonly StationConfigView[]): Map<string, StationConfigView[]> {
  const groups = new Map<string, StationConfigView[]>()
  for (const r of rows) {
    const list = groups.get(r.townCode)
    if (list) list.push(r)
    else groups.set(r.townCode, [r])
  }
  return groups
}

function ConfigRow(props: { row: StationConfigView; open: boolean; onToggle: () => void }) {
  const r = props.row
  return (
    <>
      <tr
        class={r.state === 'rejected' ? 'alarm-on' : ''}
        data-testid="config-row"
        data-station={r.stationId}
        data-state={r.state}
        data-desired={r.desired?.version ?? ''}
        data-applied={r.appliedVersion}
      >
        <td>
          {r.stationName}
          <small class="muted"> {r.stationId}</small>
        </td>
        <td>
          {r.desired ? (
            <>
              <span class="mono">{zh.config.version(r.desired.version)}</span>{' '}
              <small class="muted">
                {zh.config.issued(r.desired.issuedBy, dateTime(r.desired.issuedAt))}
              </small>{' '}
              <button
                type="button"
                class="link"
                data-testid="config-settings-toggle"
                onClick={props.onToggle}
              >
                {props.open ? zh.config.hideSettings : zh.config.showSettings}
              </button>
            </>
          ) : (
            zh.common.none
          )}
        </td>
        <td class="num mono" data-testid="config-applied">
          {r.appliedVersion === 0 ? zh.config.fileOnly : zh.config.version(r.appliedVersion)}
        </td>
        <td>
          <span
            class={`pill ${STATE_CLASS[r.state]}`}
            title={zh.config.stateHints[r.state]}
            data-testid="config-state"
          >
            {zh.config.states[r.state]}
          </span>
        </td>
        <td>{dateTime(r.reported?.at ?? null)}</td>
        <td data-testid="config-problems">
          {r.state === 'rejected' ? (
            <>
              <div class="bad-text">{zh.config.keptVersion(r.appliedVersion)}</div>
              <ul class="problems">
                {r.problems.map((p) => (
                  <li key={p.path} data-testid="config-problem" data-path={p.path}>
                    <code>{p.path || '/'}</code> {p.message}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </td>
      </tr>
      {props.open && r.desired ? (
        <tr class="settings-row">
          <td colSpan={6}>
            <span class="muted">{zh.config.settings}</span>
            <pre data-testid="config-settings">{JSON.stringify(r.desired.settings, null, 2)}</pre>
          </td>
        </tr>
      ) : null}
    </>
  )
}
