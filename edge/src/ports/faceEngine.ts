import type { Frame } from './camera.js'

export interface FaceBox {
  x: number
  y: number
  width: number
  height: number
  score: number
}

/** Why a frame cannot be used, in words the kiosk UI turns into guidance. */
export type QualityIssue =
  | 'noFace'
  | 'tooSmall'
  | 'tooDark'
  | 'tooBright'
  | 'blurred'
  | 'offAngle'
  | 'severalFaces'
  | 'notLive'

export type FaceProbe =
  | { ok: true; box: FaceBox; embedding: Float32Array }
  | { ok: false; issue: QualityIssue; box?: FaceBox }

export type FaceMatch =
  | { decision: 'match'; personId: string; score: number; margin: number }
  | { decision: 'stranger'; bestScore: number }

/**
 * Face detection, embedding and 1:N search. Templates never leave the kiosk; the gallery
 * holds them encrypted at rest and deletes them on request.
 */
export interface FaceEngine {
  readonly modelVersion: string
  probe(frame: Frame): Promise<FaceProbe>
  identify(embedding: Float32Array): FaceMatch
  enrol(personId: string, embedding: Float32Array): Promise<void>
  forget(personId: string): Promise<boolean>
}
