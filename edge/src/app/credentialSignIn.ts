import type { DutyDefaults } from '@ejia/firmware-config'
import { CodedError } from '@ejia/platform'
import {
  type DutyRota,
  isValidQrToken,
  localDate,
  type PlannedActivity,
  punchShiftAnswer,
  type RosterPerson,
  rotaInForce,
} from '@ejia/protocol'
import type { CredentialRead } from '../ports/attendanceDevice.js'
import type { Clock } from '../ports/clock.js'
import type { Journal } from '../ports/journal.js'
import type { Roster, StudyStanding } from '../ports/roster.js'
import type { FaceMatch, FaceSignedIn } from './face/checkInSession.js'
import { PinGuard } from './pinGuard.js'
import type { RecordEvent } from './recordEvent.js'
import type { Greeting, KioskMode, SignInOutcome, UnknownReason } from './signInOutcome.js'

export type { KioskMode, SignInOutcome } from './signInOutcome.js'

export class SignInError extends CodedError<'notCadre' | 'notOnRoster'> {}

const KEYPAD = 'keypad'

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
  private readonly pins: PinGuard

  constructor(
    private readonly deps: {
      roster: () => Roster
      /** Study hours as the hub last sent them, when the kiosk syncs its roster. */
      study?: (personId: string) => StudyStanding | undefined
      /** The station's rota versions, to tell a cadre how their punch falls on the shift. */
      rotas?: () => readonly DutyRota[]
      /** The station's planned activities, so a check-in counts to today's when the mode names none. */
      plans?: () => readonly PlannedActivity[]
      /**
       * The station config's duty rules (`duty.duplicateWithinMin`), used while no rota the
       * hub sent is in force; a rota's own window wins, as it does at the hub.
       */
      dutyDefaults?: Pick<DutyDefaults, 'duplicateWithinMin'>
      record: RecordEvent
      journal: Journal
      clock: Clock
    },
  ) {
    this.pins = new PinGuard(deps)
  }

  currentMode(): KioskMode {
    return this.mode
  }

  /**
   * Switches mode; after `ttlMs` duty and lookup fall back to plain check-in, so the kiosk
   * is never left clocking duty or looking people up after the cadre walked away.
   */
  setMode(mode: KioskMode, ttlMs = 120_000): void {
    clearTimeout(this.modeTimer)
    this.mode = mode
    if (mode.kind !== 'checkin')
      this.modeTimer = setTimeout(() => (this.mode = { kind: 'checkin' }), ttlMs).unref()
  }

  /** A cadre proves who they are (enrolment, admin) with their PIN; the same lock applies. */
  async authCadre(
    cadreId: string,
    pin: string,
  ): Promise<{ personId: string; name?: string } | UnknownReason> {
    const checked = await this.pins.check(cadreId, pin)
    if (checked !== 'ok') return checked
    const cadre = this.deps.roster().person(cadreId)
    if (!cadre?.roles.includes('cadre'))
      throw new SignInError('notCadre', `${cadreId} is not a cadre of this station`)
    return { personId: cadreId, ...(cadre.name ? { name: cadre.name } : {}) }
  }

  onOutcome(listener: (o: SignInOutcome) => void): void {
    this.listeners.push(listener)
  }

  async handle(device: string, read: CredentialRead): Promise<SignInOutcome> {
    const outcome = await this.decide(device, read)
    for (const l of this.listeners) l(outcome)
    return outcome
  }

  /**
   * A person id and PIN typed at the kiosk keypad, checked offline against the roster's
   * hash. After PIN_MAX_TRIES wrong PINs in a row the person's PIN is locked for
   * PIN_LOCK_MS; every wrong try is journalled (with the person id, never the PIN).
   */
  async pin(personId: string, pin: string): Promise<SignInOutcome> {
    const checked = await this.pins.check(personId, pin)
    const person = this.deps.roster().person(personId)
    const outcome =
      checked === 'ok' && person
        ? await this.signInPerson(person, 'pin', KEYPAD)
        : await this.unknown('pin', personId, KEYPAD, checked === 'ok' ? 'badPin' : checked)
    for (const l of this.listeners) l(outcome)
    return outcome
  }

  /**
   * A cadre vouches for someone who cannot sign in any other way (no card, a face the
   * camera will not take): the cadre proves who they are with their PIN, and a witness
   * photo is taken. The sign-in is a check-in with method `vouch`, counted apart by the hub.
   */
  async vouch(v: {
    personId: string
    cadreId: string
    cadrePin: string
    witnessPhotoId: string
  }): Promise<SignInOutcome> {
    const roster = this.deps.roster()
    const cadre = roster.person(v.cadreId)
    if (!cadre?.roles.includes('cadre'))
      throw new SignInError('notCadre', `${v.cadreId} is not a cadre of this station`)
    const person = roster.person(v.personId)
    if (!person) throw new SignInError('notOnRoster', `${v.personId} is not on this station's roster`)
    const checked = await this.pins.check(v.cadreId, v.cadrePin)
    const outcome =
      checked === 'ok'
        ? await this.signInPerson(person, 'vouch', KEYPAD, {
            vouch: { vouchedBy: v.cadreId, witnessPhotoId: v.witnessPhotoId },
          })
        : await this.unknown('pin', v.cadreId, KEYPAD, checked)
    for (const l of this.listeners) l(outcome)
    return outcome
  }

  /**
   * A face the kiosk recognised. Someone the roster does not know (enrolled at this kiosk,
   * not yet synced) still checks in; only a cadre on the roster clocks duty.
   */
  async face(match: FaceMatch): Promise<FaceSignedIn> {
    const { activityId, ...evidence } = match
    const person: RosterPerson = this.deps.roster().person(match.personId) ?? {
      personId: match.personId,
      roles: ['villager'],
      cards: [],
      qrTokens: [],
      fingerprints: [],
    }
    const outcome = await this.signInPerson(person, 'face', 'camera', {
      evidence,
      ...(activityId ? { activityId } : {}),
    })
    for (const l of this.listeners) l(outcome)
    if (outcome.kind === 'unknown') throw new Error('a recognised face cannot be unknown')
    return {
      kind: outcome.kind,
      ...(outcome.name ? { name: outcome.name } : {}),
      ...(outcome.kind === 'duty' ? { direction: outcome.direction } : {}),
      ...(outcome.kind === 'identified' ? {} : { eventId: outcome.eventId, seq: outcome.seq }),
    }
  }

  private async decide(device: string, read: CredentialRead): Promise<SignInOutcome> {
    const { method, credential } = read
    if (method === 'qr' && !isValidQrToken(credential))
      return this.unknown(method, credential, device, 'badToken')
    const person = this.deps.roster().lookup(method, credential)
    if (!person) return this.unknown(method, credential, device, 'notOnRoster')
    return this.signInPerson(person, method, device)
  }

  private async unknown(
    method: 'card' | 'qr' | 'fingerprint' | 'pin',
    credential: string,
    device: string,
    reason: UnknownReason,
  ): Promise<SignInOutcome> {
    const e = await this.deps.record('credential.unknown', {
      method,
      credential: credential.slice(0, 256),
      device,
      reason,
    })
    return { kind: 'unknown', method, credential, device, reason, eventId: e.id }
  }

  private async signInPerson(
    person: RosterPerson,
    method: 'card' | 'qr' | 'fingerprint' | 'pin' | 'vouch' | 'face',
    device: string,
    extra: {
      vouch?: { vouchedBy: string; witnessPhotoId: string }
      /** What the face engine saw, carried by the event. */
      evidence?: Omit<FaceMatch, 'personId' | 'activityId'>
      /** The activity a face session was started for, over the kiosk's mode. */
      activityId?: string
    } = {},
  ): Promise<SignInOutcome> {
    const { personId } = person
    const study = person.roles.includes('member') ? this.deps.study?.(personId) : undefined
    const greeting: Greeting = {
      personId,
      ...(person.name ? { name: person.name } : {}),
      ...(study ? { study } : {}),
    }
    if (this.mode.kind === 'lookup' && !extra.vouch)
      return { ...greeting, kind: 'identified', method, device }
    // a cadre clocks their own duty; a vouch is always a check-in
    if (this.mode.kind === 'duty' && person.roles.includes('cadre') && !extra.vouch) {
      const { direction, repeatsPunchAt } = await this.nextPunch(personId)
      const score = extra.evidence?.score
      const e = await this.deps.record('duty.punch', {
        personId,
        direction,
        method,
        ...(score === undefined ? {} : { score }),
      })
      const shift = punchShiftAnswer(this.deps.rotas?.() ?? [], personId, direction, Date.parse(e.time))
      return {
        ...greeting,
        kind: 'duty',
        direction,
        method,
        device,
        eventId: e.id,
        seq: e.seq,
        ...(shift ? { shift } : {}),
        ...(repeatsPunchAt ? { repeatsPunchAt } : {}),
      }
    }
    const activityId =
      extra.activityId ?? (this.mode.kind === 'checkin' ? (this.mode.activityId ?? this.todays()) : undefined)
    const e = await this.deps.record('checkin', {
      personId,
      method,
      ...(activityId ? { activityId } : {}),
      ...extra.vouch,
      ...extra.evidence,
    })
    return {
      ...greeting,
      kind: 'checkin',
      method,
      device,
      eventId: e.id,
      seq: e.seq,
      ...(activityId ? { activityId } : {}),
    }
  }

  /**
   * Today's first planned activity: the kiosk UI names it on the idle and result screens as
   * where check-ins go, so a card read on a theme day must count to it (at the hub, attendance
   * is by `activityId`) even when nobody named it in the mode.
   */
  private todays(): string | undefined {
    const today = localDate(this.deps.clock.now())
    return this.deps.plans?.().find((p) => p.date === today)?.activityId
  }

  /**
   * In, unless the person's last punch was an "in" within a shift's length. A punch within
   * the duplicate window of the last one (a card held twice, a second tap to be sure) repeats
   * its direction rather than flipping it: it is journalled, and the hub counts the two as
   * one (hub domain/duty/evaluate.ts), so nobody is clocked out a second after clocking in.
   */
  private async nextPunch(personId: string): Promise<{ direction: 'in' | 'out'; repeatsPunchAt?: string }> {
    const last = await this.deps.journal.latest('duty.punch', personId)
    if (last?.type !== 'duty.punch') return { direction: 'in' }
    const since = this.deps.clock.now() - Date.parse(last.time)
    if (since >= 0 && since < this.duplicateWindowMs())
      return { direction: last.body.direction, repeatsPunchAt: last.time }
    return { direction: since < SHIFT_MAX_MS && last.body.direction === 'in' ? 'out' : 'in' }
  }

  private duplicateWindowMs(): number {
    const rota = rotaInForce(this.deps.rotas?.() ?? [], localDate(this.deps.clock.now()))
    return (rota?.duplicateWithinMin ?? this.deps.dutyDefaults?.duplicateWithinMin ?? 0) * 60_000
  }
}
