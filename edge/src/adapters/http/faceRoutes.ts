import type { IncomingMessage, ServerResponse } from 'node:http'
import { FACE_DELETE_REQUESTS } from '@ejia/protocol'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, RawServerDefault } from 'fastify'
import type { Logger } from 'pino'
import Type from 'typebox'
import { EnrolmentError } from '../../app/face/enrolment.js'
import type { FaceService } from '../../app/face/faceService.js'
import type { PushCamera } from '../camera/pushCamera.js'
import { decodeImage, ImageError } from '../image/decodeImage.js'
import { IMAGE_TYPES } from './imageBody.js'

/** The local API's Fastify instance, typed by its TypeBox schemas. */
export type LocalApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  Logger,
  TypeBoxTypeProvider
>

export interface FaceRouteDeps {
  /** The face service, or why there is none (face check-in off, models missing, …). */
  service: FaceService | { unavailable: string }
  /** Set when the kiosk UI is the camera (camera.type push). */
  camera?: PushCamera
  log: Logger
}

const PersonId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' })
const Consent = Type.Object(
  {
    personId: PersonId,
    granted: Type.Boolean(),
    textVersion: Type.String({ minLength: 1, maxLength: 32 }),
    authorisedBy: PersonId,
  },
  { additionalProperties: false },
)
const Enrol = Type.Object(
  {
    personId: PersonId,
    authorisedBy: PersonId,
    images: Type.Array(Type.String({ maxLength: 2_000_000, description: 'JPEG or PNG, base64' }), {
      minItems: 1,
      maxItems: 10,
    }),
  },
  { additionalProperties: false },
)
const Forget = Type.Object(
  {
    requestedBy: PersonId,
    // retention and rosterRemoved are the kiosk's own; a person or a cadre asks for these
    reason: Type.Enum([...FACE_DELETE_REQUESTS], { default: 'personRequest' }),
  },
  { additionalProperties: false },
)

/**
 * Face check-in and enrolment for the kiosk UI. Every refusal says why, with a code the
 * UI turns into words; a kiosk without face check-in says so, and the UI offers the rest.
 */
export function faceRoutes(app: LocalApp, deps: FaceRouteDeps): void {
  const service = (reply: FastifyReply): FaceService | undefined => {
    if ('unavailable' in deps.service) {
      void reply.code(503).send({ error: 'faceUnavailable', message: deps.service.unavailable })
      return undefined
    }
    return deps.service
  }

  app.get('/api/face', async () =>
    'unavailable' in deps.service
      ? { enabled: false, reason: deps.service.unavailable }
      : {
          enabled: true,
          modelVersion: deps.service.modelVersion,
          enrolled: deps.service.gallery.size,
          // the consent text names it (PIPL art. 17: how long the data is kept)
          ...(deps.service.retentionDays === undefined ? {} : { retentionDays: deps.service.retentionDays }),
        },
  )

  app.post(
    '/api/face/checkin',
    { schema: { body: Type.Object({ activityId: Type.Optional(Type.String({ maxLength: 64 })) }) } },
    async (req, reply) => {
      const s = service(reply)
      return s?.startCheckIn(req.body.activityId)
    },
  )

  app.get('/api/face/checkin', async (_req, reply) => {
    const s = service(reply)
    if (!s) return
    return s.status() ?? reply.code(404).send({ error: 'noSession', message: 'no face check-in in progress' })
  })

  app.delete('/api/face/checkin', async (_req, reply) => {
    service(reply)?.cancel()
    return reply.code(204).send()
  })

  app.post('/api/camera/frame', async (req, reply) => {
    if (!deps.camera)
      return reply
        .code(409)
        .send({ error: 'notPushCamera', message: 'this kiosk does not take frames from the UI' })
    if (!Buffer.isBuffer(req.body))
      return reply.code(415).send({ error: 'notAnImage', message: `send ${IMAGE_TYPES.join(', ')}` })
    try {
      deps.camera.push({ ...(await decodeImage(req.body)), capturedAt: Date.now() })
    } catch (err) {
      if (err instanceof ImageError) return reply.code(400).send({ error: err.code, message: err.message })
      throw err
    }
    return reply.code(202).send({ accepted: true })
  })

  app.post('/api/camera/probe', async (req, reply) => {
    const s = service(reply)
    if (!s) return
    if (!Buffer.isBuffer(req.body))
      return reply.code(415).send({ error: 'notAnImage', message: `send ${IMAGE_TYPES.join(', ')}` })
    try {
      return await s.probe(await decodeImage(req.body))
    } catch (err) {
      if (err instanceof ImageError) return reply.code(400).send({ error: err.code, message: err.message })
      throw err
    }
  })

  app.post('/api/face/consent', { schema: { body: Consent } }, async (req, reply) => {
    const s = service(reply)
    if (!s) return
    // a withdrawal that deleted a template answers with the deletion's receipt
    return reply.code(201).send(await s.enrolment.recordConsent(req.body))
  })

  app.post(
    '/api/face/enrol',
    { schema: { body: Enrol }, bodyLimit: 12 * 1024 * 1024 },
    async (req, reply) => {
      const s = service(reply)
      if (!s) return
      const body = req.body
      try {
        const frames = []
        for (const image of body.images) frames.push(await decodeImage(Buffer.from(image, 'base64')))
        return reply.code(201).send(await s.enrolment.enrol(body.personId, body.authorisedBy, frames))
      } catch (err) {
        if (err instanceof ImageError) return reply.code(400).send({ error: err.code, message: err.message })
        if (err instanceof EnrolmentError) {
          const status = err.code === 'noConsent' ? 403 : err.code === 'alreadyEnrolled' ? 409 : 422
          return reply.code(status).send({ error: err.code, message: err.message, ...err.detail })
        }
        throw err
      }
    },
  )

  app.delete(
    '/api/face/persons/:personId',
    { schema: { params: Type.Object({ personId: PersonId }), body: Forget } },
    async (req, reply) => {
      const s = service(reply)
      if (!s) return
      const { personId } = req.params
      const { requestedBy, reason } = req.body
      try {
        const receipt = await s.enrolment.forget(personId, requestedBy, reason)
        if (!receipt) throw new Error('forget without quiet returns a receipt or throws')
        const { noRowLeft, noBytesLeft, notInGallery } = receipt.verified
        if (noRowLeft && noBytesLeft && notInGallery) return { removed: true, ...receipt }
        // deleted and journalled, but something of it is still found: say so, never "done"
        deps.log.error({ personId, verified: receipt.verified }, 'face deletion not verified')
        return reply.code(500).send({
          error: 'deletionUnverified',
          message: `the face template of ${personId} was deleted, but the checks after it failed`,
          removed: true,
          ...receipt,
        })
      } catch (err) {
        if (err instanceof EnrolmentError)
          return reply.code(404).send({ error: err.code, message: err.message })
        throw err
      }
    },
  )
}
