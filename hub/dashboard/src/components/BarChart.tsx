import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface BarSeries {
  label: string
  values: (number | null)[]
  color: string
}

const LABEL_CHARS = 8

/**
 * Bars over named categories (towns, villages, people, kinds), drawn by uPlot: one series,
 * or two side by side. Rates run 0..1 and read as percentages. The table beside it holds the
 * exact figures; the chart is for seeing at a glance which row stands out.
 */
export function BarChart(props: {
  labels: string[]
  series: BarSeries[]
  percent?: boolean
  height?: number
  testId?: string
}) {
  const host = useRef<HTMLDivElement>(null)
  const key = JSON.stringify(props)
  useEffect(() => {
    const el = host.current
    if (!el || props.labels.length === 0) return
    const n = props.labels.length
    const xs = props.labels.map((_, i) => i)
    const two = props.series.length > 1
    const bars = uPlot.paths.bars
    const height = props.height ?? 220
    const crowded = n > 10
    const short = (s: string) => (s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s)
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      legend: { show: two },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: [-0.5, n - 0.5] },
        y: {
          range: props.percent
            ? [0, 1]
            : (_u, _min, max) => [0, Math.max(1, Math.ceil((max ?? 0) * 1.15))] as [number, number],
        },
      },
      axes: [
        {
          splits: () => xs,
          values: (_u, splits) => splits.map((i) => short(props.labels[i] ?? '')),
          rotate: crowded ? -40 : 0,
          size: crowded ? 80 : 36,
          gap: 4,
          grid: { show: false },
          ticks: { show: false },
        },
        {
          values: (_u, splits) => splits.map((v) => (props.percent ? `${Math.round(v * 100)}%` : String(v))),
          size: 52,
        },
      ],
      series: [
        { label: '' },
        ...props.series.map((s, i) => ({
          label: s.label,
          fill: s.color,
          stroke: s.color,
          width: 0,
          points: { show: false },
          value: (_u: uPlot, v: number | null) =>
            v === null ? '—' : props.percent ? `${Math.round(v * 1000) / 10}%` : String(v),
          ...(bars
            ? { paths: bars({ size: [two ? 0.38 : 0.6, 48], align: two ? (i === 0 ? -1 : 1) : 0 }) }
            : {}),
        })),
      ],
    }
    const chart = new uPlot(opts, [xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el)
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      chart.destroy()
    }
  }, [key])
  return <div class="chart" ref={host} data-testid={props.testId} />
}
