import { describe, expect, it } from 'vitest'
import {
  ARCFACE_112,
  applyAffine,
  inverseSimilarity,
  nms,
  type Point,
  similarityTransform,
} from './geometry.js'

describe('similarityTransform', () => {
  it('recovers a known rotation, scale and shift, and its inverse maps back', () => {
    const angle = 0.3
    const s = 1.7
    const moved = ARCFACE_112.map(
      ([x, y]): Point => [
        s * (Math.cos(angle) * x - Math.sin(angle) * y) + 40,
        s * (Math.sin(angle) * x + Math.cos(angle) * y) - 12,
      ],
    )
    const t = similarityTransform(ARCFACE_112, moved)
    expect(t[0]).toBeCloseTo(s * Math.cos(angle), 6)
    expect(t[1]).toBeCloseTo(s * Math.sin(angle), 6)
    const back = inverseSimilarity(similarityTransform(moved, ARCFACE_112))
    // the sampling map takes template points to where they are in the moved image
    const p = applyAffine(back, ARCFACE_112[0] as Point)
    expect(p[0]).toBeCloseTo((moved[0] as Point)[0], 5)
    expect(p[1]).toBeCloseTo((moved[0] as Point)[1], 5)
  })

  it('refuses points that all coincide', () => {
    expect(() =>
      similarityTransform(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow(/coincide/)
  })
})

describe('nms', () => {
  it('keeps the best of overlapping boxes and separate faces apart', () => {
    const kept = nms(
      [
        { x1: 0, y1: 0, x2: 10, y2: 10, score: 0.8 },
        { x1: 1, y1: 1, x2: 11, y2: 11, score: 0.9 },
        { x1: 50, y1: 50, x2: 60, y2: 60, score: 0.7 },
      ],
      0.4,
    )
    expect(kept.map((b) => b.score)).toEqual([0.9, 0.7])
  })
})
