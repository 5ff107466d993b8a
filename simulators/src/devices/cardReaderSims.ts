import { randomBytes } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import { type Em4100Frame, encodeEm4100, encodeWiegandFrame } from '@ejia/edge/serial'
import type { SerialEndpoint } from './serialEndpoint.js'

/** Writes to the device side of the line; bytes sent while unplugged are lost, as on real hardware. */
export function sendBytes(endpoint: SerialEndpoint, bytes: Buffer): boolean {
  const d = endpoint.device
  if (!d || d.destroyed) return false
  d.write(bytes)
  return true
}

/** Sends a frame every `repeatMs` for `forMs`, as a reader does while a card is held. */
async function holdRepeating(
  endpoint: SerialEndpoint,
  frame: Buffer,
  forMs: number,
  repeatMs: number,
): Promise<number> {
  const end = Date.now() + forMs
  let sent = 0
  do {
    if (sendBytes(endpoint, frame)) sent++
    await delay(repeatMs)
  } while (Date.now() < end)
  return sent
}

/**
 * An EM4100 reader (RDM6300 style, or the 13-byte clone): repeats the card's frame every
 * `repeatMs` while the card is held, as the real readers do, and can misbehave on demand.
 */
export class Em4100Sim {
  constructor(
    private readonly endpoint: SerialEndpoint,
    private readonly opts: { variant: Em4100Frame['variant']; crlf: boolean; repeatMs: number } = {
      variant: 'asciiChecksum',
      crlf: false,
      repeatMs: 120,
    },
  ) {}

  /** Holds a card on the reader for `forMs`. Returns how many frames went out. */
  async present(card: string, forMs: number): Promise<number> {
    const frame = encodeEm4100(card, this.opts.variant, { crlf: this.opts.crlf })
    return holdRepeating(this.endpoint, frame, forMs, this.opts.repeatMs)
  }

  badChecksum(card: string): boolean {
    return sendBytes(this.endpoint, encodeEm4100(card, this.opts.variant, { corruptChecksum: true }))
  }

  /** A cheaper clone's frame: the 13-byte variant with CR LF. */
  clone(card: string): boolean {
    return sendBytes(this.endpoint, encodeEm4100(card, 'binaryChecksum', { crlf: true }))
  }

  garbage(n: number): boolean {
    return sendBytes(this.endpoint, randomBytes(n))
  }

  /** Half a frame, then the cable comes out. */
  async cutMidFrame(card: string): Promise<void> {
    const frame = encodeEm4100(card, this.opts.variant)
    sendBytes(this.endpoint, frame.subarray(0, 7))
    await delay(20)
    await this.endpoint.unplug()
  }
}

/** A Wiegand-to-serial converter with a W26 or W34 reader behind it. */
export class WiegandSim {
  constructor(
    private readonly endpoint: SerialEndpoint,
    private readonly opts: { repeatMs: number } = { repeatMs: 150 },
  ) {}

  async present(bits: 26 | 34, facility: number, card: number, forMs: number): Promise<number> {
    return holdRepeating(this.endpoint, encodeWiegandFrame(bits, facility, card), forMs, this.opts.repeatMs)
  }

  badChecksum(bits: 26 | 34, facility: number, card: number): boolean {
    return sendBytes(this.endpoint, encodeWiegandFrame(bits, facility, card, { corruptChecksum: true }))
  }

  garbage(n: number): boolean {
    return sendBytes(this.endpoint, randomBytes(n))
  }
}
