import { setTimeout as delay } from 'node:timers/promises'
import type { DriverOptions } from '@ejia/firmware-config'
import type { Logger } from 'pino'
import type { AttendanceDevice, CredentialRead, DeviceFault } from '../../ports/attendanceDevice.js'
import type { Clock } from '../../ports/clock.js'
import type { DeviceLink } from './deviceLink.js'
import { FingerprintError, R307Client } from './r307Client.js'

export type EnrolStep = 'placeFinger' | 'liftFinger' | 'placeAgain' | 'stored'

const PASSWORD_RETRY_MS = 5000

/** A fingerprint read that found no enrolled finger. */
export const UNMATCHED_FINGER = 'unmatched'

/**
 * An R307/AS608 fingerprint module as an attendance device. The module does not speak
 * unprompted: the reader polls it for a finger, turns the image into a template, searches
 * the module's library, and reports the page id that matched. One touch is one read: it
 * waits for the finger to lift before looking again.
 */
export class FingerprintReader implements AttendanceDevice {
  readonly kind = 'fingerprint'
  private client: R307Client | undefined
  private moduleFault: DeviceFault | undefined
  private librarySize = 0
  private enrolling = false
  private stopped = false
  private readonly counts = { reads: 0, unmatched: 0, captureErrors: 0, sessions: 0 }

  constructor(
    readonly name: string,
    private readonly opts: DriverOptions<'r307'>,
    private readonly link: DeviceLink,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async start(listener: (read: CredentialRead) => void): Promise<void> {
    this.link.start((stream) => {
      const client = new R307Client(stream, this.opts.address)
      this.client = client
      void this.session(client, listener)
    })
  }

  fault(): DeviceFault | undefined {
    return this.link.fault() ?? this.moduleFault
  }

  stats(): Readonly<Record<string, number>> {
    return { ...(this.client?.stats() ?? {}), ...this.counts }
  }

  /** Stores a new finger at `pageId`: two captures of the same finger, combined. */
  async enrol(pageId: number, onStep: (s: EnrolStep) => void = () => {}, timeoutMs = 20_000): Promise<void> {
    const client = this.requireClient()
    if (pageId < 0 || (this.librarySize > 0 && pageId >= this.librarySize)) {
      throw new FingerprintError(
        'pageOutOfRange',
        `page ${pageId} is outside the module library (0–${this.librarySize - 1})`,
      )
    }
    this.enrolling = true
    try {
      const deadline = this.clock.now() + timeoutMs
      onStep('placeFinger')
      await this.waitFinger(client, true, deadline)
      await client.imageToTemplate(1)
      onStep('liftFinger')
      await this.waitFinger(client, false, deadline)
      onStep('placeAgain')
      await this.waitFinger(client, true, deadline)
      await client.imageToTemplate(2)
      await client.combine()
      await client.store(1, pageId)
      onStep('stored')
    } finally {
      this.enrolling = false
    }
  }

  async remove(pageId: number): Promise<void> {
    await this.requireClient().remove(pageId)
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.link.stop()
  }

  private async session(client: R307Client, listener: (read: CredentialRead) => void): Promise<void> {
    this.counts.sessions++
    try {
      await this.verify(client)
      this.librarySize = (await client.systemParameters()).librarySize
      const templates = await client.templateCount()
      this.log.info(
        { device: this.name, librarySize: this.librarySize, templates },
        'fingerprint module ready',
      )
      while (!this.stopped && this.client === client) {
        if (this.enrolling || !(await client.captureImage())) {
          await delay(this.opts.pollMs)
          continue
        }
        const read = await this.identify(client)
        if (read) listener(read)
        // one touch, one read: wait for the finger to lift
        while (!this.stopped && this.client === client && !this.enrolling && (await client.captureImage())) {
          await delay(this.opts.pollMs)
        }
      }
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'moduleError'
      if (code !== 'closed' && code !== 'stopped') {
        this.log.warn({ device: this.name, err: (err as Error).message }, 'fingerprint module session ended')
        // a module that stops answering is as good as unplugged: let the link reopen it
        this.link.stream?.destroy()
      }
    }
  }

  /**
   * VfyPwd until it passes. A wrong password is a fault to fix in the profile, not a bad
   * line: keep the port open and ask again now and then.
   */
  private async verify(client: R307Client): Promise<void> {
    for (;;) {
      try {
        await client.verifyPassword(this.opts.password)
        this.moduleFault = undefined
        return
      } catch (err) {
        if ((err as { code?: string }).code !== 'wrongPassword') throw err
        this.moduleFault = { code: 'wrongPassword', message: (err as Error).message }
        await delay(PASSWORD_RETRY_MS)
        if (this.stopped || this.client !== client) throw new FingerprintError('stopped', 'session ended')
      }
    }
  }

  private async identify(client: R307Client): Promise<CredentialRead | undefined> {
    try {
      await client.imageToTemplate(1)
    } catch (err) {
      // a smudge or a partial touch: not a read, the person simply tries again
      this.counts.captureErrors++
      this.log.debug({ err: (err as Error).message }, 'fingerprint capture unusable')
      return undefined
    }
    const hit = await client.search(1, 0, this.librarySize)
    const at = this.clock.now()
    if (!hit || hit.score < this.opts.minScore) {
      this.counts.unmatched++
      return { method: 'fingerprint', credential: UNMATCHED_FINGER, at }
    }
    this.counts.reads++
    return { method: 'fingerprint', credential: String(hit.pageId), at }
  }

  private async waitFinger(client: R307Client, present: boolean, deadline: number): Promise<void> {
    while ((await client.captureImage()) !== present) {
      if (this.clock.now() > deadline) {
        throw new FingerprintError(
          'enrolTimeout',
          present ? 'no finger was placed in time' : 'the finger was not lifted in time',
        )
      }
      await delay(this.opts.pollMs)
    }
  }

  private requireClient(): R307Client {
    if (!this.client || this.link.fault())
      throw new FingerprintError('notConnected', `${this.name} is not connected`)
    return this.client
  }
}
