import type { Box, FaceIssue, FaceLooking, FaceUpdate, ProbeResult, SignInOutcome } from '../src/api/types.js'
import type { FakeConfig } from './fakeConfig.js'
import { FakeRefusal } from './fakeKiosk.js'

/** How the next face sessions end: set with POST /__fake/face. */
export type FaceScript =
  | { outcome: 'accept'; personId: string }
  | { outcome: 'notRecognised' }
  | { outcome: 'notLive' }
  | { outcome: 'timeout' }
  /** Stays looking, the face in the box and the vote under way: for screenshots. */
  | { outcome: 'hold' }

export const FACE_SCRIPTS = ['accept', 'notRecognised', 'notLive', 'timeout', 'hold'] as const

type Size = { width: number; height: number }
/** The vote the real session needs (edge config `votingFrames`, 3 by default). */
const NEEDED = 3
const FALLBACKS = ['card', 'qr', 'pin', 'vouch'] as const

interface Session {
  startedAt: number
  frames: number
  activityId?: string
  frame: Size | null
  update: FaceUpdate
  lastIssue: FaceIssue | null
}

/** A face in the middle of the frame, a little above centre, as a person stands at the kiosk. */
function faceBox(f: Size, near: boolean): Box {
  const w = f.width * (near ? 0.3 : 0.13)
  const h = w * 1.25
  const cx = f.width / 2
  const top = f.height * (near ? 0.18 : 0.3)
  return {
    x1: Math.round(cx - w / 2),
    y1: Math.round(top),
    x2: Math.round(cx + w / 2),
    y2: Math.round(top + h),
  }
}

/**
 * A scripted face session with the shapes of edge/src/app/face/checkInSession.ts: the first
 * steps are a face too far away ("请靠近一点"), then a good face with the vote filling up, then
 * the scripted end. Each step lasts `framesPerStep` camera frames, so the UI must really send
 * frames for the session to move, and the box is in the pixels of the frames it sent.
 */
export class FakeFace {
  enabled = true
  script: FaceScript
  readonly consents = new Map<string, boolean>()
  readonly enrolled = new Set<string>()
  private session: Session | undefined
  private last = ''

  constructor(
    private readonly deps: {
      config: FakeConfig
      now: () => number
      signIn: (personId: string, activityId: string | undefined, score: number) => SignInOutcome
      emit: (u: FaceUpdate) => void
    },
  ) {
    this.script = { outcome: 'accept', personId: `${deps.config.station.id}-m001` }
  }

  info() {
    return this.enabled
      ? {
          enabled: true,
          modelVersion: this.deps.config.modelVersion,
          enrolled: this.enrolled.size,
          retentionDays: 365,
        }
      : { enabled: false, reason: 'face check-in is off in this kiosk config (fake)' }
  }

  /** Throws the agent's 503 when face check-in is off. */
  require(): this {
    if (!this.enabled) throw new FakeRefusal(503, 'faceUnavailable', 'face check-in is off (fake)')
    return this
  }

  start(activityId: string | undefined): FaceUpdate {
    this.last = ''
    this.session = {
      startedAt: this.deps.now(),
      frames: 0,
      ...(activityId ? { activityId } : {}),
      frame: null,
      lastIssue: null,
      update: this.looking(null, 0, null, null, 0),
    }
    return this.notify(this.session.update)
  }

  status(): FaceUpdate | undefined {
    const s = this.session
    if (!s) return undefined
    if (s.update.state === 'looking' && this.deps.now() - s.startedAt > this.deps.config.faceTimeoutMs)
      this.finish(s, 'timeout')
    return this.notify(s.update)
  }

  cancel(): void {
    this.session = undefined
  }

  /** One camera frame from the UI (POST /api/camera/frame): the session takes its next step. */
  frame(size: Size): void {
    const s = this.session
    if (s?.update.state !== 'looking') return
    if (this.deps.now() - s.startedAt > this.deps.config.faceTimeoutMs) {
      this.finish(s, 'timeout')
      this.notify(s.update)
      return
    }
    s.frames++
    s.frame = size
    const step = Math.floor((s.frames - 1) / this.deps.config.framesPerStep)
    const script = this.script
    if (step === 0) {
      // too far away first, so the guidance shows before anything else
      s.lastIssue = script.outcome === 'timeout' ? 'noFace' : 'tooSmall'
      s.update =
        script.outcome === 'timeout'
          ? this.looking('noFace', 0, null, size, 0)
          : this.looking('tooSmall', 1, faceBox(size, false), size, 0)
    } else if (script.outcome === 'timeout') {
      s.lastIssue = step === 1 ? 'noFace' : 'offAngle'
      s.update = this.looking(s.lastIssue, 1, faceBox(size, true), size, 0)
      if (step >= 3) this.finish(s, 'timeout')
    } else if (step < NEEDED) {
      const agreed = script.outcome === 'notRecognised' ? 0 : step
      s.update = this.looking(null, 1, faceBox(size, true), size, agreed)
    } else if (script.outcome === 'hold') {
      s.update = this.looking(null, 1, faceBox(size, true), size, 1)
    } else if (script.outcome === 'accept') {
      this.accept(s, script.personId)
    } else {
      this.finish(s, script.outcome)
    }
    this.notify(s.update)
  }

  /** POST /api/camera/probe: a face, well placed, in whatever frame was sent. */
  probe(size: Size): ProbeResult & { frame: Size } {
    return { faces: 1, box: faceBox(size, true), issue: null, frame: size }
  }

  private accept(s: Session, personId: string): void {
    const score = 0.62
    const o = this.deps.signIn(personId, s.activityId, score)
    if (o.kind === 'unknown') throw new Error('a recognised face cannot be unknown')
    s.update = {
      state: 'accepted',
      kind: o.kind,
      ...(o.kind === 'duty' ? { direction: o.direction } : {}),
      personId,
      ...(o.name ? { name: o.name } : {}),
      score,
      margin: 0.21,
      liveness: { score: 0.97, challenge: 'none', passed: true },
      ...(o.kind === 'identified'
        ? {}
        : { eventId: o.eventId, ...(o.seq === undefined ? {} : { seq: o.seq }) }),
      reenrolSuggested: false,
    }
  }

  private finish(s: Session, reason: 'timeout' | 'notRecognised' | 'notLive'): void {
    s.update = { state: 'failed', reason, lastIssue: s.lastIssue, fallbacks: [...FALLBACKS] }
  }

  private looking(
    issue: FaceIssue | null,
    faces: number,
    box: Box | null,
    frame: Size | null,
    frames: number,
  ): FaceLooking {
    return {
      state: 'looking',
      issue,
      faces,
      box,
      frame,
      progress: { frames, needed: NEEDED },
      challenge: { kind: 'none', passed: false },
    }
  }

  /** Tells the stream of an update unless it repeats the last one (edge faceService.ts notify). */
  private notify(u: FaceUpdate): FaceUpdate {
    const json = JSON.stringify(u)
    if (json !== this.last) {
      this.last = json
      this.deps.emit(u)
    }
    return u
  }
}

/** Width and height from a JPEG's frame header or a PNG's IHDR; null when it is neither. */
export function imageSize(b: Buffer): Size | null {
  if (b.length > 24 && b.readUInt32BE(0) === 0x89504e47)
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  let i = 2
  while (i + 9 < b.length && b[i] === 0xff) {
    const marker = b[i + 1] as number
    // SOF0…SOF15 carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) }
    i += 2 + b.readUInt16BE(i + 2)
  }
  return null
}
