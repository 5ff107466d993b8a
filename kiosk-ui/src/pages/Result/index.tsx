import type { SignInOutcome } from '../../api/types.js'
import { Button } from '../../components/Button.js'
import { ALL_FALLBACKS, Fallbacks } from '../../components/Fallbacks.js'
import { Icon } from '../../components/Icon.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { StudyProgress } from '../../components/StudyProgress.js'
import { useKiosk } from '../../context.js'
import { hhmm, hhmmss } from '../../format.js'
import type { Flow, Screen } from '../../screens.js'
import { zh } from '../../strings.js'

/** Where 下一位 leads: the same way in, for the next person in the queue. */
function nextScreen(o: SignInOutcome, flow: Flow): Screen | null {
  if (flow === 'duty') return { name: 'duty' }
  if (flow === 'lookup') return { name: 'study' }
  if (o.method === 'face') return { name: 'face', flow }
  if (o.method === 'pin') return { name: 'pin', flow }
  if (o.method === 'card' || o.method === 'qr' || o.method === 'fingerprint')
    return { name: 'reader', method: o.method, flow }
  return null
}

/** The answer to a sign-in, whatever the way in: who, what, when; or why not and what else. */
export function Result({ outcome: o, flow, at }: { outcome: SignInOutcome; flow: Flow; at: number }) {
  const { nav } = useKiosk()
  const next = nextScreen(o, flow)
  const title =
    o.kind === 'identified' ? zh.study.title : o.kind === 'duty' ? zh.duty.title : zh.result.checkin
  return (
    <ScreenFrame
      title={title}
      testId="result"
      footer={
        <>
          {next && <Button label={zh.common.nextPerson} onPress={() => nav.go(next)} testId="result-next" />}
          <Button label={zh.common.done} kind="primary" onPress={nav.home} testId="result-done" />
        </>
      }
    >
      <div class={o.kind === 'unknown' ? 'result result-fail' : 'result result-ok'} data-kind={o.kind}>
        {o.kind === 'unknown' ? <Failure o={o} flow={flow} /> : <Success o={o} at={at} />}
      </div>
    </ScreenFrame>
  )
}

function Success({ o, at }: { o: Exclude<SignInOutcome, { kind: 'unknown' }>; at: number }) {
  const { state } = useKiosk()
  const name = o.name ?? o.personId
  if (o.kind === 'identified')
    return (
      <div class="result-main">
        <p class="result-name" data-testid="result-name">
          {name}
        </p>
        {o.study ? <StudyProgress study={o.study} /> : <p class="muted">{zh.study.none}</p>}
      </div>
    )
  const activity =
    o.kind === 'checkin'
      ? (state.today.value?.activities.find((a) => a.activityId === o.activityId) ?? state.activity.value)
      : undefined
  return (
    <>
      <div class="result-main">
        <p class="result-head">
          <Icon name="check" class="result-icon" />
          <span data-testid="result-title">
            {o.kind === 'checkin'
              ? zh.result.checkin
              : o.repeatsPunchAt
                ? o.direction === 'in'
                  ? zh.result.repeatIn
                  : zh.result.repeatOut
                : o.direction === 'in'
                  ? zh.result.dutyIn
                  : zh.result.dutyOut}
          </span>
        </p>
        <p class="result-name" data-testid="result-name">
          {name}
        </p>
        {activity && <p class="result-line">{activity.title}</p>}
        {o.kind === 'duty' && o.repeatsPunchAt && (
          <p class="result-line" data-testid="result-repeat">
            {zh.result.repeatAt(hhmm(o.repeatsPunchAt))}
          </p>
        )}
        {o.kind === 'duty' && !o.repeatsPunchAt && <ShiftLine o={o} />}
        <p class="result-line muted">
          {zh.result.at(hhmmss(at))} · {zh.result.by[o.method] ?? o.method}
        </p>
      </div>
      {o.kind === 'checkin' && o.study && <StudyProgress study={o.study} compact />}
    </>
  )
}

function ShiftLine({ o }: { o: Extract<SignInOutcome, { kind: 'duty' }> }) {
  if (!o.shift) return <p class="result-line">{zh.result.noShift}</p>
  const late = o.direction === 'in' ? o.shift.lateMin : 0
  const early = o.direction === 'out' ? o.shift.earlyMin : 0
  return (
    <>
      <p class="result-line">{zh.result.shift(hhmm(o.shift.start), hhmm(o.shift.end))}</p>
      <p class={late || early ? 'result-line result-warn' : 'result-line'} data-testid="result-lateness">
        {late ? zh.result.late(late) : early ? zh.result.early(early) : zh.result.onTime}
      </p>
    </>
  )
}

function Failure({ o, flow }: { o: Extract<SignInOutcome, { kind: 'unknown' }>; flow: Flow }) {
  const options = ALL_FALLBACKS.filter((f) => f !== o.method && !(o.reason === 'pinLocked' && f === 'pin'))
  return (
    <>
      <p class="result-head">
        <Icon name="cross" class="result-icon" />
        <span data-testid="result-title">{zh.result.failed}</span>
      </p>
      <p class="fail-text" role="alert" data-testid="result-reason">
        {zh.unknownReason[o.reason]}
      </p>
      <Fallbacks options={options} flow={flow} />
    </>
  )
}
