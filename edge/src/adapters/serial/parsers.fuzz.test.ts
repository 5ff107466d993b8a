import { seededRandom } from '@ejia/platform'
import { isValidQrToken, makeQrToken } from '@ejia/protocol'
import { describe, expect, it } from 'vitest'
import { Em4100Parser, encodeEm4100 } from './em4100.js'
import { encodeGm65, Gm65Parser } from './gm65.js'
import type { FrameParser } from './parserStats.js'
import { encodeR307, PID, R307Parser } from './r307Packet.js'
import { encodeWiegandFrame, WiegandParser } from './wiegand.js'

/**
 * 100,000 frames per parser (EJIA_FUZZ_FRAMES for longer runs): intact frames mixed with
 * random bytes and frames with one byte changed, one byte dropped, one byte inserted, or
 * cut short. No crash, no hang, and no false read: every read is a card (code, packet)
 * that was sent, in the order sent. A damaged frame may still read as itself (a dropped
 * line-feed, a byte inserted before the start byte): that is a right read, not a false
 * one. Seeded, so a failure can be replayed.
 */
const FRAMES = Number(process.env.EJIA_FUZZ_FRAMES ?? 100_000)
const SEED = Number(process.env.EJIA_FUZZ_SEED ?? 20261127)

interface Case<F> {
  name: string
  parser: () => FrameParser<F>
  /** A random intact frame and the key the parser must emit for it. */
  frame: (r: () => number) => { bytes: Buffer; key: string }
  key: (f: F) => string
  /** For framings without an integrity check: which emitted keys count as reads. */
  accept?: (key: string) => boolean
  /** Share of intact frames that must still be read among the damage. */
  minRecovery?: number
}

const hex = (r: () => number, n: number) =>
  Array.from({ length: n }, () => '0123456789ABCDEF'[Math.floor(r() * 16)]).join('')

const cases: Case<unknown>[] = [
  {
    name: 'EM4100, RDM6300 framing',
    parser: () => new Em4100Parser('asciiChecksum'),
    frame: (r) => {
      const card = hex(r, 10)
      return { bytes: encodeEm4100(card, 'asciiChecksum', { crlf: r() < 0.3 }), key: card }
    },
    key: (f) => (f as { card: string }).card,
  },
  {
    name: 'EM4100, 13-byte framing',
    parser: () => new Em4100Parser('binaryChecksum'),
    frame: (r) => {
      const card = hex(r, 10)
      return { bytes: encodeEm4100(card, 'binaryChecksum', { crlf: r() < 0.3 }), key: card }
    },
    key: (f) => (f as { card: string }).card,
  },
  {
    name: 'Wiegand W26/W34',
    parser: () => new WiegandParser(),
    frame: (r) => {
      const bits = r() < 0.5 ? 26 : 34
      const facility = Math.floor(r() * (bits === 26 ? 256 : 65536))
      const card = Math.floor(r() * 65536)
      return { bytes: encodeWiegandFrame(bits, facility, card), key: `${bits}:${facility}:${card}` }
    },
    key: (f) => {
      const w = f as { bits: number; facility: number; card: number }
      return `${w.bits}:${w.facility}:${w.card}`
    },
  },
  {
    name: 'R307 packets',
    parser: () => new R307Parser(),
    frame: (r) => {
      const payload = Uint8Array.from({ length: 1 + Math.floor(r() * 20) }, () => Math.floor(r() * 256))
      return { bytes: encodeR307(PID.ack, payload), key: Buffer.from(payload).toString('hex') }
    },
    key: (f) => (f as { payload: Buffer }).payload.toString('hex'),
  },
  {
    name: 'GM65 QR with ejia tokens',
    parser: () => new Gm65Parser({ prefix: '', suffix: '', terminator: 'CR', maxLength: 256 }),
    frame: (r) => {
      const token = makeQrToken(Uint8Array.from({ length: 10 }, () => Math.floor(r() * 256)))
      return { bytes: encodeGm65(token, { prefix: '', suffix: '', terminator: 'CR' }), key: token }
    },
    key: (f) => (f as { text: string }).text,
    // a scanner line has no checksum: a changed byte is caught by the token's own CRC
    accept: isValidQrToken,
    // a line cut short runs into the next one, which is then lost too
    minRecovery: 0.7,
  },
]

describe.each(cases)('fuzzing the $name parser', (c) => {
  it(`never reads what was not sent, among ${FRAMES} frames of noise and damage`, {
    timeout: 120_000,
  }, () => {
    const r = seededRandom(SEED)
    const parser = c.parser()
    const emitted: string[] = []
    parser.on('data', (f) => emitted.push(c.key(f)))
    const sent: string[] = []
    let intact = 0
    for (let i = 0; i < FRAMES; i++) {
      const { bytes, key } = c.frame(r)
      const kind = r()
      let out: Buffer
      if (kind >= 0.5 && kind < 0.6) {
        // pure noise, no frame in it
        out = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256)))
        parser.write(out)
        continue
      }
      sent.push(key)
      if (kind < 0.5) {
        out = bytes
        intact++
      } else if (kind < 0.6) {
        out = Buffer.from(Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256)))
      } else if (kind < 0.7) {
        out = Buffer.from(bytes)
        const at = Math.floor(r() * out.length)
        out[at] = ((out[at] as number) + 1 + Math.floor(r() * 255)) & 0xff
      } else if (kind < 0.8) {
        const at = Math.floor(r() * bytes.length)
        out = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)])
      } else if (kind < 0.9) {
        const at = Math.floor(r() * bytes.length)
        out = Buffer.concat([bytes.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), bytes.subarray(at)])
      } else {
        out = bytes.subarray(0, Math.floor(r() * bytes.length))
      }
      parser.write(out)
    }
    const reads = c.accept ? emitted.filter(c.accept) : emitted
    // every read is a frame that was sent, in order (a subsequence of what was sent)
    let j = 0
    for (const key of reads) {
      while (j < sent.length && sent[j] !== key) j++
      expect(j < sent.length, `false read ${key}`).toBe(true)
      j++
    }
    // and damage next door costs few intact frames
    expect(reads.length).toBeGreaterThan(intact * (c.minRecovery ?? 0.8))
  })
})
