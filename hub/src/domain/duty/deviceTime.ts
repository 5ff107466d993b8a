/**
 * How far a duty punch's device time may run ahead of its arrival at the hub and still be
 * believed: network delay and a kiosk clock a few minutes fast. (The clockSkew alarm goes
 * off at 2 minutes; this only decides what a punch counts for.)
 */
export const PUNCH_AHEAD_MAX_MS = 15 * 60_000

/**
 * Whether a punch from a kiosk counts at its device time. A time that had not yet come
 * when the hub received the punch is a clock running ahead, not a punch made then: stamped
 * a day ahead, it would count as tomorrow's attendance (test/faults/clockJump.test.ts,
 * issue 10). Such a punch counts for nothing by itself; the clockSkew alarm says why, and
 * a correction (RULES.md, "Corrections") puts the real time on record. A time in the past
 * cannot be told apart from a kiosk sending late after being offline, so it is believed.
 */
export function punchTimeCredible(deviceAt: number, receivedAt: number): boolean {
  return Number.isFinite(deviceAt) && deviceAt <= receivedAt + PUNCH_AHEAD_MAX_MS
}
