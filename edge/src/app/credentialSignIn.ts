import { isValidQrToken } from '@ejia/protocol'
import type { CredentialRead } from '../ports/attendanceDevice.js'
import type { Clock } from '../ports/clock.js'
import type { Journal } from '../ports/journal.js'
import type { Roster } from '../ports/roster.js'
import type { RecordEvent } from './recordEvent.js'

/** What the kiosk is doing with reads: signing people in (to an activity), or duty clocking. */
export type KioskMode = { kind: 'checkin'; activityId?: string } | { kind: 'duty' }

export type SignInOutcome =
  | {
      kind: 'checkin'
      personId: string
      method: string
      device: string
      eventId: string
      activityId?: string
    }
  | {
      kind: 'duty'
      personId: string
      direction: 'in' | 'out'
      method: string
      device: string
      eventId: string
    }
  | {
      kind: 'unknown'
      method: string
      credential: string
      device: string
      reason: 'notOnRoster' | 'badToken'
      eventId: string
    }

/** A duty punch this long after the last "in" is a new shift, not the end of that one. */
const SHIFT_MAX_MS = 16 * 3600_000

/**
 * Turns a card, QR or fingerprint read into an event: a check-in, a duty punch, or, for a
 * credential nobody on the roster has, an "unknown credential" that signs nobody in.
 */
export class CredentialSignIn {
  private mode: KioskMode = { kind: 'checkin' }
  private modeTimer: NodeJS.Timeout | undefined
  private readonly listeners: ((o: SignInOutcome) => void)[] = []

  constructor(
    private readonly deps: {
      roster: () => Roster
      record: RecordEvent
      journal: Journal
      clock: Clock
    },
  ) {}

  currentMode(): KioskMode {
    return this.mode
  }

  /** Switches mode; after `ttlMs` the kiosk falls back to plain check-in, so it is never left in duty mode. */
  setMode(mode: KioskMode, ttlMs = 120_000): void {
    clearTimeout(this.modeTimer)
    this.mode = mode
    if (mode.kind === 'duty')
      this.modeTimer = setTimeout(() => (this.mode = { kind: 'checkin' }), ttlMs).unref()
  }

  onOutcome(listener: (o: SignInOutcome) => void): void {
    this.listeners.push(listener)
  }

  async handle(device: string, read: CredentialRead): Promise<SignInOutcome> {
    const outcome = await this.decide(device, read)
    for (const l of this.listeners) l(outcome)
    return outcome
  }

  private async decide(device: string, read: CredentialRead): Promise<SignInOutcome> {
    const { method, credential } = read
    const unknown = async (reason: 'notOnRoster' | 'badToken'): Promise<SignInOutcome> => {
      const e = await this.deps.record('credential.unknown', {
        method,
        credential: credential.slice(0, 256),
        device,
        reason,
      })
      return { kind: 'unknown', method, credential, device, reason, eventId: e.id }
    }
    if (method === 'qr' && !isValidQrToken(credential)) return unknown('badToken')
    const person = this.deps.roster().lookup(method, credential)
    if (!person) return unknown('notOnRoster')

    if (this.mode.kind === 'duty' && person.roles.includes('cadre')) {
      const direction = await this.nextDirection(person.personId)
      const e = await this.deps.record('duty.punch', { personId: person.personId, direction, method })
      return { kind: 'duty', personId: person.personId, direction, method, device, eventId: e.id }
    }
    const activityId = this.mode.kind === 'checkin' ? this.mode.activityId : undefined
    const e = await this.deps.record('checkin', {
      personId: person.personId,
      method,
      ...(activityId ? { activityId } : {}),
    })
    return {
      kind: 'checkin',
      personId: person.personId,
      method,
      device,
      eventId: e.id,
      ...(activityId ? { activityId } : {}),
    }
  }

  /** In, unless the person's last punch was an "in" within a shift's length. */
  private async nextDirection(personId: string): Promise<'in' | 'out'> {
    const last = await this.deps.journal.latest('duty.punch', personId)
    if (last?.type !== 'duty.punch') return 'in'
    const recent = this.deps.clock.now() - Date.parse(last.time) < SHIFT_MAX_MS
    return recent && last.body.direction === 'in' ? 'out' : 'in'
  }
}
