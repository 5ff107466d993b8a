import type { Duplex } from 'node:stream'
import { encodeGm65, GM65_ACK, GM65_TRIGGER } from '@ejia/edge/serial'
import { sendBytes } from './cardReaderSims.js'
import type { SerialEndpoint } from './serialEndpoint.js'

export interface Gm65Settings {
  prefix: string
  suffix: string
  terminator: 'CR' | 'LF' | 'CRLF' | 'TAB'
  mode: 'continuous' | 'trigger'
}

/**
 * A GM65-class QR scanner in serial mode. In continuous mode a code shown to it is sent at
 * once; in trigger mode it waits for the host's trigger command, acknowledges it, and
 * sends the next code shown.
 */
export class Gm65Sim {
  private waiting: string[] = []
  private armed = 0
  private readonly seen = new WeakSet<Duplex>()

  constructor(
    private readonly endpoint: SerialEndpoint,
    private readonly settings: Gm65Settings = {
      prefix: '',
      suffix: '',
      terminator: 'CR',
      mode: 'continuous',
    },
  ) {
    endpoint.onDevice((device) => {
      if (this.seen.has(device)) return
      this.seen.add(device)
      let pending = Buffer.alloc(0)
      device.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk])
        let at = pending.indexOf(GM65_TRIGGER)
        while (at >= 0) {
          pending = pending.subarray(at + GM65_TRIGGER.length)
          this.onTrigger()
          at = pending.indexOf(GM65_TRIGGER)
        }
        if (pending.length > 64) pending = pending.subarray(-GM65_TRIGGER.length)
      })
    })
  }

  /** A code is held in front of the scanner. */
  show(text: string): boolean {
    if (this.settings.mode === 'continuous') return sendBytes(this.endpoint, encodeGm65(text, this.settings))
    if (this.armed > 0) {
      this.armed--
      return sendBytes(this.endpoint, encodeGm65(text, this.settings))
    }
    this.waiting.push(text)
    return true
  }

  /** Raw bytes, for noise and malformed input. */
  raw(bytes: Buffer): boolean {
    return sendBytes(this.endpoint, bytes)
  }

  private onTrigger(): void {
    sendBytes(this.endpoint, GM65_ACK)
    const next = this.waiting.shift()
    if (next === undefined) this.armed++
    else sendBytes(this.endpoint, encodeGm65(next, this.settings))
  }
}
