import { join } from 'node:path'
import { ConfigError, caSha256, plainTransportProblems, type StationConfig } from '@ejia/firmware-config'
import { isStorageFailure } from '@ejia/platform'
import type { JournalKey } from '@ejia/protocol/chain'
import type { Logger } from 'pino'
import { DiskReserve } from './adapters/files/diskReserve.js'
import { loadJournalKey } from './adapters/files/journalKeyFile.js'
import { createLocalApi, kioskUiDir } from './adapters/http/localApi.js'
import { MqttUplink, readUplinkTls } from './adapters/mqtt/mqttUplink.js'
import { SqliteJournal } from './adapters/sqlite/sqliteJournal.js'
import { SqliteRoster } from './adapters/sqlite/sqliteRoster.js'
import { diskSpaceOf } from './adapters/system/diskSpace.js'
import { systemClock } from './adapters/system/systemClock.js'
import { type Agent, type ControlHandlers, startAgent } from './app/agent.js'
import { forgetFaceCommand } from './app/face/forgetCommand.js'
import { FaultBoard } from './app/faults.js'
import { RESERVE_FAULT } from './app/journalBound.js'
import type { RemoteControl } from './app/remoteControl.js'
import type { RotationHooks, UplinkLogin } from './composition/credentials.js'
import { startDevices } from './composition/devices.js'
import { loadFace, startFace } from './composition/face.js'
import { startPhotos } from './composition/photos.js'
import { type EdgeRun, supervise } from './composition/supervisor.js'
import { agentUpgrades } from './composition/upgrades.js'
import type { Clock } from './ports/clock.js'
import { AGENT_VERSION } from './version.js'

export interface EdgeOptions {
  log: Logger
  clock?: Clock
  /** Serve the kiosk UI API (default true); fleets of simulated kiosks turn it off. */
  localApi?: boolean
  recordStart?: boolean
  /**
   * The station config file `config` was read from: `rotateCredentials` writes the new
   * secret there (keeping the old in `<file>.prev`). Without it the command is refused.
   */
  configFile?: string
  /** How long a secret rotation waits to log in with the new secret (default 60 s). */
  rotationTimeoutMs?: number
  /** Pause points inside a rotation, for tests that stop the kiosk there. */
  rotationHooks?: RotationHooks
}

export interface EdgeHandle {
  /** The agent running now: a remote config or `restartAgent` restarts it in-process. */
  readonly agent: Agent
  /** Base URL of the local API, when it runs; the same across restarts, undefined while one is under way. */
  readonly localApiUrl?: string
  /** Remote config and commands from the hub (docs/OPERATIONS.md, "Remote config and commands"). */
  readonly remote: RemoteControl<StationConfig>
  stop(): Promise<void>
}

export const JOURNAL_FILE = 'journal.db'
/** Space kept in reserve on the data disk, given up to open the journal on a full disk. */
export const RESERVE_FILE = 'disk-reserve'
const RESERVE_BYTES = 1024 * 1024
/** The station's Ed25519 journal key (PKCS#8 PEM, mode 0600): made here, never sent. */
export const JOURNAL_KEY_FILE = 'journal-key.pem'
export const ROSTER_FILE = 'roster.db'

/**
 * Starts the kiosk on its provisioned config with the hub's remote settings over it
 * (`<dataDir>/remote-settings.json`), and restarts it in-process when they change.
 */
