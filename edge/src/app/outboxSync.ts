import { type CommitAck, type Event, MAX_PAYLOAD_BYTES } from '@ejia/protocol'
import type { Logger } from 'pino'
import { planBatch } from '../domain/batchPlan.js'
import type { Clock, TimerHandle } from '../ports/clock.js'
import type { Journal } from '../ports/journal.js'
import type { Uplink } from '../ports/uplink.js'

export interface OutboxSyncOptions {
  batchMaxEvents: number
  maxInFlightBatches: number
  ackTimeoutMs: number
}

export interface OutboxStats {
  inFlightBatches: number
  batchesSent: number
  eventsAcked: number
  eventsRejected: number
  ackTimeouts: number
}

interface InFlight {
  ids: Set<string>
  timer: TimerHandle
}

/** Room left in a payload for the batch wrapper around the events. */
const BATCH_OVERHEAD_BYTES = 256
const MAX_ACK_TIMEOUT_MS = 4 * 60_000
const RETRY_AFTER_FAILURE_MS = 5000

/**
 * Moves events from the journal to the hub. Only the journal holds events: a batch in
 * flight is just a window over it, and an event leaves the outbox only when a commit ack
 * names it. On a lost link or a missing ack it goes back to the oldest unacknowledged
 * event and sends again (go-back-N); the hub drops the duplicates.
 */
export class OutboxSync {
  private connected = false
  private needsReset = true
  private liveFloor = 0
  private liveCursor = 0
  private backlogCursor = 0
  private readonly inFlight = new Map<number, InFlight>()
  private nextBatch = 1
  private ackTimeoutMs: number
  private retryTimer: TimerHandle | undefined
  private pumping = false
  private again = false
  private readonly counters = { batchesSent: 0, eventsAcked: 0, eventsRejected: 0, ackTimeouts: 0 }

  constructor(
    private readonly deps: { journal: Journal; uplink: Uplink; clock: Clock; log: Logger },
    private readonly opts: OutboxSyncOptions,
  ) {
    this.ackTimeoutMs = opts.ackTimeoutMs
  }

  onConnect(): void {
    this.connected = true
    this.needsReset = true
    this.kick()
  }

  onDisconnect(): void {
    this.connected = false
    this.dropInFlight()
  }

  /** Something new is in the journal, or room opened up: send what can be sent. */
  kick(): void {
    if (this.pumping) {
      this.again = true
      return
    }
    void this.pump()
  }

  async onAck(ack: CommitAck): Promise<void> {
    const now = this.deps.clock.now()
    const stored = [...ack.accepted, ...ack.duplicate]
    // await first, then add: `x += await f()` would read x before the await and lose
    // the counts of acks applied meanwhile
    const acked = await this.deps.journal.markAcked(stored, now)
    this.counters.eventsAcked += acked
    if (ack.rejected.length > 0) {
      const rejected = await this.deps.journal.markRejected(ack.rejected, now)
      this.counters.eventsRejected += rejected
      this.deps.log.error({ rejected: ack.rejected }, 'hub refused events; kept as dead letters')
    }
    const named = new Set([...stored, ...ack.rejected.map((r) => r.id)])
    for (const [no, batch] of this.inFlight) {
      for (const id of named) batch.ids.delete(id)
      if (batch.ids.size === 0) {
        this.deps.clock.clear(batch.timer)
        this.inFlight.delete(no)
      }
    }
    this.ackTimeoutMs = this.opts.ackTimeoutMs
    this.kick()
  }

  /** Events were made unacknowledged again (a reupload): go back to the oldest and send. */
  resendAll(): void {
    this.dropInFlight()
    this.needsReset = true
    this.kick()
  }

  stats(): OutboxStats {
    return { inFlightBatches: this.inFlight.size, ...this.counters }
  }

  stop(): void {
    this.connected = false
    this.dropInFlight()
    if (this.retryTimer) this.deps.clock.clear(this.retryTimer)
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined
      this.kick()
    }, RETRY_AFTER_FAILURE_MS)
  }

  private async pump(): Promise<void> {
    this.pumping = true
    try {
      do {
        this.again = false
        if (this.connected && this.needsReset) {
          this.needsReset = false
          this.liveFloor = await this.deps.journal.lastSeq()
          this.rewind()
        }
        while (this.connected && this.inFlight.size < this.opts.maxInFlightBatches) {
          if (!(await this.sendNext())) break
        }
      } while (this.again)
    } catch (err) {
      // e.g. the journal's disk failing: nothing is lost, try again shortly
      this.deps.log.error({ err }, 'outbox pump failed; retrying')
      this.scheduleRetry()
    } finally {
      this.pumping = false
    }
  }

  private async sendNext(): Promise<boolean> {
    const { journal, uplink, clock } = this.deps
    const max = this.opts.batchMaxEvents
    const live = await journal.pending({ afterSeq: this.liveCursor, limit: max })
    const backlog =
      this.backlogCursor < this.liveFloor
        ? await journal.pending({ afterSeq: this.backlogCursor, uptoSeq: this.liveFloor, limit: max })
        : []
    const plan = planBatch({ live, backlog }, max, MAX_PAYLOAD_BYTES - BATCH_OVERHEAD_BYTES, sizeOfEvent)
    const events = [...plan.backlog, ...plan.live]
    if (events.length === 0 || !this.connected) return false
    this.liveCursor = plan.live.at(-1)?.seq ?? this.liveCursor
    this.backlogCursor = plan.backlog.at(-1)?.seq ?? this.backlogCursor

    const no = this.nextBatch++
    const timer = clock.setTimeout(() => this.onAckTimeout(no), this.ackTimeoutMs)
    this.inFlight.set(no, { ids: new Set(events.map((e) => e.id)), timer })
    this.counters.batchesSent++
    const key = this.deps.journal.publicKey
    const sentAt = new Date(clock.now()).toISOString()
    uplink
      .publishEvents(key === undefined ? { sentAt, events } : { sentAt, key, events })
      .catch((err: unknown) => {
        // the link dropped under us; the ack timeout or the reconnect sends it again
        this.deps.log.debug({ err, batch: no }, 'batch publish failed')
      })
    return true
  }

  private onAckTimeout(no: number): void {
    if (!this.inFlight.has(no)) return
    this.counters.ackTimeouts++
    this.deps.log.warn({ batch: no, timeoutMs: this.ackTimeoutMs }, 'no commit ack in time; sending again')
    this.ackTimeoutMs = Math.min(this.ackTimeoutMs * 2, MAX_ACK_TIMEOUT_MS)
    this.dropInFlight()
    this.rewind()
    this.kick()
  }

  private rewind(): void {
    this.backlogCursor = 0
    this.liveCursor = this.liveFloor
  }

  private dropInFlight(): void {
    for (const batch of this.inFlight.values()) this.deps.clock.clear(batch.timer)
    this.inFlight.clear()
  }
}

function sizeOfEvent(e: Event): number {
  return Buffer.byteLength(JSON.stringify(e))
}
