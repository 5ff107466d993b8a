import { ActivityPhotoBody, PhotoId } from '@ejia/protocol'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import Type from 'typebox'
import { type EvidencePhotos, MAX_PHOTO_BYTES } from '../../app/photos/evidencePhotos.js'
import { RecordError } from '../../app/recordEvent.js'
import { PhotoError, type PhotoErrorCode } from '../../ports/photos.js'
import type { LocalApp } from './faceRoutes.js'

export interface PhotoRouteDeps {
  service: EvidencePhotos
  /** Days a full-size photo stays after its upload, for the message when it is gone. */
  retentionDays: number
  log: Logger
}

const { purpose, activityId, takenBy } = ActivityPhotoBody.properties
const PhotoQuery = Type.Object({ purpose, activityId, takenBy }, { additionalProperties: false })
const PhotoParams = Type.Object({ id: PhotoId })
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png'])

const STATUS: Record<PhotoErrorCode, number> = {
  photoEmpty: 400,
  notAnImage: 400,
  photoTooSmall: 400,
  photoTooLarge: 413,
  unsupportedImage: 415,
  diskFull: 507,
  storageFailed: 503,
}

/** Fastify's own refusals (body size, media type, query) in the same `{ error, message }` shape. */
function requestErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  if (err.validation) return reply.code(400).send({ error: 'invalidRequest', message: err.message })
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return reply
      .code(413)
      .send({ error: 'photoTooLarge', message: `the photo is over ${MAX_PHOTO_BYTES / 1024 / 1024} MB` })
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_TYPE')
    return reply
      .code(415)
      .send({ error: 'unsupportedImage', message: 'send the photo as image/jpeg or image/png' })
  throw err
}

/**
 * Evidence and witness photos: the kiosk UI posts a frame it captured, a cadre's phone on
 * the station network posts a photo it took. The answer comes once the photo is on disk
 * and its event is in the journal.
 */
export function photoRoutes(app: LocalApp, deps: PhotoRouteDeps): void {
  app.post(
    '/api/photos',
    { schema: { querystring: PhotoQuery }, bodyLimit: MAX_PHOTO_BYTES, errorHandler: requestErrors },
    async (req, reply) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
      if (!Buffer.isBuffer(req.body) || !PHOTO_TYPES.has(type))
        return reply
          .code(415)
          .send({ error: 'unsupportedImage', message: 'send the photo as image/jpeg or image/png' })
      try {
        const { eventId: _eventId, duplicate, ...photo } = await deps.service.take(req.body, req.query)
        return reply.code(duplicate ? 200 : 201).send({ ...photo, duplicate })
      } catch (err) {
        if (err instanceof PhotoError) {
          const status = STATUS[err.code]
          if (status >= 500) deps.log.error({ err }, 'a photo could not be kept')
          return reply.code(status).send({ error: err.code, message: err.message })
        }
        if (err instanceof RecordError)
          return reply
            .code(err.code === 'invalidEvent' ? 400 : 503)
            .send({ error: err.code, message: err.message, errors: err.errors })
        throw err
      }
    },
  )

  for (const variant of ['full', 'thumb'] as const) {
    app.get(
      variant === 'full' ? '/api/photos/:id' : '/api/photos/:id/thumb',
      { schema: { params: PhotoParams }, errorHandler: requestErrors },
      async (req, reply) => {
        const file = await deps.service.file(req.params.id, variant)
        if ('data' in file)
          // named by its hash: the bytes behind a URL never change
          return reply
            .type('image/jpeg')
            .header('cache-control', 'private, max-age=31536000, immutable')
            .send(file.data)
        if (file.missing === 'pruned')
          return reply.code(410).send({
            error: 'photoPruned',
            message: `the hub has this photo; the kiosk keeps full-size photos ${deps.retentionDays} days after upload`,
          })
        return reply
          .code(404)
          .send({ error: 'photoNotFound', message: 'no photo with this id on this kiosk' })
      },
    )
  }
}
