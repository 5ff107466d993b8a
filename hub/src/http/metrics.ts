import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { ALARM_KINDS, type AlarmKind } from '../storage/alarmStore.js'

/** What a scrape reads from the running hub, at the moment of the scrape. */
export interface MetricSources {
  /** The ingest counters, stored plus not yet flushed (Counters.totals). */
  counters: () => Promise<Record<string, number>>
  stations: () => readonly { status: string; backlog: number | null }[]
  brokerClients: () => number
  /** The embedded broker's throttles per station since the hub started, by kind. */
  stationThrottles?: () => ReadonlyMap<string, Readonly<Record<string, number>>>
  queuedEvents: () => number
  openAlarms: () => Promise<readonly { kind: AlarmKind; acked: number; unacked: number }[]>
}

const STATUSES = ['online', 'offline', 'never'] as const

/**
 * The hub's Prometheus metrics (prom-client), in a registry of its own: several hubs in
 * one process (the tests) must not share one. Counts the hub already keeps (ingest
 * counters, station status, open alarms) are read at scrape time; latencies are observed
 * as they happen, by the group committer, the SQLite writer and the HTTP server.
 */
export class HubMetrics {
  readonly registry = new Registry()
  private readonly events: Counter<'result'>
  private readonly rejected: Counter<'reason'>
  private readonly denied: Counter<'reason'>
  private readonly throttled: Counter<'reason'>
  private readonly stationThrottled: Counter<'station' | 'reason'>
  private readonly deferred: Counter<'reason'>
  private readonly queued: Gauge
  private readonly commitSeconds: Histogram<'outcome'>
  private readonly commitEvents: Histogram
  private readonly transactionSeconds: Histogram<'outcome'>
  private readonly clients: Gauge
  private readonly stations: Gauge<'status'>
  private readonly backlog: Gauge
  private readonly alarms: Gauge<'kind' | 'acked'>
  private readonly http: Histogram<'method' | 'route' | 'status_code'>
  private readonly backupLast: Gauge
  private readonly backupFailures: Counter

  constructor(version: string) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    new Gauge({
      name: 'ejia_hub_info',
      help: 'The hub software version, as a label; always 1',
      labelNames: ['version'],
      registers,
    }).set({ version }, 1)
    this.events = new Counter({
      name: 'ejia_ingest_events_total',
      help: 'Events committed to the ledger (accepted) and resends recognised (duplicate)',
      labelNames: ['result'],
      registers,
    })
    this.rejected = new Counter({
      name: 'ejia_ingest_rejected_total',
      help: 'Messages or events refused at ingest, by reason (json, tooLarge, schema, stationMismatch)',
      labelNames: ['reason'],
      registers,
    })
    this.denied = new Counter({
      name: 'ejia_broker_denied_total',
      help: 'Logins, publishes, subscriptions and oversized packets (packetTooLarge) refused by the broker, by reason',
      labelNames: ['reason'],
      registers,
    })
    this.throttled = new Counter({
      name: 'ejia_broker_throttled_total',
      help: 'Logins and publishes the broker refused over a rate (connect, publish, bytes), and refused logins past an address’s rate, not logged each (failedLogins)',
      labelNames: ['reason'],
      registers,
    })
    // stations of the registry only (a throttle follows a verified login), and only those throttled
    this.stationThrottled = new Counter({
      name: 'ejia_broker_station_throttled_total',
      help: 'Throttled logins and publishes by station and reason since the hub started (docs/RELIABILITY.md, "Broker limits")',
      labelNames: ['station', 'reason'],
      registers,
    })
    this.deferred = new Counter({
      name: 'ejia_ingest_deferred_total',
      help: 'Batches not committed (and not acked) that the kiosks will resend, by reason',
      labelNames: ['reason'],
      registers,
    })
    this.queued = new Gauge({
      name: 'ejia_ingest_queued_events',
      help: 'Events waiting for the next group commit',
      registers,
    })
    this.commitSeconds = new Histogram({
      name: 'ejia_ingest_commit_duration_seconds',
      help: 'Time to write one group commit of events, in seconds',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    })
    this.commitEvents = new Histogram({
      name: 'ejia_ingest_commit_events',
      help: 'Events in one group commit',
      buckets: [1, 5, 10, 50, 100, 500, 1000, 2500, 5000],
      registers,
    })
    this.transactionSeconds = new Histogram({
      name: 'ejia_storage_transaction_duration_seconds',
      help: 'Time of one SQLite write transaction, BEGIN to COMMIT (every store), in seconds',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    })
    this.clients = new Gauge({
      name: 'ejia_broker_clients',
      help: 'MQTT clients connected to the embedded broker',
      registers,
    })
    this.stations = new Gauge({
      name: 'ejia_stations',
      help: 'Registered stations by status (docs/OPERATIONS.md, "Station status")',
      labelNames: ['status'],
      registers,
    })
    this.backlog = new Gauge({
      name: 'ejia_stations_backlog_events',
      help: 'Events waiting on the kiosks, summed from their last heartbeats',
      registers,
    })
    this.alarms = new Gauge({
      name: 'ejia_alarms_open',
      help: 'Alarms not yet cleared, by kind and whether a person acknowledged them',
      labelNames: ['kind', 'acked'],
      registers,
    })
    this.http = new Histogram({
      name: 'ejia_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status code, in seconds',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.backupLast = new Gauge({
      name: 'ejia_hub_backup_last_success_timestamp_seconds',
      help: 'When the newest good backup of hub.db was made (Unix seconds); 0 for none or without --backup-dir',
      registers,
    })
    this.backupFailures = new Counter({
      name: 'ejia_hub_backup_failures_total',
      help: 'Scheduled backups that failed since the hub started',
      registers,
    })
  }

  /** A scheduled backup's outcome, and when the newest good backup was made (null: none yet). */
  observeBackup(ok: boolean, lastAt: number | null): void {
    if (!ok) this.backupFailures.inc()
    if (lastAt !== null) this.backupLast.set(lastAt / 1000)
  }

  observeCommit(events: number, seconds: number, ok: boolean): void {
    this.commitSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds)
    if (ok) this.commitEvents.observe(events)
  }

