import { CodedError } from '@ejia/platform'
import type { Camera, Frame } from '../../ports/camera.js'

export class CameraError extends CodedError<'noFrames' | 'closed'> {}

/**
 * The kiosk's camera as the browser sees it: the kiosk UI takes frames with getUserMedia
 * and posts them to the local API, which pushes them here. `capture` hands each frame out
 * once, waiting for the next when there is none new.
 */
export class PushCamera implements Camera {
  readonly name = 'push'
  private latest: Frame | undefined
  private taken = true
  private waiters: ((f: Frame) => void)[] = []
  private open_ = false

  constructor(private readonly waitMs = 3000) {}

  async open(): Promise<void> {
    this.open_ = true
  }

  push(frame: Frame): void {
    const waiter = this.waiters.shift()
    if (waiter) {
      this.latest = frame
      this.taken = true
      waiter(frame)
      return
    }
    this.latest = frame
    this.taken = false
  }

  capture(): Promise<Frame> {
    if (!this.open_) return Promise.reject(new CameraError('closed', 'camera is not open'))
    if (this.latest && !this.taken) {
      this.taken = true
      return Promise.resolve(this.latest)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done)
        reject(new CameraError('noFrames', `no frame from the kiosk UI for ${this.waitMs} ms`))
      }, this.waitMs)
      const done = (f: Frame) => {
        clearTimeout(timer)
        resolve(f)
      }
      this.waiters.push(done)
    })
  }

  async close(): Promise<void> {
    this.open_ = false
  }
}
