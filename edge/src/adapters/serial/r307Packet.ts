import { FrameParser } from './parserStats.js'

/** Packet identifiers of the ZhiAnTec protocol (R307/AS608 user manual, §4.2). */
export const PID = { command: 0x01, data: 0x02, ack: 0x07, endData: 0x08 } as const
export const HEADER = [0xef, 0x01] as const
export const DEFAULT_ADDRESS = 0xffffffff
/** The manual allows 32 to 256 data bytes per packet; more is noise. */
const MAX_LENGTH = 256 + 2

export interface R307Packet {
  address: number
  pid: number
  payload: Buffer
}

/**
 * One packet: EF 01, address (4), packet id (1), length (2) = payload + 2, payload, and a
 * 16-bit checksum: the sum of packet id, both length bytes and the payload.
 * VfyPwd with password 0: EF01 FFFFFFFF 01 0007 13 00000000 001B.
 */
export function encodeR307(
  pid: number,
  payload: Uint8Array,
  address = DEFAULT_ADDRESS,
  opts: { corruptChecksum?: boolean } = {},
): Buffer {
  const length = payload.length + 2
  const head = Buffer.alloc(9)
  head[0] = HEADER[0]
  head[1] = HEADER[1]
  head.writeUInt32BE(address >>> 0, 2)
  head[6] = pid
  head.writeUInt16BE(length, 7)
  let sum = pid + (length >> 8) + (length & 0xff)
  for (const b of payload) sum += b
  const check = Buffer.alloc(2)
  check.writeUInt16BE((sum + (opts.corruptChecksum ? 1 : 0)) & 0xffff)
  return Buffer.concat([head, Buffer.from(payload), check])
}

/** Finds packets in a byte stream: bad checksums and stray bytes are dropped and counted. */
export class R307Parser extends FrameParser<R307Packet> {
  private buf: number[] = []

  protected feed(b: number): void {
    const buf = this.buf
    if (buf.length === 0) {
      if (b === HEADER[0]) buf.push(b)
      else this.discard('garbage')
      return
    }
    if (buf.length === 1) {
      if (b === HEADER[1]) buf.push(b)
      else {
        this.buf = []
        this.discard('garbage')
        this.feed(b)
      }
      return
    }
    buf.push(b)
    if (buf.length < 9) return
    const length = ((buf[7] as number) << 8) | (buf[8] as number)
    if (length < 2 || length > MAX_LENGTH) return this.resync('badLength')
    if (buf.length < 9 + length) return
    const bytes = Buffer.from(buf)
    this.buf = []
    const payload = bytes.subarray(9, 9 + length - 2)
    let sum = (bytes[6] as number) + (bytes[7] as number) + (bytes[8] as number)
    for (const x of payload) sum += x
    if ((sum & 0xffff) !== bytes.readUInt16BE(9 + length - 2)) {
      this.discard('badChecksum')
      // the header may have been noise: look for another one inside
      for (const x of bytes.subarray(1)) this.feed(x)
      return
    }
    this.emitFrame({ address: bytes.readUInt32BE(2), pid: bytes[6] as number, payload: Buffer.from(payload) })
  }

  private resync(reason: string): void {
    this.discard(reason)
    const rest = this.buf.slice(1)
    this.buf = []
    for (const x of rest) this.feed(x)
  }
}
