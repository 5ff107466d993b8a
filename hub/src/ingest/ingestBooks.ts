import type { Logger } from 'pino'
import type { RejectRecord, Storage } from '../storage/storage.js'
import type { Counters } from './counters.js'

const FLUSH_EVERY_MS = 1000
/** Reject records are samples for operators: while storage fails, only the newest are kept. */
const MAX_UNSAVED_REJECTS = 10_000

/**
 * The ingest's bookkeeping: its counters and reject records, saved to storage every second
 * rather than one write per message. A failed save keeps them for the next.
 */
export class IngestBooks {
  private rejects: RejectRecord[] = []
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly deps: {
      storage: Pick<Storage, 'addCounters' | 'recordRejects'>
      counters: Counters
      log: Logger
    },
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS).unref()
  }

  readonly onRejects = (r: RejectRecord[]): void => {
    this.rejects.push(...r)
  }

  async flush(): Promise<void> {
    const batch = this.rejects
    this.rejects = []
    try {
      await this.deps.counters.flush((delta) => this.deps.storage.addCounters(delta))
      await this.deps.storage.recordRejects(batch)
    } catch (err) {
      this.rejects = [...batch, ...this.rejects].slice(-MAX_UNSAVED_REJECTS)
      this.deps.log.warn({ err }, 'saving counters failed; will retry')
    }
  }

  /** Stops the timer and saves what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.flush()
  }
}
