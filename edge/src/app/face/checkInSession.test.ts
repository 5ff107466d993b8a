import { describe, expect, it } from 'vitest'
import { FACES, faceKit, frame } from './faceKit.fixture.js'

describe('face check-in session', () => {
  it('accepts after three consistent frames and journals a face check-in, with no template in it', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    await k.enrol('bob', FACES.bob)
    const updates: { state: string }[] = []
    k.service.onUpdate((u) => updates.push(u))
    k.service.startCheckIn('act-25')
    const first = await k.service.frame(frame(FACES.alice))
    expect(first).toMatchObject({
      state: 'looking',
      progress: { frames: 1, needed: 3 },
      frame: { width: expect.any(Number), height: expect.any(Number) },
    })
    // the face box, for the preview, in frame pixels
    if (first?.state !== 'looking' || !first.box || !first.frame) throw new Error('expected a face box')
    expect(first.box.x2).toBeGreaterThan(first.box.x1)
    expect(first.box.x2).toBeLessThanOrEqual(first.frame.width)
    await k.service.frame(frame(FACES.alicePoorLight))
    const done = await k.service.frame(frame(FACES.alice))
    expect(done).toMatchObject({ state: 'accepted', personId: 'alice' })
    // every change went to listeners (the UI's stream), the start and the accept included
    expect(updates.map((u) => u.state)).toEqual(['looking', 'looking', 'looking', 'accepted'])
    const checkin = (await k.events()).find((e) => e.type === 'checkin')
    expect(checkin?.body).toMatchObject({
      personId: 'alice',
      method: 'face',
      activityId: 'act-25',
      modelVersion: 'fake-1',
      liveness: { challenge: 'none', passed: true },
    })
    expect((checkin?.body as { score: number } | undefined)?.score).toBeGreaterThan(0.9)
    expect(JSON.stringify(await k.events())).not.toMatch(/template|embedding/)
  })

  it('starts the vote again when the face changes or the frame is bad, and says what is wrong', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    await k.enrol('bob', FACES.bob)
    k.service.startCheckIn()
    await k.service.frame(frame(FACES.alice))
    await k.service.frame(frame(FACES.alice))
    expect(await k.service.frame(frame(FACES.dark))).toMatchObject({
      state: 'looking',
      issue: 'tooDark',
      progress: { frames: 0 },
    })
    await k.service.frame(frame(FACES.bob))
    expect(await k.service.frame(frame(FACES.alice))).toMatchObject({ progress: { frames: 1 } })
  })

  it('rejects a stranger, then offers the other ways to sign in', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    k.service.startCheckIn()
    let last: Awaited<ReturnType<typeof k.service.frame>>
    for (let i = 0; i < 6; i++) last = await k.service.frame(frame(FACES.stranger))
    expect(last).toEqual({
      state: 'failed',
      reason: 'notRecognised',
      lastIssue: null,
      fallbacks: ['card', 'qr', 'pin', 'vouch'],
    })
    expect((await k.events()).filter((e) => e.type === 'checkin')).toEqual([])
  })

  it('refuses a face that is too close to two enrolled people to tell apart', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    await k.service.enrolment.recordConsent({
      personId: 'twin',
      granted: true,
      textVersion: 'v1',
      authorisedBy: 'c',
    })
    // the twin is refused at enrolment: the face already belongs to alice
    await expect(
      k.service.enrolment.enrol('twin', 'c', [frame(5), frame(5), frame(5)]),
    ).rejects.toMatchObject({
      code: 'alreadyEnrolled',
      detail: { personId: 'alice' },
    })
  })

  it('times out without frames, with the last problem and the fallbacks', async () => {
    const k = await faceKit()
    k.service.startCheckIn()
    await k.service.frame(frame(FACES.dark))
    k.clock.advance(21_000)
    expect(k.service.status()).toMatchObject({ state: 'failed', reason: 'timeout', lastIssue: 'tooDark' })
  })

  it('suggests enrolling again once the match margin keeps shrinking', async () => {
    const k = await faceKit({ votingFrames: 1 })
    await k.enrol('alice', FACES.alice)
    await k.enrol('bob', FACES.bob)
    const checkIn = async (face: number) => {
      k.service.startCheckIn()
      return k.service.frame(frame(face))
    }
    for (let i = 0; i < 4; i++) expect(await checkIn(FACES.alice)).toMatchObject({ reenrolSuggested: false })
    // still recognised, but by a margin a quarter of the one she started with
    const later = []
    for (let i = 0; i < 6; i++) later.push(await checkIn(FACES.aliceAged))
    expect(later.every((u) => u?.state === 'accepted' && u.personId === 'alice')).toBe(true)
    expect(later[0]).toMatchObject({ reenrolSuggested: false })
    expect(later.at(-1)).toMatchObject({ reenrolSuggested: true })
  })
})
