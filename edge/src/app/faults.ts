import type { Fault } from '@ejia/protocol'
import type { Clock } from '../ports/clock.js'

/**
 * What is wrong with the kiosk right now, by device. Heartbeats carry it to the hub and
 * the local UI shows it. A fault keeps its `since` while it persists.
 */
export class FaultBoard {
  private readonly faults = new Map<string, Fault>()

  constructor(private readonly clock: Clock) {}

  set(device: string, code: string, message: string): void {
    const current = this.faults.get(device)
    const since = current?.code === code ? current.since : new Date(this.clock.now()).toISOString()
    this.faults.set(device, { device, code, message: message.slice(0, 500), since })
  }

  clear(device: string): void {
    this.faults.delete(device)
  }

  list(): Fault[] {
    return [...this.faults.values()]
  }
}
