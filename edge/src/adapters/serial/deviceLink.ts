import type { Duplex } from 'node:stream'
import { setTimeout as delay } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { DeviceFault } from '../../ports/attendanceDevice.js'
import type { OpenTransport, SerialSettings } from './transport.js'

const MIN_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 10_000

/**
 * Keeps a device's port open: opens it, hands the stream to `onOpen`, and when it closes
 * (unplugged, cable pulled, serial server gone) reports a fault and opens it again with
 * exponential backoff until it is back. No restart of the agent is ever needed.
 */
export class DeviceLink {
  private stopped = false
  private current: Duplex | undefined
  private fault_: DeviceFault | undefined = { code: 'connecting', message: 'not opened yet' }
  private runner: Promise<void> | undefined

  constructor(
    private readonly opts: {
      port: string
      serial: SerialSettings
      open: OpenTransport
      log: Logger
      onFault?: (fault: DeviceFault | undefined) => void
    },
  ) {}

  fault(): DeviceFault | undefined {
    return this.fault_
  }

  get stream(): Duplex | undefined {
    return this.current
  }

  /** Runs until `stop`; `onOpen` is called for every successful open, and may use the stream until it closes. */
  start(onOpen: (stream: Duplex) => void): void {
    this.runner = this.run(onOpen)
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.current?.destroy()
    await this.runner
  }

  private setFault(f: DeviceFault | undefined): void {
    this.fault_ = f
    this.opts.onFault?.(f)
  }

  private async run(onOpen: (stream: Duplex) => void): Promise<void> {
    let backoff = MIN_BACKOFF_MS
    while (!this.stopped) {
      let stream: Duplex
      try {
        stream = await this.opts.open(this.opts.port, this.opts.serial)
      } catch (err) {
        const code = (err as { code?: string }).code === 'notFound' ? 'unplugged' : 'openFailed'
        if (this.fault_?.code !== code)
          this.opts.log.warn({ port: this.opts.port, err: (err as Error).message }, 'device not available')
        this.setFault({ code, message: (err as Error).message })
        await delay(backoff)
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
        continue
      }
      if (this.stopped) {
        stream.destroy()
        break
      }
      backoff = MIN_BACKOFF_MS
      this.current = stream
      this.setFault(undefined)
      this.opts.log.info({ port: this.opts.port }, 'device connected')
      const closed = new Promise<void>((resolve) => {
        stream.once('close', () => resolve())
        stream.once('end', () => resolve())
        stream.once('error', (err) => {
          this.opts.log.warn({ port: this.opts.port, err: err.message }, 'device stream error')
          resolve()
        })
      })
      onOpen(stream)
      await closed
      this.current = undefined
      stream.destroy()
      if (!this.stopped)
        this.setFault({ code: 'disconnected', message: `${this.opts.port} went away; reconnecting` })
    }
  }
}
