import type { EnrolAnswer } from './api/types.js'
import type { Feedback } from './feedback.js'
import type { Navigation } from './navigation.js'
import { problemText } from './pages/EnrolCheck/index.js'
import { zh } from './strings.js'

/** A mismatch has no event id: the same problems from the same device this soon are one answer. */
const SAME_ANSWER_MS = 5000

/** The POST's answer and its copy on the stream are one: a match by its event, a mismatch by what differs. */
function keyOf(a: EnrolAnswer): string {
  if (a.ok) return a.eventId
  return `${a.device}:${a.problems.map((p) => `${p.code}=${p.sheet ?? ''}`).join(',')}`
}

/**
 * Shows the answer to an enrolment sheet's code on the 登记核对 screen, on any screen (admin
 * included), with its tone and spoken words, once: a code checked from the admin screen's field
 * answers both to that screen and on the stream (docs/KIOSK.md, `event: enrol`).
 */
export function createEnrolAnswers(nav: Navigation, fb: Feedback) {
  let last: { key: string; at: number } | undefined
  return function show(a: EnrolAnswer): void {
    const key = keyOf(a)
    const now = Date.now()
    if (last && last.key === key && now - last.at < SAME_ANSWER_MS) return
    last = { key, at: now }
    nav.go({ name: 'enrolCheck', answer: a, at: now })
    if (a.ok) fb.success(zh.enrolCheck.ok(a.stationId))
    else fb.failure(`${a.problems.map(problemText).join('，')}，${zh.enrolCheck.contact}`)
  }
}

export type ShowEnrolAnswer = ReturnType<typeof createEnrolAnswers>
