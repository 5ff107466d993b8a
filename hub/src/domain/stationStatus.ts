/**
 * When is a station online? These rules are the definition; docs/OPERATIONS.md states
 * them for operators.
 *
 * - `never`: the hub has never heard from it.
 * - `online`: its retained status says online, and the hub heard from it (heartbeat,
 *   events or status) within `OFFLINE_AFTER_HEARTBEATS` heartbeat intervals.
 * - `offline`: its status says offline (a clean `shutdown`, or the broker's last will:
 *   `connectionLost`), or nothing was heard for that long (`heartbeatTimeout`; a hung
 *   agent or a half-open link looks like this).
 */
export type StationStatus = 'online' | 'offline' | 'never'
export type OfflineReason = 'shutdown' | 'connectionLost' | 'heartbeatTimeout'

export const DEFAULT_HEARTBEAT_INTERVAL_S = 30
/** Two missed heartbeats plus half an interval of slack for a slow link. */
export const OFFLINE_AFTER_HEARTBEATS = 2.5

export interface Presence {
  connected: boolean
  statusReason: string | null
  lastSeenAt: number | null
  heartbeatIntervalS: number | null
}

export function stationStatus(
  p: Presence,
  now: number,
): { status: StationStatus; reason: OfflineReason | null } {
  if (p.lastSeenAt === null) return { status: 'never', reason: null }
  if (!p.connected) {
    return { status: 'offline', reason: p.statusReason === 'shutdown' ? 'shutdown' : 'connectionLost' }
  }
  const timeoutMs = (p.heartbeatIntervalS ?? DEFAULT_HEARTBEAT_INTERVAL_S) * OFFLINE_AFTER_HEARTBEATS * 1000
  if (now - p.lastSeenAt > timeoutMs) return { status: 'offline', reason: 'heartbeatTimeout' }
  return { status: 'online', reason: null }
}
