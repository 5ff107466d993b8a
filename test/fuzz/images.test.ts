import { createHash } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage, ImageError, MAX_IMAGE_PIXELS } from '../../edge/src/adapters/image/decodeImage.js'
import {
  PHOTO_MAX_SIDE,
  sharpPhotoImaging,
  THUMB_MAX_SIDE,
} from '../../edge/src/adapters/image/sharpPhotoImaging.js'
import { PhotoError as EdgePhotoError } from '../../edge/src/ports/photos.js'
import { FilePhotoStore, MAX_PHOTO_SIDE, THUMB_SIZE } from '../../hub/src/storage/files/filePhotoStore.js'
import { PhotoError as HubPhotoError } from '../../hub/src/storage/photoStore.js'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { FUZZ_TEST_TIMEOUT_MS, FuzzReport, within } from './harness.js'
import { imagePool, jpegDeclaring, pngHeaderBomb, pngZeroBomb } from './hostileImages.js'
import { applyTextMutations, textMutation } from './mutate.js'

/**
 * Target 5: images, at the kiosk (a phone's photo, a camera frame) and at the hub (a
 * kiosk's upload and its thumbnail). Corrupt, cut short, lying about their size or real
 * decompression bombs: each is refused with a coded error, within a time bound, with the
 * process's peak RSS kept under a bound; a good image still comes out right.
 */
const report = new FuzzReport()
afterAll(() => report.print())

const CASE_MS = 10_000
const RSS_BOUND_MIB = 768

interface Input {
  name: string
  bytes: Buffer
  /** What an untouched good image is. */
  good?: { format: string; width: number; height: number }
  /**
   * The pixels a bomb declares, when its header is one the decoders read (a JPEG side over
   * 65500 or a PNG side of 2^31-1 is refused as a corrupt header instead).
   */
  declares?: number
}

/** Printed by fast-check in a counterexample: the name and size, not every byte. */
const named = (i: Omit<Input, typeof fc.toStringMethod>): Input =>
  Object.assign(i, { [fc.toStringMethod]: () => `${i.name} (${i.bytes.length} bytes)` })

let pool: Input[] = []
beforeAll(async () => {
  const good = await imagePool()
  const jpeg = good[0].bytes
  pool = [
    ...good.map((g) => ({
      name: g.name,
      bytes: g.bytes,
      good: { format: g.format, width: g.width, height: g.height },
    })),
    { name: 'png declaring 50000×50000', bytes: pngHeaderBomb(50_000, 50_000), declares: 50_000 ** 2 },
    { name: 'png declaring 2^31-1 × 1', bytes: pngHeaderBomb(2 ** 31 - 1, 1) },
    { name: 'jpeg declaring 50000×50000', bytes: jpegDeclaring(jpeg, 50_000, 50_000), declares: 50_000 ** 2 },
    { name: 'jpeg declaring 65535×65535', bytes: jpegDeclaring(jpeg, 65_535, 65_535) },
    {
      name: 'jpeg declaring 12000×9000',
      bytes: jpegDeclaring(jpeg, 12_000, 9_000),
      declares: 12_000 * 9_000,
    },
    { name: 'jpeg declaring 10001×10', bytes: jpegDeclaring(jpeg, 10_001, 10), declares: 100_010 },
    { name: 'jpeg declaring 9000×9000', bytes: jpegDeclaring(jpeg, 9_000, 9_000), declares: 9_000 * 9_000 },
    // a real bomb under every limit but decodeImage's: 25 MP of black in 24 KiB
    { name: 'png bomb 5000×5000', bytes: await pngZeroBomb(5000), declares: 5000 * 5000 },
  ].map(named)
}, 60_000)

/** An image from the pool as it is, damaged, or plain noise behind an image's magic bytes. */
const input = (): fc.Arbitrary<Input> =>
  fc.oneof(
    fc.nat().map((i) => pool[i % pool.length] as Input),
    fc.tuple(fc.nat(), fc.array(textMutation(), { minLength: 1, maxLength: 4 })).map(([i, m]) => {
      const from = pool[i % pool.length] as Input
      return named({ name: `${from.name}, damaged`, bytes: applyTextMutations(from.bytes, m) })
    }),
    fc.tuple(fc.nat(), fc.nat()).map(([i, at]) => {
      const from = pool[i % pool.length] as Input
      return named({ name: `${from.name}, cut short`, bytes: from.bytes.subarray(0, at % from.bytes.length) })
    }),
    fc
      .tuple(
        fc.constantFrom('', '\xff\xd8\xff\xe0', '\x89PNG\r\n\x1a\n', 'RIFF\0\0\0\0WEBPVP8 '),
        fc.uint8Array({ maxLength: 2048 }),
      )
      .map(([magic, b]) => named({ name: 'noise', bytes: Buffer.concat([Buffer.from(magic, 'latin1'), b]) })),
  )

/** Runs one step to its end within the case bound: its value, or what it threw. */
async function settle<T>(
  what: string,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; err: unknown }> {
  try {
    return { ok: true, value: await within(CASE_MS, what, work()) }
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(`${what} took more than`)) throw err
    return { ok: false, err }
  }
}

function expectCoded(err: unknown, type: new (...a: never[]) => Error, codes: readonly string[]) {
  expect(err, String(err)).toBeInstanceOf(type)
  expect(codes).toContain((err as { code: string }).code)
  expect((err as Error).message.length).toBeGreaterThan(0)
}