  observeTransaction(seconds: number, ok: boolean): void {
    this.transactionSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds)
  }

  /** `route` is the route template (`/api/alarms/:id/ack`), so the label stays bounded. */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.http.observe({ method, route, status_code: String(statusCode) }, seconds)
  }

  /** The text exposition format, with the read-at-scrape figures brought up to date. */
  async scrape(from: MetricSources): Promise<string> {
    const [counts, alarms] = await Promise.all([from.counters(), from.openAlarms()])
    // kept by the hub as totals: a Prometheus counter set to the total is the same series
    const setTotals = (metric: Counter<string>, label: string, prefix: string) => {
      metric.reset()
      for (const [name, value] of Object.entries(counts)) {
        if (name.startsWith(`${prefix}.`)) metric.inc({ [label]: name.slice(prefix.length + 1) }, value)
      }
    }
    this.events.reset()
    this.events.inc({ result: 'accepted' }, counts.accepted ?? 0)
    this.events.inc({ result: 'duplicate' }, counts.duplicates ?? 0)
    setTotals(this.rejected, 'reason', 'rejected')
    setTotals(this.denied, 'reason', 'denied')
    setTotals(this.throttled, 'reason', 'throttled')
    this.stationThrottled.reset()
    for (const [station, byReason] of from.stationThrottles?.() ?? []) {
      for (const [reason, n] of Object.entries(byReason))
        if (n > 0) this.stationThrottled.inc({ station, reason }, n)
    }
    setTotals(this.deferred, 'reason', 'deferred')
    this.queued.set(from.queuedEvents())
    this.clients.set(from.brokerClients())
    const stations = from.stations()
    for (const status of STATUSES) {
      this.stations.set({ status }, stations.filter((s) => s.status === status).length)
    }
    this.backlog.set(stations.reduce((n, s) => n + (s.backlog ?? 0), 0))
    this.alarms.reset()
    for (const kind of ALARM_KINDS) {
      const open = alarms.find((a) => a.kind === kind)
      this.alarms.set({ kind, acked: 'true' }, open?.acked ?? 0)
      this.alarms.set({ kind, acked: 'false' }, open?.unacked ?? 0)
    }
    return this.registry.metrics()
  }
}