export async function startEdge(config: StationConfig, opts: EdgeOptions): Promise<EdgeHandle> {
  // a config made in code meets the file's rule: plain MQTT or HTTP only with hub.allowPlain (issue 10)
  const plain = plainTransportProblems(config.hub)
  if (plain.length > 0) throw new ConfigError('station config', plain)
  let localApiUrl = (): string | undefined => undefined
  const upgrades = agentUpgrades(config, { log: opts.log, localApiUrl: () => localApiUrl() })
  const supervised = await supervise(
    config,
    { ...opts, upgradeAgent: (id, args) => upgrades.upgradeAgent(id, args) },
    (effective, control, login) => runEdge(effective, opts, control, login),
  )
  localApiUrl = () => supervised.run.localApiUrl
  const stopOutcomes = upgrades.reportOutcomes(supervised.remote)
  return {
    get agent() {
      return supervised.run.agent
    },
    get localApiUrl() {
      // none while the agent restarts in-process (a config applied, restartAgent)
      return (supervised.run as EdgeRun | undefined)?.localApiUrl
    },
    remote: supervised.remote,
    stop: () => {
      stopOutcomes()
      return supervised.stop()
    },
  }
}

/** The CA certificate's SHA-256, as the enrolment sheet prints it; the uplink reports a bad one. */
function caFingerprint(ca: Buffer, log: Logger): string | undefined {
  try {
    return caSha256(ca.toString('utf8'))
  } catch (err) {
    log.warn({ err }, 'hub.tls caFile is not a certificate; the enrolment sheet cannot be checked against it')
    return undefined
  }
}

