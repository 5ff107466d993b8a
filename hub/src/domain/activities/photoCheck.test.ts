import { describe, expect, it } from 'vitest'
import type { SignIn } from './attendance.js'
import { type ActivityPhoto, FACE_SLACK, maxFaces, minFaces, photoCheck } from './photoCheck.js'

const id = (n: number) => n.toString(16).padStart(64, '0')
const photo = (n: number, faces: number | undefined, over: Partial<ActivityPhoto> = {}): ActivityPhoto => ({
  photoId: id(n),
  stationId: '339901001001',
  purpose: 'evidence',
  activityId: 'a1',
  ...(faces === undefined ? {} : { faces }),
  width: 1280,
  height: 960,
  bytes: 200_000,
  at: n,
  ...over,
})
const people = (n: number, method = 'card'): SignIn[] =>
  Array.from({ length: n }, (_, i) => ({ personId: `m${i + 1}`, method, at: 100 + i }))
const vouch = (personId: string, at: number, witnessPhotoId?: string): SignIn => ({
  personId,
  method: 'vouch',
  at,
  vouchedBy: 'c1',
  ...(witnessPhotoId ? { witnessPhotoId } : {}),
})

describe('photo check of an activity record', () => {
  it('passes from half the people signed in (rounded up) to one and a half times plus the slack', () => {
    expect([minFaces(10), maxFaces(10)]).toEqual([5, 18])
    expect([minFaces(7), maxFaces(7)]).toEqual([4, 13]) // 3.5 up to 4; 10.5 down to 10, + 3
    expect([minFaces(1), maxFaces(1)]).toEqual([1, 4])
    expect([minFaces(0), maxFaces(0)]).toEqual([0, FACE_SLACK])
    const at = (faces: number) => photoCheck(people(10), [photo(1, faces)]).outcome
    expect([at(4), at(5), at(18), at(19)]).toEqual(['tooFewFaces', 'ok', 'ok', 'tooManyFaces'])
  })

  it('judges by the photo with the most faces, and ignores photos the kiosk did not count', () => {
    const r = photoCheck(people(12), [photo(1, 3), photo(2, undefined), photo(3, 9), photo(4, 2)])
    expect(r).toEqual({
      outcome: 'ok',
      signedIn: 12,
      best: { photoId: id(3), faces: 9 },
      expectedFaces: { min: 6, max: 21 },
      vouchedWithoutWitness: [],
      flags: [],
    })
  })

  it('flags a photo of a handful for a full room, and a photo of a bigger event', () => {
    const few = photoCheck(people(20), [photo(1, 4)])
    expect([few.outcome, few.flags]).toEqual(['tooFewFaces', ['tooFewFaces']])
    const many = photoCheck(people(6), [photo(1, 40)])
    expect([many.outcome, many.flags, many.expectedFaces]).toEqual([
      'tooManyFaces',
      ['tooManyFaces'],
      { min: 3, max: 12 },
    ])
    // a crowd in the photo and nobody signed in
    expect(photoCheck([], [photo(1, 15)]).flags).toEqual(['tooManyFaces'])
  })

  it('counts each person once, guests and vouched sign-ins included', () => {
    const signIns = [...people(4), ...people(4, 'face'), { personId: 'guest', method: 'qr', at: 5 }]
    signIns.push(vouch('m9', 6, id(99)))
    const r = photoCheck(signIns, [photo(1, 3), photo(99, 1, { purpose: 'witness' })])
    expect([r.signedIn, r.expectedFaces.min, r.outcome]).toEqual([6, 3, 'ok'])
  })

  it('leaves the count to a person when no photo was counted, and flags a held activity without a photo', () => {
    const uncounted = photoCheck(people(8), [photo(1, undefined)])
    expect([uncounted.outcome, uncounted.best, uncounted.flags]).toEqual(['notCounted', null, []])
    const none = photoCheck(people(8), [photo(7, 30, { purpose: 'witness' })]) // a witness photo is no evidence
    expect([none.outcome, none.flags]).toEqual(['noPhoto', ['noPhoto']])
    // nobody signed in and nothing taken: not held, or not yet
    expect(photoCheck([], []).flags).toEqual([])
  })

  it('wants a recorded witness photo behind every vouched sign-in that counts', () => {
    const signIns = [
      ...people(3),
      vouch('v1', 10, id(50)), // witnessed
      vouch('v2', 11), // no photo named
      vouch('v3', 12, id(51)), // named, but no such witness photo recorded
      vouch('m1', 200), // m1 came by card first: this vouch does not count
    ]
    const photos = [photo(1, 6), photo(50, 1, { purpose: 'witness' }), photo(51, 1)] // 51 is evidence
    const r = photoCheck(signIns, photos)
    expect([r.outcome, r.vouchedWithoutWitness, r.flags]).toEqual(['ok', ['v2', 'v3'], ['witnessMissing']])
  })
})
