/**
 * Looks for face templates in bytes captured on the wire (issue 10: templates never leave the
 * kiosk). A template is found in any of the forms code could send it in: its float32 bytes
 * (little- or big-endian) or as float64, those bytes in base64 (plain or URL-safe) or hex, its
 * values printed as decimal numbers (full precision or rounded to 3 decimals or more), any JSON
 * array of 64 numbers or more (an embedding, whoever's), and the sealed rows of faces.db.
 * A leak of 4 consecutive floats (16 bytes) is enough to be found.
 */

export type LeakForm = 'bytes' | 'base64' | 'hex' | 'numbers' | 'vector'

export interface Leak {
  form: LeakForm
  /** Which secret, by the name it was given, and in which encoding of its bytes. */
  what: string
  /** Offset in the haystack (of the text run, for decoded forms). */
  at: number
}

export interface Secrets {
  /** Templates and embeddings, by name. */
  vectors: { name: string; vector: Float32Array }[]
  /** Other byte strings that must not leave either (the sealed rows of faces.db). */
  blobs?: { name: string; bytes: Buffer }[]
}

/** Bytes compared at a time: 4 float32 values. */
const WINDOW = 16
/** Consecutive template values that must be found printed in a row. */
const NUMBER_RUN = 8
/** Rounding to 3 decimals still matches. */
const NUMBER_TOLERANCE = 5.1e-4
const MIN_VECTOR = 64

interface Window {
  what: string
  bytes: Buffer
}

/** Every 16-byte window, at each 4-byte step, of every byte form of every secret; keyed by its first 4 bytes. */
function windowIndex(secrets: Secrets): Map<number, Window[]> {
  const forms: { what: string; bytes: Buffer }[] = []
  for (const { name, vector } of secrets.vectors) {
    const le = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
    const be = Buffer.from(le)
    for (let i = 0; i < be.length; i += 4) be.subarray(i, i + 4).reverse()
    const f64 = Buffer.from(Float64Array.from(vector).buffer)
    forms.push(
      { what: `${name} (float32)`, bytes: le },
      { what: `${name} (float32, big-endian)`, bytes: be },
      { what: `${name} (float64)`, bytes: f64 },
    )
  }
  for (const { name, bytes } of secrets.blobs ?? []) forms.push({ what: name, bytes })
  const index = new Map<number, Window[]>()
  for (const f of forms) {
    for (let i = 0; i + WINDOW <= f.bytes.length; i += 4) {
      const bytes = f.bytes.subarray(i, i + WINDOW)
      const key = bytes.readUInt32LE(0)
      const list = index.get(key) ?? []
      list.push({ what: f.what, bytes })
      index.set(key, list)
    }
  }
  return index
}

function findBytes(hay: Buffer, index: Map<number, Window[]>): { what: string; at: number } | undefined {
  for (let p = 0; p + WINDOW <= hay.length; p++) {
    const candidates = index.get(hay.readUInt32LE(p))
    if (!candidates) continue
    for (const c of candidates)
      if (hay.compare(c.bytes, 0, WINDOW, p, p + WINDOW) === 0) return { what: c.what, at: p }
  }
  return undefined
}

/** Runs of text that could be base64 (plain or URL-safe) or hex, long enough to hold a window. */
function textRuns(text: string, pattern: RegExp): { run: string; at: number }[] {
  return [...text.matchAll(pattern)].map((m) => ({ run: m[0], at: m.index }))
}

function findNumbers(text: string, vectors: Secrets['vectors']): { what: string; at: number }[] {
  const numbers = [...text.matchAll(/-?\d+\.\d+(?:[eE][-+]?\d+)?|-?\d(?:\.\d+)?[eE][-+]?\d+/g)].map((m) => ({
    value: Number(m[0]),
    at: m.index,
  }))
  const found: { what: string; at: number }[] = []
  for (const { name, vector } of vectors) {
    search: for (let j = 0; j + NUMBER_RUN <= numbers.length; j++) {
      for (let i = 0; i + NUMBER_RUN <= vector.length; i++) {
        let k = 0
        while (
          k < NUMBER_RUN &&
          Math.abs((numbers[j + k]?.value ?? Number.NaN) - (vector[i + k] as number)) <= NUMBER_TOLERANCE
        )
          k++
        if (k === NUMBER_RUN) {
          found.push({ what: `${name} (values ${i}–${i + NUMBER_RUN - 1})`, at: numbers[j]?.at ?? 0 })
          break search
        }
      }
    }
  }
  return found
}

/** Every way `secrets` show up in `hay`; empty when none does. */
export function findTemplateLeaks(hay: Buffer, secrets: Secrets): Leak[] {
  const index = windowIndex(secrets)
  const leaks: Leak[] = []
  const raw = findBytes(hay, index)
  if (raw) leaks.push({ form: 'bytes', ...raw })
  const text = hay.toString('latin1')
  // base64: each of the 4 alignments a window's bytes can start at within the text
  for (const { run, at } of textRuns(text, /[A-Za-z0-9+/_-]{22,}/g)) {
    for (let k = 0; k < 4; k++) {
      const hit = findBytes(Buffer.from(run.slice(k), 'base64'), index)
      if (hit) {
        leaks.push({ form: 'base64', what: hit.what, at })
        break
      }
    }
  }
  for (const { run, at } of textRuns(text, /[0-9a-fA-F]{32,}/g)) {
    for (let k = 0; k < 2; k++) {
      const even = run.slice(k, k + ((run.length - k) & ~1))
      const hit = findBytes(Buffer.from(even, 'hex'), index)
      if (hit) {
        leaks.push({ form: 'hex', what: hit.what, at })
        break
      }
    }
  }
  for (const hit of findNumbers(text, secrets.vectors)) leaks.push({ form: 'numbers', ...hit })
  const number = String.raw`\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*`
  for (const m of text.matchAll(new RegExp(String.raw`\[(?:${number},){${MIN_VECTOR - 1},}${number}\]`, 'g')))
    leaks.push({ form: 'vector', what: `an array of ${m[0].split(',').length} numbers`, at: m.index })
  return leaks
}
