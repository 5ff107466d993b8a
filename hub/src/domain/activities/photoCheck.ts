import type { SignIn } from './attendance.js'

/** A photo a kiosk took, as its `activity.photo` event in the ledger tells it. */
export interface ActivityPhoto {
  photoId: string
  stationId: string
  purpose: 'evidence' | 'witness'
  activityId?: string
  /** Faces the kiosk counted; absent when the kiosk has no face models. */
  faces?: number
  width: number
  height: number
  bytes: number
  takenBy?: string
  /** Device time the photo was taken, epoch ms. */
  at: number
}

/**
 * Below this share of the people signed in (rounded up), the best photo shows too few faces.
 * Half, because a group photo honestly misses people: the one holding the camera, those at
 * the back or turned away, faces too small for the detector, people who left early.
 * Fewer than half is what a record looks like when cards were tapped for people who were
 * not there.
 */
export const MIN_FACE_SHARE = 0.5
/**
 * Above this multiple of the people signed in, plus FACE_SLACK, the best photo shows too
 * many faces: a photo of another, bigger gathering. Half as many again allows for villagers,
 * children and visitors who come without signing in (a service day draws them).
 */
export const MAX_FACE_FACTOR = 1.5
/**
 * Faces allowed on top, so that a small meeting is not flagged for portraits on the wall
 * of the service hall or a detector's false positive: three signed in may show up to 7.
 */
export const FACE_SLACK = 3

export type PhotoOutcome = 'ok' | 'noPhoto' | 'notCounted' | 'tooFewFaces' | 'tooManyFaces'
/** Why an activity record should be inspected. */
export type PhotoFlag = 'noPhoto' | 'tooFewFaces' | 'tooManyFaces' | 'witnessMissing'

export interface PhotoCheck {
  outcome: PhotoOutcome
  /** Distinct people signed in, guests included: everyone who signed in is in the room. */
  signedIn: number
  /** The evidence photo with the most faces, among those the kiosk counted. */
  best: { photoId: string; faces: number } | null
  /** Face counts of the best photo that pass: min..max inclusive. */
  expectedFaces: { min: number; max: number }
  /** People signed in on a cadre's word whose witness photo is not in the ledger. */
  vouchedWithoutWitness: string[]
  /** Empty when the record needs no inspection. */
  flags: PhotoFlag[]
}

export const minFaces = (signedIn: number): number => Math.ceil(signedIn * MIN_FACE_SHARE)
export const maxFaces = (signedIn: number): number => Math.floor(signedIn * MAX_FACE_FACTOR) + FACE_SLACK

/**
 * Checks an activity's evidence photos against its sign-ins (issue: "the faces in an
 * evidence photo are counted and checked against the number of sign-ins; a large mismatch
 * is flagged"). Only a large mismatch is flagged: face counts are a detector's estimate,
 * a hint for the town office where to look, never a verdict on who attended.
 *
 * `photos` are the activity's photos from its own station, both purposes: the evidence
 * photos are checked, the witness photos back the vouched sign-ins.
 */
export function photoCheck(signIns: readonly SignIn[], photos: readonly ActivityPhoto[]): PhotoCheck {
  const signedIn = new Set(signIns.map((s) => s.personId)).size
  const expectedFaces = { min: minFaces(signedIn), max: maxFaces(signedIn) }
  const evidence = photos.filter((p) => p.purpose === 'evidence')
  let best: PhotoCheck['best'] = null
  for (const p of evidence) {
    if (p.faces === undefined) continue
    if (!best || p.faces > best.faces) best = { photoId: p.photoId, faces: p.faces }
  }
  const outcome: PhotoOutcome =
    evidence.length === 0
      ? 'noPhoto'
      : !best
        ? 'notCounted'
        : best.faces < expectedFaces.min
          ? 'tooFewFaces'
          : best.faces > expectedFaces.max
            ? 'tooManyFaces'
            : 'ok'

  // as in attendance(), a person counts by their first sign-in: that is the one to back up
  const first = new Map<string, SignIn>()
  for (const s of [...signIns].sort((a, b) => a.at - b.at))
    if (!first.has(s.personId)) first.set(s.personId, s)
  const witnesses = new Set(photos.filter((p) => p.purpose === 'witness').map((p) => p.photoId))
  const vouchedWithoutWitness = [...first.values()]
    .filter((s) => s.method === 'vouch' && !(s.witnessPhotoId && witnesses.has(s.witnessPhotoId)))
    .map((s) => s.personId)
    .sort()

  const flags: PhotoFlag[] = []
  // an activity nobody signed in to was not held (or not yet): its missing photo is no finding
  if (outcome === 'noPhoto' && signedIn > 0) flags.push('noPhoto')
  if (outcome === 'tooFewFaces' || outcome === 'tooManyFaces') flags.push(outcome)
  if (vouchedWithoutWitness.length > 0) flags.push('witnessMissing')
  return { outcome, signedIn, best, expectedFaces, vouchedWithoutWitness, flags }
}
