import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'
import { useDashboard } from '../../context.js'
import { dateTime } from '../../format.js'
import { zh } from '../../strings/index.js'

/** A finding of the hub's chain check (GET /api/integrity), as the API gives it. */
interface Finding {
  id: number
  at: string
  stationId: string
  kind: string
  seq: number | null
  eventId: string | null
  detail: string
  event: { type?: string; time?: string; body?: { personId?: string } } | null
}

/**
 * 记录核查: what the hub found against kiosks' signed journals, newest first, within the
 * operator's scope; a district operator re-pins a reinstalled kiosk's key from here.
 */
export function Integrity() {
  const { state, api } = useDashboard()
  const [findings, setFindings] = useState<Finding[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const load = async () => {
    try {
      setFindings((await api<{ findings: Finding[] }>('GET', '/api/integrity?limit=500')).findings)
    } catch (err) {
      setError(messageOf(err))
    }
  }
  useEffect(() => {
    void load()
  }, [])
  const repin = async (stationId: string) => {
    // re-pinning takes whatever key the kiosk shows next: say why it is the district's own kiosk
    const reason = prompt(zh.integrity.repinReason)?.trim()
    if (!reason) return
    setBusy(stationId)
    setError(null)
    try {
      await api('POST', `/api/stations/${stationId}/journal-key/reset`, { reason })
      await load()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(null)
    }
  }
  const district = state.operator.value?.tier === 'district'
  if (error)
    return (
      <p class="bad-text" role="alert">
        {zh.alarms.failed(error)}
      </p>
    )
  if (findings === null) return <p class="muted">{zh.alarms.loading}</p>
  if (findings.length === 0)
    return (
      <p class="muted" data-testid="integrity-empty">
        {zh.integrity.none}
      </p>
    )
  return (
    <table class="table">
      <thead>
        <tr>
          {zh.integrity.columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {findings.map((f) => {
          const station = state.fleet.station(f.stationId)?.value
          const body = f.event?.body
          return (
            <tr key={f.id} data-testid="integrity-row" data-kind={f.kind} data-station={f.stationId}>
              <td>{dateTime(f.at)}</td>
              <td>
                {station?.name ?? f.stationId}
                <small class="muted"> {f.stationId}</small>
              </td>
              <td>
                <span class={`pill ${f.kind === 'keyPinned' ? 'never' : 'offline'}`}>
                  {zh.alarms.detail.findingKinds[f.kind] ?? f.kind}
                </span>
              </td>
              <td>{f.seq ?? zh.common.none}</td>
              <td data-testid="integrity-event">
                {f.event
                  ? [f.event.type, body?.personId, f.event.time ? dateTime(f.event.time) : undefined]
                      .filter(Boolean)
                      .join(' · ')
                  : zh.common.none}
              </td>
              <td>{f.detail}</td>
              <td class="actions">
                {district && f.kind === 'keyChanged' ? (
                  <button
                    type="button"
                    disabled={busy === f.stationId}
                    data-testid="integrity-repin"
                    onClick={() => void repin(f.stationId)}
                  >
                    {zh.integrity.repin}
                  </button>
                ) : null}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
