import type { Logger } from 'pino'
import type { SecurityLevel } from '../../domain/face/decision.js'
import { FaceGallery } from '../../domain/face/gallery.js'
import type { Challenge } from '../../domain/face/liveness.js'
import type { Camera } from '../../ports/camera.js'
import type { Clock } from '../../ports/clock.js'
import type { FaceEngine } from '../../ports/faceEngine.js'
import type { TemplateStore } from '../../ports/templateStore.js'
import type { FaultBoard } from '../faults.js'
import type { RecordEvent } from '../recordEvent.js'
import { CheckInSession, checkinOnly, type FaceSignIn, type SessionUpdate } from './checkInSession.js'
import { FaceEnrolment } from './enrolment.js'
import { FaceRetention, type RetentionSettings, type RosterInForce } from './faceRetention.js'

export interface FaceSettings {
  level: SecurityLevel
  votingFrames: number
  challenge: Challenge | 'auto'
  timeoutMs: number
  /** Deletes unused templates and those of people off the roster; none when left out. */
  retention?: RetentionSettings
}

const CAMERA_RETRY_MS = 1000

/**
 * Face check-in on the kiosk: the gallery loaded from the encrypted store, one check-in
 * session at a time fed by the camera, and enrolment. Built only when face check-in is
 * configured; the kiosk works without it.
 */
export class FaceService {
  readonly enrolment: FaceEnrolment
  readonly retention: FaceRetention | undefined
  private session: CheckInSession | undefined
  private looping = false
  private readonly listeners: ((u: SessionUpdate) => void)[] = []
  private last = ''

  private constructor(
    private readonly deps: {
      engine: FaceEngine
      store: TemplateStore
      camera?: Camera | undefined
      record: RecordEvent
      /** How a recognised face is signed in; plain check-ins when absent. */
      signIn?: FaceSignIn
      /** The roster the retention rules check templates against. */
      roster?: RosterInForce
      clock: Clock
      faults: FaultBoard
      log: Logger
    },
    private readonly settings: FaceSettings,
    readonly gallery: FaceGallery,
  ) {
    this.enrolment = new FaceEnrolment({ ...deps, gallery, level: settings.level })
    this.retention =
      settings.retention &&
      new FaceRetention(
        { ...deps, enrolment: this.enrolment, log: deps.log.child({ name: 'edge:face:retention' }) },
        settings.retention,
      )
  }

  static async start(deps: FaceService['deps'], settings: FaceSettings): Promise<FaceService> {
    const gallery = new FaceGallery(deps.engine.embeddingSize)
    const { templates, stale } = await deps.store.load(deps.engine.modelVersion)
    for (const t of templates) gallery.upsert(t.personId, t.template)
    if (stale > 0) {
      deps.faults.set(
        'face',
        'staleTemplates',
        `${stale} people were enrolled with other face models and must enrol again`,
      )
    }
    deps.log.info({ enrolled: gallery.size, stale, models: deps.engine.modelVersion }, 'face check-in ready')
    if (deps.camera) await deps.camera.open()
    const service = new FaceService(deps, settings, gallery)
    service.retention?.start()
    return service
  }

  get modelVersion(): string {
    return this.deps.engine.modelVersion
  }

  /** face.retentionDays, when the retention rules run here. */
  get retentionDays(): number | undefined {
    return this.settings.retention?.days
  }

  /** Starts a check-in (replacing one in progress) and, with a camera, feeds it frames. */
  startCheckIn(activityId?: string): SessionUpdate {
    const { level, votingFrames, timeoutMs } = this.settings
    const challenge =
      this.settings.challenge === 'auto' ? (level >= 4 ? 'blink' : 'none') : this.settings.challenge
    this.session = new CheckInSession(
      { ...this.deps, gallery: this.gallery, signIn: this.deps.signIn ?? checkinOnly(this.deps.record) },
      { level, votingFrames, challenge, timeoutMs, ...(activityId ? { activityId } : {}) },
    )
    if (this.deps.camera && !this.looping) void this.cameraLoop()
    this.last = ''
    return this.notify(this.session.status())
  }

  /** Every change of the session in progress, for the UI's stream. */
  onUpdate(listener: (u: SessionUpdate) => void): void {
    this.listeners.push(listener)
  }

  status(): SessionUpdate | undefined {
    return this.session?.status()
  }

  /** Feeds a frame to the session in progress (tests, and cameras without a loop). */
  async frame(frame: Parameters<CheckInSession['onFrame']>[0]): Promise<SessionUpdate | undefined> {
    const update = await this.session?.onFrame(frame)
    return update && this.notify(update)
  }

  /** The camera test on the admin screen: what the engine sees in one frame; nothing recorded. */
  async probe(frame: Parameters<CheckInSession['onFrame']>[0]): Promise<{
    faces: number
    box: { x1: number; y1: number; x2: number; y2: number } | null
    issue: string | null
    frame: { width: number; height: number }
  }> {
    const a = await this.deps.engine.analyse(frame, { liveness: false })
    const b = a.face?.box
    return {
      faces: a.faces,
      box: b
        ? { x1: Math.round(b.x1), y1: Math.round(b.y1), x2: Math.round(b.x2), y2: Math.round(b.y2) }
        : null,
      issue: a.ok ? null : a.issue,
      frame: { width: frame.width, height: frame.height },
    }
  }

  cancel(): void {
    this.session = undefined
  }

  async close(): Promise<void> {
    this.session = undefined
    await this.retention?.stop()
    await this.deps.camera?.close()
    await this.deps.engine.close()
    await this.deps.store.close()
  }

  /** Tells listeners of an update unless it repeats the last one. */
  private notify(update: SessionUpdate): SessionUpdate {
    const json = JSON.stringify(update)
    if (json !== this.last) {
      this.last = json
      for (const l of this.listeners) l(update)
    }
    return update
  }

  private async cameraLoop(): Promise<void> {
    const camera = this.deps.camera
    if (!camera) return
    this.looping = true
    try {
      while (this.session && this.session.status().state === 'looking') {
        const session = this.session
        try {
          const frame = await camera.capture()
          this.deps.faults.clear('camera')
          this.notify(await session.onFrame(frame))
        } catch (err) {
          // a session cancelled or ended while waiting for a frame is not a camera fault
          if (this.session !== session || session.status().state !== 'looking') break
          this.deps.faults.set(
            'camera',
            (err as { code?: string }).code ?? 'captureFailed',
            (err as Error).message,
          )
          await new Promise((r) => setTimeout(r, CAMERA_RETRY_MS))
        }
      }
    } finally {
      this.looping = false
    }
  }
}
