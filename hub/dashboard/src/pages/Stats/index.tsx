import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'
import type { ActivityCounts, Operator } from '../../api/types.js'
import { BarChart } from '../../components/BarChart.js'
import { Tabs } from '../../components/Tabs.js'
import { useDashboard } from '../../context.js'
import { useTowns } from '../../lookups.js'
import { localDate, monthRange } from '../../period.js'
import { zh } from '../../strings/index.js'
import { type AnyRow, breakdown, chartRate } from './columns.js'
import { Provisional, StatsTable } from './StatsTable.js'
import {
  drillInto,
  fromAddress,
  METRICS,
  reportPath,
  rowLevel,
  rowsQuery,
  type StatView,
  startView,
  statsPath,
  toAddress,
  totalQuery,
} from './view.js'

const BAR = '#2563eb'
const BAR2 = '#16a34a'

/**
 * 统计: duty compliance, attendance, activities held and study completion, as charts and
 * tables, per town, village or person. A row drills in; the breadcrumbs go back up. The
 * operator starts at their own tier and is never offered a level the API would refuse.
 */
export function Stats() {
  const { state } = useDashboard()
  // "today" is the hub's: known from the fleet snapshot, which brings its clock
  if (!state.fleet.loaded.value) return <p class="muted">{zh.stats.loading}</p>
  return <StatsView />
}

function StatsView() {
  const { state, api, router } = useDashboard()
  const op = state.operator.value as Operator
  const today = localDate(state.now.value)
  const towns = useTowns()
  const townOf = (id: string) => towns.find((t) => t.stations.some((s) => s.id === id))?.code ?? null
  const view = fromAddress(router.place.value.query, startView(op, today, townOf), op)
  const key = toAddress(view).toString()
  const [rows, setRows] = useState<AnyRow[] | null>(null)
  const [total, setTotal] = useState<AnyRow | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    setRows(null)
    setTotal(null)
    setError(null)
    const path = statsPath(view.metric)
    const totalQ = totalQuery(view, today, op)
    void Promise.all([
      api<{ rows: AnyRow[] }>('GET', `${path}?${rowsQuery(view, today)}`),
      totalQ ? api<{ rows: AnyRow[] }>('GET', `${path}?${totalQ}`) : Promise.resolve({ rows: [] }),
    ])
      .then(([r, t]) => {
        setRows(r.rows)
        setTotal(t.rows[0] ?? null)
      })
      .catch((err) => {
        setError(messageOf(err))
        setRows([])
      })
  }, [key])

  const go = (v: StatView) => router.go('stats', '', toAddress(v))
  // the month of the period, while it lies within one (this month runs to today)
  const month = view.from.slice(0, 7) === view.to.slice(0, 7) ? view.from.slice(0, 7) : ''
  const level = rowLevel(view)
  const exportQuery = rowsQuery(view, today).toString()
  return (
    <section class="stats">
      <div class="toolbar">
        <Tabs
          keys={METRICS}
          current={view.metric}
          label={(m) => zh.stats.metrics[m]}
          onSelect={(m) => go({ ...view, metric: m })}
          testIdPrefix="stats-metric"
        />
        <label class="check">
          {zh.stats.month}
          <input
            type="month"
            value={month}
            data-testid="stats-month"
            onChange={(e) => {
              const m = e.currentTarget.value
              if (m) go({ ...view, ...monthRange(m) })
            }}
          />
        </label>
        <label class="check">
          {zh.stats.from}
          <input
            type="date"
            value={view.from}
            data-testid="stats-from"
            onChange={(e) => e.currentTarget.value && go({ ...view, from: e.currentTarget.value })}
          />
        </label>
        <label class="check">
          {zh.stats.to}
          <input
            type="date"
            value={view.to}
            data-testid="stats-to"
            onChange={(e) => e.currentTarget.value && go({ ...view, to: e.currentTarget.value })}
          />
        </label>
        {view.metric === 'study' ? (
          <span class="muted">{zh.stats.asOf(rowsQuery(view, today).get('today') ?? '')}</span>
        ) : null}
        <span class="spacer" />
        <a
          class="button"
          href={`${reportPath(view.metric, 'xlsx')}?${exportQuery}`}
          download
          data-testid="export-xlsx"
        >
          {zh.stats.exportXlsx}
        </a>
        <a
          class="button"
          href={`${reportPath(view.metric, 'csv')}?${exportQuery}`}
          download
          data-testid="export-csv"
        >
          {zh.stats.exportCsv}
        </a>
      </div>
      <Breadcrumbs view={view} op={op} townOf={townOf} onGo={go} />
      {view.metric === 'activities' && view.station ? (
        <p class="muted">{zh.stats.activitiesPerVillage}</p>
      ) : null}
      {error ? <p class="bad-text">{zh.common.error(error)}</p> : null}
      {rows === null ? (
        <p class="muted">{zh.stats.loading}</p>
      ) : rows.length === 0 ? (
        <p class="muted" data-testid="stats-empty">
          {zh.stats.none}
        </p>
      ) : (
        <>
          <Provisional rows={rows} />
          <Charts view={view} rows={rows} total={total} />
          <StatsTable
            metric={view.metric}
            level={level}
            rows={rows}
            total={total}
            onDrill={drillInto(view, '') ? (code) => go(drillInto(view, code) as StatView) : null}
          />
        </>
      )}
    </section>
  )
}

