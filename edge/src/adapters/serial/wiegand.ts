import { ETX, STX } from './em4100.js'
import { FrameParser } from './parserStats.js'

export interface WiegandFrame {
  bits: 26 | 34
  facility: number
  card: number
  /** The data bits without the two parity bits. */
  data: number
}

/**
 * Wiegand-to-serial converter frames, as the common RS232 converters send them:
 * STX, bit count (26 or 34), the bits as a big-endian number in 4 (W26) or 5 (W34) bytes,
 * the XOR of the bit count and those bytes, ETX. The Wiegand parity bits are checked too:
 * the first is even parity over the first half of the data, the last odd parity over the
 * second half (HID H10301 for W26).
 */
export class WiegandParser extends FrameParser<WiegandFrame> {
  private buf: number[] = []
  private need = 0

  protected feed(b: number): void {
    const buf = this.buf
    if (buf.length === 0) {
      if (b === STX) buf.push(b)
      else if (b !== 0x0d && b !== 0x0a) this.discard('garbage')
      return
    }
    if (buf.length === 1) {
      if (b !== 26 && b !== 34) return this.reset(b, 'badLength')
      this.need = 2 + bytesFor(b) + 2 // STX, count, data, xor, ETX
      buf.push(b)
      return
    }
    buf.push(b)
    if (buf.length < this.need) return
    const frame = buf
    this.buf = []
    if (frame[frame.length - 1] !== ETX) return this.resync(frame, 'badLength')
    const bits = frame[1] as 26 | 34
    const payload = frame.slice(2, 2 + bytesFor(bits))
    const xor = payload.reduce((x, v) => x ^ v, bits)
    if (xor !== frame[frame.length - 2]) return this.resync(frame, 'badChecksum')
    const decoded = decodeWiegand(bits, toBigInt(payload))
    if (!decoded) return this.resync(frame, 'badParity')
    this.emitFrame(decoded)
  }

  /**
   * The frame was not what it claimed: look for a start byte inside it. Noise that looks
   * like a frame head can end on a real frame's end byte, so a bad checksum resyncs too
   * (found by test/fuzz/serialParsers.test.ts).
   */
  private resync(frame: number[], reason: string): void {
    this.discard(reason)
    const next = frame.indexOf(STX, 1)
    if (next > 0) for (const x of frame.slice(next)) this.feed(x)
  }

  private reset(b: number, reason: string): void {
    this.discard(reason)
    this.buf = []
    if (b === STX) this.buf.push(b)
  }
}

const bytesFor = (bits: number) => Math.ceil(bits / 8)

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((v, x) => (v << 8n) | BigInt(x), 0n)
}

function ones(v: bigint): number {
  let n = 0
  for (let x = v; x > 0n; x >>= 1n) n += Number(x & 1n)
  return n
}

/** Checks parity and splits facility and card; undefined when the parity is wrong. */
export function decodeWiegand(bits: 26 | 34, raw: bigint): WiegandFrame | undefined {
  const n = bits - 2
  const half = n / 2
  if (raw >> BigInt(bits) !== 0n) return undefined
  const data = (raw >> 1n) & ((1n << BigInt(n)) - 1n)
  const first = data >> BigInt(half)
  const second = data & ((1n << BigInt(half)) - 1n)
  const evenBit = (raw >> BigInt(bits - 1)) & 1n
  const oddBit = raw & 1n
  if ((ones(first) + Number(evenBit)) % 2 !== 0) return undefined
  if ((ones(second) + Number(oddBit)) % 2 !== 1) return undefined
  const cardBits = 16n
  return {
    bits,
    facility: Number(data >> cardBits),
    card: Number(data & 0xffffn),
    data: Number(data),
  }
}

/** The Wiegand bits for a facility and card, parity included. */
export function encodeWiegandBits(bits: 26 | 34, facility: number, card: number): bigint {
  const n = bits - 2
  const half = n / 2
  const data = (BigInt(facility) << 16n) | BigInt(card)
  if (data >> BigInt(n) !== 0n)
    throw new RangeError(`facility ${facility} and card ${card} do not fit in W${bits}`)
  const first = data >> BigInt(half)
  const second = data & ((1n << BigInt(half)) - 1n)
  const even = BigInt(ones(first) % 2)
  const odd = BigInt((ones(second) + 1) % 2)
  return (even << BigInt(bits - 1)) | (data << 1n) | odd
}

/** The converter's bytes for one card. */
export function encodeWiegandFrame(
  bits: 26 | 34,
  facility: number,
  card: number,
  opts: { corruptChecksum?: boolean } = {},
): Buffer {
  let raw = encodeWiegandBits(bits, facility, card)
  const payload: number[] = []
  for (let i = 0; i < bytesFor(bits); i++) {
    payload.unshift(Number(raw & 0xffn))
    raw >>= 8n
  }
  const xor = payload.reduce((x, v) => x ^ v, bits) ^ (opts.corruptChecksum ? 0x5a : 0)
  return Buffer.from([STX, bits, ...payload, xor, ETX])
}
