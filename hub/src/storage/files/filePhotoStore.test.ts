import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { PhotoError } from '../photoStore.js'
import { FilePhotoStore, THUMB_SIZE } from './filePhotoStore.js'

const STATION = '339901001001'
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const jpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .toBuffer()
const fresh = () => mkdtempSync(join(tmpdir(), 'ejia-photos-'))

describe('photos on disk', () => {
  it('keeps the original byte for byte with a thumbnail inside 320×320, once', async () => {
    const root = fresh()
    const store = new FilePhotoStore(root)
    const photo = await jpeg(1280, 720)
    const id = sha256(photo)
    expect(await store.put(STATION, id, photo)).toEqual({ stored: true })
    expect(await store.put(STATION, id, photo)).toEqual({ stored: false })
    expect(readdirSync(join(root, STATION)).sort()).toEqual([`${id}.jpg`, `${id}.thumb.jpg`])
    expect(await buffer((await store.open(STATION, id, 'original'))!)).toEqual(photo)
    const thumb = await sharp(await buffer((await store.open(STATION, id, 'thumb'))!)).metadata()
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', THUMB_SIZE, 180])
    expect([...(await store.uploaded(STATION))]).toEqual([id])
    expect(await store.open(STATION, 'f'.repeat(64), 'original')).toBeUndefined()
    expect((await store.uploaded('339901001002')).size).toBe(0)
  })

  it('refuses bytes that are not the photo named, or not a JPEG, and keeps nothing', async () => {
    const root = fresh()
    const store = new FilePhotoStore(root)
    const photo = await jpeg(64, 64)
    const refusal = (id: string, body: Buffer) =>
      store.put(STATION, id, body).then(
        () => 'stored',
        (err: PhotoError) => err.code,
      )
    expect(await refusal('0'.repeat(64), photo)).toBe('hashMismatch')
    const png = await sharp(photo).png().toBuffer()
    expect(await refusal(sha256(png), png)).toBe('notJpeg')
    const text = Buffer.from('not a photo at all')
    expect(await refusal(sha256(text), text)).toBe('notJpeg')
    const truncated = photo.subarray(0, Math.floor(photo.length / 2))
    expect(await refusal(sha256(truncated), truncated)).toBe('notJpeg')
    // found by test/fuzz/images.test.ts: an empty body threw past the refusal, a 500
    expect(await refusal(sha256(Buffer.alloc(0)), Buffer.alloc(0))).toBe('notJpeg')
    expect(readdirSync(root)).toEqual([])
  })

  // found by test/fuzz/images.test.ts: sharp refuses such a header already when reading it,
  // and that refusal was reported as notJpeg
  it('refuses a JPEG declaring 50000×50000 pixels as too many pixels, not as no image', async () => {
    const store = new FilePhotoStore(fresh())
    const bomb = Buffer.from(await jpeg(64, 64))
    const sof = bomb.indexOf(Buffer.from([0xff, 0xc0]))
    bomb.writeUInt16BE(50_000, sof + 5) // height (ITU T.81 §B.2.2)
    bomb.writeUInt16BE(50_000, sof + 7) // width
    const err = await store.put(STATION, sha256(bomb), bomb).catch((e: PhotoError) => e)
    expect(err).toMatchObject({ code: 'tooManyPixels' })
  })

  it('leaves nothing behind when the disk fills up, and stores the photo on a retry', async () => {
    const root = fresh()
    let full = true
    const store = new FilePhotoStore(root, {
      // the first file goes through, the second stops halfway, as on a disk filling up
      writeFile: async (file, data) => {
        if (full && file.includes('.jpg.') && !file.includes('.thumb.')) {
          await writeFile(file, data.subarray(0, data.length >> 1))
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
        }
        await writeFile(file, data)
      },
    })
    const photo = await jpeg(640, 480)
    const id = sha256(photo)
    const err = await store.put(STATION, id, photo).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PhotoError)
    expect((err as PhotoError).code).toBe('diskFull')
    expect(readdirSync(join(root, STATION))).toEqual([])
    expect(await store.open(STATION, id, 'thumb')).toBeUndefined()
    full = false
    expect(await store.put(STATION, id, photo)).toEqual({ stored: true })
    expect(await buffer((await store.open(STATION, id, 'original'))!)).toEqual(photo)
  })
})
