import type { Logger } from 'pino'
import type { DeniedLogins } from '../broker/deniedLogins.js'
import {
  DEFAULT_FLEET_ALARM_RULES,
  FLEET_ALARM_KINDS,
  type FleetAlarmKind,
  type FleetAlarmRules,
  type FloodSummary,
  fleetConditions,
  type OpenAlarm,
  type StationHealth,
  stepFleetAlarms,
} from '../domain/fleetAlarms.js'
import { PeriodicCheck } from '../periodicCheck.js'
import type { AlarmStore } from '../storage/alarmStore.js'

export interface FleetWatchOptions extends FleetAlarmRules {
  /** How often every station is looked at. */
  checkEveryMs: number
}

export const DEFAULT_FLEET_WATCH: FleetWatchOptions = { ...DEFAULT_FLEET_ALARM_RULES, checkEveryMs: 15_000 }

/**
 * Looks at every station's health on a timer and keeps the fleet alarms (offline, clock
 * skew, backlog age, device faults, denied logins, low disk, broker floods) in step with it
 * through the AlarmStore: raised once a condition has held long enough, cleared when it
 * ends. The rules themselves are domain/fleetAlarms.ts.
 */
export class FleetWatch {
  private readonly firstSeen = new Map<string, number>()
  private readonly periodic: PeriodicCheck

  constructor(
    private readonly deps: {
      stations: () => StationHealth[]
      deniedLogins: DeniedLogins
      /** Stations the broker is throttling (broker/floodGuard.ts); absent on an external broker's hub. */
      floods?: () => ReadonlyMap<string, FloodSummary>
      alarms: AlarmStore
      log: Logger
      now: () => number
    },
    private readonly opts: FleetWatchOptions = DEFAULT_FLEET_WATCH,
  ) {
    this.periodic = new PeriodicCheck(
      () => this.checkNow(),
      this.opts.checkEveryMs,
      (err) => this.deps.log.warn({ err }, 'fleet watch failed; next check retries'),
    )
  }

  start(): void {
    this.periodic.start()
  }

  stop(): Promise<void> {
    return this.periodic.stop()
  }

  /** One look at the fleet; a check still running is not started twice. */
  check(): Promise<void> {
    return this.periodic.run()
  }

  private async checkNow(): Promise<void> {
    const { alarms, log } = this.deps
    const now = this.deps.now()
    const stations = this.deps.stations()
    const conditions = fleetConditions(
      stations,
      this.deps.deniedLogins.recent(),
      this.firstSeen,
      now,
      this.opts,
      this.deps.floods?.(),
    )
    const open = (await alarms.active())
      // the fleet rules' own: `unmanned` is the duty watch's, `journalIntegrity` the chain check's
      .filter((a) => (FLEET_ALARM_KINDS as readonly string[]).includes(a.kind))
      .map((a): OpenAlarm => ({ ...a, kind: a.kind as FleetAlarmKind }))
    const resolved = await alarms.resolvedSince(now - this.opts.reraiseAfterResolveMs)
    const ids = new Set(stations.map((s) => s.id))
    for (const change of stepFleetAlarms(
      conditions,
      open,
      resolved,
      ids,
      now,
      this.opts.reraiseAfterResolveMs,
    )) {
      if (change.kind === 'clear') {
        const { id, kind, stationId, subject } = change.alarm
        await alarms.clear(id, now, change.reason)
        log.info({ kind, stationId, subject, reason: change.reason }, 'alarm cleared')
        continue
      }
      const c = change.condition
      await alarms.raise(c.kind, c.stationId, now, c.detail, c.subject)
      log.warn({ kind: c.kind, stationId: c.stationId, subject: c.subject, detail: c.detail }, 'alarm raised')
    }
  }
}
