import { describe, expect, it } from 'vitest'
import type { Box } from './geometry.js'
import {
  cropTile,
  DEFAULT_MERGE,
  type MergeOptions,
  mergeTileDetections,
  planTiles,
  type Rect,
} from './tiling.js'

const ULTRAFACE = { width: 320, height: 240 }
const opts: MergeOptions = { ...DEFAULT_MERGE, minScore: 0.7 }
const box = (x1: number, y1: number, w: number, h: number, score = 0.99): Box => ({
  x1,
  y1,
  x2: x1 + w,
  y2: y1 + h,
  score,
})

describe('planTiles', () => {
  it('cuts a 1600×1000 photo into 3×3 tiles of twice the detector input, overlapping by a quarter or more', () => {
    const tiles = planTiles(1600, 1000, ULTRAFACE)
    expect(tiles).toHaveLength(9)
    expect(new Set(tiles.map((t) => `${t.width}×${t.height}`))).toEqual(new Set(['640×480']))
    expect([...new Set(tiles.map((t) => t.x))]).toEqual([0, 480, 960])
    expect([...new Set(tiles.map((t) => t.y))]).toEqual([0, 260, 520])
    // the last row and column end at the edge
    expect(Math.max(...tiles.map((t) => t.x + t.width))).toBe(1600)
    expect(Math.max(...tiles.map((t) => t.y + t.height))).toBe(1000)
  })

  it('covers every pixel, with neighbours sharing at least the overlap', () => {
    for (const [w, h] of [
      [1600, 1200],
      [1200, 1600],
      [1000, 700],
      [1601, 481],
    ] as const) {
      const tiles = planTiles(w, h, ULTRAFACE)
      for (const [x, y] of [
        [0, 0],
        [w - 1, h - 1],
        [Math.floor(w / 2), Math.floor(h / 3)],
        [w - 1, 0],
      ] as const) {
        expect(tiles.some((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height)).toBe(true)
      }
      const xs = [...new Set(tiles.map((t) => t.x))]
      for (let i = 1; i < xs.length; i++)
        expect((xs[i - 1] as number) + 640 - (xs[i] as number)).toBeGreaterThanOrEqual(160)
    }
  })

  it('needs no tiles for a frame the whole pass sees at full size, and clips tiles to a narrow frame', () => {
    expect(planTiles(640, 480, ULTRAFACE)).toEqual([])
    expect(planTiles(320, 240, ULTRAFACE)).toEqual([])
    const strip = planTiles(1600, 300, ULTRAFACE)
    expect(strip.map((t) => [t.x, t.y, t.width, t.height])).toEqual([
      [0, 0, 640, 300],
      [480, 0, 640, 300],
      [960, 0, 640, 300],
    ])
  })
})

describe('cropTile', () => {
  it('copies the pixels of the rectangle, row by row', () => {
    const width = 5
    const height = 4
    const data = new Uint8Array(width * height * 3)
    for (let i = 0; i < width * height; i++) data.set([i, 100 + i, 200 - i], i * 3)
    const tile = cropTile({ width, height, data }, { x: 1, y: 2, width: 3, height: 2 })
    expect(tile.width).toBe(3)
    expect(tile.height).toBe(2)
    // pixel (1,2) is number 11, pixel (3,3) is number 18
    expect(Array.from(tile.data.subarray(0, 3))).toEqual([11, 111, 189])
    expect(Array.from(tile.data.subarray(15, 18))).toEqual([18, 118, 182])
  })
})

describe('mergeTileDetections', () => {
  const frame = { width: 1600, height: 1000 }
  const tile = (x: number, y: number): Rect => ({ x, y, width: 640, height: 480 })

  it('adds the small faces only the tiles see, in frame coordinates', () => {
    const whole = [box(100, 100, 200, 240)]
    const merged = mergeTileDetections(
      whole,
      [{ tile: tile(480, 260), boxes: [box(200, 150, 50, 60)] }],
      frame,
      opts,
    )
    expect(merged).toHaveLength(2)
    expect(merged).toContainEqual(box(680, 410, 50, 60))
  })

  it('counts a face seen by the whole pass and by two overlapping tiles once', () => {
    const whole = [box(700, 300, 60, 72, 0.9)]
    const merged = mergeTileDetections(
      whole,
      [
        { tile: tile(480, 0), boxes: [box(222, 302, 56, 70, 0.99)] },
        { tile: tile(480, 260), boxes: [box(218, 38, 62, 76, 0.97)] },
      ],
      frame,
      opts,
    )
    expect(merged).toHaveLength(1)
    expect(merged[0]?.score).toBe(0.99)
  })

  it('treats a box lying inside a larger one as the same face', () => {
    // a tile frames the face tighter than the whole pass: IoU is low, containment is high
    const merged = mergeTileDetections(
      [box(700, 300, 120, 150)],
      [{ tile: tile(480, 260), boxes: [box(250, 70, 50, 60)] }],
      frame,
      opts,
    )
    expect(merged).toHaveLength(1)
  })

  it('drops a face a tile cuts at an inner edge, unless the whole pass saw it', () => {
    // 6 px from the tile's left edge, which is inside the frame
    const cut = { tile: tile(480, 260), boxes: [box(6, 100, 50, 60)] }
    expect(mergeTileDetections([], [cut], frame, opts)).toEqual([])
    // the same box at the frame's own edge is whole
    expect(
      mergeTileDetections([], [{ tile: tile(0, 260), boxes: [box(6, 100, 50, 60)] }], frame, opts),
    ).toHaveLength(1)
    // a weak whole-pass face at the same place confirms it
    const weak = [box(484, 358, 54, 64, 0.5)]
    expect(mergeTileDetections(weak, [cut], frame, opts)).toEqual([box(486, 360, 50, 60)])
  })

  it('keeps tile boxes that are wide, large or unsure out, unless the whole pass agrees', () => {
    const t = tile(480, 260)
    const wide = box(100, 100, 170, 110, 0.97)
    const large = box(100, 100, 220, 400, 0.99)
    const unsure = box(100, 100, 50, 60, 0.8)
    expect(mergeTileDetections([], [{ tile: t, boxes: [wide, large, unsure] }], frame, opts)).toEqual([])
    const agree = [box(585, 365, 210, 390, 0.55)]
    expect(mergeTileDetections(agree, [{ tile: t, boxes: [large] }], frame, opts)).toEqual([
      box(580, 360, 220, 400, 0.99),
    ])
    // the whole pass alone at 0.55 does not count: it only confirms
    expect(mergeTileDetections(agree, [], frame, opts)).toEqual([])
  })

  it('never lets a whole-pass box below weakScore confirm anything', () => {
    const t = tile(480, 260)
    const large = box(100, 100, 220, 400, 0.99)
    const tooWeak = [box(585, 365, 210, 390, 0.3)]
    expect(mergeTileDetections(tooWeak, [{ tile: t, boxes: [large] }], frame, opts)).toEqual([])
  })

  it('keeps two faces side by side apart', () => {
    const merged = mergeTileDetections(
      [],
      [{ tile: tile(0, 0), boxes: [box(100, 100, 60, 72), box(162, 104, 58, 70), box(224, 98, 60, 74)] }],
      frame,
      opts,
    )
    expect(merged).toHaveLength(3)
  })
})
