import { CodedError } from '@ejia/platform'
import sharp from 'sharp'
import type { RgbImage } from '../../domain/face/image.js'

export class ImageError extends CodedError<'imageEmpty' | 'imageInvalid' | 'imageTooLarge'> {}

/** Frames larger than this are refused before decoding: a camera frame is a few megapixels. */
export const MAX_IMAGE_PIXELS = 24_000_000

/**
 * Decodes JPEG, PNG or WebP (a file path or bytes) to 8-bit RGB, turned upright by its
 * EXIF orientation. Gray images become three equal channels. A corrupt file, an empty
 * buffer or a decompression bomb gets an ImageError, never a crash.
 */
export async function decodeImage(
  input: Uint8Array | string,
  maxPixels = MAX_IMAGE_PIXELS,
): Promise<RgbImage> {
  if (typeof input !== 'string' && input.byteLength === 0)
    throw new ImageError('imageEmpty', 'the image is empty (0 bytes)')
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    if (info.channels === 3) return { width: info.width, height: info.height, data: new Uint8Array(data) }
    const rgb = new Uint8Array(info.width * info.height * 3)
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += info.channels) {
      rgb[i] = rgb[i + 1] = rgb[i + 2] = data[j] as number
    }
    return { width: info.width, height: info.height, data: rgb }
  } catch (err) {
    const message = (err as Error).message
    if (/pixel limit/i.test(message)) {
      throw new ImageError('imageTooLarge', `the image has more than ${maxPixels} pixels`, { cause: err })
    }
    throw new ImageError('imageInvalid', `not a readable image: ${message}`, { cause: err })
  }
}

/** Checks that a frame's buffer matches its stated size, before any model sees it. */
export function checkFrame(frame: RgbImage): void {
  if (frame.width <= 0 || frame.height <= 0) throw new ImageError('imageEmpty', 'the frame has no pixels')
  if (frame.data.byteLength !== frame.width * frame.height * 3) {
    throw new ImageError(
      'imageInvalid',
      `the frame says ${frame.width}×${frame.height} RGB but holds ${frame.data.byteLength} bytes`,
    )
  }
}
