import type { Box, Point } from '../../domain/face/geometry.js'
import type { RgbImage } from '../../domain/face/image.js'

/**
 * One adapter per model family turns a model's tensors into what the pipeline needs.
 * Another model of a family that is here (a 640×480 UltraFace, an ArcFace R100) needs only
 * a config change; a new family (SCRFD, YuNet, SFace) needs one small adapter like these.
 */
export interface FaceDetector {
  /** The model's input size: a group photo is tiled to a multiple of it. */
  readonly inputSize: { width: number; height: number }
  /** The configured minimum score of a face. */
  readonly threshold: number
  /** Faces in frame coordinates, best first; `minScore` overrides the threshold. */
  detect(img: RgbImage, minScore?: number): Promise<Box[]>
}

export interface LandmarkModel {
  /** The 68 iBUG points in frame coordinates. */
  landmarks(img: RgbImage, face: Box): Promise<Point[]>
}

export interface Embedder {
  readonly size: number
  /**
   * The model input for the face aligned by the 5 points (eyes, nose tip, mouth corners),
   * and the sharpness of that aligned face: the blur gate looks at exactly what the model
   * would see, and no second warp is needed.
   */
  align(img: RgbImage, fivePoints: readonly Point[]): { input: Float32Array; sharpness: number }
  embed(input: Float32Array): Promise<Float32Array>
}

export interface LivenessModel {
  /** Probability (0..1) that the face is a live person in front of the camera. */
  score(img: RgbImage, face: Box): Promise<number>
}
