import type { CommandResult, ConfigState } from '@ejia/protocol'
import type { ControlStore, NewCommand, StationCommand } from './controlStore.js'
import type { StationRecord, Storage } from './storage.js'

/** Stations, settings, commands and answers the ControlStore contract uses, and its harness. */
export const T0 = Date.parse('2026-11-25T01:00:00Z')

export const stations: StationRecord[] = [
  { id: '339901001001', name: '东岭村', tier: 'village', townCode: '339901001', contact: null },
  { id: '339901001002', name: '西岭村', tier: 'village', townCode: '339901001', contact: null },
  { id: '339901002001', name: '南岙村', tier: 'village', townCode: '339901002', contact: null },
]
export const [A, B, C] = stations.map((s) => s.id) as [string, string, string]
/** A station the registry does not know (yet): its commands are kept, but not listed. */
export const D = '339901009001'

export const s1 = {
  uplink: { heartbeatIntervalS: 30, batchMaxEvents: 200 },
  ui: { voice: true, language: 'zh-CN' },
}
export const s2 = {
  journal: { retentionDays: 365, maxBytes: 2_000_000_000 },
  face: { enabled: false, securityLevel: 'high', detector: { threshold: 0.62 } },
  activity: { themeDayOfMonth: 15, defaultHours: { themeDay: 2, study: 1.5 } },
  devices: [{ kind: 'cardReader', model: 'em4100', port: '/dev/ttyUSB0' }],
}

/** A UUIDv7 as the hub makes them, ordered by `n`. */
export const cmdId = (n: number) => `019ab7c0-1000-7000-8000-${String(n).padStart(12, '0')}`
export const newCmd = (n: number, stationId: string, over: Partial<NewCommand> = {}): NewCommand => ({
  commandId: cmdId(n),
  stationId,
  name: 'resyncRoster',
  args: {},
  expiresAt: T0 + 10 * 60_000,
  ...over,
})
/** A command as issueCommands returns it and as it is stored, with what happened since. */
export const issued = (
  c: NewCommand,
  by: string,
  at: number,
  over: Partial<StationCommand> = {},
): StationCommand => ({
  ...c,
  issuedBy: by,
  issuedAt: at,
  state: 'pending',
  detail: null,
  acceptedAt: null,
  finishedAt: null,
  sentAt: at,
  sends: 1,
  ...over,
})
export const answer = (c: NewCommand, state: CommandResult['state'], detail?: string): CommandResult => ({
  commandId: c.commandId,
  state,
  ...(detail === undefined ? {} : { detail }),
  at: '2026-11-25T09:00:05.120+08:00',
})
export const configState = (
  desiredVersion: number,
  appliedVersion: number,
  over: Partial<ConfigState> = {},
): ConfigState => ({
  desiredVersion,
  appliedVersion,
  state: 'applied',
  at: '2026-11-25T09:00:03.250+08:00',
  ...over,
})
export const EXPIRED = 'no answer from the kiosk before it expired'

export interface ControlStoreHarness {
  store: ControlStore
  /** The hub's Storage on the same database: the registry that command queries join. */
  storage: Storage
  /** The audit trail, oldest first, with its detail parsed. */
  audit(): Promise<{ at: number; actor: string; action: string; detail: unknown }[]>
  /** The driver's error code for a duplicate key, which the store passes on as it is. */
  uniqueViolation: string
}
