import { useDashboard } from '../../context.js'
import { zh } from '../../strings/index.js'
import { Filters } from './Filters.js'
import { FleetGrid } from './FleetGrid.js'
import { StatusLegend } from './StatusLegend.js'
import { SummaryBar } from './SummaryBar.js'

/** 设备监控: every station in scope, live, grouped by town, filtered and sorted. */
export function Fleet() {
  const { state } = useDashboard()
  return (
    <section class="fleet">
      <SummaryBar />
      <Filters />
      <StatusLegend />
      {state.fleet.loaded.value ? <FleetGrid /> : <p class="muted">{zh.fleet.waiting}</p>}
    </section>
  )
}
