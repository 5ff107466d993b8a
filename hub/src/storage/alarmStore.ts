import { FLEET_ALARM_KINDS } from '../domain/fleetAlarms.js'

/**
 * What raises an alarm. `unmanned` is the duty watch's (docs/RULES.md); `journalIntegrity`
 * the chain check's, on a station's journal edited or forged (ingest/chainCheck.ts), which
 * only a person resolves; the others are the fleet watch's rules on station health
 * (docs/OPERATIONS.md, "Alarms").
 */
export const ALARM_KINDS = ['unmanned', 'journalIntegrity', ...FLEET_ALARM_KINDS] as const
export type AlarmKind = (typeof ALARM_KINDS)[number]

/**
 * An alarm as operators handle it, after the habits of fleet consoles (ThingsBoard, Zabbix):
 * it is raised and later cleared by the rule that watches its condition, acknowledged by a
 * person ("I have seen it"), and resolved by a person ("I dealt with its cause"), which
 * closes it. Closed alarms stay as history.
 */
export interface Alarm {
  id: number
  kind: AlarmKind
  stationId: string
  /** What at the station, when a station can have several of a kind (a device); '' if not. */
  subject: string
  raisedAt: number
  detail: unknown
  clearedAt: number | null
  /** Why it closed: the rule's reason (`online`, `staffed`, …), or `resolved` by a person. */
  clearReason: string | null
  ackedBy: string | null
  ackedAt: number | null
  resolvedBy: string | null
  resolvedAt: number | null
  resolveNote: string | null
}

/** One alarm a person resolved, for the rules: they wait before raising its condition again. */
export interface Resolution {
  kind: AlarmKind
  stationId: string
  subject: string
  resolvedAt: number
}

export interface AlarmStore {
  /** The open alarms of a kind (or of every kind). */
  active(kind?: AlarmKind): Promise<Alarm[]>
  /**
   * Raises an alarm, at most one open per (kind, station, subject): raising one that is
   * open already answers the open one's id.
   */
  raise(kind: AlarmKind, stationId: string, at: number, detail: unknown, subject?: string): Promise<number>
  clear(id: number, at: number, reason: string): Promise<void>
  /** Throws WorkError('notFound') for an unknown id; acknowledging twice keeps the first. */
  acknowledge(id: number, by: string, at: number): Promise<Alarm>
  /**
   * A person closes an alarm whose cause they dealt with (audited). An open alarm is
   * cleared with the reason `resolved`; a cleared one keeps its rule's reason. Resolving
   * twice keeps the first. Throws WorkError('notFound') for an unknown id.
   */
  resolve(id: number, by: string, at: number, note: string): Promise<Alarm>
  /** Alarms of any kind resolved by a person at or after `since`. */
  resolvedSince(since: number): Promise<Resolution[]>
  /** Open alarms by kind, and how many of them are acknowledged. */
  openCounts(): Promise<{ kind: AlarmKind; acked: number; unacked: number }[]>
  get(id: number): Promise<Alarm | undefined>
  list(filter: {
    active?: boolean
    kind?: AlarmKind
    stationId?: string
    townCode?: string
    from?: number
    to?: number
    limit: number
  }): Promise<Alarm[]>
}
