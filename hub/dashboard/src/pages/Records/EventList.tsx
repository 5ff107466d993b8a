import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'
import type { LedgerEvent, PersonRow } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { dateTime } from '../../format.js'
import { useStationName } from '../../lookups.js'
import { dayBounds, localDate } from '../../period.js'
import { zh } from '../../strings/index.js'
import { activityPlace, placeParams, type RecordQuery } from './query.js'

const PAGE = 100

interface Body {
  personId?: string
  method?: string
  direction?: string
  activityId?: string
  vouchedBy?: string
  score?: number
  title?: string
  faces?: number
  purpose?: string
  /** face.consent */
  granted?: boolean
  /** face.deleted */
  reason?: string
}

/** Check-ins, duty punches and the other events of the ledger, in order of arrival, a page at a time. */
export function EventList(props: { query: RecordQuery; people: ReadonlyMap<string, PersonRow> }) {
  const { api, router } = useDashboard()
  const stationName = useStationName()
  const [events, setEvents] = useState<LedgerEvent[] | null>(null)
  const [cursor, setCursor] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const q = props.query

  const load = async (after: number | null) => {
    setBusy(true)
    setError(null)
    const params = new URLSearchParams({
      ...placeParams(q),
      ...(q.personId ? { person: q.personId } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...dayBounds(q.from, q.to),
      limit: String(PAGE),
      ...(after === null ? {} : { after: String(after) }),
    })
    try {
      const r = await api<{ events: LedgerEvent[]; nextCursor: number | null }>(
        'GET',
        `/api/events?${params}`,
      )
      setEvents((before) => (after === null ? r.events : [...(before ?? []), ...r.events]))
      setCursor(r.nextCursor)
    } catch (err) {
      setError(messageOf(err))
      if (after === null) setEvents([])
    } finally {
      setBusy(false)
    }
  }
  useEffect(() => {
    setEvents(null)
    void load(null)
  }, [q])

  const who = (id: string | undefined) => (id ? (props.people.get(id)?.name ?? id) : zh.common.none)
  if (events === null) return <p class="muted">{zh.records.loading}</p>
  return (
    <div class="records-list">
      {error ? <p class="bad-text">{zh.common.error(error)}</p> : null}
      {events.length === 0 ? (
        <p class="muted" data-testid="records-empty">
          {zh.records.none}
        </p>
      ) : (
        <table class="table" data-testid="event-table">
          <thead>
            <tr>
              <th>{zh.records.columns.time}</th>
              <th>{zh.records.columns.station}</th>
              <th>{zh.records.columns.type}</th>
              <th>{zh.records.columns.person}</th>
              <th>{zh.records.columns.method}</th>
              <th>{zh.records.columns.detail}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => {
              const b = (e.body ?? {}) as Body
              const activity = b.activityId
              return (
                <tr
                  key={e.ingestId}
                  data-testid="event-row"
                  data-type={e.type}
                  data-person={b.personId ?? ''}
                  data-station={e.stationId}
                >
                  <td title={zh.records.columns.time}>{dateTime(e.time)}</td>
                  <td>
                    {stationName(e.stationId)}
                    <small>{e.stationId}</small>
                  </td>
                  <td>{zh.records.types[e.type] ?? e.type}</td>
                  <td data-testid="event-person">
                    {who(b.personId)}
                    {b.personId ? <small>{b.personId}</small> : null}
                  </td>
                  <td>
                    {b.method ? (
                      <span class={b.method === 'vouch' ? 'chip' : ''}>
                        {zh.methods[b.method] ?? b.method}
                      </span>
                    ) : (
                      zh.common.none
                    )}
                    {b.vouchedBy ? <small>{zh.activity.vouchedBy(who(b.vouchedBy))}</small> : null}
                  </td>
                  <td>
                    {b.direction ? (zh.records.direction[b.direction] ?? b.direction) : null}
                    {e.type === 'checkin' && !activity ? zh.records.visit : null}
                    {activity ? (
                      <a
                        href={router.href(
                          'records',
                          ...activityPlace(activity, e.stationId, localDate(Date.parse(e.time))),
                        )}
                        onClick={(ev) => {
                          ev.preventDefault()
                          router.go(
                            'records',
                            ...activityPlace(activity, e.stationId, localDate(Date.parse(e.time))),
                          )
                        }}
                      >
                        {b.title ?? activity}
                      </a>
                    ) : null}
                    {b.faces !== undefined ? ` ${zh.activity.faces(b.faces)}` : null}
                    {e.type === 'face.consent' && b.granted !== undefined
                      ? zh.records.consent(b.granted)
                      : null}
                    {e.type === 'face.deleted' && b.reason
                      ? (zh.records.deleteReasons[b.reason] ?? b.reason)
                      : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      <div class="toolbar">
        <span class="muted" data-testid="records-count">
          {zh.records.shown(events.length, cursor !== null)}
        </span>
        {cursor !== null ? (
          <button type="button" disabled={busy} data-testid="records-more" onClick={() => void load(cursor)}>
            {zh.records.loadMore}
          </button>
        ) : null}
      </div>
    </div>
  )
}
