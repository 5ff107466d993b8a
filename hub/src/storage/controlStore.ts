import type { CommandResult, ConfigProblem, ConfigState } from '@ejia/protocol'

/** One config pushed to one station; the station's highest version is its desired config. */
export interface DesiredConfig {
  stationId: string
  version: number
  settings: Record<string, unknown>
  issuedBy: string
  issuedAt: number
}

/** What a kiosk last said about its config: its retained configState and its heartbeat. */
export interface ReportedConfig {
  stationId: string
  /** From configState; null until the kiosk sent one. */
  desiredVersion: number | null
  appliedVersion: number | null
  state: 'applied' | 'rejected' | null
  problems: ConfigProblem[]
  /** Device time of the configState. */
  reportedAt: string | null
  /** The remote version the last heartbeat named (`versions.config` …`+r<n>`). */
  heartbeatVersion: number | null
  heartbeatAt: number | null
}

export const HUB_COMMAND_STATES = [
  'pending',
  'accepted',
  'succeeded',
  'failed',
  'rejected',
  'expired',
] as const
/** `pending`: sent, no answer yet; then the kiosk's answers (CommandResult). */
export type HubCommandState = (typeof HUB_COMMAND_STATES)[number]

export interface StationCommand {
  commandId: string
  stationId: string
  name: string
  args: Record<string, unknown>
  issuedBy: string
  issuedAt: number
  expiresAt: number
  state: HubCommandState
  detail: string | null
  acceptedAt: number | null
  finishedAt: number | null
  sentAt: number
  sends: number
}

export type NewCommand = Pick<StationCommand, 'commandId' | 'stationId' | 'name' | 'args' | 'expiresAt'>

export interface CommandQuery {
  stationId?: string
  townCode?: string
  state?: HubCommandState
  limit: number
}

/** Desired configs, reported config states and commands, in the hub's database. */
export interface ControlStore {
  /** A new version per station (one above its highest), in one transaction with the audit entry. */
  pushConfig(
    stationIds: readonly string[],
    settings: Record<string, unknown>,
    by: string,
    at: number,
    target: unknown,
  ): Promise<DesiredConfig[]>
  /** The highest version of every station that has one. */
  desiredConfigs(): Promise<DesiredConfig[]>
  /** Every version pushed to a station, newest first. */
  configHistory(stationId: string, limit: number): Promise<DesiredConfig[]>
  recordConfigState(stationId: string, state: ConfigState, at: number): Promise<void>
  recordHeartbeatConfig(stationId: string, version: number, at: number): Promise<void>
  reports(): Promise<ReportedConfig[]>
  /** New commands, state pending, sent at `at`; audited. */
  issueCommands(commands: readonly NewCommand[], by: string, at: number): Promise<StationCommand[]>
  /** A kiosk's answer; ignored unless the command is that station's. Returns whether it changed a row. */
  recordCommandResult(stationId: string, result: CommandResult, at: number): Promise<boolean>
  commands(q: CommandQuery): Promise<StationCommand[]>
  /** Commands of a station with no answer yet, not expired at `now`. */
  unanswered(stationId: string, now: number): Promise<StationCommand[]>
  markResent(commandIds: readonly string[], at: number): Promise<void>
  /** Pending commands past their expiry become `expired`; returns how many. */
  expireCommands(now: number): Promise<number>
}
