import type { StudyStanding } from '../ports/roster.js'

/** What the kiosk does with a credential: sign in (to an activity), clock duty, or only identify. */
export type KioskMode = { kind: 'checkin'; activityId?: string } | { kind: 'duty' } | { kind: 'lookup' }

/** Who was recognised, as the kiosk greets them: name, and study hours for members. */
export interface Greeting {
  personId: string
  name?: string
  study?: StudyStanding
}

/** Where a duty punch falls on today's rota, as the cadre is told at once. */
export interface ShiftNote {
  start: string
  end: string
  lateMin: number
  earlyMin: number
}

export type UnknownReason = 'notOnRoster' | 'badToken' | 'badPin' | 'pinLocked'

/** What one sign-in came to; the same shape whatever the credential, and on the UI's stream. */
export type SignInOutcome =
  | (Greeting & {
      kind: 'checkin'
      method: string
      device: string
      eventId: string
      seq: number
      activityId?: string
    })
  | (Greeting & {
      kind: 'duty'
      direction: 'in' | 'out'
      method: string
      device: string
      eventId: string
      seq: number
      shift?: ShiftNote
      /** Time of the punch this one repeats within the duplicate window (RFC 3339); the hub counts them as one. */
      repeatsPunchAt?: string
    })
  /** Lookup mode ("我的学时"): recognised, nothing recorded. */
  | (Greeting & { kind: 'identified'; method: string; device: string })
  | {
      kind: 'unknown'
      method: string
      credential: string
      device: string
      reason: UnknownReason
      eventId: string
    }
