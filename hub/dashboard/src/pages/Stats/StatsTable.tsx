import { duration } from '../../format.js'
import { zh } from '../../strings/index.js'
import { type AnyRow, COLUMNS } from './columns.js'
import type { Level, Metric } from './view.js'

/** The rows with every figure; a row of a level with one below it drills in when clicked. */
export function StatsTable(props: {
  metric: Metric
  level: Level
  rows: AnyRow[]
  total: AnyRow | null
  onDrill: ((code: string) => void) | null
}) {
  const cols = COLUMNS[props.metric]
  const drill = props.onDrill
  return (
    <table class={`table${drill ? ' clickable' : ''}`} data-testid="stats-table" data-level={props.level}>
      <thead>
        <tr>
          <th>{zh.stats.levelNames[props.level]}</th>
          {cols.map((c) => (
            <th key={c.key} class="num">
              {c.label}
            </th>
          ))}
          <th>{zh.stats.columns.status}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr
            key={r.code}
            data-testid="stats-row"
            data-code={r.code}
            data-provisional={String(r.provisional)}
            title={drill ? zh.stats.drill : undefined}
            onClick={drill ? () => drill(r.code) : undefined}
          >
            <td>
              {drill ? (
                <button type="button" class="link" data-testid="stats-drill">
                  {r.name}
                </button>
              ) : (
                r.name
              )}
              {props.level === 'person' ? <small>{r.code}</small> : null}
            </td>
            {cols.map((c) => (
              <td key={c.key} class="num" data-col={c.key}>
                {c.cell(r)}
              </td>
            ))}
            <td>
              <ProvisionalMark row={r} />
            </td>
          </tr>
        ))}
      </tbody>
      {props.total ? (
        <tfoot>
          <tr
            data-testid="stats-total"
            data-code={props.total.code}
            data-provisional={String(props.total.provisional)}
          >
            <td>
              {zh.stats.total} · {props.total.name}
            </td>
            {cols.map((c) => (
              <td key={c.key} class="num" data-col={c.key}>
                {c.cell(props.total as AnyRow)}
              </td>
            ))}
            <td>
              <ProvisionalMark row={props.total} />
            </td>
          </tr>
        </tfoot>
      ) : null}
    </table>
  )
}

/** 临时, with why: a kiosk behind the row still holds events the hub has not had, and since when. */
function ProvisionalMark(props: { row: AnyRow }) {
  if (!props.row.provisional) return null
  const why = zh.stats.provisionalWhy(duration(props.row.oldestUnsentAgeS ?? 0))
  return (
    <span class="provisional" title={why} data-testid="provisional-mark">
      {zh.stats.provisional}
      <small>{duration(props.row.oldestUnsentAgeS ?? 0)}</small>
    </span>
  )
}

/** A banner over the figures when any of them is provisional, saying why. */
export function Provisional(props: { rows: AnyRow[] }) {
  const behind = props.rows.filter((r) => r.provisional)
  if (behind.length === 0) return null
  const age = Math.max(...behind.map((r) => r.oldestUnsentAgeS ?? 0))
  return (
    <p class="banner warn" data-testid="provisional-banner">
      {zh.stats.provisionalBanner(behind.length)}；{zh.stats.provisionalWhy(duration(age))}
    </p>
  )
}
