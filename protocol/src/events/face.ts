import Type, { type Static } from 'typebox'
import { PersonId, timestamp } from '../ids.js'

const ModelVersion = Type.String({ maxLength: 128, description: 'Face models used, with their hashes' })

/**
 * A person's separate consent to face check-in (PIPL art. 29: sensitive personal
 * information needs separate consent), or its refusal, given at the kiosk before enrolment
 * with a cadre present.
 */
export const FaceConsentBody = Type.Object(
  {
    personId: PersonId,
    granted: Type.Boolean(),
    textVersion: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'Version of the consent text shown',
    }),
    authorisedBy: PersonId,
  },
  { additionalProperties: false, title: 'face.consent' },
)
export type FaceConsentBody = Static<typeof FaceConsentBody>

/** A face template was saved on the kiosk. The template itself never leaves it. */
export const FaceEnrolledBody = Type.Object(
  {
    personId: PersonId,
    authorisedBy: PersonId,
    captures: Type.Integer({ minimum: 1, maximum: 20 }),
    modelVersion: ModelVersion,
    replaced: Type.Boolean({ description: 'An older template of this person was replaced' }),
  },
  { additionalProperties: false, title: 'face.enrolled' },
)
export type FaceEnrolledBody = Static<typeof FaceEnrolledBody>

/** Why a person's face template is deleted when someone asks for it (ejia-face forget, the local API). */
export const FACE_DELETE_REQUESTS = [
  'personRequest',
  'consentWithdrawn',
  'leftVillage',
  'reenrol',
  'other',
] as const

/**
 * A person's face data was deleted from the kiosk (PIPL art. 47). `retention` and
 * `rosterRemoved` are the kiosk's own deletions: a template unused for `face.retentionDays`,
 * or of a person no longer on the station's roster; `requestedBy` is then the station id.
 * The optional fields came later (issue 10), so older kiosks' events still read.
 */
export const FaceDeletedBody = Type.Object(
  {
    personId: PersonId,
    requestedBy: PersonId,
    reason: Type.Enum([...FACE_DELETE_REQUESTS, 'retention', 'rosterRemoved']),
    sealedSha256: Type.Optional(
      Type.String({
        pattern: '^[0-9a-f]{64}$',
        description:
          'SHA-256 of the sealed template destroyed (IV, tag and ciphertext as stored in faces.db); never the template',
      }),
    ),
    enrolledAt: Type.Optional(timestamp('When the destroyed template was enrolled')),
  },
  { additionalProperties: false, title: 'face.deleted' },
)
export type FaceDeletedBody = Static<typeof FaceDeletedBody>

/** What liveness checking found during a face check-in. */
export const LivenessOutcome = Type.Object(
  {
    score: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
      description: 'Liveness model score, advisory; null when the model is off',
    }),
    challenge: Type.Enum(['none', 'blink', 'turn']),
    passed: Type.Boolean(),
  },
  { additionalProperties: false },
)
export { ModelVersion }
