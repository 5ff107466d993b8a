/**
 * Time is a port: heartbeats, ack timeouts and retention read it, and tests drive it
 * (vitest fake timers, or a ManualClock) instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch, from the device clock (which may be wrong). */
  now(): number
  setTimeout(fn: () => void, ms: number): TimerHandle
  setInterval(fn: () => void, ms: number): TimerHandle
  clear(handle: TimerHandle): void
}

export interface TimerHandle {
  readonly id: unknown
}
