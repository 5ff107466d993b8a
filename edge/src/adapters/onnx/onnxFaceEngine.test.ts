import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FaceConfig } from '@ejia/firmware-config'
import sharp from 'sharp'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_QUALITY } from '../../domain/face/quality.js'
import { decodeImage } from '../image/decodeImage.js'
import { modelCacheDir } from './modelCache.js'
import { OnnxFaceEngine } from './onnxFaceEngine.js'

/** Medium tier: the real ONNX models and real photos. */
// the labelled photos beside the project (never copied into it); EJIA_FACES_DIR overrides
const FACES = process.env.EJIA_FACES_DIR ?? new URL('../../../../../shared/faces/', import.meta.url).pathname
const SAMPLES = join(modelCacheDir(), 'face-api-demo-1.7.15')
const haveFaces = existsSync(FACES)
if (!haveFaces) console.warn(`skipping the tests on labelled photos: ${FACES} is absent (set EJIA_FACES_DIR)`)
const config = (): FaceConfig => Value.Default(FaceConfig, {}) as FaceConfig
const photo = (person: string, n: number) => join(FACES, person, `${person}${n}.png`)

describe('OnnxFaceEngine on real models', () => {
  let engine: OnnxFaceEngine
  beforeAll(async () => {
    engine = await OnnxFaceEngine.load(config(), DEFAULT_QUALITY)
  })
  afterAll(() => engine.close())

  it('names its models with their hashes', () => {
    expect(engine.modelVersion).toBe(
      'ultraface:6c0256cc+landmark68:f10b0ba1+arcface112:87aacdfe+minifasnet:afa783b7',
    )
    expect(engine.embeddingSize).toBe(512)
  })

  it.skipIf(!haveFaces)('finds the face in a 150×150 photo the face fills, and embeds it', async () => {
    const a = await engine.analyse(await decodeImage(photo('amy', 1)), { liveness: true })
    if (!a.ok) throw new Error(`expected a face, got ${a.issue}`)
    expect(a.face.box.x2 - a.face.box.x1).toBeGreaterThan(90)
    expect(a.face.landmarks).toHaveLength(68)
    expect(a.embedding).toHaveLength(512)
    expect(a.liveness).toBeGreaterThanOrEqual(0)
    expect(Math.hypot(...a.embedding)).toBeCloseTo(1, 4)
  })

  it('finds every face of the group photos and asks for one person at a time', async () => {
    const counts = []
    for (let i = 1; i <= 6; i++) {
      const a = await engine.analyse(await decodeImage(join(SAMPLES, `sample${i}.jpg`)))
      expect(a).toMatchObject({ ok: false, issue: 'severalFaces' })
      counts.push(a.faces)
    }
    expect(counts).toEqual([3, 3, 3, 4, 5, 4])
  })

  it.skipIf(!haveFaces)('says too dark, blurred, too small and no face, each for its reason', async () => {
    const file = photo('howard', 1)
    const dark = await decodeImage(await sharp(file).linear(0.2, 0).png().toBuffer())
    expect(await engine.analyse(dark)).toMatchObject({ ok: false, issue: 'tooDark' })
    const bright = await decodeImage(await sharp(file).linear(1, 150).png().toBuffer())
    expect(await engine.analyse(bright)).toMatchObject({ ok: false, issue: 'tooBright' })
    const blurred = await decodeImage(await sharp(file).blur(4).png().toBuffer())
    expect(await engine.analyse(blurred)).toMatchObject({ ok: false, issue: 'blurred' })
    // a person standing back from the kiosk: their face about 40 px wide in a 640×480 frame
    const person = await sharp(join(SAMPLES, 'sample2.jpg'))
      .extract({ left: 700, top: 150, width: 500, height: 500 })
      .resize(120)
      .png()
      .toBuffer()
    const far = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#777' } })
      .composite([{ input: person, left: 260, top: 160 }])
      .png()
      .toBuffer()
    expect(await engine.analyse(await decodeImage(far))).toMatchObject({ ok: false, issue: 'tooSmall' })
    const wall = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a7' } })
      .png()
      .toBuffer()
    expect(await engine.analyse(await decodeImage(wall))).toMatchObject({
      ok: false,
      issue: 'noFace',
      faces: 0,
    })
  })

  it('refuses corrupt, empty and oversized images and malformed frames with clear errors', async () => {
    await expect(decodeImage(Buffer.from('not an image at all'))).rejects.toMatchObject({
      code: 'imageInvalid',
    })
    await expect(decodeImage(new Uint8Array(0))).rejects.toMatchObject({ code: 'imageEmpty' })
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
      .jpeg()
      .toBuffer()
    await expect(decodeImage(jpeg.subarray(0, 200))).rejects.toMatchObject({ code: 'imageInvalid' })
    await expect(decodeImage(pngHeaderOnly(30_000, 30_000))).rejects.toMatchObject({ code: 'imageTooLarge' })
    await expect(engine.analyse({ width: 0, height: 0, data: new Uint8Array(0) })).rejects.toMatchObject({
      code: 'imageEmpty',
    })
    await expect(engine.analyse({ width: 10, height: 10, data: new Uint8Array(7) })).rejects.toThrow(
      /holds 7 bytes/,
    )
  })

  it('says which model is missing or broken, and how to get it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-models-'))
    await expect(OnnxFaceEngine.load({ ...config(), modelDir: dir }, DEFAULT_QUALITY)).rejects.toMatchObject({
      code: 'modelMissing',
      message: expect.stringContaining('npm run models'),
    })
    for (const f of ['fr_detect.onnx', 'fr_landmark.onnx', 'fr_feature.onnx', 'fr_liveness.onnx'])
      writeFileSync(join(dir, f), 'garbage')
    await expect(OnnxFaceEngine.load({ ...config(), modelDir: dir }, DEFAULT_QUALITY)).rejects.toMatchObject({
      code: 'modelInvalid',
    })
  })
})

describe.skipIf(!haveFaces)('ejia-face eval on ../shared/faces', () => {
  it('identifies every probe and accepts no stranger', { timeout: 60_000 }, () => {
    const cli = new URL('../../../bin/ejia-face.js', import.meta.url).pathname
    const out = execFileSync(process.execPath, [cli, 'eval', FACES, '--enrol', '2', '--level', '3'], {
      encoding: 'utf8',
    })
    const report = JSON.parse(out)
    expect(report).toMatchObject({
      identities: 5,
      probes: 15,
      rank1: 1,
      falseRejects: 0,
      strangerFalseAccepts: 0,
      strangerProbes: 25,
    })
    expect(report.genuine.min).toBeGreaterThan(report.impostor.max)
    expect(report.unusable).toEqual([])
  })
})

/** A PNG whose header claims huge dimensions: a decompression bomb is refused on the header. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([len, body, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.alloc(8)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}
