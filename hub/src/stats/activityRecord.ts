import {
  type ActivityPlan,
  type AttendanceResult,
  attendance,
  type SignIn,
} from '../domain/activities/attendance.js'
import { type ActivityPhoto, type PhotoCheck, photoCheck } from '../domain/activities/photoCheck.js'
import type { ActivityMarks } from '../storage/workStore.js'

/** Where the hub serves a photo; ids are content hashes, so the address never changes. */
export const photoUrl = (photoId: string): string => `/api/photos/${photoId}`
export const thumbUrl = (photoId: string): string => `/api/photos/${photoId}/thumb`

export interface RecordPhoto extends ActivityPhoto {
  /** The JPEG has reached the hub; until then its URLs answer 404. */
  uploaded: boolean
  url: string
  thumbUrl: string
}

/** A vouched sign-in's witness photo: named by the check-in, recorded by its event, uploaded. */
export interface WitnessState {
  photoId: string | null
  recorded: boolean
  uploaded: boolean
}

export type RecordSignIn = SignIn & { witness?: WitnessState }

/**
 * The full record of an activity (issue: "start, sign-ins (any credential, or a cadre
 * vouching with a witness photo, counted separately), evidence photos, end"), with its
 * attendance and its photo check.
 */
export interface ActivityRecord {
  plan: ActivityPlan
  /** Opened and closed at the kiosk (`activity.start`, `activity.end`); null until then. */
  started: { at: number; by: string } | null
  ended: { at: number; by: string } | null
  result: AttendanceResult
  signIns: RecordSignIn[]
  /** Evidence and witness photos of the activity, oldest first. */
  photos: RecordPhoto[]
  photoCheck: PhotoCheck
}

/**
 * Assembles one record. `candidates` may hold photos of other stations and activities (all
 * those sharing the activity's id or a witness photo's id); only the activity's own
 * station's count, so one kiosk cannot fill another village's record.
 */
export function activityRecord(
  plan: ActivityPlan,
  signIns: readonly SignIn[],
  candidates: readonly ActivityPhoto[],
  uploaded: ReadonlySet<string>,
  marks: ActivityMarks = { started: null, ended: null },
): ActivityRecord {
  const witnessIds = new Set(signIns.flatMap((s) => s.witnessPhotoId ?? []))
  const photos = new Map<string, ActivityPhoto>()
  for (const p of candidates) {
    if (p.stationId !== plan.stationId || photos.has(p.photoId)) continue
    if (p.activityId === plan.activityId || (p.purpose === 'witness' && witnessIds.has(p.photoId)))
      photos.set(p.photoId, p)
  }
  const own = [...photos.values()]
  const witnesses = new Set(own.filter((p) => p.purpose === 'witness').map((p) => p.photoId))
  return {
    plan,
    started: marks.started,
    ended: marks.ended,
    result: attendance(plan, signIns),
    signIns: signIns.map((s) =>
      s.method !== 'vouch'
        ? s
        : {
            ...s,
            witness: {
              photoId: s.witnessPhotoId ?? null,
              recorded: s.witnessPhotoId !== undefined && witnesses.has(s.witnessPhotoId),
              uploaded: s.witnessPhotoId !== undefined && uploaded.has(s.witnessPhotoId),
            },
          },
    ),
    photos: own.map((p) => ({
      ...p,
      uploaded: uploaded.has(p.photoId),
      url: photoUrl(p.photoId),
      thumbUrl: thumbUrl(p.photoId),
    })),
    photoCheck: photoCheck(signIns, own),
  }
}

/**
 * Indexes the photos of a date range once, by activity and by photo id, so each record
 * finds its candidates (its own photos and its sign-ins' witness photos) without a scan.
 */
export function photoCandidates(
  photos: readonly ActivityPhoto[],
): (activityId: string, signIns: readonly SignIn[]) => ActivityPhoto[] {
  const byKey = new Map<string, ActivityPhoto[]>()
  const add = (key: string, p: ActivityPhoto) => {
    const list = byKey.get(key)
    if (list) list.push(p)
    else byKey.set(key, [p])
  }
  for (const p of photos) {
    if (p.activityId) add(`a:${p.activityId}`, p)
    add(`p:${p.photoId}`, p)
  }
  return (activityId, signIns) =>
    [
      ...(byKey.get(`a:${activityId}`) ?? []),
      ...signIns.flatMap((s) => (s.witnessPhotoId ? (byKey.get(`p:${s.witnessPhotoId}`) ?? []) : [])),
    ].sort((a, b) => a.at - b.at)
}
