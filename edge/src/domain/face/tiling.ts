import { type Box, boxArea, iou } from './geometry.js'
import type { RgbImage } from './image.js'

/** A rectangle of a frame, in whole pixels. */
export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface TilePlan {
  /** Tile size as a multiple of the detector input: 2 sees faces twice as large as one pass. */
  zoom: number
  /** Share of a tile its neighbour also covers, so a face cut by one tile is whole in the next. */
  overlap: number
}

/**
 * About 2× the detector input with a quarter overlap: a 1600 px group photo becomes 3×3
 * tiles of 640×480 for UltraFace's 320×240, each face seen at 2.5× the size of the
 * whole-image pass, for ten detector runs in all.
 */
export const GROUP_TILES: TilePlan = { zoom: 2, overlap: 0.25 }

/** Offsets of `n` windows of `size` spread evenly over `length`, the last ending at the edge. */
function spans(length: number, size: number, overlap: number): number[] {
  if (length <= size) return [0]
  const step = size * (1 - overlap)
  const n = Math.ceil((length - size) / step) + 1
  return Array.from({ length: n }, (_, i) => Math.round((i * (length - size)) / (n - 1)))
}

/**
 * The tiles a group photo is cut into for detection, row by row. A frame no larger than
 * one tile needs none: the whole-image pass already sees it at full size.
 */
export function planTiles(
  width: number,
  height: number,
  detectorInput: { width: number; height: number },
  plan: TilePlan = GROUP_TILES,
): Rect[] {
  const tw = Math.round(detectorInput.width * plan.zoom)
  const th = Math.round(detectorInput.height * plan.zoom)
  if (width <= tw && height <= th) return []
  const tiles: Rect[] = []
  for (const y of spans(height, th, plan.overlap))
    for (const x of spans(width, tw, plan.overlap))
      tiles.push({ x, y, width: Math.min(tw, width), height: Math.min(th, height) })
  return tiles
}

/** Copies a rectangle out of a frame (the detector takes whole frames). */
export function cropTile(src: RgbImage, r: Rect): RgbImage {
  const data = new Uint8Array(r.width * r.height * 3)
  const row = r.width * 3
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * src.width + r.x) * 3
    data.set(src.data.subarray(from, from + row), y * row)
  }
  return { width: r.width, height: r.height, data }
}

export interface MergeOptions {
  /** Whole-pass score that counts a face on its own: the detector's configured threshold. */
  minScore: number
  /**
   * Whole-pass score that confirms a large tile box. At 1/5 scale a 240 px face of a
   * 1600 px photo may score only 0.5–0.7 in the whole pass while its tile sees it clearly;
   * a torso the tile took for a face scores nothing there (0.32 at most on the samples).
   */
  weakScore: number
  /** Boxes overlapping a kept one by this IoU or more are the same face. */
  iou: number
  /**
   * Boxes lying this much (intersection over the smaller box) inside a kept one are the same
   * face too: a tile and the whole-image pass frame one face differently, and IoU alone
   * would keep the smaller box as a second face.
   */
  containment: number
  /** A tile box this close to a tile edge inside the frame (share of the tile) is cut by it. */
  edgeMargin: number
  /**
   * Nine tiles are nine more chances of a false face, and at 2× zoom a torso or an arm
   * filling a tile can pass for one. So a tile box needs `tileMinScore`, and it counts on
   * its own only when it is upright (UltraFace frames a face taller than wide; the false
   * ones were mostly wide), small (no taller than `tileMaxShare` of its tile: larger faces
   * are the whole pass's to find) and whole (not cut by an inner tile edge). Any other
   * tile box counts only when the whole pass saw a face there too, if weakly.
   */
  tileMinScore: number
  tileMinAspect: number
  tileMaxShare: number
}

/**
 * Measured with the bundled UltraFace-320 (groupPhotos.test.ts, and a sweep kept out of the
 * repo): 1600×1000 photos of 1–16 faces of 150–250 px, 125 of 125 counted exactly; the six
 * sample group photos shrunk into one 1600 px photo, exact down to faces of 45 px (of 72
 * faces of 35–50 px, 69 found; the whole pass alone found 20); the six samples at 800–1600
 * px, no torso or arm counted. Nearby values of each option count the same, except a
 * smaller `tileMaxShare`. `minScore` is the detector's own threshold.
 */
export const DEFAULT_MERGE: Omit<MergeOptions, 'minScore'> = {
  weakScore: 0.45,
  iou: 0.3,
  containment: 0.6,
  edgeMargin: 0.03,
  tileMinScore: 0.85,
  tileMinAspect: 0.95,
  tileMaxShare: 0.5,
}

/** True when the box touches an edge of its tile that is not an edge of the frame. */
function cutByTile(b: Box, t: Rect, frame: { width: number; height: number }, share: number): boolean {
  const mx = t.width * share
  const my = t.height * share
  return (
    (t.x > 0 && b.x1 < t.x + mx) ||
    (t.y > 0 && b.y1 < t.y + my) ||
    (t.x + t.width < frame.width && b.x2 > t.x + t.width - mx) ||
    (t.y + t.height < frame.height && b.y2 > t.y + t.height - my)
  )
}

function sameFace(a: Box, b: Box, opts: MergeOptions): boolean {
  if (iou(a, b) >= opts.iou) return true
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1)
  if (w <= 0 || h <= 0) return false
  return (w * h) / Math.min(boxArea(a), boxArea(b)) >= opts.containment
}

/**
 * One box per face from the whole-image pass (boxes down to `weakScore`) and the tiles
 * (tile coordinates), merged greedily, best score first. A face a tile cuts is whole in a
 * neighbouring tile when it is no larger than the overlap, and the whole pass's otherwise.
 */
export function mergeTileDetections(
  whole: readonly Box[],
  tiles: readonly { tile: Rect; boxes: readonly Box[] }[],
  frame: { width: number; height: number },
  opts: MergeOptions,
): Box[] {
  const seen = whole.filter((b) => b.score >= opts.weakScore)
  const all: Box[] = seen.filter((b) => b.score >= opts.minScore)
  for (const { tile, boxes } of tiles) {
    for (const b of boxes) {
      if (b.score < opts.tileMinScore) continue
      const moved = {
        x1: b.x1 + tile.x,
        y1: b.y1 + tile.y,
        x2: b.x2 + tile.x,
        y2: b.y2 + tile.y,
        score: b.score,
      }
      const h = b.y2 - b.y1
      const alone =
        h >= (b.x2 - b.x1) * opts.tileMinAspect &&
        h <= tile.height * opts.tileMaxShare &&
        !cutByTile(moved, tile, frame, opts.edgeMargin)
      if (alone || seen.some((s) => sameFace(s, moved, opts))) all.push(moved)
    }
  }
  all.sort((p, q) => q.score - p.score)
  const kept: Box[] = []
  for (const b of all) if (kept.every((k) => !sameFace(k, b, opts))) kept.push(b)
  return kept
}
