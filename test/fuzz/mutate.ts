import fc from 'fast-check'
import { hostileJson, PROTO_WORDS } from './hostile.js'

/**
 * Mutations of valid documents: the inputs nearest to real ones, which get past the first
 * checks and reach the code behind them. A mutation is data (where, what), so fast-check
 * can shrink it and print it.
 */

type Key = string | number
type Path = Key[]

export type JsonMutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'addKey'; at: number; key: string; value: unknown }
  | { op: 'duplicate'; at: number }
  | { op: 'wrap'; at: number }

export const jsonMutation = (): fc.Arbitrary<JsonMutation> =>
  fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileJson(2) }),
    fc.record({
      op: fc.constant('addKey' as const),
      at: fc.nat(),
      key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...PROTO_WORDS)),
      value: hostileJson(1),
    }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }),
  )

/** Every path in a JSON value, the root first. */
export function jsonPaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix]
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...jsonPaths(v, [...prefix, i]))
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]))
  return out
}

/** A mutated copy; `at` picks the path, modulo how many there are. */
export function applyJsonMutations(value: unknown, mutations: readonly JsonMutation[]): unknown {
  let doc = structuredClone(value)
  for (const m of mutations) doc = applyOne(doc, m)
  return doc
}

function applyOne(doc: unknown, m: JsonMutation): unknown {
  const all = jsonPaths(doc)
  const path = all[m.at % all.length] as Path
  const target = get(doc, path)
  switch (m.op) {
    case 'delete':
      return path.length === 0 ? undefined : remove(doc, path)
    case 'replace':
      return set(doc, path, m.value)
    case 'addKey':
      if (target !== null && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      return doc
    case 'duplicate':
      if (Array.isArray(target) && target.length > 0) target.push(structuredClone(target[0]))
      return doc
    case 'wrap':
      return set(doc, path, [target])
  }
}

function get(doc: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<Key, unknown>)[k], doc)
}

function set(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value
  const parent = get(doc, path.slice(0, -1)) as Record<Key, unknown>
  Object.defineProperty(parent, path.at(-1) as Key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
  return doc
}

function remove(doc: unknown, path: Path): unknown {
  const parent = get(doc, path.slice(0, -1))
  const key = path.at(-1) as Key
  if (Array.isArray(parent)) parent.splice(key as number, 1)
  else delete (parent as Record<Key, unknown>)[key]
  return doc
}

export type TextMutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'cut'; at: number; length: number }
  | { op: 'number'; at: number; literal: string }

/** Numbers JSON allows but JavaScript reads oddly: past the double range, below it, past 2^53. */
const ODD_LITERALS = ['1e999', '-1e999', '1E400', '1e-400', '-0', '9007199254740993', '1.0', '0.1e1', '1e2']

export const textMutation = (): fc.Arbitrary<TextMutation> =>
  fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
    fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
    fc.record({
      op: fc.constant('number' as const),
      at: fc.nat(),
      literal: fc.constantFrom(...ODD_LITERALS),
    }),
  )

/** Byte-level damage to a text: what a flaky link or a bad editor does to a file. */
export function applyTextMutations(bytes: Uint8Array, mutations: readonly TextMutation[]): Buffer {
  let b = Buffer.from(bytes)
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1)
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[at % b.length] = m.byte
        break
      case 'truncate':
        b = b.subarray(0, at)
        break
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)])
        break
      case 'cut':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)])
        break
      case 'number': {
        // the nth number literal in the text becomes an odd one
        const text = b.toString('latin1')
        const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)]
        const hit = numbers[m.at % Math.max(numbers.length, 1)]
        if (hit?.index !== undefined)
          b = Buffer.concat([
            b.subarray(0, hit.index),
            Buffer.from(m.literal, 'latin1'),
            b.subarray(hit.index + hit[0].length),
          ])
        break
      }
    }
  }
  return b
}
