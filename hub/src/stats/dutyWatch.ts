import type { Logger } from 'pino'
import { stepUnmannedAlarms, UNMANNED_HOLD_MS } from '../domain/duty/unmanned.js'
import { DEFAULT_FLEET_ALARM_RULES } from '../domain/fleetAlarms.js'
import { PeriodicCheck } from '../periodicCheck.js'
import type { AlarmStore } from '../storage/alarmStore.js'
import type { WorkStats } from './workStats.js'

export interface DutyWatchOptions {
  checkEveryMs: number
  holdMs: number
  /** A resolved alarm of a station still unmanned is raised again only after this long. */
  reraiseAfterResolveMs?: number
}

const DEFAULT_DUTY_WATCH = {
  checkEveryMs: 60_000,
  holdMs: UNMANNED_HOLD_MS,
  reraiseAfterResolveMs: DEFAULT_FLEET_ALARM_RULES.reraiseAfterResolveMs,
}

/**
 * Watches every station's duty rota against its punches, once a minute, and raises the
 * "unmanned" alarm for a station nobody has clocked in at during its duty hours. The alarm
 * says whether the kiosk is online and whether it still holds unsent events: an offline
 * kiosk's punches may simply not have arrived yet.
 */
export class DutyWatch {
  private readonly since = new Map<string, number>()
  private readonly periodic: PeriodicCheck

  constructor(
    private readonly deps: {
      stats: WorkStats
      alarms: AlarmStore
      kioskOnline: (stationId: string) => boolean
      log: Logger
      now: () => number
    },
    private readonly opts: DutyWatchOptions = DEFAULT_DUTY_WATCH,
  ) {
    this.periodic = new PeriodicCheck(
      () => this.checkNow(),
      this.opts.checkEveryMs,
      (err) => this.deps.log.warn({ err }, 'duty watch failed; next check retries'),
    )
  }

  start(): void {
    this.periodic.start()
  }

  stop(): Promise<void> {
    return this.periodic.stop()
  }

  /** One look at every station; a check still running is not started twice. */
  check(): Promise<void> {
    return this.periodic.run()
  }

  private async checkNow(): Promise<void> {
    const now = this.deps.now()
    const seen = await this.deps.stats.onDutyNow()
    const active = await this.deps.alarms.active('unmanned')
    const places = new Map(seen.map((s) => [s.stationId, s]))
    // a person resolved it while the station stayed unmanned: not again this episode, for a while
    const reraiseMs = this.opts.reraiseAfterResolveMs ?? DEFAULT_DUTY_WATCH.reraiseAfterResolveMs
    const resolved = new Map(
      (await this.deps.alarms.resolvedSince(now - reraiseMs))
        .filter((r) => r.kind === 'unmanned')
        .map((r) => [r.stationId, r.resolvedAt]),
    )
    for (const change of stepUnmannedAlarms(this.since, active, seen, now, this.opts.holdMs)) {
      if (change.kind === 'clear') {
        await this.deps.alarms.clear(change.alarmId, now, change.reason)
        this.deps.log.info({ stationId: change.stationId, reason: change.reason }, 'unmanned alarm cleared')
        continue
      }
      if ((resolved.get(change.stationId) ?? -1) >= change.unmannedSince) continue
      const place = places.get(change.stationId)
      await this.deps.alarms.raise('unmanned', change.stationId, now, {
        unmannedSince: new Date(change.unmannedSince).toISOString(),
        expected: change.expected,
        kioskOnline: this.deps.kioskOnline(change.stationId),
        backlog: place?.backlog ?? 0,
        provisional: place?.provisional ?? false,
      })
      this.deps.log.warn(
        { stationId: change.stationId, expected: change.expected },
        'station unmanned in duty hours',
      )
    }
  }
}
