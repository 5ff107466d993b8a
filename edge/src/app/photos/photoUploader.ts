import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../../ports/clock.js'
import { type PhotoHub, type PhotoStore, PhotoUploadError } from '../../ports/photos.js'
import type { FaultBoard } from '../faults.js'

export interface PhotoUploaderOptions {
  /** A pass runs this often even without new photos: refused photos retried, old ones pruned. */
  periodMs: number
  /** Full-size photos are deleted this long after the hub has them. */
  retentionMs: number
  /** Waits after a failed pass: doubling from `initialMs` up to `maxMs`, with jitter. */
  backoff: { initialMs: number; maxMs: number }
  /** A photo the hub refused (400, 413) is tried again after this, in case the hub changed. */
  refusedRetryMs: number
  /** 0..1; tests fix it. */
  random?: () => number
}

export const DEFAULT_UPLOADER: PhotoUploaderOptions = {
  periodMs: 10 * 60_000,
  retentionMs: 30 * 86_400_000,
  backoff: { initialMs: 5_000, maxMs: 10 * 60_000 },
  refusedRetryMs: 24 * 3600_000,
}

const FAULT = 'photos'
const PRUNE_EVERY_MS = 3600_000

/**
 * Uploads every kept photo the hub does not have yet, oldest first, one at a time (a
 * village link is slow, and the event already told the hub the photo exists). The store
 * is the outbox, so a kill loses nothing: the next start uploads what is still marked
 * waiting, and the hub answers 200 for a photo it already had.
 *
 * A network error or a failing hub ends the pass and retries later with capped backoff.
 * Refused credentials raise the `photos` fault (operators must fix them) and back off too.
 * A photo the hub refuses raises the fault and is set aside for a day, so one bad photo
 * does not hold up the others. The fault clears with the next photo the hub takes.
 */
export class PhotoUploader {
  private timer: TimerHandle | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  private failures = 0
  private lastPrune = Number.NEGATIVE_INFINITY
  private readonly abort = new AbortController()
  private uploaded = 0

  constructor(
    private readonly deps: {
      store: PhotoStore
      hub: PhotoHub
      clock: Clock
      faults: FaultBoard
      log: Logger
    },
    private readonly opts: PhotoUploaderOptions = DEFAULT_UPLOADER,
  ) {}

  /** Starts the first pass now, then one every `periodMs`. */
  start(): void {
    this.kick()
  }

  /** Runs a pass now (after the one under way, if any): a new photo was kept. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) this.deps.clock.clear(this.timer)
    this.timer = undefined
    this.running = this.pass()
      .then(
        (next) => next,
        (err: unknown) => {
          // e.g. the photos database failing: log it and try again later
          this.deps.log.error({ err }, 'photo upload pass failed')
          return this.backoff()
        },
      )
      .then((next) => {
        this.running = undefined
        if (this.stopped) return
        if (this.again) {
          this.again = false
          this.kick()
        } else {
          this.timer = this.deps.clock.setTimeout(() => this.kick(), next)
        }
      })
  }

  stats(): { uploaded: number; failures: number } {
    return { uploaded: this.uploaded, failures: this.failures }
  }

  /** Stops the timers, aborts the upload under way and waits for the pass to end. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) this.deps.clock.clear(this.timer)
    this.abort.abort()
    await this.running
  }

  /** One pass over the waiting photos; resolves with the wait before the next one. */
  private async pass(): Promise<number> {
    const { store, hub, clock, faults, log } = this.deps
    for (const id of await store.pending(clock.now())) {
      if (this.stopped) return this.opts.periodMs
      const jpeg = await store.read(id, 'full')
      if (!jpeg) {
        log.error({ photoId: id }, 'a photo waiting for upload has no file; set aside')
        await store.refuse(id, 'the file is missing on the kiosk', clock.now() + this.opts.refusedRetryMs)
        continue
      }
      try {
        const outcome = await hub.upload(id, jpeg, this.abort.signal)
        await store.markUploaded(id, clock.now())
        this.uploaded++
        this.failures = 0
        faults.clear(FAULT)
        log.info({ photoId: id, bytes: jpeg.length, outcome }, 'photo uploaded to the hub')
      } catch (err) {
        if (this.stopped) return this.opts.periodMs
        if (!(err instanceof PhotoUploadError)) throw err
        if (err.code === 'photoRefused') {
          faults.set(FAULT, err.code, err.message)
          log.error({ photoId: id, status: err.status, err }, 'the hub refused a photo; retrying it tomorrow')
          await store.refuse(id, err.message, clock.now() + this.opts.refusedRetryMs)
          continue
        }
        if (err.code === 'hubAuthRefused' || err.code === 'hubUnexpected') {
          faults.set(FAULT, err.code, err.message)
          log.error({ err }, 'photo upload refused by the hub')
        } else {
          log.warn({ code: err.code, message: err.message }, 'photo upload failed; will retry')
        }
        return this.backoff()
      }
    }
    await this.prune()
    return this.opts.periodMs
  }

  private backoff(): number {
    this.failures++
    const { initialMs, maxMs } = this.opts.backoff
    const full = Math.min(maxMs, initialMs * 2 ** (this.failures - 1))
    // "equal jitter": hundreds of kiosks back online at once do not retry in step
    return Math.round(full / 2 + (full / 2) * (this.opts.random ?? Math.random)())
  }

  private async prune(): Promise<void> {
    const now = this.deps.clock.now()
    if (now - this.lastPrune < PRUNE_EVERY_MS) return
    this.lastPrune = now
    const removed = await this.deps.store.prune(now - this.opts.retentionMs, now)
    if (removed > 0)
      this.deps.log.info({ removed }, 'deleted full-size photos past retention (thumbnails stay)')
  }
}
