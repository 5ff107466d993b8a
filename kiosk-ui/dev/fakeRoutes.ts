import { createHash } from 'node:crypto'
import { PersonId } from '@ejia/protocol'
import Type from 'typebox'
import { Compile } from 'typebox/compile'
import type { Mode } from '../src/api/types.js'
import { type FakeFace, imageSize } from './fakeFace.js'
import { type FakeKiosk, FakeRefusal } from './fakeKiosk.js'
import { FastifyError, jsonBody, ok, type Req, type Route } from './http.js'

// The bodies the edge agent's routes take (edge/src/adapters/http/*Routes.ts), checked alike.
const Pin = Type.String({ pattern: '^[0-9]{4,8}$' })
const Id = Type.String({ minLength: 1, maxLength: 64 })
const strict = { additionalProperties: false }
const modeBody = jsonBody<Mode>(
  Type.Union([
    Type.Object({
      kind: Type.Literal('checkin'),
      activityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    }),
    Type.Object({ kind: Type.Literal('duty') }),
    Type.Object({ kind: Type.Literal('lookup') }),
  ]),
)
const pinBody = jsonBody<{ personId: string; pin: string }>(Type.Object({ personId: Id, pin: Pin }, strict))
const cadreBody = jsonBody<{ cadreId: string; pin: string }>(Type.Object({ cadreId: Id, pin: Pin }, strict))
const enrolCheckBody = jsonBody<{ payload: string }>(
  Type.Object({ payload: Type.String({ minLength: 1, maxLength: 1024 }) }, strict),
)
const vouchBody = jsonBody<{ personId: string; cadreId: string; cadrePin: string; witnessPhotoId: string }>(
  Type.Object(
    { personId: Id, cadreId: Id, cadrePin: Pin, witnessPhotoId: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
    strict,
  ),
)
const faceStartBody = jsonBody<{ activityId?: string }>(
  Type.Object({ activityId: Type.Optional(Type.String({ maxLength: 64 })) }),
)
const consentBody = jsonBody<{
  personId: string
  granted: boolean
  textVersion: string
  authorisedBy: string
}>(
  Type.Object(
    {
      personId: PersonId,
      granted: Type.Boolean(),
      textVersion: Type.String({ minLength: 1, maxLength: 32 }),
      authorisedBy: PersonId,
    },
    strict,
  ),
)
const enrolBody = jsonBody<{ personId: string; authorisedBy: string; images: string[] }>(
  Type.Object(
    {
      personId: PersonId,
      authorisedBy: PersonId,
      images: Type.Array(Type.String({ maxLength: 2_000_000 }), { minItems: 1, maxItems: 10 }),
    },
    strict,
  ),
)
const personIdValid = Compile(PersonId)

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp']
/** edge enrolment.ts MIN_CAPTURES */
const MIN_CAPTURES = 3

/** A camera frame as the agent decodes it: refused with the agent's codes, else its size. */
function frameOf(req: Req): { width: number; height: number } {
  if (!IMAGE_TYPES.includes(req.type))
    throw new FakeRefusal(415, 'notAnImage', `send ${IMAGE_TYPES.join(', ')}`)
  if (req.body.length === 0) throw new FakeRefusal(400, 'imageEmpty', 'the image is empty (0 bytes)')
  const size = req.type === 'image/webp' ? { width: 640, height: 480 } : imageSize(req.body)
  if (!size) throw new FakeRefusal(400, 'imageInvalid', 'not a readable image')
  return size
}

/** The local API of docs/KIOSK.md, route by route, over the fake kiosk and its face session. */
export function apiRoutes(kiosk: FakeKiosk, face: FakeFace): Record<string, Route> {
  const photoUses = new Set<string>()
  return {
    'GET /api/status': () => ok(kiosk.status()),
    // the station config's defaults (firmware-config/src/schema/operations.ts)
    'GET /api/ui-settings': () =>
      ok({
        ui: { idleTimeoutS: 30, resultTimeoutS: 8, voice: true, sound: true, language: 'zh-CN' },
        duty: { graceLateMin: 5, graceEarlyMin: 5, duplicateWithinMin: 3 },
        activity: {
          themeDayOfMonth: 25,
          defaultHours: {
            themeDay: 2,
            branchAssembly: 2,
            committeeMeeting: 1.5,
            groupMeeting: 1,
            partyLecture: 1.5,
            study: 1,
            other: 1,
          },
        },
      }),
    'GET /api/today': () => ok(kiosk.today()),
    'GET /api/devices': () => ok({ devices: kiosk.devices() }),
    'GET /api/mode': () => ok(kiosk.currentMode()),
    'PUT /api/mode': (req) => ok(kiosk.setMode(modeBody(req))),

    'POST /api/signin/pin': (req) => {
      const b = pinBody(req)
      const o = kiosk.pin(b.personId, b.pin)
      return ok(o, o.kind === 'unknown' ? 401 : 200)
    },
    'POST /api/signin/vouch': (req) => {
      const o = kiosk.vouch(vouchBody(req))
      return ok(o, o.kind === 'unknown' ? 401 : 200)
    },
    'POST /api/auth/cadre': (req) => {
      const b = cadreBody(req)
      return ok(kiosk.authCadre(b.cadreId, b.pin))
    },
    'POST /api/enrol/check': (req) => ok(kiosk.enrolCheck(enrolCheckBody(req).payload, 'localApi')),
    'GET /api/people/:personId': (req) => {
      const id = req.params.personId ?? ''
      if (!personIdValid.Check(id))
        throw new FastifyError(400, 'FST_ERR_VALIDATION', 'Bad Request', 'params/personId must match pattern')
      const p = kiosk.person(id)
      if (!p) throw new FakeRefusal(404, 'notOnRoster', `${id} is not on this roster`)
      return ok(p)
    },

    'GET /api/face': () => ok(face.info()),
    'POST /api/face/checkin': (req) => {
      const b = faceStartBody(req)
      return ok(face.require().start(b.activityId))
    },
    'GET /api/face/checkin': () => {
      const u = face.require().status()
      if (!u) throw new FakeRefusal(404, 'noSession', 'no face check-in in progress')
      return ok(u)
    },
    'DELETE /api/face/checkin': () => {
      if (face.enabled) face.cancel()
      return ok(null, 204)
    },
    'POST /api/camera/frame': (req) => {
      face.frame(frameOf(req))
      return ok({ accepted: true }, 202)
    },
    'POST /api/camera/probe': (req) => ok(face.require().probe(frameOf(req))),
    'POST /api/face/consent': (req) => {
      face.require()
      const b = consentBody(req)
      face.consents.set(b.personId, b.granted)
      if (!b.granted) face.enrolled.delete(b.personId)
      const e = kiosk.record('face.consent', b)
      return ok({ eventId: e.id }, 201)
    },
    'POST /api/face/enrol': (req) => {
      face.require()
      const b = enrolBody(req)
      if (!face.consents.get(b.personId))
        throw new FakeRefusal(
          403,
          'noConsent',
          `${b.personId} has not given consent to face check-in; record it first`,
        )
      const usable = b.images.filter((i) => imageSize(Buffer.from(i, 'base64')) !== null)
      if (usable.length < MIN_CAPTURES)
        throw new FakeRefusal(422, 'tooFewCaptures', `${usable.length} usable captures of ${b.images.length}`)
      const replaced = face.enrolled.has(b.personId)
      face.enrolled.add(b.personId)
      kiosk.record('face.enrolled', {
        personId: b.personId,
        authorisedBy: b.authorisedBy,
        captures: usable.length,
      })
      return ok({ personId: b.personId, captures: usable.length, rejected: [], replaced }, 201)
    },

    'POST /api/photos': (req) => {
      const purpose = req.query.get('purpose')
      if (purpose !== 'witness' && purpose !== 'evidence')
        throw new FakeRefusal(400, 'invalidRequest', 'querystring/purpose must be witness or evidence')
      if (req.type !== 'image/jpeg' && req.type !== 'image/png')
        throw new FakeRefusal(415, 'unsupportedImage', 'send the photo as image/jpeg or image/png')
      if (req.body.length === 0) throw new FakeRefusal(400, 'photoEmpty', 'the photo is empty')
      const size = imageSize(req.body)
      if (!size) throw new FakeRefusal(400, 'notAnImage', 'not a JPEG or PNG')
      const photoId = createHash('sha256').update(req.body).digest('hex')
      const use = `${photoId}:${purpose}:${req.query.get('activityId') ?? ''}`
      const duplicate = photoUses.has(use)
      photoUses.add(use)
      kiosk.photos.add(photoId)
      if (!duplicate) kiosk.record('activity.photo', { photoId, purpose, ...size, bytes: req.body.length })
      return ok({ photoId, faces: 1, ...size, bytes: req.body.length, duplicate }, duplicate ? 200 : 201)
    },
  }
}
