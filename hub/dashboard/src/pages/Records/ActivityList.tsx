import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'
import type { ActivityView, FlagView, PersonRow } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { useStationName } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import { activityPlace, placeParams, type RecordQuery } from './query.js'

/** Whether a person had anything to do with an activity: expected, on leave or signed in. */
const involves = (a: ActivityView, personId: string) =>
  a.plan.expected.includes(personId) ||
  a.plan.leave.some((l) => l.personId === personId) ||
  a.signIns.some((s) => s.personId === personId)

/** The activities planned in the range, with their attendance at a glance; a row opens its record. */
export function ActivityList(props: { query: RecordQuery; people: ReadonlyMap<string, PersonRow> }) {
  const { api, router } = useDashboard()
  const stationName = useStationName()
  const q = props.query
  const { rows, error } = useRows(async () => {
    const params = new URLSearchParams({ from: q.from, to: q.to, ...placeParams(q) })
    const r = await api<{ activities: ActivityView[] }>('GET', `/api/activities?${params}`)
    return r.activities
      .filter((a) => q.personId === null || involves(a, q.personId))
      .sort(
        (a, b) => b.plan.date.localeCompare(a.plan.date) || a.plan.stationId.localeCompare(b.plan.stationId),
      )
  }, q)
  if (rows === null) return <p class="muted">{zh.records.loading}</p>
  const c = zh.records.columns
  return (
    <div class="records-list">
      {error ? <p class="bad-text">{zh.common.error(error)}</p> : null}
      {rows.length === 0 ? (
        <p class="muted" data-testid="records-empty">
          {zh.records.none}
        </p>
      ) : (
        <table class="table clickable" data-testid="activity-table">
          <thead>
            <tr>
              <th>{c.date}</th>
              <th>{c.station}</th>
              <th>{c.kind}</th>
              <th>{c.title}</th>
              <th class="num">{c.expected}</th>
              <th class="num">{c.present}</th>
              <th class="num">{c.vouched}</th>
              <th class="num">{c.onLeave}</th>
              <th class="num">{c.absent}</th>
              <th>{c.quorum}</th>
              <th class="num">{c.photos}</th>
              <th>{c.flags}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => {
              const place = activityPlace(a.plan.activityId, a.plan.stationId, a.plan.date)
              return (
                <tr
                  key={a.plan.activityId}
                  data-testid="activity-row"
                  data-activity={a.plan.activityId}
                  onClick={() => router.go('records', ...place)}
                >
                  <td>{a.plan.date}</td>
                  <td>{stationName(a.plan.stationId)}</td>
                  <td>{zh.kinds[a.plan.kind] ?? a.plan.kind}</td>
                  <td>
                    <a
                      href={router.href('records', ...place)}
                      onClick={(e) => {
                        e.preventDefault()
                      }}
                    >
                      {a.plan.title}
                    </a>
                  </td>
                  <td class="num">{a.result.expected}</td>
                  <td class="num">{a.result.present}</td>
                  <td class="num">{a.result.vouched}</td>
                  <td class="num">{a.result.onLeave}</td>
                  <td class="num">{a.result.absent.length}</td>
                  <td>
                    <span class={`pill ${a.result.quorumMet ? 'online' : 'offline'}`}>
                      {a.result.quorumMet ? zh.activity.quorumMet : zh.activity.quorumFailed}
                    </span>
                  </td>
                  <td class="num">{a.photos.filter((p) => p.purpose === 'evidence').length}</td>
                  <td>
                    {a.photoCheck.flags.map((f) => (
                      <span key={f} class="chip">
                        {zh.flags[f] ?? f}
                      </span>
                    ))}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** Activity records to inspect: no photo, a face count far from the sign-ins, a vouch without its witness. */
export function FlagList(props: { query: RecordQuery }) {
  const { api, router } = useDashboard()
  const stationName = useStationName()
  const q = props.query
  const { rows, error } = useRows(async () => {
    const params = new URLSearchParams({ from: q.from, to: q.to, ...(q.town ? { town: q.town } : {}) })
    const r = await api<{ activities: FlagView[] }>('GET', `/api/activities/flags?${params}`)
    return r.activities.filter((a) => !q.station || a.stationId === q.station)
  }, q)
  if (rows === null) return <p class="muted">{zh.records.loading}</p>
  const c = zh.records.columns
  return (
    <div class="records-list">
      {error ? <p class="bad-text">{zh.common.error(error)}</p> : null}
      {rows.length === 0 ? (
        <p class="muted" data-testid="records-empty">
          {zh.records.none}
        </p>
      ) : (
        <table class="table clickable" data-testid="flag-table">
          <thead>
            <tr>
              <th>{c.date}</th>
              <th>{c.station}</th>
              <th>{c.kind}</th>
              <th>{c.title}</th>
              <th>{c.flags}</th>
              <th>{zh.activity.check}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr
                key={a.activityId}
                data-testid="flag-row"
                data-activity={a.activityId}
                onClick={() => router.go('records', ...activityPlace(a.activityId, a.stationId, a.date))}
              >
                <td>{a.date}</td>
                <td>{a.stationName ?? stationName(a.stationId)}</td>
                <td>{zh.kinds[a.kind] ?? a.kind}</td>
                <td>{a.title}</td>
                <td>
                  {a.flags.map((f) => (
                    <span key={f} class="chip">
                      {zh.flags[f] ?? f}
                    </span>
                  ))}
                </td>
                <td>
                  {zh.activity.checkRange(
                    a.photoCheck.signedIn,
                    a.photoCheck.expectedFaces.min,
                    a.photoCheck.expectedFaces.max,
                  )}
                  {a.photoCheck.best ? `；${zh.activity.faces(a.photoCheck.best.faces)}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** The rows a query loads: null while loading, and on failure no rows with the error's words. */
function useRows<T>(
  load: () => Promise<T[]>,
  query: RecordQuery,
): { rows: T[] | null; error: string | null } {
  const [state, setState] = useState<{ rows: T[] | null; error: string | null }>({ rows: null, error: null })
  useEffect(() => {
    setState({ rows: null, error: null })
    load().then(
      (rows) => setState({ rows, error: null }),
      (err: unknown) => setState({ rows: [], error: messageOf(err) }),
    )
  }, [query])
  return state
}
