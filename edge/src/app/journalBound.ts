import type { Logger } from 'pino'
import type { Clock } from '../ports/clock.js'
import type { DiskSpace } from '../ports/diskSpace.js'
import type { Journal } from '../ports/journal.js'
import type { FaultBoard } from './faults.js'

export interface JournalBoundOptions {
  /** The most the journal's rows may take; the oldest stored events go first past it. */
  maxBytes: number
  /** Below this much free space on the data disk: a `disk` fault, and stored events pruned to make room. */
  diskWarnFreeBytes: number
}

/** Space kept in reserve on the data disk (adapters/files/diskReserve.ts). */
export interface DiskReserveLike {
  /** Makes it if missing; false when there is no room for it now. */
  ensure(): Promise<boolean>
}

/** The fault devices this bound sets, beside the journal's own `journal` (storageFailed). */
export const JOURNAL_SIZE_FAULT = 'journalSize'
export const DISK_FAULT = 'disk'
/** Set when the agent gave up its disk reserve to open the journal; cleared once it is made again. */
export const RESERVE_FAULT = 'diskReserve'

/**
 * Stored events of the last two days stay whatever the bound: today's sign-ins decide
 * the kiosk's own rules (Journal.latest), and the hub's day is not yet closed.
 */
const KEEP_RECENT_MS = 2 * 86_400_000
/** Pruning stops this far under the bound, so one event more does not start it again. */
const HEADROOM = 0.9

/**
 * Keeps the journal within its disk bound, and says so before the disk fills. Over
 * `maxBytes`, or with the disk below `diskWarnFreeBytes`, it deletes the oldest events the
 * hub already stored (Journal.shrinkTo), never one still waiting to be sent. Two faults go
 * out in the heartbeat, and the hub raises its device-fault alarm on them:
 * - `disk`/`diskLow`: free space below the floor (the hub's own diskLow alarm reads the
 *   same figures from the heartbeat's `disk`);
 * - `journalSize`/`journalFull`: still over the bound with nothing left to prune: the
 *   unsent events (and dead letters, and the last two days' stored events) take it. The
 *   kiosk keeps recording (an event is never dropped), the journal grows past its bound,
 *   and somebody must get the kiosk back online.
 */
export class JournalBound {
  constructor(
    private readonly deps: {
      journal: Journal
      faults: FaultBoard
      clock: Clock
      diskSpace?: () => Promise<DiskSpace | undefined>
      /** Made again here once the disk is above its floor. */
      reserve?: DiskReserveLike
      log: Logger
    },
    private readonly opts: JournalBoundOptions,
  ) {}

  /** One look: prune if needed, and set or clear the faults. Returns how many events it pruned. */
  async check(): Promise<number> {
    const { journal, faults, log } = this.deps
    const before = await journal.size()
    const disk = await this.deps.diskSpace?.()
    const deficit = disk ? Math.max(0, this.opts.diskWarnFreeBytes - disk.freeBytes) : 0
    let size = before
    let removed = 0
    if (before.usedBytes > this.opts.maxBytes || deficit > 0) {
      const target = Math.max(0, Math.min(this.opts.maxBytes * HEADROOM, before.usedBytes - deficit))
      const shrunk = await journal.shrinkTo(target, this.deps.clock.now() - KEEP_RECENT_MS)
      removed = shrunk.removed
      size = shrunk.size
      if (removed > 0)
        log.info(
          { removed, usedBytes: size.usedBytes, maxBytes: this.opts.maxBytes, freeBytes: disk?.freeBytes },
          'pruned the oldest stored events to keep the journal within its bound',
        )
    }

    if (size.usedBytes > this.opts.maxBytes) {
      const message = `the journal takes ${size.usedBytes} bytes with ${size.pendingEvents} events unsent, over its bound of ${this.opts.maxBytes}, and holds nothing more it may prune; still recording: get the kiosk online`
      if (!faults.list().some((f) => f.device === JOURNAL_SIZE_FAULT)) log.error({ ...size }, message)
      faults.set(JOURNAL_SIZE_FAULT, 'journalFull', message)
    } else {
      faults.clear(JOURNAL_SIZE_FAULT)
    }

    const after = removed > 0 ? await this.deps.diskSpace?.() : disk
    if (after && after.freeBytes < this.opts.diskWarnFreeBytes) {
      const message = `${after.freeBytes} bytes free of ${after.totalBytes}, below the floor of ${this.opts.diskWarnFreeBytes}`
      if (!faults.list().some((f) => f.device === DISK_FAULT)) log.warn({ ...after }, message)
      faults.set(DISK_FAULT, 'diskLow', message)
    } else {
      faults.clear(DISK_FAULT)
      if (after) await this.remakeReserve()
    }
    return removed
  }

  private async remakeReserve(): Promise<void> {
    try {
      if (await this.deps.reserve?.ensure()) this.deps.faults.clear(RESERVE_FAULT)
    } catch (err) {
      this.deps.log.warn({ err }, 'could not make the disk reserve again')
    }
  }
}
