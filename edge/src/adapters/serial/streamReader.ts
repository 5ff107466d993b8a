import type { Duplex } from 'node:stream'
import type { AttendanceDevice, CredentialRead, DeviceFault } from '../../ports/attendanceDevice.js'
import type { Clock } from '../../ports/clock.js'
import type { DeviceLink } from './deviceLink.js'
import type { FrameParser } from './parserStats.js'

/** What makes a reader a card reader or a QR scanner: its framing and how a frame reads. */
export interface StreamDriver<F> {
  kind: 'card' | 'qr'
  parser: FrameParser<F>
  credential(frame: F): string
  debounceMs: number
  /** Called on every (re)connection, e.g. to put a scanner in the right mode. */
  onOpen?(stream: Duplex): void
}

/**
 * A reader that speaks unprompted: EM4100, Wiegand converters, QR scanners in continuous
 * mode. Frames become reads; a reader repeats its frame while a card is held, so the same
 * credential within `debounceMs` of its last sighting is the same presentation.
 */
export class StreamReader<F> implements AttendanceDevice {
  private readonly lastSeen = new Map<string, number>()
  private readonly counts = { reads: 0, repeats: 0 }

  constructor(
    readonly name: string,
    private readonly driver: StreamDriver<F>,
    private readonly link: DeviceLink,
    private readonly clock: Clock,
  ) {}

  get kind(): 'card' | 'qr' {
    return this.driver.kind
  }

  async start(listener: (read: CredentialRead) => void): Promise<void> {
    this.driver.parser.on('data', (frame: F) => {
      const credential = this.driver.credential(frame)
      const now = this.clock.now()
      const last = this.lastSeen.get(credential)
      this.lastSeen.set(credential, now)
      if (this.lastSeen.size > 256) this.forgetOlderThan(now - this.driver.debounceMs)
      if (last !== undefined && now - last < this.driver.debounceMs) {
        this.counts.repeats++
        return
      }
      this.counts.reads++
      listener({ method: this.driver.kind, credential, at: now })
    })
    this.link.start((stream) => {
      // write, not pipe: the parser outlives each connection, and its counts with it
      stream.on('data', (chunk: Buffer) => this.driver.parser.write(chunk))
      this.driver.onOpen?.(stream)
    })
  }

  private forgetOlderThan(t: number): void {
    for (const [k, at] of this.lastSeen) if (at < t) this.lastSeen.delete(k)
  }

  /** Sends bytes to the device (a scanner's trigger command). */
  send(bytes: Buffer): boolean {
    const s = this.link.stream
    if (!s) return false
    s.write(bytes)
    return true
  }

  fault(): DeviceFault | undefined {
    return this.link.fault()
  }

  stats(): Readonly<Record<string, number>> {
    return { ...this.driver.parser.stats(), ...this.counts }
  }

  async stop(): Promise<void> {
    await this.link.stop()
  }
}
