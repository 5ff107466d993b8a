import { Duplex } from 'node:stream'
import {
  Em4100Parser,
  encodeEm4100,
  encodeGm65,
  encodeR307,
  encodeWiegandFrame,
  FingerprintError,
  type FrameParser,
  Gm65Parser,
  PID,
  R307Client,
  R307Parser,
  WiegandParser,
} from '@ejia/edge/serial'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { FUZZ_TEST_TIMEOUT_MS, FuzzReport } from './harness.js'

/**
 * Target 6: every serial parser, on byte streams as a bad cable delivers them. Any bytes,
 * cut into chunks anywhere, read the same as in one piece and never throw; a valid frame
 * after any garbage is still read (the parsers look for the next frame), the garbage is
 * counted, and nothing is read that was not sent whole. edge's parsers.fuzz.test.ts
 * measures the same parsers against damage at volume; this adds the chunking, the
 * garbage right before a frame, and the fingerprint module's replies.
 */
const report = new FuzzReport()
afterAll(() => report.print())

interface Framing<F> {
  name: string
  parser: () => FrameParser<F>
  frame: fc.Arbitrary<{ bytes: Buffer; key: string }>
  key: (f: F) => string
  /** Bytes that end any frame in progress: a line end for line-based framings. */
  guard?: Buffer
  /** Bytes a parser skips without counting: line ends between EM4100 frames. */
  quiet?: (b: number) => boolean
  /**
   * Bytes that follow on the line: a packet head in the noise claims up to 258 bytes, and
   * frames inside them are found only once that many have arrived.
   */
  tail?: Buffer
  /** The part of a key the framing's check covers (an R307 checksum leaves out the address). */
  checked?: (key: string) => string
}

/** C0 controls and DEL: a scanner sends none inside a code (the parser drops lines with them). */
const hasControl = (t: string) => [...t].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)

const hex10 = fc.stringMatching(/^[0-9A-F]{10}$/)
const em4100 = (variant: 'asciiChecksum' | 'binaryChecksum'): Framing<{ card: string }> => ({
  name: `EM4100 ${variant}`,
  parser: () => new Em4100Parser(variant),
  frame: fc
    .tuple(hex10, fc.boolean())
    .map(([card, crlf]) => ({ bytes: encodeEm4100(card, variant, { crlf }), key: card })),
  key: (f) => f.card,
  quiet: (b) => b === 0x0d || b === 0x0a,
})

const framings = [
  em4100('asciiChecksum'),
  em4100('binaryChecksum'),
  {
    name: 'Wiegand',
    parser: () => new WiegandParser(),
    frame: fc
      .oneof(
        fc.tuple(
          fc.constant(26 as const),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 65535 }),
        ),
        fc.tuple(
          fc.constant(34 as const),
          fc.integer({ min: 0, max: 65535 }),
          fc.integer({ min: 0, max: 65535 }),
        ),
      )
      .map(([bits, facility, card]) => ({
        bytes: encodeWiegandFrame(bits, facility, card),
        key: `${bits}:${facility}:${card}`,
      })),
    key: (f: { bits: number; facility: number; card: number }) => `${f.bits}:${f.facility}:${f.card}`,
    quiet: (b: number) => b === 0x0d || b === 0x0a,
  },
  {
    name: 'R307',
    parser: () => new R307Parser(),
    frame: fc
      .tuple(
        fc.constantFrom(PID.ack, PID.data, PID.endData),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.oneof(fc.constant(0xffffffff), fc.nat()),
      )
      .map(([pid, payload, address]) => ({
        bytes: encodeR307(pid, payload, address),
        key: `${pid}:${address >>> 0}:${Buffer.from(payload).toString('hex')}`,
      })),
    key: (p: { pid: number; address: number; payload: Buffer }) =>
      `${p.pid}:${p.address}:${p.payload.toString('hex')}`,
    tail: Buffer.alloc(9 + 258),
    // the manual's checksum covers packet id, length and payload, not the address
    checked: (key: string) => key.replace(/:\d+:/, ':'),
  },
  {
    name: 'GM65 with prefix and suffix',
    parser: () => new Gm65Parser({ prefix: '[', suffix: ']', terminator: 'CRLF', maxLength: 64 }),
    frame: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
      // a scanner's text has no control characters (the parser drops lines with them)
      .filter((t) => !hasControl(t) && Buffer.byteLength(t) <= 64)
      .map((t) => ({ bytes: encodeGm65(t, { prefix: '[', suffix: ']', terminator: 'CRLF' }), key: t })),
    key: (f: { text: string }) => f.text,
    guard: Buffer.from('\r\n'),
  },
  {
    name: 'GM65 plain, CR',
    parser: () => new Gm65Parser({ prefix: '', suffix: '', terminator: 'CR', maxLength: 256 }),
    frame: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((t) => !hasControl(t))
      .map((t) => ({ bytes: encodeGm65(t, { prefix: '', suffix: '', terminator: 'CR' }), key: t })),
    key: (f: { text: string }) => f.text,
    guard: Buffer.from('\r'),
  },
] as Framing<unknown>[]

