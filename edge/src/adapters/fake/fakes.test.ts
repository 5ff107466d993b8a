import { describe, expect, it } from 'vitest'
import { FakeAttendanceDevice } from './fakeAttendanceDevice.js'
import { FakeCamera } from './fakeCamera.js'
import { FakeFaceEngine } from './fakeFaceEngine.js'

const frame = (face: number) => ({ width: 4, height: 4, data: new Uint8Array([face, 0, 0]), capturedAt: 0 })

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

  it('FakeFaceEngine matches by cosine, rejects strangers and ambiguous matches, and forgets', async () => {
    const faces = new Map([
      [1, new Float32Array([1, 0, 0])],
      [2, new Float32Array([0.9, 0.1, 0])],
      [3, new Float32Array([0, 0, 1])],
    ])
    const engine = new FakeFaceEngine(faces)
    expect(await engine.probe(frame(0))).toEqual({ ok: false, issue: 'noFace' })
    await engine.enrol('alice', faces.get(1)!)
    const probe = await engine.probe(frame(1))
    if (!probe.ok) throw new Error('expected a face')
    expect(engine.identify(probe.embedding)).toMatchObject({ decision: 'match', personId: 'alice' })
    expect(engine.identify(faces.get(3)!)).toMatchObject({ decision: 'stranger' })
    await engine.enrol('alina', faces.get(2)!) // nearly the same face: no safe margin
    expect(engine.identify(faces.get(1)!)).toMatchObject({ decision: 'stranger' })
    expect(await engine.forget('alina')).toBe(true)
    expect(engine.identify(faces.get(1)!)).toMatchObject({ decision: 'match', personId: 'alice' })
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
