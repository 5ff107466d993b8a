import { useState } from 'preact/hooks'
import type { CommandState, CommandView } from '../../api/types.js'
import { Pager, usePaging } from '../../components/Pager.js'
import { useDashboard } from '../../context.js'
import { dateTime } from '../../format.js'
import { useStationName, useTowns } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import { CommandForm } from './CommandForm.js'
import { usePolled } from './polling.js'

const UNDER_WAY: ReadonlySet<CommandState> = new Set(['pending', 'accepted'])
const STATE_CLASS: Record<CommandState, string> = {
  pending: 'warn',
  accepted: 'warn',
  succeeded: 'online',
  failed: 'offline',
  rejected: 'offline',
  expired: 'never',
}

/**
 * 远程指令: send one, and follow every command in scope, one row per station: sent, accepted
 * by the kiosk, then its result. Read again every few seconds while any is under way.
 */
export function Commands(props: { canAct: boolean }) {
  const { api } = useDashboard()
  const towns = useTowns()
  const name = useStationName()
  const [stateFilter, setStateFilter] = useState<CommandState | ''>('')
  const [text, setText] = useState('')
  const commands = usePolled(
    async () => (await api<{ commands: CommandView[] }>('GET', '/api/commands?limit=500')).commands,
    (list) => list.some((c) => UNDER_WAY.has(c.state)),
  )
  const list = commands.data
  const q = text.trim().toLowerCase()
  const shown = (list ?? []).filter(
    (c) =>
      (!stateFilter || c.state === stateFilter) &&
      (!q || c.stationId.includes(q) || name(c.stationId).toLowerCase().includes(q)),
  )
  const paging = usePaging(shown.length, `${stateFilter}|${q}`)
  const { at } = paging
  const pager = (testId: string) => <Pager at={at} total={shown.length} onPage={paging.go} testId={testId} />
  return (
    <div class={props.canAct ? 'control-split' : 'control-main'}>
      <div class="control-main">
        <div class="filters">
          <input
            type="search"
            class="search"
            placeholder={zh.control.search}
            value={text}
            data-testid="command-filter-text"
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <select
            value={stateFilter}
            data-testid="command-filter-state"
            onChange={(e) => setStateFilter(e.currentTarget.value as CommandState | '')}
          >
            <option value="">{zh.commands.allStates}</option>
            {(Object.keys(zh.commands.states) as CommandState[]).map((s) => (
              <option key={s} value={s}>
                {zh.commands.states[s]}
              </option>
            ))}
          </select>
          <span class="spacer" />
          {list?.some((c) => UNDER_WAY.has(c.state)) ? (
            <span class="muted" data-testid="command-polling">
              {zh.commands.polling}
            </span>
          ) : null}
          {list ? <span class="muted">{zh.commands.shown(list.length)}</span> : null}
        </div>
        {pager('command-pager')}
        {commands.error ? <p class="bad-text">{zh.common.error(commands.error)}</p> : null}
        {list === null ? (
          commands.error ? null : (
            <p class="muted">{zh.control.loading}</p>
          )
        ) : shown.length === 0 ? (
          <p class="muted">{zh.commands.none}</p>
        ) : (
          <table class="table" data-testid="command-table">
            <thead>
              <tr>
                <th>{zh.commands.columns.issuedAt}</th>
                <th>{zh.commands.columns.station}</th>
                <th>{zh.commands.columns.command}</th>
                <th>{zh.commands.columns.state}</th>
                <th>{zh.commands.columns.progress}</th>
                <th>{zh.commands.columns.detail}</th>
                <th>{zh.commands.columns.issuedBy}</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(at.from, at.to).map((c) => (
                <tr
                  key={c.commandId}
                  data-testid="command-row"
                  data-command={c.commandId}
                  data-station={c.stationId}
                  data-name={c.name}
                  data-state={c.state}
                  class={c.state === 'failed' || c.state === 'rejected' ? 'alarm-on' : ''}
                >
                  <td>{dateTime(c.issuedAt)}</td>
                  <td>
                    {name(c.stationId)}
                    <small class="muted"> {c.stationId}</small>
                  </td>
                  <td>
                    {zh.commands.names[c.name] ?? c.name}
                    {Object.keys(c.args).length > 0 ? (
                      <small class="mono"> {JSON.stringify(c.args)}</small>
                    ) : null}
                  </td>
                  <td>
                    <span class={`pill ${STATE_CLASS[c.state]}`} data-testid="command-state">
                      {zh.commands.states[c.state]}
                    </span>
                  </td>
                  <td data-testid="command-progress">
                    <div>
                      {zh.commands.acceptedAt(c.acceptedAt ? dateTime(c.acceptedAt) : zh.common.none)}
                    </div>
                    {c.finishedAt ? (
                      <div>{zh.commands.finishedAt(zh.commands.states[c.state], dateTime(c.finishedAt))}</div>
                    ) : UNDER_WAY.has(c.state) ? (
                      <small class="muted">
                        {zh.commands.expiresAt(dateTime(c.expiresAt))} · {zh.commands.sends(c.sends)}
                      </small>
                    ) : null}
                  </td>
                  <td class="detail" data-testid="command-detail">
                    {c.detail ?? ''}
                  </td>
                  <td>{c.issuedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {at.to - at.from > 20 ? pager('command-pager-foot') : null}
      </div>
      {props.canAct ? <CommandForm towns={towns} onIssued={commands.refresh} /> : null}
    </div>
  )
}
