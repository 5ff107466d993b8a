import type { Camera, Frame } from '../../ports/camera.js'

/** A camera that shows the frames a test gives it, in turn, repeating the last. */
export class FakeCamera implements Camera {
  readonly name = 'fake'
  private opened = false
  private index = 0

  constructor(private readonly frames: readonly Frame[]) {
    if (frames.length === 0) throw new Error('FakeCamera needs at least one frame')
  }

  async open(): Promise<void> {
    this.opened = true
  }

  async capture(): Promise<Frame> {
    if (!this.opened) throw new Error('camera is not open')
    const frame = this.frames[Math.min(this.index, this.frames.length - 1)] as Frame
    this.index++
    return frame
  }

  async close(): Promise<void> {
    this.opened = false
  }
}
