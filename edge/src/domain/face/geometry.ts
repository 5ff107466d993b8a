import type { Affine } from './image.js'

export type Point = readonly [x: number, y: number]

export interface Box {
  x1: number
  y1: number
  x2: number
  y2: number
  score: number
}

export const boxWidth = (b: Box): number => b.x2 - b.x1
export const boxHeight = (b: Box): number => b.y2 - b.y1
export const boxArea = (b: Box): number => Math.max(0, boxWidth(b)) * Math.max(0, boxHeight(b))

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1)
  if (w <= 0 || h <= 0) return 0
  const inter = w * h
  return inter / (boxArea(a) + boxArea(b) - inter)
}

/** Greedy non-maximum suppression: best score first, drop boxes overlapping a kept one. */
export function nms(boxes: readonly Box[], iouThreshold: number): Box[] {
  const sorted = [...boxes].sort((p, q) => q.score - p.score)
  const kept: Box[] = []
  for (const b of sorted) if (kept.every((k) => iou(k, b) < iouThreshold)) kept.push(b)
  return kept
}

/**
 * The ArcFace alignment template: where the eyes, nose tip and mouth corners sit in a
 * 112×112 face crop (insightface, `arcface_dst`).
 */
export const ARCFACE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
]

/**
 * The 5 alignment points from the 68-point (iBUG 300-W) layout: eye centres from the four
 * eyelid points, the nose tip (30), and mouth corners averaged over outer and inner lips.
 */
export function fivePointsFrom68(p: readonly Point[]): Point[] {
  const mean = (...ix: number[]): Point => {
    let x = 0
    let y = 0
    for (const i of ix) {
      x += (p[i] as Point)[0]
      y += (p[i] as Point)[1]
    }
    return [x / ix.length, y / ix.length]
  }
  return [mean(37, 38, 40, 41), mean(43, 44, 46, 47), p[30] as Point, mean(48, 60), mean(54, 64)]
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) taking `src`
 * onto `dst` (Umeyama 1991, without reflection). Returns [a, b, tx, ty] for
 * x' = a·x − b·y + tx, y' = b·x + a·y + ty.
 */
export function similarityTransform(
  src: readonly Point[],
  dst: readonly Point[],
): [number, number, number, number] {
  const n = src.length
  let mx = 0
  let my = 0
  let ux = 0
  let uy = 0
  for (let i = 0; i < n; i++) {
    mx += (src[i] as Point)[0]
    my += (src[i] as Point)[1]
    ux += (dst[i] as Point)[0]
    uy += (dst[i] as Point)[1]
  }
  mx /= n
  my /= n
  ux /= n
  uy /= n
  let var_ = 0
  let dotP = 0
  let cross = 0
  for (let i = 0; i < n; i++) {
    const x = (src[i] as Point)[0] - mx
    const y = (src[i] as Point)[1] - my
    const u = (dst[i] as Point)[0] - ux
    const v = (dst[i] as Point)[1] - uy
    var_ += x * x + y * y
    dotP += x * u + y * v
    cross += x * v - y * u
  }
  if (var_ === 0) throw new RangeError('alignment points coincide')
  const a = dotP / var_
  const b = cross / var_
  return [a, b, ux - (a * mx - b * my), uy - (b * mx + a * my)]
}

/** The inverse of a similarity transform, as an output→source sampling map. */
export function inverseSimilarity([a, b, tx, ty]: readonly [number, number, number, number]): Affine {
  const det = a * a + b * b
  // source = R⁻¹ (dst − t), R = [[a, −b], [b, a]]
  return [a / det, b / det, -(a * tx + b * ty) / det, -b / det, a / det, (b * tx - a * ty) / det]
}

/** Applies an affine map to a point. */
export function applyAffine([a, b, c, d, e, f]: Affine, [x, y]: Point): Point {
  return [a * x + b * y + c, d * x + e * y + f]
}
