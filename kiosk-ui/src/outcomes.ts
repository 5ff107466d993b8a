import type { FaceAccepted, SignInOutcome } from './api/types.js'
import type { Feedback } from './feedback.js'
import type { Navigation } from './navigation.js'
import type { Flow } from './screens.js'
import type { AppState } from './state.js'
import { zh } from './strings.js'
import { refreshToday } from './transport/status.js'

/** Screens where a cadre is working: a card read elsewhere in the room must not take them away. */
const BUSY_SCREENS = new Set(['admin', 'enrol', 'cameraTest'])
/** Lookups record nothing, so have no event id: the same person by the same means this soon is one. */
const SAME_LOOKUP_MS = 5000
/** The device the agent names for PINs and vouches typed on this screen (edge credentialSignIn.ts). */
const KEYPAD = 'keypad'

/** One outcome arrives twice (the POST's answer and the stream; a face update and its sign-in): key it. */
function keyOf(o: SignInOutcome): string {
  if (o.kind !== 'identified' && o.eventId) return o.eventId
  return `${o.kind}:${o.kind === 'unknown' ? o.credential : o.personId}:${o.method}`
}

/** A face session's acceptance as a sign-in outcome; the stream's copy adds study hours or the shift. */
export function outcomeOfFace(u: FaceAccepted): SignInOutcome {
  const base = { personId: u.personId, name: u.name, method: 'face' as const, device: 'camera' }
  if (u.kind === 'identified') return { ...base, kind: 'identified' }
  if (u.kind === 'duty')
    return { ...base, kind: 'duty', direction: u.direction ?? 'in', eventId: u.eventId ?? '' }
  return { ...base, kind: 'checkin', eventId: u.eventId ?? '', seq: u.seq }
}

function speechOf(o: SignInOutcome): string {
  const s = zh.speech
  switch (o.kind) {
    case 'checkin': {
      const behind = o.study?.behind ? s.behind(o.study.dueByNow - o.study.done) : ''
      return s.checkin(o.name) + behind
    }
    case 'duty': {
      if (o.repeatsPunchAt) return s.repeat(o.direction, o.name)
      const lateness =
        o.direction === 'in' && o.shift?.lateMin
          ? s.late(o.shift.lateMin)
          : o.direction === 'out' && o.shift?.earlyMin
            ? s.early(o.shift.earlyMin)
            : ''
      return (o.direction === 'in' ? s.dutyIn(o.name) : s.dutyOut(o.name)) + lateness
    }
    case 'identified':
      return o.study
        ? s.study(o.name, o.study.done) + (o.study.behind ? s.behind(o.study.dueByNow - o.study.done) : '')
        : zh.study.none
    case 'unknown':
      return zh.unknownReason[o.reason]
  }
}

/**
 * Shows a sign-in outcome, whoever produced it, once: a second copy of the outcome on screen
 * only fills in what the first lacked (the face update has no study hours; the stream's has).
 */
export function createOutcomes(state: AppState, nav: Navigation, fb: Feedback) {
  const seen = new Map<string, number>()
  return function show(o: SignInOutcome, from: 'stream' | 'screen'): void {
    // The keypad is this screen's own (PIN, vouch): its answer comes back to the screen that
    // sent it, which shows it. Its copy on the stream must not take the screen away, or a
    // wrong PIN would leave the keypad for a failure screen instead of asking again.
    if (from === 'stream' && o.device === KEYPAD) return
    const key = keyOf(o)
    const now = Date.now()
    for (const [k, at] of seen) if (now - at > 60_000) seen.delete(k)
    const current = state.screen.value
    if (current.name === 'result' && keyOf(current.outcome) === key) {
      const nameOf = (x: SignInOutcome) => (x.kind === 'unknown' ? undefined : x.name)
      const merged = { ...current.outcome, ...o, name: nameOf(o) ?? nameOf(current.outcome) } as SignInOutcome
      state.screen.value = { ...current, outcome: merged }
      return
    }
    const last = seen.get(key)
    if (last !== undefined && (o.kind !== 'identified' || now - last < SAME_LOOKUP_MS)) return
    seen.set(key, now)
    if (from === 'stream' && BUSY_SCREENS.has(current.name)) return
    const flow: Flow = o.kind === 'duty' ? 'duty' : o.kind === 'identified' ? 'lookup' : nav.currentFlow()
    // the punch or the lookup is done: put the kiosk back to check-in for the next person
    if (o.kind === 'duty' || o.kind === 'identified') void nav.restoreMode()
    if (o.kind === 'duty') void refreshToday(state)
    nav.go({ name: 'result', outcome: o, flow, at: now })
    if (o.kind === 'unknown') fb.failure(speechOf(o))
    else fb.success(speechOf(o))
  }
}

export type ShowOutcome = ReturnType<typeof createOutcomes>
