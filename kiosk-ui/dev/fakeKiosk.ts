import {
  addDays,
  atLocal,
  type Fault,
  type Heartbeat,
  isValidQrToken,
  localDate,
  type PlannedActivity,
  punchShiftAnswer,
  type RosterPerson,
  type RosterUpdate,
  rotaInForce,
  shiftsOn,
} from '@ejia/protocol'
import { v7 as uuidv7 } from 'uuid'
import type {
  DeviceInfo,
  EnrolAnswer,
  KioskStatus,
  Method,
  Mode,
  Person,
  PersonRef,
  SignInOutcome,
  Study,
  Today,
  UnknownReason,
} from '../src/api/types.js'
import type { FakeConfig } from './fakeConfig.js'
import { fakeEnrolCheck } from './fakeEnrolment.js'
import type { WireFixtures } from './fixtures.js'

/** A refusal of the local API: its status and `error` code, as the edge agent answers them. */
export class FakeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** edge/src/app/pinGuard.ts: 5 wrong PINs in a row lock a person's PIN for 5 minutes. */
const PIN_MAX_TRIES = 5
const PIN_LOCK_MS = 5 * 60_000
/** edge credentialSignIn.ts / today.ts: a duty "in" older than this is a forgotten "out". */
const SHIFT_MAX_MS = 16 * 3600_000
const KEYPAD = 'keypad'
const DAY_MS = 86_400_000

export interface JournalEntry {
  id: string
  seq: number
  time: string
  type: string
  body: Record<string, unknown>
}

/**
 * The edge agent's sign-in desk and state in memory, started from the wire fixtures: the
 * roster, study hours, rota and plans of one RosterUpdate snapshot, and the heartbeat. It
 * decides outcomes by the agent's rules (edge/src/app/credentialSignIn.ts) and journals
 * into an array, so tests can see what was and was not recorded.
 */
export class FakeKiosk {
  readonly journal: JournalEntry[] = []
  readonly photos = new Set<string>()
  connected = true
  private offsetMs = 0
  private mode: Mode = { kind: 'checkin' }
  private modeTimer: ReturnType<typeof setTimeout> | undefined
  private readonly people: Map<string, RosterPerson>
  private readonly roster: RosterUpdate
  private readonly heartbeat: Heartbeat
  private seq: number
  private readonly bootedAt: number
  private backlog = { depth: 0, oldestUnsentAt: null as number | null }
  private readonly faults = new Map<string, Fault>()
  private readonly pinTries = new Map<string, { failed: number; lockedUntil: number }>()
  private readonly signInListeners: ((o: SignInOutcome) => void)[] = []
  private readonly enrolListeners: ((a: EnrolAnswer) => void)[] = []

  constructor(
    readonly config: FakeConfig,
    fixtures: WireFixtures,
  ) {
    this.roster = fixtures.roster
    this.heartbeat = fixtures.heartbeat
    this.people = new Map(fixtures.roster.upserts.map((p) => [p.personId, p]))
    this.seq = fixtures.heartbeat.lastSeq
    this.bootedAt = Date.now()
  }

  now(): number {
    return Date.now() + this.offsetMs
  }

  /** Sets the agent's clock (the page keeps its own); null puts it back to real time. */
  setClock(at: number | null): void {
    this.offsetMs = at === null ? 0 : at - Date.now()
  }

  onSignIn(listener: (o: SignInOutcome) => void): void {
    this.signInListeners.push(listener)
  }

  onEnrol(listener: (a: EnrolAnswer) => void): void {
    this.enrolListeners.push(listener)
  }

  /** The enrolment sheet's code, scanned or posted: a match is journalled, a mismatch a fault. */
  enrolCheck(text: string, device: string): EnrolAnswer {
    const checked = fakeEnrolCheck(text, { stationId: this.config.station.id, hub: this.config.hub }, device)
    let answer = checked.answer
    if (answer.ok) {
      const e = this.record('kiosk.enrolled', { hub: this.config.hub, device })
      answer = { ...answer, eventId: e.id }
      this.setFault('enrolment', null)
    } else if (checked.mismatch)
      this.setFault('enrolment', { code: 'enrolmentMismatch', message: checked.mismatch })
    for (const l of this.enrolListeners) l(answer)
    return answer
  }

