import type {
  ActivityRecord,
  AttendanceFigures,
  AuditEntry,
  DutyFigures,
  FleetSnapshot,
  PhotoFlag,
  RecordPhoto,
  RecordSignIn,
  Row,
  StationView,
  StoredEvent,
  StudyFigures,
  WorkStats,
} from '@ejia/hub'
import type { CommandName, ConfigProblem } from '@ejia/protocol'

/** The hub's own types, as its API serves them: the dashboard restates none of them. */
export type { FleetSnapshot, StationView }
export type Fault = StationView['faults'][number]
export type StationStatus = StationView['status']
export type OfflineReason = NonNullable<StationView['offlineReason']>

type DutyNowStats = Awaited<ReturnType<WorkStats['onDutyNow']>>[number]

/** A cadre of a shift that is on, as GET /api/duty/now answers (times as ISO strings). */
export interface DutyPersonView {
  personId: string
  state: 'waiting' | 'absent' | 'onDuty' | 'left'
  shiftStart: string
  shiftEnd: string
  in: string | null
  out: string | null
  lateMin: number
  earlyMin: number
}

/** One row of GET /api/duty/now. */
export type DutyNowRow = Omit<DutyNowStats, 'people'> & { people: DutyPersonView[] }

export interface Operator {
  username: string
  displayName: string
  tier: 'district' | 'town' | 'station'
  scope: string | null
}

/**
 * An alarm as GET /api/alarms answers it (times as ISO strings). `kind` is kept open: the hub
 * adds kinds, and the dashboard shows one it does not know by its code.
 */
export interface AlarmView {
  id: number
  kind: string
  stationId: string
  /** What at the station (a faulty device), where the kind has one. */
  subject?: string
  raisedAt: string
  detail: unknown
  clearedAt: string | null
  clearReason: string | null
  ackedBy: string | null
  ackedAt: string | null
  resolvedBy?: string | null
  resolvedAt?: string | null
  resolveNote?: string | null
}

export interface PersonRow {
  personId: string
  stationId: string
  name: string
  roles?: string[]
}

/** One event of GET /api/events. */
export type LedgerEvent = StoredEvent
export type { PhotoFlag }

/** Epoch-ms fields of the hub's records, as the JSON API answers them: ISO strings. */
type Iso<T, K extends keyof T> = Omit<T, K> & { [P in K]: string }

/** A kiosk's start or end mark of an activity. */
export interface ActivityMark {
  at: string
  by: string
}

/** One activity of GET /api/activities: the plan and everything recorded of it. */
export interface ActivityView {
  plan: ActivityRecord['plan']
  started: ActivityMark | null
  ended: ActivityMark | null
  result: ActivityRecord['result']
  /** Absent from it and from every make-up since. */
  stillAbsent: string[]
  signIns: Iso<RecordSignIn, 'at'>[]
  photos: Iso<RecordPhoto, 'at'>[]
  photoCheck: ActivityRecord['photoCheck']
}
export type ActivityPhotoView = ActivityView['photos'][number]

/** One record to inspect, of GET /api/activities/flags. */
export interface FlagView {
  activityId: string
  stationId: string
  stationName: string | null
  townCode: string | null
  date: string
  kind: ActivityRecord['plan']['kind']
  title: string
  flags: PhotoFlag[]
  photoCheck: ActivityRecord['photoCheck']
  photos: ActivityPhotoView[]
}

/** A row of the /api/stats/* answers. */
export type StatRow<F> = Row<F>
export type { AttendanceFigures, DutyFigures, StudyFigures }
export type ActivityCounts = Record<string, number>

/** One line of GET /api/audit. */
export type AuditView = Iso<AuditEntry, 'at'>

/**
 * Where a station's remote config stands (GET /api/config; docs/OPERATIONS.md, "Remote config
 * and commands"): none (never pushed), pending (not reported yet), applied, rejected.
 */
export type ConfigStanding = 'none' | 'pending' | 'applied' | 'rejected'

/** One station of GET /api/config: desired against reported. */
export interface StationConfigView {
  stationId: string
  stationName: string
  townCode: string
  state: ConfigStanding
  desired: { version: number; issuedAt: string; issuedBy: string; settings: Record<string, unknown> } | null
  /** Remote settings version in force on the kiosk; 0: its provisioned file alone. */
  appliedVersion: number
  /** The kiosk's reasons, when rejected. */
  problems: ConfigProblem[]
  reported: {
    desiredVersion: number | null
    appliedVersion: number | null
    state: 'applied' | 'rejected' | null
    /** Device clock of its last configState. */
    at: string | null
    heartbeatVersion: number | null
  } | null
}

/** A command's state at the hub: pending (sent, no answer yet), then the kiosk's answers. */
export type CommandState = 'pending' | 'accepted' | 'succeeded' | 'failed' | 'rejected' | 'expired'

/** One command to one station, of GET and POST /api/commands. */
export interface CommandView {
  commandId: string
  stationId: string
  name: CommandName
  args: Record<string, unknown>
  state: CommandState
  detail: string | null
  issuedBy: string
  issuedAt: string
  expiresAt: string
  acceptedAt: string | null
  finishedAt: string | null
  sends: number
}

/** Where a push or a command goes: one station, every station of a town, or the district. */
export type ControlTarget = { station: string } | { town: string } | { all: true }
