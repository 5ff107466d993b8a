import type { RgbImage } from '../domain/face/image.js'

/** One image from a camera: 8-bit RGB, row-major, no padding. */
export interface Frame extends RgbImage {
  /** Device clock in ms when the frame was captured. */
  capturedAt: number
}

/**
 * A source of frames: the kiosk UI's getUserMedia stream, a V4L2 device, a folder of
 * images replayed by a simulator, or a fake.
 */
export interface Camera {
  readonly name: string
  open(): Promise<void>
  /** The most recent frame, waiting for the first one after `open`. */
  capture(): Promise<Frame>
  close(): Promise<void>
}
