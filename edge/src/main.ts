import { join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import { CodedError } from '@ejia/platform'
import type { Logger } from 'pino'
import type { FaceRouteDeps } from './adapters/http/faceRoutes.js'
import { createLocalApi, kioskUiDir } from './adapters/http/localApi.js'
import { MqttUplink } from './adapters/mqtt/mqttUplink.js'
import { SqliteJournal } from './adapters/sqlite/sqliteJournal.js'
import { systemClock } from './adapters/system/systemClock.js'
import { type Agent, startAgent } from './app/agent.js'
import { FaultBoard } from './app/faults.js'
import { toSecurityLevel } from './domain/face/decision.js'
import type { Clock } from './ports/clock.js'
import type { FaceEngine } from './ports/faceEngine.js'
import { AGENT_VERSION } from './version.js'

export interface EdgeOptions {
  log: Logger
  clock?: Clock
  /** Serve the kiosk UI API (default true); fleets of simulated kiosks turn it off. */
  localApi?: boolean
  recordStart?: boolean
}

export interface EdgeHandle {
  agent: Agent
  /** Base URL of the local API, when it runs. */
  localApiUrl?: string
  stop(): Promise<void>
}

export const JOURNAL_FILE = 'journal.db'
export const FACES_FILE = 'faces.db'

/** The composition root: builds the adapters a config names and wires them to the agent. */
export async function startEdge(config: StationConfig, opts: EdgeOptions): Promise<EdgeHandle> {
  const { log } = opts
  const clock = opts.clock ?? systemClock
  const stationId = config.station.id
  const faults = new FaultBoard(clock)
  const journal = await SqliteJournal.open(join(config.dataDir, JOURNAL_FILE), stationId)
  // face models load before the agent starts, so the first heartbeat names them
  const face = config.face.enabled ? await loadFace(config, faults, log) : undefined
  const uplink = new MqttUplink({
    url: config.hub.mqttUrl,
    stationId,
    username: config.hub.username,
    password: config.hub.password,
    reconnectPeriodMs: config.uplink.reconnectPeriodS * 1000,
    log: log.child({ name: 'edge:uplink' }),
    now: clock.now,
  })
  const agent = await startAgent(
    { journal, uplink, clock, faults, log: log.child({ name: 'edge:agent' }) },
    {
      batchMaxEvents: config.uplink.batchMaxEvents,
      maxInFlightBatches: config.uplink.maxInFlightBatches,
      ackTimeoutMs: config.uplink.ackTimeoutS * 1000,
      heartbeatIntervalMs: config.uplink.heartbeatIntervalS * 1000,
      retentionMs: config.journal.retentionDays * 86_400_000,
      versions: {
        agent: AGENT_VERSION,
        config: config.configVersion,
        ...(face && 'engine' in face ? { models: face.engine.modelVersion } : {}),
      },
      ...(opts.recordStart === undefined ? {} : { recordStart: opts.recordStart }),
    },
  )
  const faceRoutes = await startFace(config, face, agent, clock, log)
  const stopFace = async () => {
    if (!('unavailable' in faceRoutes.service)) await faceRoutes.service.close()
  }
  if (opts.localApi === false) {
    return {
      agent,
      async stop() {
        await stopFace()
        await agent.stop()
      },
    }
  }

  const uiDir = kioskUiDir()
  const api = await createLocalApi({
    agent,
    station: { id: stationId, name: config.station.name, townName: config.station.townName },
    log: log.child({ name: 'edge:http' }),
    face: faceRoutes,
    ...(uiDir ? { uiDir } : {}),
  })
  try {
    await api.listen({ host: config.localApi.host, port: config.localApi.port })
  } catch (err) {
    await stopFace()
    await agent.stop()
    throw err
  }
  const address = api.server.address()
  return {
    agent,
    localApiUrl:
      typeof address === 'object' && address ? `http://${config.localApi.host}:${address.port}` : undefined,
    async stop() {
      await api.close()
      await stopFace()
      await agent.stop()
    },
  }
}

type LoadedFace = { engine: FaceEngine } | { unavailable: string }

/**
 * Loads the face models (onnxruntime is imported only here, only when face check-in is
 * on). A failure becomes a fault and a kiosk without face check-in, never a kiosk that
 * does not start: card, QR, PIN and cadres still work.
 */
async function loadFace(config: StationConfig, faults: FaultBoard, log: Logger): Promise<LoadedFace> {
  try {
    if (!config.face.templateKey)
      throw new CodedError('noTemplateKey', 'face.templateKey is not set; provision the station again')
    const [{ OnnxFaceEngine }, { DEFAULT_QUALITY }] = await Promise.all([
      import('./adapters/onnx/onnxFaceEngine.js'),
      import('./domain/face/quality.js'),
    ])
    return {
      engine: await OnnxFaceEngine.load(config.face, {
        ...DEFAULT_QUALITY,
        minFacePx: config.face.minFacePx,
      }),
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'faceFailed'
    faults.set('face', code, (err as Error).message)
    log.error({ err }, 'face check-in is unavailable; other sign-in methods still work')
    return { unavailable: (err as Error).message }
  }
}

async function startFace(
  config: StationConfig,
  face: LoadedFace | undefined,
  agent: Agent,
  clock: Clock,
  log: Logger,
): Promise<FaceRouteDeps> {
  const faceLog = log.child({ name: 'edge:face' })
  if (!face) return { service: { unavailable: 'face check-in is not enabled on this kiosk' }, log: faceLog }
  if ('unavailable' in face) return { service: face, log: faceLog }
  const [{ SqliteTemplateStore }, { FaceService }, cameras] = await Promise.all([
    import('./adapters/sqlite/sqliteTemplateStore.js'),
    import('./app/face/faceService.js'),
    import('./adapters/camera/cameras.js'),
  ])
  const { camera, push } = cameras.createCamera(config.camera)
  const store = await SqliteTemplateStore.open(
    join(config.dataDir, FACES_FILE),
    config.face.templateKey as string,
  )
  const service = await FaceService.start(
    { engine: face.engine, store, camera, record: agent.record, clock, faults: agent.faults, log: faceLog },
    {
      level: toSecurityLevel(config.face.securityLevel),
      votingFrames: config.face.votingFrames,
      challenge: config.face.challenge,
      timeoutMs: config.face.sessionTimeoutS * 1000,
    },
  )
  return { service, log: faceLog, ...(push ? { camera: push } : {}) }
}