/** What a parser makes of a stream written in chunks: the frames' keys, its counts, any error. */
function run<F>(framing: Framing<F>, chunks: readonly Uint8Array[]) {
  const parser = framing.parser()
  const keys: string[] = []
  const errors: unknown[] = []
  parser.on('data', (f: F) => keys.push(framing.key(f)))
  parser.on('error', (err) => errors.push(err))
  for (const c of chunks) parser.write(Buffer.from(c))
  return { keys, stats: { ...parser.stats() }, errors }
}

/** Cuts bytes at the given points (each taken modulo the length). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let from = 0
  for (const p of at) {
    out.push(bytes.subarray(from, p))
    from = p
  }
  out.push(bytes.subarray(from))
  return out
}

/**
 * Garbage as a line delivers it: random bytes, and real frames damaged or cut short. A
 * damaged frame may still be whole (a cut line end, a changed byte in it): `was` names it.
 */
const garbage = (framing: Framing<unknown>): fc.Arbitrary<{ bytes: Buffer; was?: string; cut?: boolean }> =>
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => ({ bytes: Buffer.from(b) })),
    fc.tuple(framing.frame, fc.nat()).map(([f, at]) => ({
      bytes: f.bytes.subarray(0, 1 + (at % Math.max(f.bytes.length - 1, 1))),
      was: f.key,
      cut: true,
    })),
    fc.tuple(framing.frame, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([f, at, delta]) => {
      const b = Buffer.from(f.bytes)
      b[at % b.length] = ((b[at % b.length] as number) + delta) & 0xff
      return { bytes: b, was: f.key }
    }),
  )

describe.each(framings)('fuzzing the $name parser', { timeout: FUZZ_TEST_TIMEOUT_MS }, (framing) => {
  it('any bytes, in chunks cut anywhere, read as in one piece and never throw', async () => {
    await report.run(
      `serial: ${framing.name}, chunking`,
      [
        fc.array(
          fc.oneof(garbage(framing), framing.frame).map((p) => p.bytes),
          { maxLength: 12 },
        ),
        fc.array(fc.nat(), { maxLength: 30 }),
      ],
      (parts, points) => {
        const whole = Buffer.concat(parts)
        const once = run(framing, [whole])
        const chunked = run(framing, cut(whole, points))
        const bytewise = run(
          framing,
          [...whole].map((b) => Uint8Array.of(b)),
        )
        expect(once.errors).toEqual([])
        expect(chunked).toEqual(once)
        expect(bytewise).toEqual(once)
        expect(once.stats.frames ?? 0).toBe(once.keys.length)
      },
      { runs: 400 },
    )
  })

  it('a valid frame after any garbage is read, the garbage counted, nothing false read', async () => {
    // a frame cut short and completed by the next frame's bytes passes its check by chance
    // now and then (Wiegand: 8-bit XOR and two parity bits, about 1 in 1,000): counted, bounded
    let cuts = 0
    let falseReads = 0
    await report.run(
      `serial: ${framing.name}, frames after garbage`,
      [fc.array(fc.tuple(garbage(framing), framing.frame), { minLength: 1, maxLength: 8 })],
      (pairs) => {
        const chunks = pairs.flatMap(([g, f]) => [
          g.bytes,
          ...(framing.guard ? [framing.guard] : []),
          f.bytes,
        ])
        if (framing.tail) chunks.push(framing.tail)
        const { keys, stats, errors } = run(framing, chunks)
        expect(errors).toEqual([])
        const sent = pairs.map(([, f]) => f.key)
        const checked = framing.checked ?? ((k: string) => k)
        const held = new Set(pairs.flatMap(([g]) => (g.was === undefined ? [] : [checked(g.was)])))
        // every frame sent is read, in order, and anything else read is a frame the garbage
        // still held whole (a QR line has no check: any printable line of noise reads as a code)
        const missed = sent.filter((k) => !keys.includes(k))
        const extra = keys.filter((k) => !sent.includes(k))
        const cutHere = pairs.filter(([g]) => g.cut).length
        cuts += cutHere
        if (!framing.guard) {
          const unsent = extra.filter((k) => !held.has(checked(k)))
          if (cutHere === 0) expect(unsent, 'a false read without a cut frame').toEqual([])
          falseReads += unsent.length
        }
        // a frame cut short just before its checksum's last byte is made whole by the next
        // frame's first byte, when they are the same: that next frame alone may go unread
        const completed = framing.guard ? 0 : extra.length
        expect(
          missed.length,
          `frames not read: ${missed.join(' ')}; read: ${keys.join(' ')}`,
        ).toBeLessThanOrEqual(completed)
        expect(keys.filter((k) => sent.includes(k))).toEqual(sent.filter((k) => keys.includes(k)))
        // garbage that was not all line ends is counted somewhere
        const noisy = pairs.some(
          ([g]) => g.was === undefined && [...g.bytes].some((b) => !framing.quiet?.(b)),
        )
        const dropped = Object.entries(stats).reduce((n, [k, v]) => (k === 'frames' ? n : n + v), 0)
        if (noisy && !framing.guard) expect(dropped).toBeGreaterThan(0)
      },
      { runs: 400 },
    )
    expect(falseReads, `${falseReads} false reads after ${cuts} cut frames`).toBeLessThanOrEqual(cuts / 100)
  })
})

