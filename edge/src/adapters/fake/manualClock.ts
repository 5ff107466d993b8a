import type { Clock, TimerHandle } from '../../ports/clock.js'

interface Timer {
  id: number
  due: number
  every?: number
  fn: () => void
}

/** A clock that moves only when a test calls `advance`; timers fire in due order. */
export class ManualClock implements Clock {
  private timers: Timer[] = []
  private nextId = 1

  constructor(private current = Date.UTC(2026, 10, 25, 1, 0, 0)) {}

  now = (): number => this.current

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add({ id: this.nextId++, due: this.current + ms, fn })
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add({ id: this.nextId++, due: this.current + ms, every: Math.max(1, ms), fn })
  }

  clear(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id)
  }

  /** Moves time forward, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.current + ms
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0]
      if (!next) break
      this.current = next.due
      if (next.every) next.due += next.every
      else this.clear({ id: next.id })
      next.fn()
    }
    this.current = end
  }

  private add(t: Timer): TimerHandle {
    this.timers.push(t)
    return { id: t.id }
  }
}
