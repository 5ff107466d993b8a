import type { FleetSnapshot, StationView, WorkStats } from '@ejia/hub'

/** The hub's own types, as its API serves them: the dashboard restates none of them. */
export type { FleetSnapshot, StationView }
export type Fault = StationView['faults'][number]
export type StationStatus = StationView['status']
export type OfflineReason = NonNullable<StationView['offlineReason']>

/** One row of GET /api/duty/now. */
export type DutyNowRow = Awaited<ReturnType<WorkStats['onDutyNow']>>[number]

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
}
