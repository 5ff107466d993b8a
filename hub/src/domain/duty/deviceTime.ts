/**
 * How far a duty punch's device time may run ahead of its arrival at the hub and still be
 * believed: network delay and a kiosk clock a few minutes fast. (The clockSkew alarm goes
 * off at 2 minutes; this only decides what a punch counts for.)
 */
export const PUNCH_AHEAD_MAX_MS = 15 * 60_000
/** How far the kiosk's clock may be behind the hub's when it sends, for its punches to be believed. */
export const PUNCH_BEHIND_MAX_MS = 15 * 60_000

/**
 * Whether a punch from a kiosk counts at its device time. A time that had not yet come
 * when the hub received the punch is a clock running ahead, not a punch made then: stamped
 * a day ahead, it would count as tomorrow's attendance (test/faults/clockJump.test.ts,
 * issue 10). A time in the past is a kiosk sending late after being offline, or a clock
 * set back (a late cadre stamped on time): the batch that carried it tells them apart,
 * since its `sentAt` is the same clock at sending. `sentSkewMs` is the hub's receipt minus
 * that `sentAt`; more than 15 minutes means the clock was behind then. Either way the punch
 * counts for nothing by itself; the clockSkew alarm says why, and a correction (RULES.md,
 * "Corrections") puts the real time on record. Events stored before the hub kept the skew
 * (`null`) are judged on the first rule alone.
 */
export function punchTimeCredible(deviceAt: number, receivedAt: number, sentSkewMs: number | null): boolean {
  if (!Number.isFinite(deviceAt) || deviceAt > receivedAt + PUNCH_AHEAD_MAX_MS) return false
  return sentSkewMs === null || sentSkewMs <= PUNCH_BEHIND_MAX_MS
}
