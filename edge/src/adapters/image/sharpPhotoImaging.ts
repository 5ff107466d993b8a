import sharp from 'sharp'
import { PhotoError, type PhotoImaging, type PreparedPhoto } from '../../ports/photos.js'

export const PHOTO_MAX_SIDE = 1600
export const PHOTO_MIN_SIDE = 64
export const THUMB_MAX_SIDE = 320
const PHOTO_QUALITY = 82
const THUMB_QUALITY = 70
/**
 * A 50 MP phone photo is 50 M pixels; JPEG shrink-on-load keeps decoding it cheap. Beyond
 * this it is a decompression bomb, not a photo.
 */
const MAX_INPUT_PIXELS = 100_000_000
const FORMATS = new Set(['jpeg', 'png'])

/**
 * Photos with sharp (libvips): upright by EXIF orientation (phones store portrait photos
 * sideways and say so in EXIF), fitted inside 1600×1600 without enlarging, JPEG at
 * quality 82, and no metadata kept: a phone's EXIF carries where it was taken and the
 * phone's serial number, which the hub does not need. Transparent PNG pixels become white.
 */
export const sharpPhotoImaging: PhotoImaging = {
  async prepare(input: Uint8Array): Promise<PreparedPhoto> {
    if (input.byteLength === 0) throw new PhotoError('photoEmpty', 'the photo is empty (0 bytes)')
    const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' } as const
    const meta = await fail(() => sharp(input, options).metadata())
    if (!FORMATS.has(meta.format))
      throw new PhotoError('unsupportedImage', `a ${meta.format} image; send a JPEG or PNG photo`)
    const { width, height } = meta.autoOrient
    if (Math.min(width, height) < PHOTO_MIN_SIDE)
      throw new PhotoError(
        'photoTooSmall',
        `the photo is ${width}×${height} px; at least ${PHOTO_MIN_SIDE} px a side are needed`,
      )
    const { data, info } = await fail(() =>
      sharp(input, options)
        .rotate()
        .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true }),
    )
    const pixels = toRgb(data, info.width, info.height, info.channels)
    const raw = { raw: { width: info.width, height: info.height, channels: 3 as const } }
    const [jpeg, thumb] = await Promise.all([
      sharp(pixels.data, raw).jpeg({ quality: PHOTO_QUALITY }).toBuffer(),
      sharp(pixels.data, raw)
        .resize({ width: THUMB_MAX_SIDE, height: THUMB_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: THUMB_QUALITY })
        .toBuffer(),
    ])
    return { jpeg, thumb, width: info.width, height: info.height, pixels }
  },
}

/** Runs a sharp step, turning its errors into the photo errors the UI knows. */
async function fail<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (err) {
    const message = (err as Error).message
    if (/pixel limit/i.test(message))
      throw new PhotoError('photoTooLarge', `the photo has more than ${MAX_INPUT_PIXELS} pixels`, {
        cause: err,
      })
    throw new PhotoError('notAnImage', `not a readable image: ${message}`, { cause: err })
  }
}

/** Three channels whatever libvips gave: a gray photo stays gray in three equal channels. */
function toRgb(data: Buffer, width: number, height: number, channels: number) {
  if (channels === 3)
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }
  const rgb = new Uint8Array(width * height * 3)
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += channels)
    rgb[i] = rgb[i + 1] = rgb[i + 2] = data[j] as number
  return { width, height, data: rgb }
}
