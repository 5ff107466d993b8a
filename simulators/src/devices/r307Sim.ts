import type { Duplex } from 'node:stream'
import { DEFAULT_ADDRESS, encodeR307, INSTR, PID, type R307Packet, R307Parser } from '@ejia/edge/serial'
import type { SerialEndpoint } from './serialEndpoint.js'

/** A finger the simulated module can see: an id; fingers below 0 are smudged prints. */
export type Finger = number

/**
 * An R307/AS608 fingerprint module, byte for byte: it parses command packets, keeps an
 * image buffer, two character buffers and a template library, and answers with the
 * acknowledgement packets and confirmation codes of the manual.
 */
export class R307Sim {
  private finger: Finger | null = null
  private image: Finger | null = null
  private readonly charBuffers: (Finger | null)[] = [null, null, null]
  private model: Finger | null = null
  private verified = false
  private corruptNext = false
  readonly library = new Map<number, Finger>()
  readonly commands: number[] = []
  private readonly seen = new WeakSet<Duplex>()

  constructor(
    readonly endpoint: SerialEndpoint,
    private readonly opts: { address: number; password: number; capacity: number } = {
      address: DEFAULT_ADDRESS,
      password: 0,
      capacity: 1000,
    },
  ) {
    endpoint.onDevice((device) => {
      if (this.seen.has(device)) return
      this.seen.add(device)
      this.verified = false
      const parser = new R307Parser()
      device.on('data', (chunk: Buffer) => parser.write(chunk))
      parser.on('data', (p: R307Packet) => this.onPacket(device, p))
    })
  }

  placeFinger(f: Finger): void {
    this.finger = f
  }

  liftFinger(): void {
    this.finger = null
  }

  /** The next acknowledgement goes out with a wrong checksum, as on a noisy line. */
  corruptNextReply(): void {
    this.corruptNext = true
  }

  private onPacket(device: Duplex, p: R307Packet): void {
    if (p.pid !== PID.command || p.address !== this.opts.address) return
    const instruction = p.payload[0] as number
    this.commands.push(instruction)
    const reply = (code: number, ...data: number[]) => {
      const bytes = encodeR307(PID.ack, Uint8Array.from([code, ...data]), this.opts.address, {
        corruptChecksum: this.corruptNext,
      })
      this.corruptNext = false
      if (!device.destroyed) device.write(bytes)
    }
    const arg = (i: number) => p.payload[i] as number
    const u16 = (i: number) => (arg(i) << 8) | arg(i + 1)
    if (instruction === INSTR.vfyPwd) {
      this.verified = p.payload.readUInt32BE(1) === this.opts.password
      return reply(this.verified ? 0x00 : 0x13)
    }
    if (this.opts.password !== 0 && !this.verified) return reply(0x13)
    switch (instruction) {
      case INSTR.genImg:
        if (this.finger === null) return reply(0x02)
        this.image = this.finger
        return reply(0x00)
      case INSTR.img2Tz: {
        if (this.image === null) return reply(0x15)
        if (this.image < 0) return reply(0x07) // a smudged print: too few features
        this.charBuffers[arg(1) === 2 ? 2 : 1] = this.image
        return reply(0x00)
      }
      case INSTR.regModel: {
        const [, a, b] = this.charBuffers
        if (a === null || a === undefined || a !== b) return reply(0x0a)
        this.model = a
        return reply(0x00)
      }
      case INSTR.store: {
        const page = u16(2)
        if (page >= this.opts.capacity) return reply(0x0b)
        const t = this.model ?? this.charBuffers[arg(1) === 2 ? 2 : 1]
        if (t === null || t === undefined) return reply(0x0c)
        this.library.set(page, t)
        return reply(0x00)
      }
      case INSTR.search:
      case INSTR.highSpeedSearch: {
        const probe = this.charBuffers[arg(1) === 2 ? 2 : 1]
        const start = u16(2)
        const count = u16(4)
        for (const [page, f] of [...this.library].sort((x, y) => x[0] - y[0])) {
          if (page >= start && page < start + count && f === probe) {
            return reply(0x00, page >> 8, page & 0xff, 0, 150)
          }
        }
        return reply(0x09)
      }
      case INSTR.deleteChar: {
        const page = u16(1)
        const n = u16(3)
        for (let i = page; i < page + n; i++) this.library.delete(i)
        return reply(0x00)
      }
      case INSTR.templateNum:
        return reply(0x00, this.library.size >> 8, this.library.size & 0xff)
      case INSTR.readSysPara: {
        const a = this.opts.address
        const cap = this.opts.capacity
        return reply(
          0x00,
          0,
          0,
          0,
          9,
          cap >> 8,
          cap & 0xff,
          0,
          3,
          a >>> 24,
          (a >>> 16) & 0xff,
          (a >>> 8) & 0xff,
          a & 0xff,
          0,
          2,
          0,
          6,
        )
      }
      default:
        return reply(0x01)
    }
  }
}
