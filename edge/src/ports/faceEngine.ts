import type { Box, Point } from '../domain/face/geometry.js'
import type { RgbImage } from '../domain/face/image.js'
import type { Pose, QualityIssue } from '../domain/face/quality.js'

export type { QualityIssue }

/** A face as the engine saw it in one frame, in frame pixel coordinates. */
export interface ObservedFace {
  box: Box
  /** 68 points, iBUG 300-W order. */
  landmarks: Point[]
  pose: Pose
  /** Mean luminance of the face, 0..255. */
  brightness: number
  /** Variance of the Laplacian of the aligned face. */
  sharpness: number
}

/** Milliseconds per stage, for the benchmark and the logs. */
export interface FaceTimings {
  detect: number
  landmarks: number
  align: number
  embed: number
  liveness: number
  total: number
}

export type FaceAnalysis =
  | {
      ok: true
      face: ObservedFace
      /** L2-normalised embedding of the aligned face. */
      embedding: Float32Array
      /** The liveness model's "real face" probability, when asked for. */
      liveness: number | null
      faces: number
      timings: FaceTimings
    }
  | { ok: false; issue: QualityIssue; face?: ObservedFace; faces: number; timings: FaceTimings }

/**
 * Face detection, landmarks, alignment, embedding and liveness for one frame, with the
 * quality gates in between. Matching against enrolled people is not the engine's job: the
 * gallery does it, with the engine's embeddings. Nothing here keeps an image.
 */
export interface FaceEngine {
  /** Names the models and their hashes; travels with every face check-in. */
  readonly modelVersion: string
  readonly embeddingSize: number
  analyse(frame: RgbImage, opts?: { liveness?: boolean }): Promise<FaceAnalysis>
  /**
   * Every face in a photo of a group, small ones too, for counting who was there: no
   * quality gates, no landmarks, no embeddings. Boxes in frame coordinates, best first.
   */
  detectFaces(frame: RgbImage): Promise<Box[]>
  close(): Promise<void>
}
