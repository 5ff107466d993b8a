import type { DriverOptions } from '@ejia/firmware-config'
import { FrameParser } from './parserStats.js'

export const STX = 0x02
export const ETX = 0x03

export interface Em4100Frame {
  /** The tag's 40 bits as 10 upper-case hex digits. */
  card: string
  variant: 'asciiChecksum' | 'binaryChecksum'
}

const HEX = /^[0-9A-Fa-f]$/
const isHex = (b: number) => HEX.test(String.fromCharCode(b))

function xorOf(hex10: string): number {
  let x = 0
  for (let i = 0; i < 10; i += 2) x ^= Number.parseInt(hex10.slice(i, i + 2), 16)
  return x
}

/**
 * EM4100 reader frames:
 * - RDM6300 style, 14 bytes: STX, 10 ASCII hex, 2 ASCII hex of the XOR of the 5 data
 *   bytes, ETX;
 * - the 13-byte variant: STX, 10 ASCII hex, the XOR as one binary byte, ETX.
 * CR and LF between frames are allowed. Parsing is by position, so a binary checksum that
 * happens to be 0x02 or 0x03 is still read right.
 */
export class Em4100Parser extends FrameParser<Em4100Frame> {
  private state: 'idle' | 'data' | 'check' = 'idle'
  private data: number[] = []
  private check: number[] = []

  constructor(private readonly variant: DriverOptions<'em4100'>['variant'] = 'auto') {
    super()
  }

  protected feed(b: number): void {
    switch (this.state) {
      case 'idle':
        if (b === STX) this.begin()
        else if (b !== 0x0d && b !== 0x0a) this.discard('garbage')
        return
      case 'data':
        if (b === STX) return this.restart('partial')
        if (!isHex(b)) return this.abort('badChar')
        this.data.push(b)
        if (this.data.length === 10) this.state = 'check'
        return
      case 'check':
        return this.feedCheck(b)
    }
  }

  private feedCheck(b: number): void {
    const c = this.check
    // one byte in: a binary checksum can be any value, so wait for what follows
    if (c.length === 0) {
      c.push(b)
      return
    }
    if (c.length === 1) {
      if (b === ETX) return this.finish('binaryChecksum', c[0] as number)
      // a start byte not followed by the end byte began the next frame: the one before was
      // cut short after its data (found by test/fuzz/serialParsers.test.ts)
      if (c[0] === STX) {
        this.restart('partial')
        return this.feed(b)
      }
      if (isHex(c[0] as number) && isHex(b)) {
        c.push(b)
        return
      }
      return b === STX ? this.restart('partial') : this.abort('badLength')
    }
    // two ASCII hex digits in: only ETX may follow
    if (b === ETX)
      return this.finish(
        'asciiChecksum',
        Number.parseInt(String.fromCharCode(c[0] as number, c[1] as number), 16),
      )
    return b === STX ? this.restart('partial') : this.abort('badLength')
  }

  private finish(variant: Em4100Frame['variant'], checksum: number): void {
    const card = String.fromCharCode(...this.data).toUpperCase()
    this.state = 'idle'
    if (this.variant !== 'auto' && this.variant !== variant) return this.discard('wrongVariant')
    if (xorOf(card) !== checksum) return this.discard('badChecksum')
    this.emitFrame({ card, variant })
  }

  private begin(): void {
    this.state = 'data'
    this.data = []
    this.check = []
  }

  /** A new start byte inside a frame: the old frame was cut short. */
  private restart(reason: string): void {
    this.discard(reason)
    this.begin()
  }

  private abort(reason: string): void {
    this.discard(reason)
    this.state = 'idle'
  }
}

/** The bytes a reader sends for a card: the writer simulators and fixtures use. */
export function encodeEm4100(
  hex10: string,
  variant: Em4100Frame['variant'],
  opts: { crlf?: boolean; corruptChecksum?: boolean } = {},
): Buffer {
  const card = hex10.toUpperCase()
  if (!/^[0-9A-F]{10}$/.test(card)) throw new RangeError(`an EM4100 id is 10 hex digits, not ${hex10}`)
  const x = xorOf(card) ^ (opts.corruptChecksum ? 0x5a : 0)
  const check =
    variant === 'asciiChecksum'
      ? Buffer.from(x.toString(16).toUpperCase().padStart(2, '0'), 'ascii')
      : Buffer.from([x])
  return Buffer.concat([
    Buffer.from([STX]),
    Buffer.from(card, 'ascii'),
    check,
    Buffer.from([ETX]),
    Buffer.from(opts.crlf ? '\r\n' : ''),
  ])
}