function Breadcrumbs(props: {
  view: StatView
  op: Operator
  townOf: (station: string) => string | null
  onGo: (v: StatView) => void
}) {
  const { view, op } = props
  const towns = useTowns()
  const town = view.town ?? (view.station ? props.townOf(view.station) : null)
  const townName = towns.find((t) => t.code === town)?.name ?? town
  const stationName =
    towns.flatMap((t) => t.stations).find((s) => s.id === view.station)?.name ?? view.station
  const crumbs: { label: string; to: StatView | null }[] = []
  if (op.tier === 'district')
    crumbs.push({ label: zh.stats.district, to: { ...view, town: null, station: null } })
  if (town && op.tier !== 'station')
    crumbs.push({ label: townName ?? town, to: { ...view, town, station: null } })
  if (view.station) crumbs.push({ label: stationName ?? view.station, to: null })
  const last = crumbs.length - 1
  return (
    <nav class="crumbs" data-testid="stats-crumbs">
      {crumbs.map((c, i) => (
        <span key={c.label}>
          {i > 0 ? ' › ' : ''}
          {i < last && c.to ? (
            <button
              type="button"
              class="link"
              data-testid="stats-crumb"
              onClick={() => props.onGo(c.to as StatView)}
            >
              {c.label}
            </button>
          ) : (
            <strong data-testid="stats-crumb-here">{c.label}</strong>
          )}
        </span>
      ))}
      <small>{zh.stats.levelNames[rowLevel(view)]}</small>
    </nav>
  )
}

function Charts(props: { view: StatView; rows: AnyRow[]; total: AnyRow | null }) {
  const { view, rows } = props
  const labels = rows.map((r) => r.name)
  if (view.metric !== 'activities')
    return (
      <BarChart
        labels={labels}
        percent
        testId="stats-chart"
        series={[
          {
            label: zh.stats.chart[view.metric],
            values: rows.map((r) => chartRate(view.metric as 'duty', r)),
            color: BAR,
          },
        ]}
      />
    )
  const counts = (r: AnyRow) => r.figures as ActivityCounts
  const sum: ActivityCounts = {}
  for (const r of rows) for (const [k, v] of Object.entries(counts(r))) sum[k] = (sum[k] ?? 0) + v
  const parts = breakdown(props.total ? counts(props.total) : sum)
  return (
    <div class="charts">
      <BarChart
        labels={labels}
        testId="stats-chart"
        series={[
          { label: zh.stats.columns.total, values: rows.map((r) => counts(r).total ?? 0), color: BAR },
          { label: zh.stats.columns.held, values: rows.map((r) => counts(r).held ?? 0), color: BAR2 },
        ]}
      />
      <div class="chart-pair">
        <figure>
          <figcaption>{zh.stats.chart.byKind}</figcaption>
          <BarChart
            labels={parts.kinds.map((k) => k.label)}
            height={180}
            series={[{ label: zh.stats.chart.byKind, values: parts.kinds.map((k) => k.value), color: BAR }]}
          />
        </figure>
        <figure>
          <figcaption>{zh.stats.chart.byTheme}</figcaption>
          <BarChart
            labels={parts.themes.map((t) => t.label)}
            height={180}
            series={[
              { label: zh.stats.chart.byTheme, values: parts.themes.map((t) => t.value), color: BAR2 },
            ]}
          />
        </figure>
      </div>
    </div>
  )
}
