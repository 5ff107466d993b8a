import { useEffect, useState } from 'preact/hooks'
import { ApiError, messageOf } from '../../api/client.js'
import type { AlarmView } from '../../api/types.js'
import { Tabs } from '../../components/Tabs.js'
import { useDashboard } from '../../context.js'
import { dateTime } from '../../format.js'
import { alarmKindLabel, zh } from '../../strings/index.js'
import { detailText } from './alarmDetail.js'
import { Integrity } from './Integrity.js'

type Tab = 'active' | 'history' | 'integrity'

/** 告警: what is going off now and what went off before; acknowledge (and resolve, where the hub can). */
export function Alarms() {
  const { state, api, refreshAlarms } = useDashboard()
  const [tab, setTab] = useState<Tab>('active')
  const [history, setHistory] = useState<AlarmView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<number | null>(null)

  const loadHistory = async () => {
    try {
      setHistory((await api<{ alarms: AlarmView[] }>('GET', '/api/alarms?limit=500')).alarms)
    } catch (err) {
      setError(messageOf(err))
    }
  }
  useEffect(() => {
    void refreshAlarms()
    if (tab === 'history') void loadHistory()
  }, [tab])

  const act = async (a: AlarmView, action: 'ack' | 'resolve') => {
    setBusy(a.id)
    setError(null)
    try {
      if (action === 'ack') await api('POST', `/api/alarms/${a.id}/ack`)
      else {
        // resolving closes the alarm in the audit trail: say what was done
        const note = prompt(zh.alarms.resolveNote)?.trim()
        if (!note) return
        await api('POST', `/api/alarms/${a.id}/resolve`, { note })
      }
    } catch (err) {
      if (action === 'resolve' && err instanceof ApiError && err.status === 404 && err.code !== 'notFound') {
        // this hub has no resolve route after all
        state.canResolve.value = false
        setError(zh.alarms.resolveMissing)
      } else setError(messageOf(err))
    } finally {
      setBusy(null)
      await refreshAlarms()
      if (tab === 'history') await loadHistory()
    }
  }

  const rows = tab === 'active' ? state.activeAlarms.value : history
  state.fleet.layout.value
  return (
    <section class="alarms">
      <div class="toolbar">
        <Tabs
          keys={['active', 'history', 'integrity'] as const}
          current={tab}
          label={(t) => (t === 'integrity' ? zh.integrity.tab : zh.alarms[t])}
          onSelect={(t) => setTab(t)}
          testIdPrefix="alarms-tab"
        />
        <span class="spacer" />
        {error ? (
          <span class="bad-text" role="alert">
            {zh.alarms.failed(error)}
          </span>
        ) : null}
      </div>
      {tab === 'integrity' ? (
        <Integrity />
      ) : rows === null ? (
        <p class="muted">{zh.alarms.loading}</p>
      ) : rows.length === 0 ? (
        <p class="muted" data-testid="alarms-empty">
          {zh.alarms.none}
        </p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{zh.alarms.columns.kind}</th>
              <th>{zh.alarms.columns.station}</th>
              <th>{zh.alarms.columns.town}</th>
              <th>{zh.alarms.columns.raisedAt}</th>
              <th>{zh.alarms.columns.detail}</th>
              <th>{zh.alarms.columns.state}</th>
              <th>{zh.alarms.columns.ack}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <AlarmRow key={a.id} alarm={a} busy={busy === a.id} onAct={(action) => void act(a, action)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function AlarmRow(props: { alarm: AlarmView; busy: boolean; onAct: (action: 'ack' | 'resolve') => void }) {
  const { state } = useDashboard()
  const a = props.alarm
  const station = state.fleet.station(a.stationId)?.value
  const active = a.clearedAt === null
  return (
    <tr class={active ? 'alarm-on' : ''} data-testid="alarm-row" data-alarm={a.id} data-kind={a.kind}>
      <td>
        <span class={`pill ${active ? 'offline' : 'never'}`}>{alarmKindLabel(a.kind)}</span>
      </td>
      <td>
        {station?.name ?? a.stationId}
        <small class="muted"> {a.stationId}</small>
        {a.subject ? <small> {a.subject}</small> : null}
      </td>
      <td>{station?.townName ?? zh.common.none}</td>
      <td>{dateTime(a.raisedAt)}</td>
      <td>{detailText(a.detail)}</td>
      <td>
        {a.resolvedAt && a.resolvedBy
          ? zh.alarms.resolvedBy(a.resolvedBy, dateTime(a.resolvedAt))
          : active
            ? zh.alarms.stillOn
            : zh.alarms.cleared(
                dateTime(a.clearedAt),
                zh.alarms.clearReasons[a.clearReason ?? ''] ?? a.clearReason ?? '',
              )}
      </td>
      <td class="actions">
        {a.ackedBy ? (
          <span data-testid="alarm-acked">{zh.alarms.ackedBy(a.ackedBy, dateTime(a.ackedAt))}</span>
        ) : (
          <button
            type="button"
            class="primary"
            disabled={props.busy}
            data-testid="alarm-ack"
            onClick={() => props.onAct('ack')}
          >
            {props.busy ? zh.alarms.acking : zh.alarms.ack}
          </button>
        )}
        {state.canResolve.value && active && !a.resolvedAt ? (
          <button
            type="button"
            disabled={props.busy}
            data-testid="alarm-resolve"
            onClick={() => props.onAct('resolve')}
          >
            {zh.alarms.resolve}
          </button>
        ) : null}
      </td>
    </tr>
  )
}
