import { describe, expect, it } from 'vitest'
import { FakeAttendanceDevice } from './fakeAttendanceDevice.js'
import { FakeCamera } from './fakeCamera.js'
import { FakeFaceEngine } from './fakeFaceEngine.js'

const frame = (face: number) => ({ width: 1, height: 1, data: new Uint8Array([face, 0, 0]), capturedAt: 0 })

describe('fakes behind the hardware ports', () => {
  it('FakeCamera hands out its frames in turn, only while open', async () => {
    const cam = new FakeCamera([frame(1), frame(2)])
    await expect(cam.capture()).rejects.toThrow(/not open/)
    await cam.open()
    expect([
      (await cam.capture()).data[0],
      (await cam.capture()).data[0],
      (await cam.capture()).data[0],
    ]).toEqual([1, 2, 2])
  })

  it('FakeFaceEngine reports the face or the problem the frame stands for', async () => {
    const engine = new FakeFaceEngine(
      new Map([[1, new Float32Array([1, 0, 0, 0, 0, 0, 0, 0])]]),
      new Map([[9, 'tooDark']]),
    )
    expect(await engine.analyse(frame(0))).toMatchObject({ ok: false, issue: 'noFace', faces: 0 })
    expect(await engine.analyse(frame(9))).toMatchObject({ ok: false, issue: 'tooDark' })
    const seen = await engine.analyse(frame(1), { liveness: true })
    expect(seen.ok && Array.from(seen.embedding)).toEqual([1, 0, 0, 0, 0, 0, 0, 0])
    expect(seen.ok && seen.liveness).toBe(0)
    // a group photo: one face per pixel that stands for a known face
    const group = {
      width: 3,
      height: 2,
      data: new Uint8Array([1, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]),
    }
    expect((await engine.detectFaces(group)).map((b) => [b.x1, b.y1])).toEqual([
      [0, 0],
      [1, 1],
      [2, 1],
    ])
  })

  it('FakeAttendanceDevice delivers reads until it faults', async () => {
    const reader = new FakeAttendanceDevice('card')
    const reads: string[] = []
    await reader.start((r) => reads.push(r.credential))
    reader.present({ method: 'card', credential: '0012345678', at: 1 })
    reader.fail({ code: 'unplugged', message: 'no data for 60 s' })
    reader.present({ method: 'card', credential: '0087654321', at: 2 })
    expect(reads).toEqual(['0012345678'])
    expect(reader.fault()?.code).toBe('unplugged')
  })
})
