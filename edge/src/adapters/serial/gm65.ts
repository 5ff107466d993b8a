import type { DriverOptions } from '@ejia/firmware-config'
import { FrameParser } from './parserStats.js'

export interface QrFrame {
  text: string
}

const TERMINATORS = { CR: [0x0d], LF: [0x0a], CRLF: [0x0d, 0x0a], TAB: [0x09] } as const

/** GM65 serial command: start one scan in command-trigger mode (GM65 manual, "Serial port trigger"). */
export const GM65_TRIGGER = Buffer.from([0x7e, 0x00, 0x08, 0x01, 0x00, 0x02, 0x01, 0xab, 0xcd])
/** The scanner's reply to a successful command; it is not a code and is dropped. */
export const GM65_ACK = Buffer.from([0x02, 0x00, 0x00, 0x01, 0x00, 0x33, 0x31])

/**
 * GM65-class QR scanner in serial mode: the code's bytes, with the prefix and suffix the
 * scanner was set up with, then the terminator. Codes may carry Chinese text, so the bytes
 * must be valid UTF-8; control characters other than the terminator mean line noise. The
 * scanner's command acknowledgements are skipped. QR payloads carry no checksum of their
 * own: ejia tokens add one (protocol/qrToken).
 */
export class Gm65Parser extends FrameParser<QrFrame> {
  private line: number[] = []
  private overlong = false
  private readonly terminator: readonly number[]
  private readonly prefix: Buffer
  private readonly suffix: Buffer
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })

  constructor(
    private readonly opts: Pick<DriverOptions<'gm65'>, 'prefix' | 'suffix' | 'terminator' | 'maxLength'>,
  ) {
    super()
    this.terminator = TERMINATORS[opts.terminator]
    this.prefix = Buffer.from(opts.prefix, 'utf8')
    this.suffix = Buffer.from(opts.suffix, 'utf8')
  }

  protected feed(b: number): void {
    const line = this.line
    line.push(b)
    if (line.length === GM65_ACK.length && GM65_ACK.equals(Buffer.from(line))) {
      this.line = []
      return
    }
    const t = this.terminator
    const ended = line.length >= t.length && t.every((v, i) => line[line.length - t.length + i] === v)
    if (!ended) {
      if (line.length > this.opts.maxLength + this.prefix.length + this.suffix.length + t.length) {
        // keep discarding until the terminator, then count it once
        this.overlong = true
        this.line = line.slice(-t.length)
      }
      return
    }
    this.line = []
    if (this.overlong) {
      this.overlong = false
      return this.discard('overlong')
    }
    this.accept(Buffer.from(line.slice(0, line.length - t.length)))
  }

  private accept(raw: Buffer): void {
    if (raw.length === 0) return this.discard('empty')
    if (
      !raw.subarray(0, this.prefix.length).equals(this.prefix) ||
      !raw.subarray(raw.length - this.suffix.length).equals(this.suffix)
    ) {
      return this.discard('badFraming')
    }
    const body = raw.subarray(this.prefix.length, raw.length - this.suffix.length)
    if (body.length === 0) return this.discard('empty')
    let text: string
    try {
      text = this.decoder.decode(body)
    } catch {
      return this.discard('badEncoding')
    }
    // C0 controls and DEL do not occur in codes people scan; they mean a noisy line
    if (body.some((b) => b < 0x20 || b === 0x7f)) return this.discard('controlChars')
    this.emitFrame({ text })
  }
}

/** The scanner's bytes for one code. */
export function encodeGm65(
  text: string,
  opts: Pick<DriverOptions<'gm65'>, 'prefix' | 'suffix' | 'terminator'>,
): Buffer {
  return Buffer.concat([
    Buffer.from(opts.prefix + text + opts.suffix, 'utf8'),
    Buffer.from(TERMINATORS[opts.terminator]),
  ])
}
