import { useState } from 'preact/hooks'
import type { ConfigStanding, StationConfigView } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { useTowns } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import { ConfigTable } from './ConfigTable.js'
import { History } from './History.js'
import { PushForm } from './PushForm.js'
import { usePolled } from './polling.js'

export interface ConfigFilter {
  text: string
  town: string
  state: ConfigStanding | ''
}

/**
 * 远程配置: per station what the hub wants and what the kiosk runs, grouped by town; the push
 * form beside it. Read again every few seconds while any station has not reported.
 */
export function Configs(props: { canAct: boolean }) {
  const { api } = useDashboard()
  const towns = useTowns()
  const [filter, setFilter] = useState<ConfigFilter>({ text: '', town: '', state: '' })
  const configs = usePolled(
    async () => (await api<{ stations: StationConfigView[] }>('GET', '/api/config')).stations,
    (rows) => rows.some((r) => r.state === 'pending'),
  )
  const rows = configs.data
  const pending = rows?.some((r) => r.state === 'pending') ?? false
  return (
    <div class={props.canAct ? 'control-split' : 'control-main'}>
      <div class="control-main">
        <div class="filters">
          <input
            type="search"
            class="search"
            placeholder={zh.control.search}
            value={filter.text}
            data-testid="config-filter-text"
            onInput={(e) => setFilter({ ...filter, text: e.currentTarget.value })}
          />
          {towns.length > 1 ? (
            <select
              value={filter.town}
              data-testid="config-filter-town"
              onChange={(e) => setFilter({ ...filter, town: e.currentTarget.value })}
            >
              <option value="">{zh.control.allTowns}</option>
              {towns.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.name}
                </option>
              ))}
            </select>
          ) : null}
          <select
            value={filter.state}
            data-testid="config-filter-state"
            onChange={(e) => setFilter({ ...filter, state: e.currentTarget.value as ConfigFilter['state'] })}
          >
            <option value="">{zh.config.allStates}</option>
            {(['applied', 'pending', 'rejected', 'none'] as const).map((s) => (
              <option key={s} value={s}>
                {zh.config.states[s]}
              </option>
            ))}
          </select>
          <span class="spacer" />
          {pending ? (
            <span class="muted" data-testid="config-polling">
              {zh.config.polling}
            </span>
          ) : null}
        </div>
        {configs.error ? <p class="bad-text">{zh.common.error(configs.error)}</p> : null}
        {rows === null ? (
          configs.error ? null : (
            <p class="muted">{zh.control.loading}</p>
          )
        ) : (
          <ConfigTable rows={rows} towns={towns} filter={filter} />
        )}
        {rows ? <History rows={rows} /> : null}
      </div>
      {props.canAct ? <PushForm configs={rows ?? []} towns={towns} onPushed={configs.refresh} /> : null}
    </div>
  )
}
