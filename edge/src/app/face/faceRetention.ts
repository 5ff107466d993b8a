import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../../ports/clock.js'
import type { Roster } from '../../ports/roster.js'
import type { TemplateStore } from '../../ports/templateStore.js'
import type { DeletionReceipt, FaceEnrolment } from './enrolment.js'

const DAY_MS = 86_400_000
/** A sweep runs at start and this often after: retention is counted in days. */
export const RETENTION_SWEEP_EVERY_MS = 6 * 3600_000
/**
 * A template this young is never deleted for being off the roster: a person enrolled at the
 * kiosk may reach the kiosk's copy of the roster only with the next sync.
 */
export const ROSTER_GRACE_MS = DAY_MS

export interface RetentionSettings {
  /** Days a template may go without matching a check-in before it is deleted (face.retentionDays). */
  days: number
  /** The station id: the kiosk's own deletions are journalled as requested by it. */
  stationId: string
}

/**
 * The roster in force, when it can say who is no longer on it: undefined while the kiosk
 * has none from the hub yet (or is waiting for a full resync) or its roster file is unusable.
 */
export type RosterInForce = () => Pick<Roster, 'person' | 'size'> | undefined

/**
 * Keeps face templates no longer than needed (PIPL art. 19; the 2025 face recognition rules
 * on retention): a template unused for `days` is deleted (`retention`), and so is that of a
 * person the station's roster no longer has (`rosterRemoved`). Each deletion goes through
 * FaceEnrolment.forget, so it is verified and journalled as `face.deleted` with its reason.
 */
export class FaceRetention {
  private timer: TimerHandle | undefined
  private running: Promise<DeletionReceipt[]> | undefined

  constructor(
    private readonly deps: {
      enrolment: FaceEnrolment
      store: TemplateStore
      roster?: RosterInForce
      clock: Clock
      log: Logger
    },
    private readonly settings: RetentionSettings,
  ) {}

  /** Sweeps now, then every RETENTION_SWEEP_EVERY_MS until `stop`. */
  start(): void {
    const run = () => {
      this.sweep().catch((err: unknown) => this.deps.log.error({ err }, 'face retention sweep failed'))
    }
    run()
    this.timer = this.deps.clock.setInterval(run, RETENTION_SWEEP_EVERY_MS)
  }

  /** Deletes what is past retention or off the roster; one sweep at a time. */
  sweep(): Promise<DeletionReceipt[]> {
    this.running ??= this.sweepNow().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    if (this.timer) this.deps.clock.clear(this.timer)
    this.timer = undefined
    await this.running?.catch(() => undefined)
  }

  private async sweepNow(): Promise<DeletionReceipt[]> {
    const now = this.deps.clock.now()
    const unusedSince = now - this.settings.days * DAY_MS
    // an empty roster is one not set up yet, never "everyone was removed"
    const roster = this.deps.roster?.()
    const rosterSays = roster && roster.size > 0 ? roster : undefined
    const receipts: DeletionReceipt[] = []
    for (const t of await this.deps.store.usage()) {
      const offRoster = rosterSays && !rosterSays.person(t.personId) && now - t.enrolledAt > ROSTER_GRACE_MS
      const lastUsed = Math.max(t.enrolledAt, t.lastMatchedAt ?? 0)
      const reason = offRoster ? 'rosterRemoved' : lastUsed < unusedSince ? 'retention' : undefined
      if (!reason) continue
      const receipt = await this.deps.enrolment.forget(t.personId, this.settings.stationId, reason, {
        quiet: true,
      })
      if (!receipt) continue // deleted meanwhile by someone else
      receipts.push(receipt)
      if (!Object.values(receipt.verified).every(Boolean))
        this.deps.log.error(
          { personId: t.personId, verified: receipt.verified },
          'face deletion not verified',
        )
      this.deps.log.info(
        { personId: t.personId, reason, lastUsed: new Date(lastUsed).toISOString(), event: receipt.event },
        'face template deleted by the retention rules',
      )
    }
    return receipts
  }
}
