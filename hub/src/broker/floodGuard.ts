import type { FloodSummary } from '../domain/fleetAlarms.js'
import { type Rate, TokenBuckets } from './tokenBuckets.js'

const MiB = 1024 * 1024

/**
 * What one station may do at the broker, as token-bucket rates (docs/RELIABILITY.md,
 * "Broker limits"). Each is several times what a kiosk does at its busiest, so a kiosk
 * never meets them; a script with a station's secret, or a kiosk gone wrong, does.
 */
export interface BrokerLimits {
  /**
   * Logins that verified, per station. A kiosk logs in once per link: after a hub restart,
   * a kiosk restart, a dropped link (every 0.1–300 s while the link flaps, `reconnectPeriodS`).
   * Checked after the secret, so nobody without it can use up a station's logins.
   */
  logins: Rate
  /**
   * Refused logins per source address that are logged and recorded for the `deniedLogins`
   * alarm one by one; past this rate they are still refused and counted, but not logged each.
   * A correct login is never refused for its address: kiosks may share one behind a NAT.
   */
  failedLogins: Rate
  /**
   * Messages per station, every channel. A kiosk draining its backlog sends at most
   * `maxInFlightBatches` (≤ 32) batches per round trip: 75/s at the defaults, 250/s at 16 in
   * flight (docs/PERFORMANCE.md, "Edge drain"); heartbeats, status and answers are a few a minute.
   */
  publishes: Rate
  /** Payload bytes per station: the fastest drain measured moved about 6 MiB/s of events. */
  publishBytes: Rate
}

export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  logins: { burst: 20, perSecond: 0.5 },
  failedLogins: { burst: 50, perSecond: 5 },
  publishes: { burst: 2000, perSecond: 1000 },
  publishBytes: { burst: 32 * MiB, perSecond: 16 * MiB },
}

export type ThrottleKind = keyof FloodSummary['byKind']

/** Source addresses kept per flood, for the alarm. */
const MAX_ADDRESSES = 5
/** At most one log line per station (or address) in this long. */
const LOG_EVERY_MS = 60_000

/**
 * The broker's rate limits and what they refused: per station, for the `brokerFlood`
 * alarm and the metrics. Stations are those of the registry (every throttle follows a
 * verified login), so the per-station maps are bounded by it; addresses are kept in token
 * buckets, which forget idle ones.
 */
export class FloodGuard {
  private readonly logins: TokenBuckets
  private readonly failed: TokenBuckets
  private readonly messages: TokenBuckets
  private readonly bytes: TokenBuckets
  private readonly logLines: TokenBuckets
  private readonly floods = new Map<string, FloodSummary>()
  private readonly totals = new Map<string, Record<ThrottleKind, number>>()

  constructor(
    readonly limits: BrokerLimits,
    private readonly opts: {
      /** The hub's clock, for the floods the alarm reads. */
      now: () => number
      /** A station's flood ends after this long without a throttle (the alarm's `brokerFloodQuietMs`). */
      quietMs: number
      /**
       * The buckets' clock, in ms: monotonic by default, so a hub clock that is set, jumps or
       * (in a test) stands still neither freezes nor floods the rates.
       */
      elapsed?: () => number
    },
  ) {
    const now = opts.elapsed ?? (() => performance.now())
    this.logins = new TokenBuckets(limits.logins, now)
    this.failed = new TokenBuckets(limits.failedLogins, now)
    this.messages = new TokenBuckets(limits.publishes, now)
    this.bytes = new TokenBuckets(limits.publishBytes, now)
    this.logLines = new TokenBuckets({ burst: 1, perSecond: 1000 / LOG_EVERY_MS }, now)
  }

  /** A verified login of `stationId`: false if the station is over its login rate. */
  admitLogin(stationId: string, address: string | null): boolean {
    if (this.logins.take(stationId)) return true
    this.record(stationId, 'connect', address)
    return false
  }

  /** A refused login from `address`: false once the address is past its rate (log no more). */
  admitFailedLogin(address: string | null): boolean {
    return this.failed.take(address ?? 'unknown')
  }

  /** A publish of `bytes` payload bytes by `stationId`: the limit it is over, or undefined. */
  admitPublish(stationId: string, bytes: number, address: string | null): ThrottleKind | undefined {
    const over = !this.messages.take(stationId)
      ? 'publish'
      : !this.bytes.take(stationId, bytes)
        ? 'bytes'
        : undefined
    if (over) this.record(stationId, over, address)
    return over
  }

  /** Whether a refusal for `key` (a station, an address) gets a log line: the first in a minute. */
  shouldLog(key: string): boolean {
    return this.logLines.take(key)
  }

  /** Stations throttled within the quiet time, each with its current flood; older ones are forgotten. */
  recent(): Map<string, FloodSummary> {
    const from = this.opts.now() - this.opts.quietMs
    const out = new Map<string, FloodSummary>()
    for (const [stationId, f] of this.floods) {
      if (f.lastAt <= from) this.floods.delete(stationId)
      else out.set(stationId, { ...f, byKind: { ...f.byKind }, addresses: [...f.addresses] })
    }
    return out
  }

  /** Throttles per station since the hub started, by kind, for the metrics. */
  byStation(): ReadonlyMap<string, Readonly<Record<ThrottleKind, number>>> {
    return this.totals
  }

  private record(stationId: string, kind: ThrottleKind, address: string | null): void {
    const now = this.opts.now()
    const total = this.totals.get(stationId) ?? { connect: 0, publish: 0, bytes: 0 }
    total[kind]++
    this.totals.set(stationId, total)
    let f = this.floods.get(stationId)
    if (!f || now - f.lastAt > this.opts.quietMs) {
      f = { firstAt: now, lastAt: now, count: 0, byKind: { connect: 0, publish: 0, bytes: 0 }, addresses: [] }
      this.floods.set(stationId, f)
    }
    f.lastAt = now
    f.count++
    f.byKind[kind]++
    if (address !== null && f.addresses.at(-1) !== address) {
      f.addresses = [...f.addresses.filter((a) => a !== address), address].slice(-MAX_ADDRESSES)
    }
  }
}