  close(): void {
    clearTimeout(this.modeTimer)
  }

  // --- the kiosk's state -------------------------------------------------------------------

  currentMode(): Mode {
    return this.mode
  }

  setMode(mode: Mode): Mode {
    clearTimeout(this.modeTimer)
    this.mode = mode
    if (mode.kind !== 'checkin')
      this.modeTimer = setTimeout(() => (this.mode = { kind: 'checkin' }), this.config.modeTtlMs).unref()
    return this.mode
  }

  setHub(connected: boolean, backlog?: number): void {
    this.connected = connected
    // reconnected: the outbox drains at once
    if (connected && backlog === undefined) this.backlog = { depth: 0, oldestUnsentAt: null }
    if (backlog !== undefined)
      this.backlog = {
        depth: backlog,
        oldestUnsentAt: backlog > 0 ? (this.backlog.oldestUnsentAt ?? this.now() - 5 * 60_000) : null,
      }
  }

  setFault(device: string, fault: { code: string; message: string } | null): void {
    if (fault) this.faults.set(device, { device, ...fault, since: new Date(this.now()).toISOString() })
    else this.faults.delete(device)
  }

  status(): KioskStatus & { stationId: string } {
    const now = this.now()
    const oldest = this.backlog.oldestUnsentAt
    const health: Heartbeat = {
      ...this.heartbeat,
      time: new Date(now).toISOString(),
      bootedAt: new Date(this.bootedAt).toISOString(),
      lastSeq: this.seq,
      backlog: {
        depth: this.backlog.depth,
        oldestUnsentAt: oldest === null ? null : new Date(oldest).toISOString(),
        oldestUnsentAgeS: oldest === null ? null : Math.round((now - oldest) / 1000),
        deadLetters: 0,
      },
      versions: { ...this.heartbeat.versions, roster: String(this.roster.version) },
      faults: [...this.faults.values()],
    }
    return {
      station: this.config.station,
      stationId: this.config.station.id,
      connected: this.connected,
      health,
      outbox: { inFlightBatches: 0, batchesSent: 0, eventsAcked: 0, eventsRejected: 0, ackTimeouts: 0 },
      photos: { waiting: this.connected ? 0 : this.photos.size, refused: 0 },
    }
  }

  devices(): DeviceInfo[] {
    return this.config.devices.map((d) => {
      const f = this.faults.get(`serial:${d.name}`)
      return { ...d, fault: f ? { code: f.code, message: f.message } : null }
    })
  }

  /** The fixture's plans are those of its `studyAsOf`; the fake moves them to its own today. */
  plans(): PlannedActivity[] {
    const shift = Math.round((Date.parse(this.today0()) - Date.parse(this.roster.studyAsOf)) / DAY_MS)
    return (this.roster.plans ?? []).map((p) => {
      const date = addDays(p.date, shift)
      return { ...p, date, activityId: p.activityId.replace(p.date, date) }
    })
  }

  /** GET /api/today, as edge/src/app/today.ts builds it. */
  today(): Today {
    const now = this.now()
    const date = this.today0()
    const rota = rotaInForce(this.roster.rotas ?? [], date)
    const shifts = rota ? shiftsOn(rota, date) : []
    const onDuty: Today['duty']['onDuty'] = []
    for (const e of this.journal) {
      if (e.type !== 'duty.punch') continue
      const personId = String(e.body.personId)
      const i = onDuty.findIndex((p) => p.personId === personId)
      if (i >= 0) onDuty.splice(i, 1)
      if (e.body.direction === 'in' && now - Date.parse(e.time) < SHIFT_MAX_MS)
        onDuty.push({ ...this.named(personId), since: e.time })
    }
    return {
      date,
      mode: this.mode,
      activities: this.plans().filter((p) => p.date === date),
      duty: {
        shifts: shifts.map((s) => ({
          start: new Date(s.start).toISOString(),
          end: new Date(s.end).toISOString(),
          people: s.personIds.map((id) => this.named(id)),
        })),
        onDuty,
      },
    }
  }

