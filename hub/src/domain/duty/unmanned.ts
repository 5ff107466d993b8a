/** What the duty watch sees at one station at one moment. */
export interface DutyObservation {
  stationId: string
  inShift: boolean
  unmanned: boolean
  expected: string[]
}

export interface ActiveAlarm {
  id: number
  stationId: string
}

export type AlarmChange =
  | { kind: 'raise'; stationId: string; unmannedSince: number; expected: string[] }
  | { kind: 'clear'; alarmId: number; stationId: string; reason: 'staffed' | 'shiftEnded' | 'noRota' }

/** A station must be unmanned this long before the alarm goes off: a cadre stepping out is no alarm. */
export const UNMANNED_HOLD_MS = 10 * 60_000

/**
 * The unmanned-station alarm, as a pure step: from the last observation times, the active
 * alarms and what is seen now, which alarms to raise and which to clear. `since` carries
 * over between steps (when each station was first seen unmanned); it is updated in place.
 *
 * - A station past its shift's grace period with nobody clocked in is unmanned; once it
 *   has been so for `holdMs` an alarm is raised, one per station at a time.
 * - The alarm clears when someone clocks in ("staffed"), when the shift ends, or when the
 *   station no longer has a rota.
 */
export function stepUnmannedAlarms(
  since: Map<string, number>,
  active: readonly ActiveAlarm[],
  seen: readonly DutyObservation[],
  now: number,
  holdMs = UNMANNED_HOLD_MS,
): AlarmChange[] {
  const changes: AlarmChange[] = []
  const bySeen = new Map(seen.map((o) => [o.stationId, o]))
  const alarmed = new Map(active.map((a) => [a.stationId, a]))
  for (const o of seen) {
    if (!o.unmanned) {
      since.delete(o.stationId)
      continue
    }
    const first = since.get(o.stationId) ?? now
    since.set(o.stationId, first)
    if (!alarmed.has(o.stationId) && now - first >= holdMs) {
      changes.push({ kind: 'raise', stationId: o.stationId, unmannedSince: first, expected: o.expected })
    }
  }
  for (const a of active) {
    const o = bySeen.get(a.stationId)
    if (o?.unmanned) continue
    const reason = !o ? 'noRota' : o.inShift ? 'staffed' : 'shiftEnded'
    changes.push({ kind: 'clear', alarmId: a.id, stationId: a.stationId, reason })
  }
  for (const id of since.keys()) if (!bySeen.has(id)) since.delete(id)
  return changes
}
