import type { CheckinBody } from '@ejia/protocol'
import { decide, MatchVoter, SECURITY_LEVELS, type SecurityLevel } from '../../domain/face/decision.js'
import type { RgbImage } from '../../domain/face/image.js'
import { type Challenge, LivenessChallenge, type LivenessResult } from '../../domain/face/liveness.js'
import type { QualityIssue } from '../../domain/face/quality.js'
import type { FaceDeps } from './faceDeps.js'

/** Ways to sign in that never need a face: the kiosk always offers them. */
export const FALLBACKS = ['card', 'qr', 'pin', 'vouch'] as const

/** A face the session accepted, with the evidence the check-in event carries. */
export type FaceMatch = Pick<
  CheckinBody,
  'personId' | 'score' | 'margin' | 'liveness' | 'modelVersion' | 'activityId'
>

/**
 * Signs the recognised person in, by the kiosk's rules: a check-in, or a cadre's duty punch
 * while the kiosk is in duty mode (the same rules as a card; see CredentialSignIn.face).
 */
export type FaceSignIn = (match: FaceMatch) => Promise<FaceSignedIn>

/** What became of an accepted face: an event, or (lookup mode) only who it was. */
export interface FaceSignedIn {
  kind: 'checkin' | 'duty' | 'identified'
  name?: string
  direction?: 'in' | 'out'
  eventId?: string
  seq?: number
}

/** Plain check-ins only, for a kiosk without a sign-in desk (tests, the evaluation). */
export function checkinOnly(record: FaceDeps['record']): FaceSignIn {
  return async (match) => {
    const event = await record('checkin', { ...match, method: 'face' })
    return { kind: 'checkin', eventId: event.id, seq: event.seq }
  }
}

export type SessionUpdate =
  | {
      state: 'looking'
      /** What is wrong with the frame, for the prompt ("请靠近一点"); null while it is fine. */
      issue: QualityIssue | null
      faces: number
      /** The main face in the last frame analysed, in frame pixels, for the preview; null without one. */
      box: { x1: number; y1: number; x2: number; y2: number } | null
      /** Size of the last frame analysed; null before the first. */
      frame: { width: number; height: number } | null
      /** Frames that agreed so far, of those needed. */
      progress: { frames: number; needed: number }
      challenge: { kind: Challenge; passed: boolean }
    }
  | {
      state: 'accepted'
      /** A check-in, a cadre clocking in or out in duty mode, or (lookup) only recognised. */
      kind: 'checkin' | 'duty' | 'identified'
      direction?: 'in' | 'out'
      personId: string
      name?: string
      score: number
      margin: number
      liveness: LivenessResult
      /** The event recorded; absent in lookup mode. */
      eventId?: string
      seq?: number
      /** The match margin has been shrinking: ask the person to enrol again. */
      reenrolSuggested: boolean
    }
  | {
      state: 'failed'
      reason: 'timeout' | 'notRecognised' | 'notLive'
      lastIssue: QualityIssue | null
      fallbacks: typeof FALLBACKS
    }

type SessionBox = { x1: number; y1: number; x2: number; y2: number }

export interface SessionSettings {
  level: SecurityLevel
  votingFrames: number
  challenge: Challenge
  timeoutMs: number
  activityId?: string
}

/** Consecutive good-quality frames of nobody enrolled after which the kiosk says so. */
const STRANGER_FRAMES_EXTRA = 3

/**
 * One person's face check-in, frame by frame: each frame gets quality guidance, a 1:N
 * decision and a vote; after enough consistent frames (and the liveness challenge, when
 * asked for) the check-in is journalled. It ends with a success, or with a reason and the
 * other ways to sign in: never a dead end.
 */
export class CheckInSession {
  private readonly voter: MatchVoter
  private readonly liveness: LivenessChallenge
  private readonly startedAt: number
  private strangerFrames = 0
  private lastIssue: QualityIssue | null = null
  private outcome: SessionUpdate | undefined
  private busy = false
  private seenFaces = 0
  private seen: { box: SessionBox | null; frame: { width: number; height: number } | null } = {
    box: null,
    frame: null,
  }