/** The composition root: builds the adapters a config names and wires them to the agent. */
async function runEdge(
  config: StationConfig,
  opts: EdgeOptions,
  control: ControlHandlers,
  login: UplinkLogin,
): Promise<EdgeRun> {
  const { log } = opts
  const clock = opts.clock ?? systemClock
  const stationId = config.station.id
  const faults = new FaultBoard(clock)
  // read first: a missing certificate stops the start before anything is opened
  const tls = config.hub.tls ? readUplinkTls(config.hub.tls) : undefined
  const journalKey = await loadJournalKey(join(config.dataDir, JOURNAL_KEY_FILE))
  const reserve = new DiskReserve(join(config.dataDir, RESERVE_FILE), RESERVE_BYTES)
  const journal = await openJournal(config, journalKey, reserve, faults, log)
  if (journal.tailRefused !== undefined) {
    log.error(
      { seq: journal.tailRefused },
      'the newest journal event is not what this station signed (the file was edited); the next event starts a new chain',
    )
  }
  // without a roster file, the kiosk holds the hub's roster for its station
  const replica =
    config.roster.file === '' ? await SqliteRoster.open(join(config.dataDir, ROSTER_FILE)) : undefined
  // face models load before the agent starts, so the first heartbeat names them
  const face = config.face.enabled ? await loadFace(config, faults, log) : undefined
  const uplink = new MqttUplink({
    url: config.hub.mqttUrl,
    stationId,
    username: config.hub.username,
    password: config.hub.password,
    ...(login.alternatePassword === undefined ? {} : { alternatePassword: login.alternatePassword }),
    onLogin: login.onLogin,
    reconnectPeriodMs: config.uplink.reconnectPeriodS * 1000,
    ...(tls ? { tls } : {}),
    log: log.child({ name: 'edge:uplink' }),
    now: clock.now,
  })
  const agent = await startAgent(
    {
      journal,
      uplink,
      clock,
      faults,
      log: log.child({ name: 'edge:agent' }),
      ...(replica ? { roster: replica } : {}),
      diskSpace: diskSpaceOf(config.dataDir),
      reserve,
      control,
    },
    {
      batchMaxEvents: config.uplink.batchMaxEvents,
      maxInFlightBatches: config.uplink.maxInFlightBatches,
      ackTimeoutMs: config.uplink.ackTimeoutS * 1000,
      heartbeatIntervalMs: config.uplink.heartbeatIntervalS * 1000,
      retentionMs: config.journal.retentionDays * 86_400_000,
      journalBound: {
        maxBytes: config.journal.maxBytes,
        diskWarnFreeBytes: config.journal.diskWarnFreeBytes,
      },
      versions: {
        agent: AGENT_VERSION,
        config: config.configVersion,
        ...(face && 'engine' in face ? { models: face.engine.modelVersion } : {}),
      },
      ...(opts.recordStart === undefined ? {} : { recordStart: opts.recordStart }),
    },
  )
  const caHash = tls ? caFingerprint(tls.ca, log) : undefined
  const installed = { stationId, hub: config.hub.mqttUrl, ...(caHash ? { caSha256: caHash } : {}) }
  const devices = await startDevices(config, {
    agent,
    journal,
    clock,
    log,
    installed,
    ...(replica ? { replica } : {}),
  })
  // a recognised face signs in by the same rules as a card: duty mode clocks a cadre; face
  // retention checks templates against the roster, once the hub has sent one
  const faceRoutes = await startFace(
    config,
    face,
    agent,
    clock,
    log,
    (match) => devices.signIn.face(match),
    () => (replica?.syncedVersion === 0 ? undefined : devices.roster()),
  )
  const forgetFace =
    'unavailable' in faceRoutes.service ? {} : { forgetFace: forgetFaceCommand(faceRoutes.service.enrolment) }
  const stopInputs = async () => {
    await devices.stop()
    if (!('unavailable' in faceRoutes.service)) await faceRoutes.service.close()
  }
  if (opts.localApi === false) {
    return {
      agent,
      ...forgetFace,
      async stop() {
        await stopInputs()
        await agent.stop()
        await replica?.close()
      },
    }
  }

  // photos come in through the local API only; simulated fleets without it hold no photos.db
  const photos = await startPhotos(config, {
    agent,
    engine: face && 'engine' in face ? face.engine : undefined,
    clock,
    log,
  })
  const uiDir = kioskUiDir()
  const api = await createLocalApi({
    agent,
    journal,
    clock,
    station: { id: stationId, name: config.station.name, townName: config.station.townName },
    uiSettings: { ui: config.ui, duty: config.duty, activity: config.activity },
    log: log.child({ name: 'edge:http' }),
    face: faceRoutes,
    photos: {
      service: photos.service,
      retentionDays: config.photos.retentionDays,
      log: log.child({ name: 'edge:photos' }),
    },
    devices,
    ...(uiDir ? { uiDir } : {}),
  })
  try {
    await api.listen({ host: config.localApi.host, port: config.localApi.port })
  } catch (err) {
    await photos.stop()
    await stopInputs()
    await agent.stop()
    await replica?.close()
    throw err
  }
  const address = api.server.address()
  return {
    agent,
    ...forgetFace,
    localApiUrl:
      typeof address === 'object' && address ? `http://${config.localApi.host}:${address.port}` : undefined,
    async stop() {
      await api.close()
      // before the face service, which closes the engine the photos count faces with
      await photos.stop()
      await stopInputs()
      await agent.stop()
      await replica?.close()
    },
  }
}

/**
 * The journal, opened on a full disk too: SQLite needs room for its `-wal` and `-shm`
 * files, so when the disk has none the reserve goes, the kiosk starts and says why in its
 * heartbeat (a `diskReserve` fault, then `disk` and the hub's `diskLow`), and records into
 * the freed space. The reserve is made at start when it is missing, and again by the
 * journal bound once the disk is above its floor.
 */
async function openJournal(
  config: StationConfig,
  key: JournalKey,
  reserve: DiskReserve,
  faults: FaultBoard,
  log: Logger,
): Promise<SqliteJournal> {
  const file = join(config.dataDir, JOURNAL_FILE)
  await reserve.ensure().catch((err: unknown) => log.warn({ err }, 'could not make the disk reserve'))
  try {
    return await SqliteJournal.open(file, config.station.id, key)
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause
    if (!(isStorageFailure(err) || isStorageFailure(cause)) || !(await reserve.release())) throw err
    const message = `the data disk was too full to open the journal: gave up ${RESERVE_BYTES} bytes of reserve`
    log.error({ err }, message)
    faults.set(RESERVE_FAULT, 'reserveUsed', message)
    return SqliteJournal.open(file, config.station.id, key)
  }
}
