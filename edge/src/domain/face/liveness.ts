import type { Point } from './geometry.js'
import { eyeAspectRatio, poseFrom68 } from './quality.js'

export type Challenge = 'none' | 'blink' | 'turn'

export interface LivenessResult {
  /** The liveness model's mean "real face" probability over the frames, advisory only. */
  score: number | null
  challenge: Challenge
  passed: boolean
}

const EYES_OPEN = 0.24
const EYES_CLOSED = 0.18
const TURN_YAW = 0.18

/**
 * A movement challenge over consecutive frames, from landmarks alone:
 * - blink: eyes seen open, then closed, then open again (eye aspect ratio);
 * - turn: the head turns to one side and comes back to the front (yaw).
 *
 * What it stops: a printed photo or a still image held up to the camera. What it does not
 * stop: a video replay of the person blinking, a good mask with eye holes, or a deepfake on
 * a screen; the model score is a second, advisory opinion. See docs/FACE.md.
 */
export class LivenessChallenge {
  private phase = 0
  private readonly scores: number[] = []

  constructor(readonly challenge: Challenge) {}

  /** Feeds one frame's landmarks and model score; returns true once the challenge is met. */
  observe(landmarks: readonly Point[], modelScore: number | null): boolean {
    if (modelScore !== null) this.scores.push(modelScore)
    if (this.challenge === 'blink') {
      const ear = eyeAspectRatio(landmarks)
      if (this.phase === 0 && ear > EYES_OPEN) this.phase = 1
      else if (this.phase === 1 && ear < EYES_CLOSED) this.phase = 2
      else if (this.phase === 2 && ear > EYES_OPEN) this.phase = 3
    } else if (this.challenge === 'turn') {
      const yaw = Math.abs(poseFrom68(landmarks).yaw)
      if (this.phase === 0 && yaw < TURN_YAW / 2) this.phase = 1
      else if (this.phase === 1 && yaw > TURN_YAW) this.phase = 2
      else if (this.phase === 2 && yaw < TURN_YAW / 2) this.phase = 3
    }
    return this.passed()
  }

  passed(): boolean {
    return this.challenge === 'none' || this.phase === 3
  }

  result(): LivenessResult {
    const score =
      this.scores.length === 0 ? null : this.scores.reduce((a, b) => a + b, 0) / this.scores.length
    return {
      score: score === null ? null : Math.round(score * 1000) / 1000,
      challenge: this.challenge,
      passed: this.passed(),
    }
  }
}