  constructor(
    private readonly deps: FaceDeps & { signIn: FaceSignIn },
    private readonly settings: SessionSettings,
  ) {
    this.voter = new MatchVoter(settings.votingFrames)
    this.liveness = new LivenessChallenge(settings.challenge)
    this.startedAt = deps.clock.now()
  }

  /** The state without a new frame: a session nobody feeds still times out. */
  status(): SessionUpdate {
    if (this.outcome) return this.outcome
    if (this.timedOut()) return this.finish('timeout')
    return this.looking()
  }

  async onFrame(frame: RgbImage): Promise<SessionUpdate> {
    if (this.outcome) return this.outcome
    if (this.timedOut()) return this.finish('timeout')
    // frames arrive faster than they are analysed: skip, rather than queue, while busy
    if (this.busy) return this.looking()
    this.busy = true
    try {
      return await this.analyse(frame)
    } finally {
      this.busy = false
    }
  }

  private async analyse(frame: RgbImage): Promise<SessionUpdate> {
    const a = await this.deps.engine.analyse(frame, { liveness: true })
    const box = a.face?.box
    this.seen = {
      box: box
        ? { x1: Math.round(box.x1), y1: Math.round(box.y1), x2: Math.round(box.x2), y2: Math.round(box.y2) }
        : null,
      frame: { width: frame.width, height: frame.height },
    }
    if (!a.ok) {
      this.lastIssue = a.issue
      this.voter.reset()
      return this.looking(a.faces)
    }
    this.lastIssue = null
    this.liveness.observe(a.face.landmarks, a.liveness)
    const decision = decide(this.deps.gallery.search(a.embedding), this.settings.level)
    if (decision.kind === 'stranger') {
      this.strangerFrames++
      if (this.strangerFrames >= this.settings.votingFrames + STRANGER_FRAMES_EXTRA)
        return this.finish('notRecognised')
    } else {
      this.strangerFrames = 0
    }
    const accepted = this.voter.add(decision)
    if (!accepted || !this.liveness.passed()) return this.looking(a.faces)

    const liveness = this.liveness.result()
    const body = {
      personId: accepted.personId,
      score: round(Math.max(0, accepted.score)),
      margin: round(accepted.margin),
      liveness,
      modelVersion: this.deps.engine.modelVersion,
      ...(this.settings.activityId ? { activityId: this.settings.activityId } : {}),
    } satisfies FaceMatch
    const event = await this.deps.signIn(body)
    const stats = await this.deps.store.recordMatch(accepted.personId, accepted.margin, this.deps.clock.now())
    const floor = SECURITY_LEVELS[this.settings.level].margin * 1.5
    const shrinking =
      stats.checkins > 3 &&
      stats.marginRecent !== null &&
      (stats.marginRecent < floor ||
        (stats.marginBaseline !== null && stats.marginRecent < stats.marginBaseline * 0.5))
    this.outcome = {
      state: 'accepted',
      kind: event.kind,
      ...(event.direction ? { direction: event.direction } : {}),
      personId: accepted.personId,
      ...(event.name ? { name: event.name } : {}),
      score: body.score,
      margin: body.margin,
      liveness,
      ...(event.eventId ? { eventId: event.eventId, seq: event.seq } : {}),
      reenrolSuggested: shrinking,
    }
    return this.outcome
  }

  /** The update while looking; without a new analysis, what the last frame showed. */
  private looking(faces = this.seenFaces): SessionUpdate {
    this.seenFaces = faces
    const progress = this.voter.progress()
    return {
      state: 'looking',
      issue: this.lastIssue,
      faces,
      box: this.seen.box,
      frame: this.seen.frame,
      progress: { frames: progress.frames, needed: this.voter.needed },
      challenge: { kind: this.settings.challenge, passed: this.liveness.passed() },
    }
  }

  private finish(reason: 'timeout' | 'notRecognised' | 'notLive'): SessionUpdate {
    const why =
      reason === 'timeout' && !this.liveness.passed() && this.voter.progress().frames > 0 ? 'notLive' : reason
    this.outcome = { state: 'failed', reason: why, lastIssue: this.lastIssue, fallbacks: FALLBACKS }
    return this.outcome
  }

  private timedOut(): boolean {
    return this.deps.clock.now() - this.startedAt > this.settings.timeoutMs
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000
