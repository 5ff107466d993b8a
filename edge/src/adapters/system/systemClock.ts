import type { Clock, TimerHandle } from '../../ports/clock.js'

/** The real clock. Timers are unref'd: a pending heartbeat never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => ({ id: setTimeout(fn, ms).unref() }),
  setInterval: (fn, ms) => ({ id: setInterval(fn, ms).unref() }),
  clear: (handle: TimerHandle) => clearTimeout(handle.id as NodeJS.Timeout),
}
