import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Registry } from '@ejia/firmware-config'
import { allStationsFilter } from '@ejia/protocol'
import type { Logger } from 'pino'
import { Accounts } from './auth/accounts.js'
import { firstOperator } from './auth/firstOperator.js'
import { BackupSchedule, type BackupScheduleOptions } from './backup/backupSchedule.js'
import { backupHub } from './backup/hubBackup.js'
import { removeHubLock, writeHubLock } from './backup/hubLock.js'
import type { MessageBus } from './broker/bus.js'
import { DeniedLogins } from './broker/deniedLogins.js'
import { type BrokerTls, createEmbeddedBroker } from './broker/embeddedBroker.js'
import { ExternalBus } from './broker/externalBus.js'
import { type BrokerLimits, DEFAULT_BROKER_LIMITS, FloodGuard } from './broker/floodGuard.js'
import { StationAuth } from './broker/stationAuth.js'
import { CredentialRotation } from './fleet/credentialRotation.js'
import { Fleet } from './fleet/fleet.js'
import { DEFAULT_FLEET_WATCH, FleetWatch, type FleetWatchOptions } from './fleet/fleetWatch.js'
import { LedgerCheck } from './fleet/ledgerCheck.js'
import { StationRevocation } from './fleet/revocation.js'
import { RosterSync, type RosterSyncOptions } from './fleet/rosterSync.js'
import { StationControl } from './fleet/stationControl.js'
import { createApi } from './http/api.js'
import { listenApi } from './http/apiListeners.js'
import { HubMetrics } from './http/metrics.js'
import { Counters } from './ingest/counters.js'
import { EventIngest } from './ingest/eventIngest.js'
import { GroupCommitter } from './ingest/groupCommitter.js'
import { IngestBooks } from './ingest/ingestBooks.js'
import { startChainCheck } from './ingest/startChainCheck.js'
import { DutyWatch, type DutyWatchOptions } from './stats/dutyWatch.js'
import { WorkStats } from './stats/workStats.js'
import { FilePhotoStore } from './storage/files/filePhotoStore.js'
import { openHubStores } from './storage/hubStores.js'
import { syncRegistry } from './storage/storage.js'
import { HUB_VERSION } from './version.js'

/**
 * The hub's TLS (issue 10, docs/OPERATIONS.md, "Provisioning with a district CA"): mqtts with
 * client certificates from the district CA on `mqttsPort`, and the API and dashboard over
 * HTTPS on `httpsPort`, both with the hub's server certificate.
 */
export interface HubTls extends BrokerTls {
  mqttsPort: number
  httpsPort: number
}

export interface HubOptions {
  dataDir: string
  registry: Registry
  mqttHost: string
  /** Plain MQTT, served only in lab mode. */
  mqttPort: number
  tls?: HubTls
  /**
   * Lab mode: plain MQTT on mqttPort and plain HTTP on httpPort, beside TLS when it is given
   * too. For a lab, a demo or a test only; a hub with neither `tls` nor `lab` refuses to
   * start (`ejia-hub --lab`).
   */
  lab: boolean
  httpHost: string
  /** Plain HTTP, served only in lab mode. */
  httpPort: number
  log: Logger
  now?: () => number
  rosterSync?: Partial<RosterSyncOptions>
  dutyWatch?: DutyWatchOptions
  /**
   * The fleet alarms' thresholds and how often they are checked (docs/OPERATIONS.md,
   * "Alarms"); each one left out keeps its default (DEFAULT_FLEET_WATCH).
   */
  fleetWatch?: Partial<FleetWatchOptions>
  /**
   * The embedded broker's rate limits per station and address (docs/RELIABILITY.md,
   * "Broker limits"); each one left out keeps its default (DEFAULT_BROKER_LIMITS).
   */
  brokerLimits?: Partial<BrokerLimits>
  /** Serve GET /metrics without a token, for a Prometheus on a private network. */
  metricsPublic?: boolean
  /**
   * The first district operator, made when the hub has none. Without it the hub makes
   * `admin` with a random password, written to `<dataDir>/initial-admin-password`.
   */
  initialAdmin?: { username: string; password: string }
  /** Session cookies marked Secure on plain HTTP too: the API is reached through an HTTPS proxy. */
  secureCookies?: boolean
  /** Online backups of hub.db and a photo mirror, on a schedule (docs/OPERATIONS.md, "Backup"). */
  backup?: BackupScheduleOptions
  /**
   * The hub's database: a postgres:// URL (a hub scaled out, docs/SCALING.md), or absent for
   * `<dataDir>/hub.db`. Photos and the hub lock stay in dataDir either way.
   */
  store?: string
  /**
   * The district's MQTT broker instead of the embedded one (docs/SCALING.md): the hub logs in
   * as a client, takes events on the workers' shared subscription and everything else on its
   * own; station logins and ACLs are the broker's. Absent: the embedded aedes broker.
   */
  externalBroker?: {
    url: string
    username?: string
    password?: string
    shareGroup?: string
    clientId?: string
  }
}

