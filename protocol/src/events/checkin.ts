import Type, { type Static } from 'typebox'
import { PersonId, PhotoId } from '../ids.js'
import { SignInMethod } from './credential.js'
import { LivenessOutcome, ModelVersion } from './face.js'

/** A person signed in at the kiosk, to an activity or (without `activityId`) as a visit. */
export const CheckinBody = Type.Object(
  {
    personId: PersonId,
    method: SignInMethod,
    activityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Match score of the face or fingerprint engine, 0..1, when the method has one. */
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** The cadre who vouched, required when `method` is `vouch`. */
    vouchedBy: Type.Optional(PersonId),
    /** The witness photo of a vouched sign-in (an `activity.photo` with purpose `witness`). */
    witnessPhotoId: Type.Optional(PhotoId),
    /** Face check-in: lead of the best match over the runner-up. */
    margin: Type.Optional(Type.Number({ minimum: -1, maximum: 2 })),
    liveness: Type.Optional(LivenessOutcome),
    modelVersion: Type.Optional(ModelVersion),
  },
  { additionalProperties: false, title: 'checkin' },
)
export type CheckinBody = Static<typeof CheckinBody>
