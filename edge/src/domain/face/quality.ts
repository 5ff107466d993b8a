import { type Box, boxArea, boxHeight, boxWidth, type Point } from './geometry.js'

/** Why a frame cannot be used; each maps to a prompt the kiosk shows and speaks. */
export type QualityIssue =
  | 'noFace'
  | 'tooSmall'
  | 'tooDark'
  | 'tooBright'
  | 'blurred'
  | 'offAngle'
  | 'severalFaces'
  | 'notLive'

export interface QualityPolicy {
  /** Smallest face side, in frame pixels; below it: "come closer". */
  minFacePx: number
  /** Mean luminance range of the face (0..255). */
  minBrightness: number
  maxBrightness: number
  /** Variance of the Laplacian on the aligned face (on a 0..255 gray scale). */
  minSharpness: number
  /** |yaw| and |pitch| as fractions of the inter-ocular distance; roll in degrees. */
  maxYaw: number
  maxPitch: number
  maxRollDeg: number
  /** A second face at least this fraction of the main face's area means "one at a time". */
  secondFaceAreaRatio: number
}

export const DEFAULT_QUALITY: QualityPolicy = {
  minFacePx: 64,
  minBrightness: 45,
  maxBrightness: 215,
  minSharpness: 35,
  maxYaw: 0.45,
  maxPitch: 0.5,
  maxRollDeg: 25,
  secondFaceAreaRatio: 0.5,
}

export interface Pose {
  /** Nose offset from the eye midline, as a fraction of the inter-ocular distance; + is the person's left. */
  yaw: number
  /** Nose height between the eyes and the mouth: 0 is level, + is looking down. */
  pitch: number
  /** Angle of the eye line, degrees. */
  rollDeg: number
}

/** Head pose from 68 landmarks, by proportions only: no camera model needed for a gate. */
export function poseFrom68(p: readonly Point[]): Pose {
  const [le, re, nose, ml, mr] = [
    avg(p, 36, 41),
    avg(p, 42, 47),
    p[30] as Point,
    p[48] as Point,
    p[54] as Point,
  ]
  const eyeMid: Point = [(le[0] + re[0]) / 2, (le[1] + re[1]) / 2]
  const mouthMid: Point = [(ml[0] + mr[0]) / 2, (ml[1] + mr[1]) / 2]
  const iod = Math.hypot(re[0] - le[0], re[1] - le[1]) || 1
  const rollDeg = (Math.atan2(re[1] - le[1], re[0] - le[0]) * 180) / Math.PI
  // project the nose onto the face's own axes, so roll does not read as yaw
  const ux = (re[0] - le[0]) / iod
  const uy = (re[1] - le[1]) / iod
  const nx = nose[0] - eyeMid[0]
  const ny = nose[1] - eyeMid[1]
  const yaw = (nx * ux + ny * uy) / iod
  const faceLen = Math.hypot(mouthMid[0] - eyeMid[0], mouthMid[1] - eyeMid[1]) || 1
  const along = (-nx * uy + ny * ux) / faceLen
  // on a frontal face the nose tip sits about 55% of the way from eyes to mouth
  return { yaw, pitch: along - 0.55, rollDeg }
}

/**
 * Eye aspect ratio (Soukupová and Čech 2016): eyelid opening over eye width, averaged over
 * both eyes. Around 0.3 open, below about 0.2 closed.
 */
export function eyeAspectRatio(p: readonly Point[]): number {
  const ear = (i: number) => {
    const d = (a: number, b: number) =>
      Math.hypot((p[a] as Point)[0] - (p[b] as Point)[0], (p[a] as Point)[1] - (p[b] as Point)[1])
    return (d(i + 1, i + 5) + d(i + 2, i + 4)) / (2 * d(i, i + 3) || 1)
  }
  return (ear(36) + ear(42)) / 2
}

/** The checks that need only the detector's boxes: cheapest first, before any landmarks. */
export function checkBoxes(faces: readonly Box[], policy: QualityPolicy): QualityIssue | undefined {
  const [main, next] = faces
  if (!main) return 'noFace'
  if (next && boxArea(next) >= policy.secondFaceAreaRatio * boxArea(main)) return 'severalFaces'
  if (Math.min(boxWidth(main), boxHeight(main)) < policy.minFacePx) return 'tooSmall'
  return undefined
}

export function checkBrightness(brightness: number, policy: QualityPolicy): QualityIssue | undefined {
  if (brightness < policy.minBrightness) return 'tooDark'
  if (brightness > policy.maxBrightness) return 'tooBright'
  return undefined
}

export function checkPose(pose: Pose, policy: QualityPolicy): QualityIssue | undefined {
  const off =
    Math.abs(pose.yaw) > policy.maxYaw ||
    Math.abs(pose.pitch) > policy.maxPitch ||
    Math.abs(pose.rollDeg) > policy.maxRollDeg
  return off ? 'offAngle' : undefined
}

export function checkSharpness(sharpness: number, policy: QualityPolicy): QualityIssue | undefined {
  return sharpness < policy.minSharpness ? 'blurred' : undefined
}

function avg(p: readonly Point[], from: number, to: number): Point {
  let x = 0
  let y = 0
  for (let i = from; i <= to; i++) {
    x += (p[i] as Point)[0]
    y += (p[i] as Point)[1]
  }
  const n = to - from + 1
  return [x / n, y / n]
}