export interface HubHandle {
  /** Plain MQTT; 0 outside lab mode. */
  mqttPort: number
  /** null without TLS. */
  mqttsPort: number | null
  /** Plain HTTP; 0 outside lab mode. */
  httpPort: number
  /** null without TLS. */
  httpsPort: number | null
  stop(): Promise<void>
}

export const LEDGER_FILE = 'hub.db'
export { INITIAL_PASSWORD_FILE } from './auth/firstOperator.js'
/** Uploaded photos, `<dataDir>/photos/<stationId>/<photoId>.jpg`, beside the ledger. */
export const PHOTOS_DIR = 'photos'

/** The composition root of the hub: storage, broker, ingest, fleet and API, wired. */
export async function startHub(opts: HubOptions): Promise<HubHandle> {
  const { log, registry } = opts
  if (!opts.tls && !opts.lab)
    throw new RangeError('the hub needs TLS files, or lab mode for plain MQTT and HTTP (issue 10)')
  const now = opts.now ?? Date.now
  mkdirSync(opts.dataDir, { recursive: true })
  // a restore refuses to replace hub.db under a running hub (ejia-backup restore)
  writeHubLock(opts.dataDir, now())
  const stores = await openHubStores(opts.store ?? join(opts.dataDir, LEDGER_FILE), now)
  const { storage } = stores
  if (opts.backup && stores.kind === 'postgres')
    throw new RangeError(
      '--backup-dir backs up hub.db; a hub on PostgreSQL is backed up by the database (pg_dump, docs/SCALING.md)',
    )
  await syncRegistry(storage, registry)

  const metrics = new HubMetrics(HUB_VERSION)
  stores.observeTransactions((seconds, ok) => metrics.observeTransaction(seconds, ok))
  const counters = new Counters()
  const books = new IngestBooks({ storage, counters, log })
  const onRejects = books.onRejects

  const committer = new GroupCommitter(storage, {
    maxCommitEvents: 5000,
    maxQueuedEvents: 200_000,
    onCommit: (events, seconds, ok) => metrics.observeCommit(events, seconds, ok),
  })
  let rosterSync: RosterSync | undefined
  let stationControl: StationControl | undefined
  let ledgerCheck: LedgerCheck | undefined
  const fleet = new Fleet({
    storage,
    counters,
    log: log.child({ name: 'hub:fleet' }),
    now,
    onRejects,
    onHeartbeat: (stationId, hb) => {
      rosterSync?.onHeartbeat(stationId, hb.versions.roster)
      stationControl?.onHeartbeat(stationId, hb)
      void ledgerCheck?.onHeartbeat(stationId, hb)
    },
    ledgerMissing: (stationId) => ledgerCheck?.missing(stationId) ?? null,
  })
  await fleet.load()
  // one set of station logins, for MQTT and for photo uploads over HTTP
  // (a rotated secret from hub.db overrides the registry's: docs/OPERATIONS.md, "Rotating a station's secret")
  let rotation: CredentialRotation | undefined
  const stationAuth = new StationAuth(registry, {
    now,
    onPromoted: (stationId, commandId) => rotation?.onPromoted(stationId, commandId),
  })
  const fleetWatchOpts = { ...DEFAULT_FLEET_WATCH, ...opts.fleetWatch }
  const deniedLogins = new DeniedLogins({ windowMs: fleetWatchOpts.deniedLoginsWindowMs, now })
  const flood = new FloodGuard(
    { ...DEFAULT_BROKER_LIMITS, ...opts.brokerLimits },
    { now, quietMs: fleetWatchOpts.brokerFloodQuietMs },
  )
  const broker = opts.externalBroker
    ? await externalBroker(opts.externalBroker, log)
    : await createEmbeddedBroker({
        auth: stationAuth,
        counters,
        log: log.child({ name: 'hub:broker' }),
        onLoginDenied: (denial) => deniedLogins.record(denial),
        flood,
      })
  const chain = await startChainCheck(stores, counters, log, now)
  const ingest = new EventIngest({
    bus: broker.bus,
    committer,
    chain,
    counters,
    log: log.child({ name: 'hub:ingest' }),
    now,
    onRejects,
    onEventsSeen: (stationId, sentAt, at) => fleet.eventsSeen(stationId, sentAt, at),
  })
  // shared: on an external broker the ingest workers take their part of the events (docs/SCALING.md)
  await broker.bus.subscribe(allStationsFilter('events'), (t, p) => ingest.handle(t, p), { shared: true })
  await broker.bus.subscribe(allStationsFilter('status'), (t, p) => fleet.handleStatus(t, p))
  await broker.bus.subscribe(allStationsFilter('heartbeat'), (t, p) => fleet.handleHeartbeat(t, p))
  // remote config and commands: kiosks' answers, and every desired config retained again
  const controlStore = stores.control
  rotation = new CredentialRotation({
    auth: stationAuth,
    store: stores.credentials,
    control: controlStore,
    log: log.child({ name: 'hub:credentials' }),
    now,
  })
  await rotation.load()
  // revocations in force before the first kiosk can connect
  const revocation = new StationRevocation(
    {
      auth: stationAuth,
      store: stores.revocations,
      disconnect: (id) => broker.disconnectStation(id),
      log: log.child({ name: 'hub:revocation' }),
      now,
    },
    registry.stations.filter((s) => s.revoked === true).map((s) => s.id),
  )
  await revocation.load()
  const control = new StationControl({
    store: controlStore,
    rotation,
    bus: broker.bus,
    counters,
    log: log.child({ name: 'hub:control' }),
    now,
  })
  stationControl = control
  ledgerCheck = new LedgerCheck({ storage, control, log: log.child({ name: 'hub:ledger' }), now })
  await broker.bus.subscribe(allStationsFilter('configState'), (t, p) => control.handleConfigState(t, p))
  await broker.bus.subscribe(allStationsFilter('commandResult'), (t, p) => control.handleCommandResult(t, p))
  await control.republish()
  const mqttPort = opts.lab ? await broker.listen(opts.mqttHost, opts.mqttPort) : 0
  const mqttsPort = opts.tls ? await broker.listenTls(opts.mqttHost, opts.tls.mqttsPort, opts.tls) : null

  const { work } = stores
  const photos = new FilePhotoStore(join(opts.dataDir, PHOTOS_DIR))
  const stats = new WorkStats({
    work,
    photos,
    // a station with events still on its kiosk makes every figure it touches provisional
    places: () =>
      fleet.list().map((s) => ({
        stationId: s.id,
        stationName: s.name,
        townCode: s.townCode,
        townName: s.townName,
        provisional: (s.backlog ?? 0) > 0,
        backlog: s.backlog ?? 0,
        oldestUnsentAgeS: s.oldestUnsentAgeS,
      })),
    districtName: () => registry.district.name,
    now,
  })
  const sync = new RosterSync(
    { work, stats, bus: broker.bus, log: log.child({ name: 'hub:roster' }), now },
    { resendAfterMs: 60_000, studyRefreshMs: 10 * 60_000, ...opts.rosterSync },
  )
  rosterSync = sync
  const { alarms } = stores
  const dutyWatch = new DutyWatch(
    {
      stats,
      alarms,
      kioskOnline: (id) => fleet.get(id)?.status === 'online',
      log: log.child({ name: 'hub:duty' }),
      now,
    },
    opts.dutyWatch,
  )
  dutyWatch.start()
  const fleetWatch = new FleetWatch(
    {
      stations: () => fleet.list(),
      deniedLogins,
      floods: () => flood.recent(),
      alarms,
      log: log.child({ name: 'hub:alarms' }),
      now,
    },
    fleetWatchOpts,
  )
  fleetWatch.start()
  const { operators } = stores
  const accounts = new Accounts(operators, now)
  await firstOperator(operators, accounts, opts, log)
  const backupOpts = opts.backup
  const backups =
    backupOpts &&
    new BackupSchedule(
      {
        backup: () =>
          backupHub({
            ledger: join(opts.dataDir, LEDGER_FILE),
            photosDir: join(opts.dataDir, PHOTOS_DIR),
            backupDir: backupOpts.backupDir,
            hubVersion: HUB_VERSION,
            now,
          }),
        log: log.child({ name: 'hub:backup' }),
        now,
        onResult: (ok, lastAt) => metrics.observeBackup(ok, lastAt),
      },
      backupOpts,
    )
  await backups?.start()
  const startedAt = now()
  const api = await createApi(
    {
      storage,
      work,
      alarms,
      stats,
      fleet,
      counters,
      committer,
      version: HUB_VERSION,
      startedAt,
      now,
      brokerInfo: () => ({ port: mqttPort, tlsPort: mqttsPort, clients: broker.connectedClients() }),
      brokerThrottles: () => flood.byStation(),
      photos,
      stationAuth,
      // kiosks show study hours, plans and the rota: changes reach them on the next heartbeat
      workChanged: () => sync.invalidate(),
      operators,
      accounts,
      ...(opts.secureCookies === undefined ? {} : { secureCookies: opts.secureCookies }),
      metrics,
      metricsPublic: opts.metricsPublic ?? false,
      control,
      controlStore,
      revocation,
      chain,
      integrity: stores.integrity,
      ...(backups ? { backupStatus: () => backups.status() } : {}),
      // HSTS would send a browser to HTTPS on the lab's plain port as well
      ...(opts.tls ? { https: opts.tls, hsts: !opts.lab } : {}),
    },
    log.child({ name: 'hub:http' }),
  )
  const listeners = await listenApi(api, {
    host: opts.httpHost,
    https: opts.tls !== undefined,
    httpsPort: opts.tls?.httpsPort ?? 0,
    plain: opts.lab,
    httpPort: opts.httpPort,
  })
  const { httpPort, httpsPort } = listeners
  log.info(
    { mqttPort, mqttsPort, httpPort, httpsPort, lab: opts.lab, stations: registry.stations.length },
    'hub started',
  )
  if (opts.lab) log.warn('lab mode: plain MQTT and HTTP without TLS, for a lab or a demo only')

  return {
    mqttPort,
    mqttsPort,
    httpPort,
    httpsPort,
    async stop() {
      await listeners.close()
      await backups?.stop()
      await dutyWatch.stop()
      await fleetWatch.stop()
      rotation?.stop()
      await broker.close()
      chain.stop()
      await committer.flush()
      await fleet.stop()
      await books.stop()
      await stores.close()
      removeHubLock(opts.dataDir)
    },
  }
}

/** The hub's side of the district's broker: the MessageBus, and the little of a broker it can answer for. */
async function externalBroker(
  ext: NonNullable<HubOptions['externalBroker']>,
  log: Logger,
): Promise<{
  bus: MessageBus
  listen(host: string, port: number): Promise<number>
  listenTls(host: string, port: number, tls: BrokerTls): Promise<number>
  disconnectStation(stationId: string): boolean
  connectedClients(): number
  close(): Promise<void>
}> {
  const bus = await ExternalBus.connect({
    url: ext.url,
    clientId: ext.clientId ?? `ejia-hub-${process.pid}`,
    shareGroup: ext.shareGroup ?? 'ejia-hub',
    log: log.child({ name: 'hub:bus' }),
    ...(ext.username === undefined ? {} : { username: ext.username }),
    ...(ext.password === undefined ? {} : { password: ext.password }),
  })
  return {
    bus,
    // the kiosks connect to the broker, not to the hub
    listen: async () => 0,
    listenTls: async () => 0,
    // a revoked station is refused by the broker once its ACL file is written again (ejia-config broker-acl)
    disconnectStation: () => false,
    connectedClients: () => 0,
    close: () => bus.close(),
  }
}
