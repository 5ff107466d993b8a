import { join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import { CodedError } from '@ejia/platform'
import type { Logger } from 'pino'
import type { FaceRouteDeps } from '../adapters/http/faceRoutes.js'
import type { Agent } from '../app/agent.js'
import type { FaceSignIn } from '../app/face/checkInSession.js'
import type { RosterInForce } from '../app/face/faceRetention.js'
import type { FaultBoard } from '../app/faults.js'
import { toSecurityLevel } from '../domain/face/decision.js'
import type { Clock } from '../ports/clock.js'
import type { FaceEngine } from '../ports/faceEngine.js'

export const FACES_FILE = 'faces.db'

export type LoadedFace = { engine: FaceEngine } | { unavailable: string }

/**
 * Loads the face models (onnxruntime is imported only here, only when face check-in is
 * on). A failure becomes a fault and a kiosk without face check-in, never a kiosk that
 * does not start: card, QR, PIN and cadres still work.
 */
export async function loadFace(config: StationConfig, faults: FaultBoard, log: Logger): Promise<LoadedFace> {
  try {
    if (!config.face.templateKey)
      throw new CodedError('noTemplateKey', 'face.templateKey is not set; provision the station again')
    const [{ OnnxFaceEngine }, { DEFAULT_QUALITY }] = await Promise.all([
      import('../adapters/onnx/onnxFaceEngine.js'),
      import('../domain/face/quality.js'),
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

export async function startFace(
  config: StationConfig,
  face: LoadedFace | undefined,
  agent: Agent,
  clock: Clock,
  log: Logger,
  signIn?: FaceSignIn,
  roster?: RosterInForce,
): Promise<FaceRouteDeps> {
  const faceLog = log.child({ name: 'edge:face' })
  if (!face) return { service: { unavailable: 'face check-in is not enabled on this kiosk' }, log: faceLog }
  if ('unavailable' in face) return { service: face, log: faceLog }
  const [{ SqliteTemplateStore }, { FaceService }, cameras] = await Promise.all([
    import('../adapters/sqlite/sqliteTemplateStore.js'),
    import('../app/face/faceService.js'),
    import('../adapters/camera/cameras.js'),
  ])
  const { camera, push } = cameras.createCamera(config.camera)
  let store: Awaited<ReturnType<typeof SqliteTemplateStore.open>> | undefined
  try {
    store = await SqliteTemplateStore.open(
      join(config.dataDir, FACES_FILE),
      config.face.templateKey as string,
    )
    const service = await FaceService.start(
      {
        engine: face.engine,
        store,
        camera,
        record: agent.record,
        ...(signIn ? { signIn } : {}),
        ...(roster ? { roster } : {}),
        clock,
        faults: agent.faults,
        log: faceLog,
      },
      {
        level: toSecurityLevel(config.face.securityLevel),
        votingFrames: config.face.votingFrames,
        challenge: config.face.challenge,
        timeoutMs: config.face.sessionTimeoutS * 1000,
        retention: { days: config.face.retentionDays, stationId: config.station.id },
      },
    )
    return { service, log: faceLog, ...(push ? { camera: push } : {}) }
  } catch (err) {
    // faces.db this agent cannot open (a wrong key, a tampered row, a newer schema after a
    // rolled-back upgrade) is a fault and a kiosk without face check-in, as a missing model is
    const code = (err as { code?: string }).code ?? 'faceFailed'
    agent.faults.set('face', code, (err as Error).message)
    faceLog.error({ err }, 'face check-in is unavailable; other sign-in methods still work')
    // the engine stays open: evidence photos still count faces with it
    await store?.close().catch(() => undefined)
    return { service: { unavailable: (err as Error).message }, log: faceLog }
  }
}
