import { useEffect, useState } from 'preact/hooks'
import { messageOf } from '../../api/client.js'
import type { ActivityView, PersonRow } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import { dateTime, percent } from '../../format.js'
import { useStationName } from '../../lookups.js'
import { localDate } from '../../period.js'
import { zh } from '../../strings/index.js'
import { Photos } from './Photos.js'

/**
 * One activity's full record: the plan, the kiosk's start and end, who came and how, who is
 * still absent after the make-ups, the quorum, the photos and their check.
 */
export function ActivityRecord(props: { activityId: string; people: ReadonlyMap<string, PersonRow> }) {
  const { api, router, state } = useDashboard()
  const stationName = useStationName()
  const [record, setRecord] = useState<ActivityView | null | undefined>(undefined)
  const [error, setError] = useState<string | null>(null)
  const query = router.place.value.query
  const station = query.get('station') ?? ''
  const date = query.get('date') ?? ''
  useEffect(() => {
    // up to today: the make-ups held since count against "still absent"
    const today = localDate(state.now.value)
    const params = new URLSearchParams({
      from: date,
      to: [date, today].sort()[1] as string,
      ...(station ? { station } : {}),
    })
    api<{ activities: ActivityView[] }>('GET', `/api/activities?${params}`)
      .then((r) => setRecord(r.activities.find((a) => a.plan.activityId === props.activityId) ?? null))
      .catch((err) => {
        setError(messageOf(err))
        setRecord(null)
      })
  }, [props.activityId, station, date])

  const name = (id: string) => props.people.get(id)?.name ?? id
  const names = (ids: readonly string[]) => (ids.length === 0 ? zh.common.none : ids.map(name).join('、'))
  const back = (
    <button
      type="button"
      class="link"
      data-testid="activity-back"
      onClick={() =>
        // the list's address holds its filters: back to it as it was, or to the activities afresh
        history.length > 1
          ? history.back()
          : router.go('records', '', new URLSearchParams({ tab: 'activities' }))
      }
    >
      ← {zh.activity.back}
    </button>
  )
  if (record === undefined) return <p class="muted">{zh.activity.loading}</p>
  if (record === null)
    return (
      <section class="record">
        {back}
        <p class="bad-text">{error ? zh.common.error(error) : zh.activity.missing}</p>
      </section>
    )
  const { plan, result } = record
  const a = zh.activity
  const leave = new Map(plan.leave.map((l) => [l.personId, l]))
  return (
    <section class="record" data-testid="activity-record" data-activity={plan.activityId}>
      <div class="toolbar">
        {back}
        <h2>{plan.title}</h2>
        <span class="muted">
          {stationName(plan.stationId)} · {plan.date}
        </span>
        <span
          class={`pill ${result.quorumMet ? 'online' : 'offline'}`}
          data-testid="activity-quorum"
          data-met={String(result.quorumMet)}
        >
          {result.quorumMet ? a.quorumMet : a.quorumFailed}
        </span>
        {record.photoCheck.flags.map((f) => (
          <span key={f} class="chip" data-testid="activity-flag">
            {zh.flags[f] ?? f}
          </span>
        ))}
      </div>
      <div class="record-grid">
        <div class="panel">
          <h3>{a.plan}</h3>
          <dl class="facts">
            <dt>{a.kind}</dt>
            <dd data-testid="plan-kind">{zh.kinds[plan.kind] ?? plan.kind}</dd>
            {plan.theme ? (
              <>
                <dt>{a.theme}</dt>
                <dd>
                  {plan.theme === 'x' && plan.themeTitle
                    ? plan.themeTitle
                    : (zh.themes[plan.theme] ?? plan.theme)}
                </dd>
              </>
            ) : null}
            <dt>{a.date}</dt>
            <dd>{plan.date}</dd>
            <dt>{a.hours}</dt>
            <dd>{a.hoursValue(plan.hours)}</dd>
            <dt>{zh.records.columns.quorum}</dt>
            <dd>{a.quorumRule(plan.quorum.fraction, plan.quorum.strictlyMore)}</dd>
            {plan.makeUpOf ? (
              <>
                <dt>{a.makeUpOf}</dt>
                <dd>{plan.makeUpOf}</dd>
              </>
            ) : null}
            <dt>{a.agenda}</dt>
            <dd>
              {plan.agenda.length === 0 ? (
                zh.common.none
              ) : (
                <ol class="agenda">
                  {plan.agenda.map((item, i) => (
                    <li key={i}>{item}</li>
                  ))}
                </ol>
              )}
            </dd>
          </dl>
          <h3>{a.marks}</h3>
          <p data-testid="activity-started">
            {record.started ? a.started(dateTime(record.started.at), name(record.started.by)) : a.notStarted}
          </p>
          <p data-testid="activity-ended">
            {record.ended ? a.ended(dateTime(record.ended.at), name(record.ended.by)) : a.notEnded}
          </p>
        </div>
        <div class="panel">
          <h3>{a.attendance}</h3>
          <div class="figures">
            <Figure label={a.expected} value={result.expected} id="expected" />
            <Figure label={a.present} value={result.present} id="present" />
            <Figure label={a.vouched} value={result.vouched} id="vouched" />
            <Figure label={a.onLeave} value={result.onLeave} id="onLeave" />
            <Figure
              label={a.absent}
              value={result.absent.length}
              id="absent"
              bad={result.absent.length > 0}
            />
            <Figure
              label={a.stillAbsent}
              value={record.stillAbsent.length}
              id="stillAbsent"
              bad={record.stillAbsent.length > 0}
            />
            <Figure label={a.rate} value={percent(result.attendanceRate)} id="rate" />
          </div>
          <dl class="facts">
            <dt>{a.absent}</dt>
            <dd data-testid="activity-absent-names">{names(result.absent)}</dd>
            <dt>{a.stillAbsent}</dt>
            <dd data-testid="activity-still-absent-names">{names(record.stillAbsent)}</dd>
            <dt>{a.onLeave}</dt>
            <dd>
              {plan.leave.length === 0
                ? zh.common.none
                : plan.leave
                    .map((l) => `${name(l.personId)}（${a.leaveReason(l.reason, name(l.approvedBy))}）`)
                    .join('；')}
            </dd>
            {result.unexpected.length > 0 ? (
              <>
                <dt>{a.unexpected}</dt>
                <dd>{names(result.unexpected)}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </div>
      <div class="panel">
        <h3>{a.signIns}</h3>
        {record.signIns.length === 0 ? (
          <p class="muted">{zh.common.none}</p>
        ) : (
          <table class="table" data-testid="signin-table">
            <thead>
              <tr>
                <th>{zh.records.columns.time}</th>
                <th>{zh.records.columns.person}</th>
                <th>{zh.records.columns.method}</th>
                <th>{zh.records.columns.detail}</th>
              </tr>
            </thead>
            <tbody>
              {[...record.signIns]
                .sort((x, y) => x.at.localeCompare(y.at))
                .map((s, i) => (
                  <tr
                    key={i}
                    data-testid="signin-row"
                    data-person={s.personId}
                    data-method={s.method}
                    class={s.method === 'vouch' ? 'vouched' : ''}
                  >
                    <td>{dateTime(s.at)}</td>
                    <td>
                      {name(s.personId)}
                      <small>{s.personId}</small>
                    </td>
                    <td>
                      <span class={s.method === 'vouch' ? 'chip' : ''}>
                        {zh.methods[s.method] ?? s.method}
                      </span>
                    </td>
                    <td>
                      {s.vouchedBy ? a.vouchedBy(name(s.vouchedBy)) : null}
                      {s.witness ? (
                        <span class={s.witness.recorded ? 'muted' : 'bad-text'}>
                          {' '}
                          {s.witness.recorded ? a.witnessOk : a.witnessMissing}
                        </span>
                      ) : null}
                      {leave.has(s.personId) ? <small>{a.onLeave}</small> : null}
                      {!plan.expected.includes(s.personId) ? <small>{a.unexpected}</small> : null}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="panel">
        <h3>{a.photos}</h3>
        <Photos photos={record.photos} people={props.people} />
        <h3>{a.check}</h3>
        <p data-testid="photo-check">
          {record.photoCheck.flags.length === 0
            ? a.checkOk
            : record.photoCheck.flags.map((f) => zh.flags[f] ?? f).join('、')}
          <small>
            {a.checkRange(
              record.photoCheck.signedIn,
              record.photoCheck.expectedFaces.min,
              record.photoCheck.expectedFaces.max,
            )}
          </small>
        </p>
      </div>
    </section>
  )
}

function Figure(props: { label: string; value: number | string; id: string; bad?: boolean }) {
  return (
    <div class={`figure${props.bad ? ' bad' : ''}`} data-testid={`figure-${props.id}`}>
      <span class="figure-value">{props.value}</span>
      <span class="figure-label">{props.label}</span>
    </div>
  )
}
