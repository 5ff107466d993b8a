import { CodedError } from '@ejia/platform'
import type { ActivityPlan, SignIn } from '../domain/activities/attendance.js'
import type { ActivityPhoto } from '../domain/activities/photoCheck.js'
import type { StudyEntry } from '../domain/activities/studyHours.js'
import type { Punch } from '../domain/duty/evaluate.js'
import type { DutySchedule } from '../domain/duty/schedule.js'

export type Role = 'member' | 'cadre' | 'villager'

/** A person on a station's roster, as the hub manages them. No face data, no ID numbers. */
export interface Person {
  personId: string
  stationId: string
  name: string
  roles: Role[]
  cards: string[]
  qrTokens: string[]
  fingerprints: number[]
  /** scrypt hash of the PIN, as the kiosk verifies it offline. */
  pinHash: string | null
}

/** What a kiosk needs to bring its roster from `fromVersion` to `version`. */
export interface RosterDelta {
  stationId: string
  fromVersion: number
  version: number
  /** True when the kiosk must replace its roster rather than patch it. */
  full: boolean
  upserts: Person[]
  removals: string[]
}

export class WorkError extends CodedError<'credentialTwice' | 'notFound' | 'alreadyDecided'> {
  constructor(
    code: WorkError['code'],
    message: string,
    /** Every problem found, for the operator to fix in one go. */
    readonly problems: string[] = [],
  ) {
    super(code, message)
  }
}

export interface Correction {
  id: number
  stationId: string
  personId: string
  direction: 'in' | 'out'
  at: number
  reason: string
  requestedBy: string
  requestedAt: number
  status: 'pending' | 'approved' | 'rejected'
  decidedBy: string | null
  decidedAt: number | null
}

export interface AuditEntry {
  id: number
  at: number
  actor: string
  action: string
  detail: unknown
}

/**
 * The organisation's work data at the hub, beside the event ledger: people, duty rotas and
 * corrections, activity plans, study hours, inspection samples, and the audit trail. Every
 * change names its actor and is audited in the same transaction.
 */
export interface WorkStore {
  upsertPeople(people: readonly Person[], actor: string): Promise<void>
  removePerson(personId: string, actor: string): Promise<boolean>
  /** Everyone, or the people of one station or one town. */
  people(filter?: { stationId?: string; townCode?: string }): Promise<Person[]>
  /** The roster version a station's kiosk should hold; 0 before anyone is on it. */
  rosterVersion(stationId: string): Promise<number>
  rosterDelta(stationId: string, sinceVersion: number): Promise<RosterDelta>

  setSchedule(schedule: DutySchedule, actor: string): Promise<void>
  /** Every rota version, by station and the date it applies from. */
  schedules(): Promise<DutySchedule[]>

  requestCorrection(c: Omit<Correction, 'id' | 'status' | 'decidedBy' | 'decidedAt'>): Promise<number>
  decideCorrection(id: number, approve: boolean, by: string, at: number): Promise<Correction>
  corrections(filter?: { stationId?: string; status?: Correction['status'] }): Promise<Correction[]>

  savePlan(plan: ActivityPlan, actor: string): Promise<void>
  plans(filter: { from: string; to: string }): Promise<ActivityPlan[]>
  plan(activityId: string): Promise<ActivityPlan | undefined>

  addStudyEntry(e: StudyEntry, actor: string): Promise<void>
  studyEntries(year: number): Promise<StudyEntry[]>

  saveInspection(
    month: string,
    seed: number,
    stations: readonly string[],
    at: number,
    actor: string,
  ): Promise<void>
  inspection(
    month: string,
  ): Promise<{ month: string; seed: number; drawnAt: number; stations: string[] } | undefined>

  audit(actor: string, action: string, detail: unknown): Promise<void>
  auditLog(limit: number): Promise<AuditEntry[]>

  /** Duty punches from the ledger, plus approved corrections, between two instants. */
  dutyPunches(from: number, to: number): Promise<(Punch & { stationId: string })[]>
  /** Sign-ins by activity, from the ledger: those made at the activity's own station. */
  signIns(activities: readonly { activityId: string; stationId: string }[]): Promise<Map<string, SignIn[]>>
  /**
   * Photos from the ledger's `activity.photo` events: those taken at the activities named,
   * and those with the ids named (witness photos need not name their activity). Oldest first.
   */
  activityPhotos(q: {
    activityIds?: readonly string[]
    photoIds?: readonly string[]
  }): Promise<ActivityPhoto[]>
  /**
   * When each activity was opened and closed at its own station's kiosk, from the ledger;
   * the first of each. Marks from any other station are not the activity's.
   */
  activityMarks(
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, ActivityMarks>>
}

/** The kiosk's `activity.start` and `activity.end` of one activity, as stamped by its station. */
export interface ActivityMarks {
  started: { at: number; by: string } | null
  ended: { at: number; by: string } | null
}
