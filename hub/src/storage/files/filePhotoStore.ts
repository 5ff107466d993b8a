import { createHash, randomUUID } from 'node:crypto'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import sharp, { type Metadata, type Sharp } from 'sharp'
import { PhotoError, type PhotoStore, type PhotoVariant } from '../photoStore.js'

/** Thumbnails fit inside this square: enough for a list of records on an office screen. */
export const THUMB_SIZE = 320
/** The largest side the protocol lets a kiosk report for a photo (ActivityPhotoBody). */
export const MAX_PHOTO_SIDE = 10_000

const PHOTO_ID = /^[0-9a-f]{64}$/
const STATION_ID = /^[0-9A-Za-z_-]{1,64}$/
const ORIGINAL = /^([0-9a-f]{64})\.jpg$/

/** Writes a new file completely and makes it durable; the default of `writeFile` below. */
async function writeDurably(file: string, data: Uint8Array): Promise<void> {
  const fh = await open(file, 'wx')
  try {
    await fh.writeFile(data)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

/**
 * Photos on disk: `<root>/<stationId>/<photoId>.jpg` as uploaded, and `<photoId>.thumb.jpg`
 * beside it. Each file is written to a temporary name, synced and renamed, so a reader, a
 * crash or a full disk never leaves half a photo under its real name. The thumbnail is
 * renamed first and the original last: the original being there means the photo is whole.
 */
export class FilePhotoStore implements PhotoStore {
  private readonly writeFile: (file: string, data: Uint8Array) => Promise<void>

  constructor(
    private readonly root: string,
    /** Tests put a failing writer here to play a full disk. */
    opts: { writeFile?: (file: string, data: Uint8Array) => Promise<void> } = {},
  ) {
    this.writeFile = opts.writeFile ?? writeDurably
  }

  async put(stationId: string, photoId: string, jpeg: Buffer): Promise<{ stored: boolean }> {
    const dir = this.dirOf(stationId)
    const file = this.fileOf(stationId, photoId, 'original')
    const actual = createHash('sha256').update(jpeg).digest('hex')
    if (actual !== photoId)
      throw new PhotoError('hashMismatch', `the body's SHA-256 is ${actual}, not the photo id ${photoId}`)
    const thumbFile = this.fileOf(stationId, photoId, 'thumb')
    if ((await exists(file)) && (await exists(thumbFile))) return { stored: false }

    const thumb = await thumbnail(jpeg)
    try {
      await mkdir(dir, { recursive: true })
      await this.writeAtomically(thumbFile, thumb)
      try {
        await this.writeAtomically(file, jpeg)
      } catch (err) {
        // a thumbnail without its photo would be served as if the upload had worked
        await rm(thumbFile, { force: true })
        throw err
      }
      await syncDir(dir)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new PhotoError('diskFull', `the hub's disk is full: the photo was not stored (${this.root})`, {
          cause: err,
        })
      throw err
    }
    return { stored: true }
  }

  async uploaded(stationId: string): Promise<ReadonlySet<string>> {
    const names = await readdir(this.dirOf(stationId)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return []
      throw err
    })
    return new Set(names.flatMap((n) => ORIGINAL.exec(n)?.[1] ?? []))
  }

  async open(stationId: string, photoId: string, variant: PhotoVariant): Promise<Readable | undefined> {
    try {
      const fh = await open(this.fileOf(stationId, photoId, variant), 'r')
      return fh.createReadStream()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  private async writeAtomically(file: string, data: Uint8Array): Promise<void> {
    const tmp = `${file}.${randomUUID()}.tmp`
    try {
      await this.writeFile(tmp, data)
      await rename(tmp, file)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }

  // ids reach the file system: only the shapes the protocol allows make a path
  private dirOf(stationId: string): string {
    if (!STATION_ID.test(stationId)) throw new Error(`not a station id: ${stationId}`)
    return join(this.root, stationId)
  }

  private fileOf(stationId: string, photoId: string, variant: PhotoVariant): string {
    if (!PHOTO_ID.test(photoId)) throw new Error(`not a photo id: ${photoId}`)
    return join(this.dirOf(stationId), variant === 'thumb' ? `${photoId}.thumb.jpg` : `${photoId}.jpg`)
  }
}

/** Reads the JPEG fully (a truncated or corrupt file fails here) and makes its thumbnail. */
async function thumbnail(jpeg: Buffer): Promise<Buffer> {
  let image: Sharp
  let meta: Metadata
  try {
    // in the try: sharp refuses an empty body in its constructor, which was a 500 (found by
    // test/fuzz/images.test.ts)
    image = sharp(jpeg, { limitInputPixels: MAX_PHOTO_SIDE * MAX_PHOTO_SIDE })
    meta = await image.metadata()
  } catch (err) {
    const message = (err as Error).message
    // a header declaring more than the limit is refused right here: a bomb, not a non-image
    // (found by test/fuzz/images.test.ts)
    if (/pixel limit/i.test(message))
      throw new PhotoError('tooManyPixels', `more than ${MAX_PHOTO_SIDE}×${MAX_PHOTO_SIDE} pixels declared`, {
        cause: err,
      })
    throw new PhotoError('notJpeg', `not an image: ${message}`, { cause: err })
  }
  if (meta.format !== 'jpeg') throw new PhotoError('notJpeg', `a ${meta.format} image, not a JPEG`)
  if ((meta.width ?? 0) > MAX_PHOTO_SIDE || (meta.height ?? 0) > MAX_PHOTO_SIDE)
    throw new PhotoError(
      'tooManyPixels',
      `${meta.width}×${meta.height} pixels; at most ${MAX_PHOTO_SIDE} on a side`,
    )
  try {
    return await image
      .rotate() // upright by its EXIF orientation, as people expect to see it
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer()
  } catch (err) {
    throw new PhotoError('notJpeg', `not a readable JPEG: ${(err as Error).message}`, { cause: err })
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

/** Makes the renames themselves durable (POSIX: a rename is in the directory's data). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}
