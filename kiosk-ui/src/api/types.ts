/**
 * The local API's shapes, as docs/KIOSK.md defines them. Where the hub's wire contract already
 * names a shape (the heartbeat, a planned activity, study hours, a roster person) it is taken
 * from @ejia/protocol, type-only, so the bundle carries no schema code.
 */
import type { Heartbeat, PlannedActivity, RosterPerson, StudySummary } from '@ejia/protocol'

export interface Station {
  id: string
  name: string
  townName: string
}

/** GET /api/status: `health` is the heartbeat the kiosk also sends the hub. */
export interface KioskStatus {
  station: Station
  connected: boolean
  health: Heartbeat
  outbox?: unknown
  photos?: unknown
}

export type Mode = { kind: 'checkin'; activityId?: string } | { kind: 'duty' } | { kind: 'lookup' }

export interface PersonRef {
  personId: string
  name?: string
}

export interface Shift {
  start: string
  end: string
  people: PersonRef[]
}

/** GET /api/today: what the idle screen shows. */
export interface Today {
  date: string
  mode: Mode
  activities: PlannedActivity[]
  duty: { shifts: Shift[]; onDuty: (PersonRef & { since: string })[] }
}

/** A member's study hours as the hub last computed them. */
export type Study = Omit<StudySummary, 'personId'> & { asOf: string }

export type Method = 'card' | 'qr' | 'fingerprint' | 'face' | 'pin' | 'vouch'
export type UnknownReason = 'notOnRoster' | 'badToken' | 'badPin' | 'pinLocked'

interface Greeting {
  personId: string
  name?: string
  study?: Study
}

export interface CheckinOutcome extends Greeting {
  kind: 'checkin'
  method: Method
  device?: string
  eventId: string
  seq?: number
  activityId?: string
}

export interface DutyOutcome extends Greeting {
  kind: 'duty'
  direction: 'in' | 'out'
  method: Method
  device?: string
  eventId: string
  seq?: number
  shift?: { start: string; end: string; lateMin: number; earlyMin: number }
  /** This punch repeats the one at that time, within the duplicate window: it counts once (docs/RULES.md). */
  repeatsPunchAt?: string
}

/** Mode `lookup` ("我的学时"): who it is, nothing recorded, so no event id. */
export interface IdentifiedOutcome extends Greeting {
  kind: 'identified'
  method: Method
  device?: string
}

export interface UnknownOutcome {
  kind: 'unknown'
  method: Method
  credential: string
  device?: string
  reason: UnknownReason
  eventId?: string
}

/** The one shape every way of signing in answers with, and the stream's `event: signin`. */
export type SignInOutcome = CheckinOutcome | DutyOutcome | IdentifiedOutcome | UnknownOutcome

export type FaceIssue =
  | 'noFace'
  | 'tooSmall'
  | 'tooDark'
  | 'tooBright'
  | 'blurred'
  | 'offAngle'
  | 'severalFaces'

/** The main face, in frame pixels. */
export interface Box {
  x1: number
  y1: number
  x2: number
  y2: number
}

export type Fallback = 'card' | 'qr' | 'pin' | 'vouch'

export interface FaceLooking {
  state: 'looking'
  issue: FaceIssue | null
  faces: number
  box?: Box | null
  frame?: { width: number; height: number } | null
  progress: { frames: number; needed: number }
  challenge: { kind: 'none' | 'blink' | 'turn'; passed: boolean }
}

export interface FaceAccepted {
  state: 'accepted'
  /** `identified` in mode lookup: docs/KIOSK.md names only checkin and duty (a gap, see the report). */
  kind: 'checkin' | 'duty' | 'identified'
  direction?: 'in' | 'out'
  personId: string
  name?: string
  score: number
  margin: number
  liveness: unknown
  eventId?: string
  seq?: number
  reenrolSuggested: boolean
}

export interface FaceFailed {
  state: 'failed'
  reason: 'timeout' | 'notRecognised' | 'notLive'
  lastIssue: FaceIssue | null
  fallbacks: Fallback[]
}

export type FaceUpdate = FaceLooking | FaceAccepted | FaceFailed

export interface FaceInfo {
  enabled: boolean
  reason?: string
  modelVersion?: string
  enrolled?: number
  /** Days a template may go unused before the kiosk deletes it (face.retentionDays). */
  retentionDays?: number
}

/** POST /api/camera/probe: what the detector sees in one frame, nothing recorded. */
export interface ProbeResult {
  faces: number
  box: Box | null
  issue: FaceIssue | null
}

export interface DeviceInfo {
  name: string
  kind: 'card' | 'fingerprint' | 'qr'
  fault: { code: string; message: string } | null
  stats: Record<string, number>
}

export interface PhotoInfo {
  photoId: string
  faces?: number
  width: number
  height: number
  bytes: number
}

export interface Person {
  personId: string
  name?: string
  roles: RosterPerson['roles']
}

/** One way the enrolment sheet and the kiosk disagree (edge app/enrolmentCheck.ts). */
export interface EnrolProblem {
  code: 'malformed' | 'station' | 'hub' | 'ca'
  message: string
  installed?: string
  sheet?: string
}

/** The enrolment sheet's code checked against the kiosk: the stream's `enrol` event, POST /api/enrol/check. */
export type EnrolAnswer =
  | { ok: true; stationId: string; device: string; eventId: string }
  | { ok: false; problems: EnrolProblem[]; device: string }
