import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { Camera, Frame } from '../../ports/camera.js'
import { decodeImage } from '../image/decodeImage.js'
import { CameraError } from './pushCamera.js'

const IMAGE = /\.(jpe?g|png|webp)$/i

/**
 * A simulated camera: replays the images of a folder in name order, at `fps`, over and
 * over. For labs and tests, and for a kiosk demo without a webcam.
 */
export class FolderCamera implements Camera {
  readonly name = 'folder'
  private files: string[] = []
  private next = 0
  private lastAt = 0

  constructor(
    private readonly folder: string,
    private readonly fps: number,
  ) {}

  async open(): Promise<void> {
    let names: string[]
    try {
      names = await readdir(this.folder)
    } catch (err) {
      throw new CameraError(
        'noFrames',
        `camera folder ${this.folder} cannot be read: ${(err as Error).message}`,
      )
    }
    this.files = names
      .filter((n) => IMAGE.test(n))
      .sort()
      .map((n) => join(this.folder, n))
    if (this.files.length === 0)
      throw new CameraError('noFrames', `camera folder ${this.folder} has no images`)
  }

  async capture(): Promise<Frame> {
    if (this.files.length === 0) throw new CameraError('closed', 'camera is not open')
    const wait = this.lastAt + 1000 / this.fps - Date.now()
    if (wait > 0) await delay(wait)
    const file = this.files[this.next % this.files.length] as string
    this.next++
    this.lastAt = Date.now()
    return { ...(await decodeImage(file)), capturedAt: this.lastAt }
  }

  async close(): Promise<void> {
    this.files = []
  }
}