  person(personId: string): Person | undefined {
    const p = this.people.get(personId)
    return p && { personId: p.personId, ...(p.name ? { name: p.name } : {}), roles: p.roles }
  }

  // --- signing in --------------------------------------------------------------------------

  /** A card, QR code or fingerprint read by one of the kiosk's readers. */
  read(device: string, method: 'card' | 'qr' | 'fingerprint', credential: string): SignInOutcome {
    const key = method === 'card' ? credential.toUpperCase() : credential
    const person =
      method === 'qr' && !isValidQrToken(credential)
        ? undefined
        : [...this.people.values()].find((p) =>
            method === 'card'
              ? p.cards.some((c) => c.toUpperCase() === key)
              : method === 'qr'
                ? p.qrTokens.includes(key)
                : p.fingerprints.map(String).includes(key),
          )
    const reason = method === 'qr' && !isValidQrToken(credential) ? 'badToken' : 'notOnRoster'
    return this.tell(
      person ? this.signInPerson(person, method, device) : this.unknown(method, credential, device, reason),
    )
  }

  pin(personId: string, pin: string): SignInOutcome {
    const checked = this.checkPin(personId, pin)
    const person = this.people.get(personId)
    return this.tell(
      checked === 'ok' && person
        ? this.signInPerson(person, 'pin', KEYPAD)
        : this.unknown('pin', personId, KEYPAD, checked === 'ok' ? 'badPin' : checked),
    )
  }

  vouch(v: { personId: string; cadreId: string; cadrePin: string; witnessPhotoId: string }): SignInOutcome {
    if (!this.photos.has(v.witnessPhotoId))
      throw new FakeRefusal(422, 'witnessPhotoUnknown', 'take the witness photo first (POST /api/photos)')
    const cadre = this.people.get(v.cadreId)
    if (!cadre?.roles.includes('cadre'))
      throw new FakeRefusal(403, 'notCadre', `${v.cadreId} is not a cadre of this station`)
    const person = this.people.get(v.personId)
    if (!person) throw new FakeRefusal(404, 'notOnRoster', `${v.personId} is not on this station's roster`)
    const checked = this.checkPin(v.cadreId, v.cadrePin)
    return this.tell(
      checked === 'ok'
        ? this.signInPerson(person, 'vouch', KEYPAD, {
            vouchedBy: v.cadreId,
            witnessPhotoId: v.witnessPhotoId,
          })
        : this.unknown('pin', v.cadreId, KEYPAD, checked),
    )
  }

  authCadre(cadreId: string, pin: string): PersonRef {
    const checked = this.checkPin(cadreId, pin)
    if (checked !== 'ok') throw new FakeRefusal(401, checked, 'wrong PIN, or PIN locked')
    const cadre = this.people.get(cadreId)
    if (!cadre?.roles.includes('cadre'))
      throw new FakeRefusal(403, 'notCadre', `${cadreId} is not a cadre of this station`)
    return { personId: cadreId, ...(cadre.name ? { name: cadre.name } : {}) }
  }

  /** A face the scripted session accepted; someone not on the roster still checks in. */
  face(personId: string, activityId: string | undefined, score: number): SignInOutcome {
    const person = this.people.get(personId) ?? {
      personId,
      roles: ['villager'],
      cards: [],
      qrTokens: [],
      fingerprints: [],
    }
    return this.tell(
      this.signInPerson(person, 'face', 'camera', { score, ...(activityId ? { activityId } : {}) }),
    )
  }

