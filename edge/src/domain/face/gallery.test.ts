import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import wabtInit from 'wabt'
import { DOT_PRODUCT_WASM_BASE64 } from './dotProductWasm.js'
import { FaceGallery, normalise } from './gallery.js'

const DIM = 64
function randomVector(seed: number): Float32Array {
  let s = seed
  return Float32Array.from({ length: DIM }, () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648 - 0.5
  })
}
const cosine = (a: Float32Array, b: Float32Array) => {
  // a plain loop, the reference the SIMD search must agree with
  const x = normalise(a)
  const y = normalise(b)
  return x.reduce((n, v, i) => n + v * (y[i] as number), 0)
}

describe('FaceGallery', () => {
  it('finds the best and second best by cosine, exactly as a plain loop does', () => {
    const g = new FaceGallery(DIM, 2) // small capacity: forces growth and relayout
    const people = Array.from({ length: 50 }, (_, i) => randomVector(i + 1))
    for (const [i, v] of people.entries()) g.upsert(`p${i}`, v)
    const probe = randomVector(1000)
    const expected = people
      .map((v, i) => ({ personId: `p${i}`, score: cosine(probe, v) }))
      .sort((a, b) => b.score - a.score)
    const r = g.search(probe)
    expect(r.best?.personId).toBe(expected[0]?.personId)
    expect(r.second?.personId).toBe(expected[1]?.personId)
    expect(r.best?.score).toBeCloseTo(expected[0]!.score, 5)
    expect(g.search(people[7]!).best).toMatchObject({ personId: 'p7' })
    expect(g.search(people[7]!.map((v) => v * 3)).best?.score).toBeCloseTo(1, 5)
  })

  it('replaces, removes (keeping the rest findable) and can leave one person out', () => {
    const g = new FaceGallery(DIM)
    const vs = [randomVector(1), randomVector(2), randomVector(3)]
    for (const [i, v] of vs.entries()) g.upsert(`p${i}`, v)
    expect(g.remove('p0')).toBe(true)
    expect(g.remove('p0')).toBe(false)
    expect(g.size).toBe(2)
    expect(g.search(vs[2]!).best?.personId).toBe('p2') // p2 moved into p0's row
    expect(g.search(vs[2]!, 'p2').best?.personId).toBe('p1')
    g.upsert('p1', vs[2]!)
    expect(g.search(vs[2]!, 'p2').best?.score).toBeCloseTo(1, 5)
    expect(new FaceGallery(DIM).search(vs[0]!)).toEqual({ best: null, second: null })
  })

  it('refuses templates of the wrong length', () => {
    expect(() => new FaceGallery(DIM).upsert('x', new Float32Array(10))).toThrow(/10 values, expected 64/)
  })

  it('ships the WebAssembly that dotProduct.wat compiles to (run `npm run wasm` after editing it)', async () => {
    const wabt = await wabtInit()
    const wat = readFileSync(new URL('dotProduct.wat', import.meta.url), 'utf8')
    const { buffer } = wabt.parseWat('dotProduct.wat', wat, { simd: true }).toBinary({})
    expect(Buffer.from(buffer).toString('base64')).toBe(DOT_PRODUCT_WASM_BASE64)
  })
})
