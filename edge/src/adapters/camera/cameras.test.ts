import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { FolderCamera } from './folderCamera.js'
import { PushCamera } from './pushCamera.js'

const solid = (r: number) => ({ width: 2, height: 2, data: new Uint8Array(12).fill(r), capturedAt: 0 })

describe('PushCamera', () => {
  it('hands out each pushed frame once, waits for the next, and says when none comes', async () => {
    const cam = new PushCamera(100)
    await cam.open()
    cam.push(solid(1))
    expect((await cam.capture()).data[0]).toBe(1)
    const next = cam.capture()
    cam.push(solid(2))
    expect((await next).data[0]).toBe(2)
    await expect(cam.capture()).rejects.toMatchObject({ code: 'noFrames' })
  })
})

describe('FolderCamera', () => {
  it('replays the images of a folder in name order, round and round', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-cam-'))
    for (const [name, grey] of [
      ['b.png', 200],
      ['a.jpg', 10],
    ] as const) {
      await sharp({
        create: { width: 8, height: 6, channels: 3, background: { r: grey, g: grey, b: grey } },
      }).toFile(join(dir, name))
    }
    const cam = new FolderCamera(dir, 30)
    await cam.open()
    const shots = [await cam.capture(), await cam.capture(), await cam.capture()]
    expect(shots.map((f) => [f.width, f.height])).toEqual([
      [8, 6],
      [8, 6],
      [8, 6],
    ])
    expect(shots.map((f) => (f.data[0] as number) > 100)).toEqual([false, true, false])
  })

  it('refuses an empty or missing folder with the reason', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ejia-cam-'))
    mkdirSync(join(empty, 'sub'))
    await expect(new FolderCamera(empty, 5).open()).rejects.toThrow(/has no images/)
    await expect(new FolderCamera(join(empty, 'nope'), 5).open()).rejects.toThrow(/cannot be read/)
  })
})
