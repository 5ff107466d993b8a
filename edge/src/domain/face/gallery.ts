import { DOT_PRODUCT_WASM_BASE64 } from './dotProductWasm.js'

export interface GalleryHit {
  personId: string
  score: number
}

export interface SearchResult {
  best: GalleryHit | null
  second: GalleryHit | null
}

interface DotProductExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  scores(q: number, g: number, n: number, d: number, out: number): void
}

// The few WebAssembly APIs used here, typed locally: Node has them, but the Node typings
// leave them to TypeScript's DOM library, which the agent does not load.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

const PAGE = 65536
let wasmModule: object | undefined

/** L2-normalised copy, so that a dot product is the cosine similarity. */
export function normalise(v: Float32Array): Float32Array {
  let n = 0
  for (const x of v) n += x * x
  const out = new Float32Array(v.length)
  if (n === 0) return out
  const inv = 1 / Math.sqrt(n)
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * inv
  return out
}

/** The normalised mean of several embeddings of one person: their template. */
export function meanTemplate(vs: readonly Float32Array[]): Float32Array {
  const first = vs[0]
  if (!first) throw new RangeError('a template needs at least one embedding')
  const out = new Float32Array(first.length)
  for (const v of vs) for (let i = 0; i < v.length; i++) out[i] = (out[i] as number) + (v[i] as number)
  return normalise(out)
}

/** Cosine similarity of two vectors of the same length. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number
    const y = b[i] as number
    dot += x * y
    na += x * x
    nb += y * y
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb)
}

/**
 * The 1:N search gallery: every template, L2-normalised, in one contiguous Float32Array
 * that lives in WebAssembly memory, scored against a probe with SIMD dot products
 * (dotProduct.wat). 10,000 templates of 512 floats take well under a millisecond.
 *
 * Memory layout, in floats: the probe [0, dim), the scores [dim, dim + capacity), then
 * the templates, one row of `dim` per person.
 */
export class FaceGallery {
  private readonly wasm: DotProductExports
  private capacity: number
  private readonly ids: string[] = []
  private readonly rows = new Map<string, number>()

  constructor(
    readonly dim = 512,
    initialCapacity = 256,
  ) {
    if (dim % 8 !== 0) throw new RangeError(`template length ${dim} is not a multiple of 8`)
    wasmModule ??= new wasmApi.Module(Buffer.from(DOT_PRODUCT_WASM_BASE64, 'base64'))
    this.wasm = new wasmApi.Instance(wasmModule).exports as DotProductExports
    this.capacity = 0
    this.reserve(Math.max(1, initialCapacity))
  }

  get size(): number {
    return this.ids.length
  }

  has(personId: string): boolean {
    return this.rows.has(personId)
  }

  /** Adds or replaces a person's template. */
  upsert(personId: string, template: Float32Array): void {
    if (template.length !== this.dim)
      throw new RangeError(`template has ${template.length} values, expected ${this.dim}`)
    let row = this.rows.get(personId)
    if (row === undefined) {
      if (this.ids.length === this.capacity) this.reserve(this.capacity * 2)
      row = this.ids.length
      this.ids.push(personId)
      this.rows.set(personId, row)
    }
    this.view().set(normalise(template), this.templatesAt() + row * this.dim)
  }

  /** Removes a person; the last row moves into the hole, so the block stays contiguous. */
  remove(personId: string): boolean {
    const row = this.rows.get(personId)
    if (row === undefined) return false
    const last = this.ids.length - 1
    const f = this.view()
    const base = this.templatesAt()
    if (row !== last) {
      const moved = this.ids[last] as string
      f.copyWithin(base + row * this.dim, base + last * this.dim, base + (last + 1) * this.dim)
      this.ids[row] = moved
      this.rows.set(moved, row)
    }
    f.fill(0, base + last * this.dim, base + (last + 1) * this.dim)
    this.ids.pop()
    this.rows.delete(personId)
    return true
  }

  /** The two most similar people (cosine), optionally leaving one person out. */
  search(probe: Float32Array, exclude?: string): SearchResult {
    if (probe.length !== this.dim)
      throw new RangeError(`probe has ${probe.length} values, expected ${this.dim}`)
    const n = this.ids.length
    if (n === 0) return { best: null, second: null }
    const f = this.view()
    f.set(normalise(probe), 0)
    this.wasm.scores(0, this.templatesAt() * 4, n, this.dim, this.dim * 4)
    const skip = exclude === undefined ? -1 : (this.rows.get(exclude) ?? -1)
    let bi = -1
    let si = -1
    let best = Number.NEGATIVE_INFINITY
    let second = Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      if (i === skip) continue
      const s = f[this.dim + i] as number
      if (s > best) {
        second = best
        si = bi
        best = s
        bi = i
      } else if (s > second) {
        second = s
        si = i
      }
    }
    const hit = (i: number, score: number): GalleryHit | null =>
      i < 0 ? null : { personId: this.ids[i] as string, score }
    return { best: hit(bi, best), second: hit(si, second) }
  }

  private templatesAt(): number {
    return this.dim + this.capacity
  }

  private view(): Float32Array {
    return new Float32Array(this.wasm.memory.buffer)
  }

  private reserve(capacity: number): void {
    const needBytes = (this.dim + capacity + capacity * this.dim) * 4
    const have = this.wasm.memory.buffer.byteLength
    if (needBytes > have) this.wasm.memory.grow(Math.ceil((needBytes - have) / PAGE))
    const f = this.view()
    const oldBase = this.dim + this.capacity
    const newBase = this.dim + capacity
    // the scores area grew, so the templates move up (copyWithin handles the overlap)
    if (this.ids.length > 0) f.copyWithin(newBase, oldBase, oldBase + this.ids.length * this.dim)
    this.capacity = capacity
  }
}