describe('fuzzing image handling', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('the kiosk prepares a photo, or says why not', async () => {
    await report.run(
      'image: edge photo',
      [input()],
      async (img) => {
        const r = await settle('prepare', () => sharpPhotoImaging.prepare(img.bytes))
        if (r.ok) {
          const p = r.value
          expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(PHOTO_MAX_SIDE)
          expect(p.pixels.data.length).toBe(p.width * p.height * 3)
          const [jpeg, thumb] = await Promise.all([sharp(p.jpeg).metadata(), sharp(p.thumb).metadata()])
          expect([jpeg.format, jpeg.width, jpeg.height]).toEqual(['jpeg', p.width, p.height])
          expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(THUMB_MAX_SIDE)
        } else {
          expectCoded(r.err, EdgePhotoError, [
            'photoEmpty',
            'photoTooLarge',
            'photoTooSmall',
            'notAnImage',
            'unsupportedImage',
          ])
        }
        // the test can fail: a good JPEG or PNG of 64 px a side or more comes out, upright
        if (img.good && img.good.format !== 'webp' && Math.min(img.good.width, img.good.height) >= 64)
          expect(r.ok && [r.value.width, r.value.height]).toEqual([img.good.width, img.good.height])
        if ((img.declares ?? 0) > 100_000_000)
          expect(!r.ok && (r.err as EdgePhotoError).code).toBe('photoTooLarge')
      },
      { runs: 400, caseTimeoutMs: CASE_MS * 2, maxRssGrowthMiB: RSS_BOUND_MIB },
    )
  })

  it('the kiosk decodes a camera frame, or says why not', async () => {
    await report.run(
      'image: edge frame decode',
      [input()],
      async (img) => {
        const r = await settle('decodeImage', () => decodeImage(img.bytes))
        if (r.ok) {
          const f = r.value
          expect(f.data.length).toBe(f.width * f.height * 3)
          expect(f.width * f.height).toBeLessThanOrEqual(MAX_IMAGE_PIXELS)
        } else {
          expectCoded(r.err, ImageError, ['imageEmpty', 'imageInvalid', 'imageTooLarge'])
        }
        if (img.good)
          expect(r.ok && [r.value.width, r.value.height]).toEqual([img.good.width, img.good.height])
        if ((img.declares ?? 0) > MAX_IMAGE_PIXELS)
          expect(!r.ok && (r.err as ImageError).code).toBe('imageTooLarge')
      },
      { runs: 400, caseTimeoutMs: CASE_MS * 2, maxRssGrowthMiB: RSS_BOUND_MIB },
    )
  })

  it('the hub stores an upload with its thumbnail, or refuses it', async () => {
    const store = new FilePhotoStore(mkdtempSync(join(tmpdir(), 'ejia-fuzz-photos-')))
    await report.run(
      'image: hub photo store',
      [input()],
      async (img) => {
        const id = createHash('sha256').update(img.bytes).digest('hex')
        const r = await settle('put', () => store.put('339901001001', id, img.bytes))
        if (r.ok) {
          const thumb = await new Promise<Buffer>((resolve, reject) => {
            void store.open('339901001001', id, 'thumb').then((s) => {
              const parts: Buffer[] = []
              s?.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(Buffer.concat(parts)))
              s?.on('error', reject)
            })
          })
          const meta = await sharp(thumb).metadata()
          expect(meta.format).toBe('jpeg')
          expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(THUMB_SIZE)
        } else {
          expectCoded(r.err, HubPhotoError, ['notJpeg', 'tooManyPixels'])
        }
        if (img.good) expect(r.ok).toBe(img.good.format === 'jpeg')
        if ((img.declares ?? 0) > MAX_PHOTO_SIDE ** 2)
          expect(!r.ok && (r.err as HubPhotoError).code).toBe('tooManyPixels')
      },
      { runs: 400, caseTimeoutMs: CASE_MS * 2, maxRssGrowthMiB: RSS_BOUND_MIB },
    )
  })

  describe('over HTTP, as a kiosk uploads', () => {
    const district = makeDistrict(1)
    const station = district.configs[0]!
    let hub: TestHub
    beforeAll(async () => {
      hub = await startTestHub(district.registry)
    })
    afterAll(() => hub?.stop())

    it('the upload route answers every image with a status and a reason, never a 5xx', async () => {
      const statuses = new Map<number, number>()
      const auth = `Basic ${Buffer.from(`${station.hub.username}:${station.hub.password}`).toString('base64')}`
      await report.run(
        'image: hub upload route',
        [input(), fc.constantFrom('image/jpeg', 'image/jpeg', 'image/png', 'application/octet-stream')],
        async (img, type) => {
          const id = createHash('sha256').update(img.bytes).digest('hex')
          const res = await fetch(`${hub.api}/api/stations/${station.station.id}/photos/${id}`, {
            method: 'PUT',
            headers: { authorization: auth, 'content-type': type },
            body: img.bytes,
            signal: AbortSignal.timeout(CASE_MS),
          })
          const body = (await res.json()) as { error?: string; message?: string; stored?: boolean }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          expect(res.status, JSON.stringify(body)).toBeLessThan(500)
          if (res.status >= 400) expect(body.message?.length).toBeGreaterThan(0)
          if (type !== 'image/jpeg') expect(res.status).toBe(415)
          else if (img.good) expect(res.status < 300).toBe(img.good.format === 'jpeg')
        },
        { runs: 200, caseTimeoutMs: CASE_MS * 2, maxRssGrowthMiB: RSS_BOUND_MIB },
      )
      // the route was reached, not stopped at the login: photos stored and photos refused
      expect([...statuses.keys()].filter((c) => c === 201 || c === 400).sort()).toEqual([201, 400])
      const health = await fetch(`${hub.api}/api/health`)
      expect(health.status).toBe(200)
    })
  })
})
