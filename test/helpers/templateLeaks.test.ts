import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { findTemplateLeaks, type Secrets } from './templateLeaks.js'

/** A 512-float unit vector like an ArcFace template, from a seed. */
function template(seed: number): Float32Array {
  let s = seed
  const v = Float32Array.from({ length: 512 }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31 - 0.5
  })
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

const t = template(7)
const sealed = randomBytes(2048 + 28)
const secrets: Secrets = {
  vectors: [{ name: 'amy', vector: t }],
  blobs: [{ name: 'amy sealed', bytes: sealed }],
}
const bytesOf = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength)
/** What a kiosk sends anyway: an event batch, with a face check-in's numbers, and binary noise. */
const innocent = () =>
  Buffer.concat([
    randomBytes(4000),
    Buffer.from(
      JSON.stringify({
        events: [
          {
            id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
            type: 'checkin',
            body: {
              personId: 'amy',
              method: 'face',
              score: 0.7521,
              margin: 0.4113,
              liveness: { score: 0.93 },
            },
          },
          {
            type: 'face.deleted',
            body: { sealedSha256: 'ab'.repeat(32), enrolledAt: '2026-11-25T01:00:00.000Z' },
          },
        ],
      }),
    ),
    randomBytes(4000),
  ])
const withLeak = (leak: string | Buffer) =>
  Buffer.concat([innocent(), typeof leak === 'string' ? Buffer.from(leak) : leak, innocent()])
const forms = (hay: Buffer) => findTemplateLeaks(hay, secrets).map((l) => l.form)

describe('finding a template in captured bytes', () => {
  it('finds nothing in what a kiosk sends anyway', () => {
    expect(findTemplateLeaks(innocent(), secrets)).toEqual([])
  })

  it('finds four floats of it, as bytes in any order or width', () => {
    expect(forms(withLeak(bytesOf(t.subarray(100, 104))))).toEqual(['bytes'])
    expect(findTemplateLeaks(withLeak(bytesOf(t)), secrets)[0]).toMatchObject({ what: 'amy (float32)' })
    const f64 = Buffer.from(Float64Array.from(t.subarray(10, 12)).buffer)
    expect(findTemplateLeaks(withLeak(f64), secrets)[0]).toMatchObject({ what: 'amy (float64)' })
    const be = Buffer.from(bytesOf(t.subarray(8, 12)))
    for (let i = 0; i < 16; i += 4) be.subarray(i, i + 4).reverse()
    expect(findTemplateLeaks(withLeak(be), secrets)[0]).toMatchObject({ what: 'amy (float32, big-endian)' })
  })

  it('finds it in base64 at any alignment, and URL-safe, and in hex', () => {
    for (const start of [0, 1, 2, 3, 37]) {
      const chunk = bytesOf(t).subarray(start, start + 40)
      expect(forms(withLeak(`{"x":"${chunk.toString('base64')}"}`)), `offset ${start}`).toEqual(['base64'])
      expect(forms(withLeak(`{"x":"${chunk.toString('base64url')}"}`)), `offset ${start}`).toEqual(['base64'])
      expect(forms(withLeak(`{"x":"${chunk.toString('hex')}"}`)), `offset ${start}`).toContain('hex')
    }
  })

  it('finds its values printed as numbers, in full or rounded, and any long array of numbers', () => {
    const slice = Array.from(t.subarray(200, 210))
    expect(forms(withLeak(JSON.stringify({ v: slice })))).toEqual(['numbers'])
    expect(forms(withLeak(slice.map((x) => x.toFixed(4)).join(' ')))).toEqual(['numbers'])
    expect(forms(withLeak(slice.map((x) => x.toFixed(3)).join(';')))).toEqual(['numbers'])
    // someone else's embedding, or ours re-normalised: still a vector that must not travel
    const other = Array.from(template(99).subarray(0, 128))
    expect(forms(withLeak(JSON.stringify({ embedding: other })))).toEqual(['vector'])
  })

  it('finds the sealed row of faces.db, raw or encoded', () => {
    expect(findTemplateLeaks(withLeak(sealed.subarray(500, 540)), secrets)).toEqual([
      expect.objectContaining({ form: 'bytes', what: 'amy sealed' }),
    ])
    expect(forms(withLeak(sealed.toString('base64')))).toContain('base64')
  })
})
