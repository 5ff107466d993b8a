import type { EnrolAnswer, SignInOutcome } from './api/types.js'

/** Which mode a screen works in: plain check-in, a cadre's duty punch, or "我的学时". */
export type Flow = 'checkin' | 'duty' | 'lookup'
export type ReaderMethod = 'card' | 'qr' | 'fingerprint'

/** The router: one signal holds one of these, and the app renders its page. */
export type Screen =
  | { name: 'idle' }
  | { name: 'face'; flow: Flow }
  | { name: 'reader'; method: ReaderMethod; flow: Flow }
  | { name: 'pin'; flow: Flow }
  | { name: 'duty' }
  | { name: 'study' }
  | { name: 'vouch' }
  | { name: 'result'; outcome: SignInOutcome; flow: Flow; at: number }
  | { name: 'enrolCheck'; answer: EnrolAnswer; at: number }
  | { name: 'admin' }
  | { name: 'enrol' }
  | { name: 'cameraTest' }

/** Where 返回 leads: a method screen opened from duty or study goes back there, the rest home. */
export function parentOf(screen: Screen): Screen {
  if ('flow' in screen && screen.name !== 'result') {
    if (screen.flow === 'duty') return { name: 'duty' }
    if (screen.flow === 'lookup') return { name: 'study' }
  }
  if (screen.name === 'enrol' || screen.name === 'cameraTest') return { name: 'admin' }
  return { name: 'idle' }
}