  record(type: string, body: Record<string, unknown>): JournalEntry {
    const e = { id: uuidv7(), seq: ++this.seq, time: new Date(this.now()).toISOString(), type, body }
    this.journal.push(e)
    if (!this.connected) {
      this.backlog.depth++
      this.backlog.oldestUnsentAt ??= this.now()
    }
    return e
  }

  private tell(o: SignInOutcome): SignInOutcome {
    for (const l of this.signInListeners) l(o)
    return o
  }

  private today0(): string {
    return localDate(this.now())
  }

  private named(personId: string): PersonRef {
    const name = this.people.get(personId)?.name
    return name ? { personId, name } : { personId }
  }

  private checkPin(personId: string, pin: string): 'ok' | 'badPin' | 'pinLocked' {
    const now = this.now()
    const tries = this.pinTries.get(personId)
    if ((tries?.lockedUntil ?? 0) > now) return 'pinLocked'
    const person = this.people.get(personId)
    const code = personId.slice(this.config.station.id.length + 1)
    if (person?.pinHash !== undefined && this.config.pins[code] === pin) {
      this.pinTries.delete(personId)
      return 'ok'
    }
    const failed = (tries?.failed ?? 0) + 1
    const locked = failed >= PIN_MAX_TRIES
    this.pinTries.set(personId, { failed: locked ? 0 : failed, lockedUntil: locked ? now + PIN_LOCK_MS : 0 })
    return locked ? 'pinLocked' : 'badPin'
  }

  private unknown(
    method: 'card' | 'qr' | 'fingerprint' | 'pin',
    credential: string,
    device: string,
    reason: UnknownReason,
  ): SignInOutcome {
    const e = this.record('credential.unknown', {
      method,
      credential: credential.slice(0, 256),
      device,
      reason,
    })
    return { kind: 'unknown', method, credential, device, reason, eventId: e.id }
  }

  private study(person: RosterPerson): Study | undefined {
    if (!person.roles.includes('member')) return undefined
    const s = this.roster.study.find((x) => x.personId === person.personId)
    if (!s) return undefined
    const { personId: _id, ...rest } = s
    return { ...rest, asOf: this.roster.studyAsOf }
  }

  private signInPerson(
    person: RosterPerson,
    method: Method,
    device: string,
    extra: { vouchedBy?: string; witnessPhotoId?: string; activityId?: string; score?: number } = {},
  ): SignInOutcome {
    const { personId } = person
    const study = this.study(person)
    const greeting = { personId, ...(person.name ? { name: person.name } : {}), ...(study ? { study } : {}) }
    const vouched = extra.vouchedBy !== undefined
    if (this.mode.kind === 'lookup' && !vouched) return { ...greeting, kind: 'identified', method, device }
    if (this.mode.kind === 'duty' && person.roles.includes('cadre') && !vouched) {
      const direction = this.nextDirection(personId)
      const e = this.record('duty.punch', { personId, direction, method })
      const shift = punchShiftAnswer(this.roster.rotas ?? [], personId, direction, Date.parse(e.time))
      return {
        ...greeting,
        kind: 'duty',
        direction,
        method,
        device,
        eventId: e.id,
        seq: e.seq,
        ...(shift ? { shift } : {}),
      }
    }
    const activityId = extra.activityId ?? (this.mode.kind === 'checkin' ? this.mode.activityId : undefined)
    const e = this.record('checkin', { personId, method, ...(activityId ? { activityId } : {}), ...extra })
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

  private nextDirection(personId: string): 'in' | 'out' {
    const last = this.journal.findLast((e) => e.type === 'duty.punch' && e.body.personId === personId)
    if (!last) return 'in'
    const recent = this.now() - Date.parse(last.time) < SHIFT_MAX_MS
    return recent && last.body.direction === 'in' ? 'out' : 'in'
  }
}

/** Today's local date at HH:MM as an instant, China Standard Time: for /__fake/clock. */
export function todayAt(hhmm: string, now = Date.now()): number {
  return atLocal(localDate(now), hhmm)
}
