import { Tabs } from '../../components/Tabs.js'
import { useDashboard } from '../../context.js'
import { hasTier } from '../../router.js'
import { zh } from '../../strings/index.js'
import { Commands } from './Commands.js'
import { Configs } from './Configs.js'

type Tab = 'config' | 'commands'

/**
 * 配置与指令: remote config and commands (docs/OPERATIONS.md, "Remote config and commands").
 * Everyone reads the state of the stations in their scope; pushing and commanding are offered
 * from the town tier up, as the API allows them (403 below it).
 */
export function Config() {
  const { state, router } = useDashboard()
  const op = state.operator.value
  if (!op) return null
  const tab: Tab = router.place.value.query.get('tab') === 'commands' ? 'commands' : 'config'
  const canAct = hasTier(op, 'town')
  const setTab = (t: Tab) => router.replaceQuery(new URLSearchParams(t === 'config' ? {} : { tab: t }))
  return (
    <section class="control">
      <div class="toolbar">
        <Tabs
          keys={['config', 'commands'] as const}
          current={tab}
          label={(t) => zh.control.tabs[t]}
          onSelect={(t) => setTab(t)}
          testIdPrefix="control-tab"
        />
        {canAct ? null : (
          <span class="muted" data-testid="control-read-only">
            {zh.control.readOnly}
          </span>
        )}
      </div>
      {tab === 'config' ? <Configs canAct={canAct} /> : <Commands canAct={canAct} />}
    </section>
  )
}
