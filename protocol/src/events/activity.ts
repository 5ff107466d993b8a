import Type, { type Static } from 'typebox'
import { PersonId, PhotoId } from '../ids.js'

/** 三会一课 plus the monthly member activity day (主题党日) and study sessions. */
export const ActivityKind = Type.Enum([
  'themeDay',
  'branchAssembly',
  'committeeMeeting',
  'groupMeeting',
  'partyLecture',
  'study',
  'other',
])
export type ActivityKind = Static<typeof ActivityKind>

/** The "4+X" themes of the activity day: four fixed ones and a branch's own ("x"). */
export const ActivityTheme = Type.Enum(['education', 'service', 'deliberation', 'harmony', 'x'])
export type ActivityTheme = Static<typeof ActivityTheme>

export const ActivityStartBody = Type.Object(
  {
    activityId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: ActivityKind,
    theme: Type.Optional(ActivityTheme),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    startedBy: PersonId,
  },
  { additionalProperties: false, title: 'activity.start' },
)
export type ActivityStartBody = Static<typeof ActivityStartBody>

export const ActivityEndBody = Type.Object(
  {
    activityId: Type.String({ minLength: 1, maxLength: 64 }),
    endedBy: PersonId,
  },
  { additionalProperties: false, title: 'activity.end' },
)
export type ActivityEndBody = Static<typeof ActivityEndBody>

/**
 * A photo taken at the kiosk: evidence of an activity (the group at the meeting), or the
 * witness photo of a vouched sign-in. The event carries what the kiosk saw, the JPEG
 * itself travels separately (HTTP upload to the hub, by its id).
 */
export const ActivityPhotoBody = Type.Object(
  {
    photoId: PhotoId,
    purpose: Type.Enum(['evidence', 'witness']),
    activityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Faces the kiosk's detector counted in the photo; absent on a kiosk without face models. */
    faces: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    width: Type.Integer({ minimum: 1, maximum: 10_000 }),
    height: Type.Integer({ minimum: 1, maximum: 10_000 }),
    bytes: Type.Integer({ minimum: 1 }),
    takenBy: Type.Optional(PersonId),
  },
  { additionalProperties: false, title: 'activity.photo' },
)
export type ActivityPhotoBody = Static<typeof ActivityPhotoBody>
