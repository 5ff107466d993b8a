import type { DenialSummary } from '../domain/fleetAlarms.js'
import type { AuthDenial } from './stationAuth.js'

/** One refused MQTT login, attributed to the station its username or client id names. */
export interface LoginDenial {
  stationId: string
  reason: AuthDenial
  clientId: string
  username: string | null
  address: string | null
}

interface Entry extends LoginDenial {
  at: number
}

/** Kept per station: a flood of guesses must not grow the hub's memory without end. */
const MAX_PER_STATION = 1000
/** Distinct client ids, usernames and addresses named in an alarm. */
const MAX_NAMED = 5

/**
 * Recent denied logins per station, for the `deniedLogins` alarm: a kiosk with a stale
 * secret, or someone trying a station's username. Only logins that name a registered
 * station (by username or by the `ejia-edge-<id>` client id) are kept here, so the map is
 * bounded by the registry; every denial is counted and logged by the broker anyway.
 */
export class DeniedLogins {
  private readonly byStation = new Map<string, Entry[]>()

  constructor(private readonly opts: { windowMs: number; now: () => number }) {}

  record(d: LoginDenial): void {
    const list = this.byStation.get(d.stationId) ?? []
    list.push({ ...d, at: this.opts.now() })
    if (list.length > MAX_PER_STATION) list.splice(0, list.length - MAX_PER_STATION)
    this.byStation.set(d.stationId, list)
  }

  /** Each station with denials within the window, summed up; older ones are forgotten. */
  recent(): Map<string, DenialSummary> {
    const from = this.opts.now() - this.opts.windowMs
    const out = new Map<string, DenialSummary>()
    for (const [stationId, all] of this.byStation) {
      const list = all.filter((e) => e.at > from)
      if (list.length === 0) {
        this.byStation.delete(stationId)
        continue
      }
      this.byStation.set(stationId, list)
      const reasons: Record<string, number> = {}
      for (const e of list) reasons[e.reason] = (reasons[e.reason] ?? 0) + 1
      const named = (pick: (e: Entry) => string | null) =>
        [...new Set(list.map(pick).filter((v): v is string => v !== null))].slice(-MAX_NAMED)
      out.set(stationId, {
        count: list.length,
        firstAt: list[0]?.at as number,
        lastAt: list.at(-1)?.at as number,
        reasons,
        clientIds: named((e) => e.clientId),
        usernames: named((e) => e.username),
        addresses: named((e) => e.address),
      })
    }
    return out
  }
}
