import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../adapters/files/atomicFile.js'
import type { Box } from '../../domain/face/geometry.js'
import type { RgbImage } from '../../domain/face/image.js'
import type { FaceEngine } from '../../ports/faceEngine.js'
import { RecordError } from '../recordEvent.js'
import { photoKit, testImage } from './photoKit.fixture.js'

/** An engine that sees `faces` faces in any photo and remembers the frames it was shown. */
function countingEngine(faces: number): FaceEngine & { frames: RgbImage[] } {
  const frames: RgbImage[] = []
  return {
    frames,
    modelVersion: 'counting-1',
    embeddingSize: 8,
    analyse: () => Promise.reject(new Error('not used')),
    async detectFaces(frame) {
      frames.push(frame)
      return Array.from({ length: faces }, (_, i): Box => ({ x1: i, y1: 0, x2: i + 1, y2: 1, score: 1 }))
    },
    close: async () => undefined,
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('EvidencePhotos', () => {
  it('keeps a large photo fitted inside 1600 px with a 320 px thumbnail, then journals it', async () => {
    const engine = countingEngine(3)
    const kit = await photoKit({ engine })
    const input = await testImage(3000, 2000).jpeg({ quality: 95 }).toBuffer()
    const taken = await kit.service.take(input, {
      purpose: 'evidence',
      activityId: 'act-1125',
      takenBy: 'cadre-1',
    })

    const file = readFileSync(join(kit.dir, `${taken.photoId}.jpg`))
    expect(sha256(file)).toBe(taken.photoId)
    expect(taken).toMatchObject({ width: 1600, height: 1067, bytes: file.length, faces: 3, duplicate: false })
    expect(await sharp(file).metadata()).toMatchObject({ format: 'jpeg', width: 1600, height: 1067 })
    const thumb = await sharp(join(kit.dir, `${taken.photoId}.thumb.jpg`)).metadata()
    expect([thumb.width, thumb.height]).toEqual([320, 213])
    // faces are counted on the stored photo's pixels, not on the 3000 px original
    expect(engine.frames.map((f) => [f.width, f.height])).toEqual([[1600, 1067]])

    expect(await kit.events()).toEqual([
      {
        id: taken.eventId,
        type: 'activity.photo',
        body: {
          photoId: taken.photoId,
          purpose: 'evidence',
          activityId: 'act-1125',
          faces: 3,
          width: 1600,
          height: 1067,
          bytes: file.length,
          takenBy: 'cadre-1',
        },
      },
    ])
    expect(kit.kicks()).toBe(1)
    expect(await kit.service.status()).toEqual({ waiting: 1, refused: 0 })
  })

  it('turns a photo upright by its EXIF orientation and never enlarges a small one', async () => {
    const kit = await photoKit()
    // 400×300 as stored, left half red, right half blue; orientation 6 says "rotate 90° clockwise"
    const left = await sharp({ create: { width: 200, height: 300, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer()
    const sideways = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#0000ff' } })
      .composite([{ input: left, left: 0, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer()
    const taken = await kit.service.take(sideways, { purpose: 'witness' })
    expect([taken.width, taken.height]).toEqual([300, 400])
    const stored = readFileSync(join(kit.dir, `${taken.photoId}.jpg`))
    const meta = await sharp(stored).metadata()
    expect([meta.width, meta.height, meta.orientation]).toEqual([300, 400, undefined])
    const { data } = await sharp(stored).raw().toBuffer({ resolveWithObject: true })
    const pixel = (x: number, y: number) =>
      Array.from(data.subarray((y * 300 + x) * 3, (y * 300 + x) * 3 + 3))
    // the left of the stored image is the top of the upright photo
    expect(pixel(150, 50)[0]).toBeGreaterThan(200)
    expect(pixel(150, 50)[2]).toBeLessThan(60)
    expect(pixel(150, 350)[2]).toBeGreaterThan(200)
    expect(pixel(150, 350)[0]).toBeLessThan(60)
    // a kiosk without face models leaves the count out
    expect(taken.faces).toBeUndefined()
    expect((await kit.events())[0]?.body).not.toHaveProperty('faces')
  })

  it('takes a PNG with transparency and stores it as an opaque JPEG', async () => {
    const kit = await photoKit()
    const png = await sharp({
      create: { width: 120, height: 90, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer()
    const taken = await kit.service.take(png, { purpose: 'evidence' })
    const stored = readFileSync(join(kit.dir, `${taken.photoId}.jpg`))
    const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([120, 90, 3])
    expect(data[0]).toBeGreaterThan(240)
  })

  it('refuses what is not a photo it can keep, each with its code, and keeps nothing', async () => {
    const kit = await photoKit({ engine: countingEngine(1) })
    const take = (b: Buffer) => kit.service.take(b, { purpose: 'evidence' })
    await expect(take(Buffer.from('%PDF-1.7 not a photo'))).rejects.toMatchObject({ code: 'notAnImage' })
    await expect(take(Buffer.alloc(0))).rejects.toMatchObject({ code: 'photoEmpty' })
    await expect(take(await testImage(200, 200).webp().toBuffer())).rejects.toMatchObject({
      code: 'unsupportedImage',
    })
    await expect(take(await testImage(48, 200).png().toBuffer())).rejects.toMatchObject({
      code: 'photoTooSmall',
      message: expect.stringContaining('48×200'),
    })
    await expect(take(Buffer.alloc(15 * 1024 * 1024 + 1))).rejects.toMatchObject({ code: 'photoTooLarge' })
    const truncated = (await testImage(300, 300).jpeg().toBuffer()).subarray(0, 400)
    await expect(take(truncated)).rejects.toMatchObject({ code: 'notAnImage' })
    // an activity id the protocol refuses is caught before anything is written
    const bad = kit.service.take(await testImage(100, 100).jpeg().toBuffer(), {
      purpose: 'evidence',
      activityId: 'x'.repeat(65),
    })
    await expect(bad).rejects.toBeInstanceOf(RecordError)
    expect(readdirSync(kit.dir)).toEqual([])
    expect(await kit.events()).toEqual([])
  })

  it('keeps the same photo once, journals it once per activity, and says when it is a repeat', async () => {
    const kit = await photoKit({ engine: countingEngine(2) })
    const input = await testImage(800, 600).jpeg().toBuffer()
    const first = await kit.service.take(input, { purpose: 'evidence', activityId: 'act-1' })
    const again = await kit.service.take(input, { purpose: 'evidence', activityId: 'act-1' })
    expect(again).toEqual({ ...first, duplicate: true })
    expect(first).toMatchObject({ width: 800, height: 600 })
    // the same picture as evidence of another activity: a second event, the same file
    const other = await kit.service.take(input, { purpose: 'evidence', activityId: 'act-2' })
    expect(other.photoId).toBe(first.photoId)
    expect(other.eventId).not.toBe(first.eventId)
    expect(readdirSync(kit.dir).sort()).toEqual([`${first.photoId}.jpg`, `${first.photoId}.thumb.jpg`])
    const events = await kit.events()
    expect(events.map((e) => (e.body as { activityId: string }).activityId)).toEqual(['act-1', 'act-2'])
    expect(events.map((e) => (e.body as { faces: number }).faces)).toEqual([2, 2])
    expect(kit.kicks()).toBe(1)
    expect(await kit.service.status()).toEqual({ waiting: 1, refused: 0 })
  })

  it('leaves nothing half-written when the disk fills up, and says so', async () => {
    let full = true
    // the photo itself fits; its thumbnail does not
    const write = async (path: string, data: Uint8Array) => {
      if (full && path.endsWith('.thumb.jpg'))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      await writeFileAtomic(path, data)
    }
    const kit = await photoKit({ write })
    const input = await testImage(640, 480).jpeg().toBuffer()
    await expect(kit.service.take(input, { purpose: 'evidence' })).rejects.toMatchObject({
      code: 'diskFull',
      message: expect.stringContaining('disk is full'),
    })
    expect(readdirSync(kit.dir)).toEqual([])
    expect(await kit.events()).toEqual([])
    expect(kit.faults.list()).toMatchObject([{ device: 'photoStore', code: 'diskFull' }])
    expect(await kit.service.status()).toEqual({ waiting: 0, refused: 0 })

    full = false
    const taken = await kit.service.take(input, { purpose: 'evidence' })
    expect(readdirSync(kit.dir)).toHaveLength(2)
    expect(kit.faults.list()).toEqual([])
    expect((await kit.events())[0]?.body).toMatchObject({ photoId: taken.photoId })
  })

  it('removes a photo again when its event cannot be journalled', async () => {
    let failing = true
    const kit = await photoKit({
      record: (real) => async (type, body) => {
        if (failing)
          throw new RecordError('storageFailed', 'the journal could not store the event', [], {
            code: 'SQLITE_FULL',
          })
        return real(type, body)
      },
    })
    const input = await testImage(640, 480).jpeg().toBuffer()
    await expect(kit.service.take(input, { purpose: 'witness' })).rejects.toMatchObject({ code: 'diskFull' })
    expect(readdirSync(kit.dir)).toEqual([])
    expect(await kit.service.status()).toEqual({ waiting: 0, refused: 0 })
    failing = false
    const taken = await kit.service.take(input, { purpose: 'witness' })
    expect(taken.duplicate).toBe(false)
    expect(await kit.events()).toHaveLength(1)
  })
})
