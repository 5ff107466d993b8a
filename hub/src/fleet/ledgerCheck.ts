import type { Heartbeat } from '@ejia/protocol'
import type { Logger } from 'pino'
import type { Storage } from '../storage/storage.js'
import type { StationControl } from './stationControl.js'

export interface LedgerCheckOptions {
  /** After a reupload that did not close the gap, wait this long before the next, doubling up to maxRetryMs. */
  retryMs: number
  maxRetryMs: number
  /** How long a reupload command stays valid for a kiosk that is offline. */
  commandTtlMs: number
}

export const DEFAULT_LEDGER_CHECK: LedgerCheckOptions = {
  retryMs: 30 * 60_000,
  maxRetryMs: 24 * 3600_000,
  commandTtlMs: 24 * 3600_000,
}

/** Who the command log names as issuing a reupload the hub asked for by itself. */
export const LEDGER_CHECK_ACTOR = 'hub:ledger-check'

/**
 * Events a kiosk holds as acknowledged that the ledger lacks. Every journalled sequence
 * number is, at the kiosk, exactly one of: acknowledged and stored, waiting (the backlog)
 * or refused for good (a dead letter); so a heartbeat tells how many the ledger should
 * hold. Read `lastSeq` before the backlog, as the kiosk does: an event journalled between
 * the two reads then only lowers the figure.
 */
export function missingFromLedger(hb: Heartbeat, stored: number): number {
  return Math.max(0, hb.lastSeq - hb.backlog.depth - hb.backlog.deadLetters - stored)
}

interface Gap {
  missing: number
  /** Heartbeats in a row that showed it; one can race an ack, two cannot. */
  seen: number
  askedAt?: number
  askedMissing?: number
  waitMs: number
}

/**
 * Finds events the ledger lost and asks the kiosk for them again. A hub restored from a
 * backup lacks what it stored after that backup, although every kiosk was told "stored"
 * and will never send those events by itself; on the kiosk's heartbeats the hub sees the
 * shortfall and issues a `reupload` from the first sequence number it lacks (the kiosk
 * sends again from there; the ledger drops what it has). A gap the kiosk cannot fill (its
 * journal pruned those events) is asked for again less and less often, and stays visible
 * as the station's `ledgerMissing` and a `ledgerGap` alarm (docs/OPERATIONS.md).
 */
export class LedgerCheck {
  private readonly gaps = new Map<string, Gap>()
  private readonly busy = new Set<string>()

  constructor(
    private readonly deps: {
      storage: Pick<Storage, 'ledgerSummary' | 'firstMissingSeq'>
      control: Pick<StationControl, 'issue'>
      log: Logger
      now: () => number
    },
    private readonly opts: LedgerCheckOptions = DEFAULT_LEDGER_CHECK,
  ) {}

  /** Events of a station the ledger lacks, by its last heartbeat; null when none are known to be missing. */
  missing(stationId: string): number | null {
    return this.gaps.get(stationId)?.missing || null
  }

  /** Takes a heartbeat in; a check of the same station still running is not started twice. */
  onHeartbeat(stationId: string, hb: Heartbeat): Promise<void> {
    if (this.busy.has(stationId)) return Promise.resolve()
    this.busy.add(stationId)
    return this.check(stationId, hb)
      .catch((err) =>
        this.deps.log.warn({ err, stationId }, 'ledger check failed; the next heartbeat retries'),
      )
      .finally(() => this.busy.delete(stationId))
  }

  private async check(stationId: string, hb: Heartbeat): Promise<void> {
    const summary = await this.deps.storage.ledgerSummary(stationId)
    if (!summary) return
    const missing = missingFromLedger(hb, summary.events)
    const known = this.gaps.get(stationId)
    if (missing === 0) {
      // while a reupload drains, the resent events are backlog again: wait for the end
      if (known && hb.backlog.depth > 0) {
        known.missing = 0
        known.seen = 0
      } else if (known && this.gaps.delete(stationId)) {
        this.deps.log.info({ stationId }, 'ledger complete again')
      }
      return
    }
    const gap = known ?? { missing, seen: 0, waitMs: this.opts.retryMs }
    gap.missing = missing
    gap.seen += 1
    this.gaps.set(stationId, gap)
    const now = this.deps.now()
    if (gap.seen < 2) return
    if (gap.askedAt !== undefined) {
      if (now - gap.askedAt < gap.waitMs) return
      // the last request closed nothing: the kiosk may no longer hold those events
      if (gap.askedMissing !== undefined && missing >= gap.askedMissing)
        gap.waitMs = Math.min(gap.waitMs * 2, this.opts.maxRetryMs)
    }
    const fromSeq = await this.deps.storage.firstMissingSeq(stationId)
    await this.deps.control.issue(
      [stationId],
      'reupload',
      { fromSeq, skipPruned: true },
      LEDGER_CHECK_ACTOR,
      this.opts.commandTtlMs,
    )
    gap.askedAt = now
    gap.askedMissing = missing
    this.deps.log.warn(
      { stationId, missing, fromSeq, lastSeq: hb.lastSeq, stored: summary.events },
      'the ledger lacks events the kiosk holds as stored; asked it to send them again',
    )
  }
}