describe('fuzzing the R307 fingerprint client on the module replies', {
  timeout: FUZZ_TEST_TIMEOUT_MS,
}, () => {
  /** A module that answers every command with the given bytes (or stays silent). */
  function fakeModule(replies: Buffer[][]) {
    let n = 0
    const stream: Duplex = new Duplex({
      read() {},
      write(_chunk, _enc, done) {
        const chunks = replies[n++ % Math.max(replies.length, 1)] ?? []
        setImmediate(() => {
          for (const c of chunks) stream.push(c)
        })
        done()
      },
    })
    return stream
  }
  const reply = fc.oneof(
    // an acknowledgement: a confirmation code (mostly "ok", or one a command expects) and
    // data of any length, the length a command reads included
    fc
      .tuple(
        fc.oneof(fc.constantFrom(0x00, 0x00, 0x02, 0x09, 0x13), fc.integer({ min: 0, max: 255 })),
        fc.uint8Array({ maxLength: 20 }),
      )
      .map(([code, data]) => encodeR307(PID.ack, Uint8Array.of(code, ...data))),
    fc.constant(encodeR307(PID.ack, new Uint8Array(0))),
    fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b)),
    fc.constant(Buffer.alloc(0)),
  )

  it('every command resolves or fails with a FingerprintError, never a RangeError', async () => {
    await report.run(
      'serial: R307 client replies',
      [
        fc.array(
          fc.tuple(reply, fc.array(fc.nat(), { maxLength: 4 })).map(([r, points]) => cut(r, points)),
          { minLength: 1, maxLength: 6 },
        ),
      ],
      async (replies) => {
        const stream = fakeModule(replies)
        const client = new R307Client(stream, 0xffffffff, 10)
        const calls: [string, () => Promise<unknown>][] = [
          ['verifyPassword', () => client.verifyPassword(0)],
          ['captureImage', () => client.captureImage()],
          ['imageToTemplate', () => client.imageToTemplate(1)],
          ['search', () => client.search(1, 0, 1000)],
          ['templateCount', () => client.templateCount()],
          ['systemParameters', () => client.systemParameters()],
          ['store', () => client.store(1, 7)],
        ]
        for (const [name, call] of calls) {
          try {
            await call()
          } catch (err) {
            expect(err, `${name}: ${String(err)}`).toBeInstanceOf(FingerprintError)
            expect((err as FingerprintError).code).toMatch(/^[a-zA-Z]+$/)
          }
        }
        stream.destroy()
      },
      { runs: 100, caseTimeoutMs: 5000 },
    )
  })
})
