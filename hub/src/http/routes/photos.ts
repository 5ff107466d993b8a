import { PhotoId, StationId } from '@ejia/protocol'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'
import { ScopeError } from '../../auth/scope.js'
import { stationClientId } from '../../broker/stationAuth.js'
import { photoUrl, thumbUrl } from '../../stats/activityRecord.js'
import type { PhotoVariant } from '../../storage/photoStore.js'
import type { Api, ApiDeps } from '../api.js'

/** A kiosk photo is a resized JPEG of a few hundred KiB; 8 MiB leaves room for a camera's full frame. */
export const MAX_PHOTO_UPLOAD_BYTES = 8 * 1024 * 1024

const Problem = Type.Object({ error: Type.String(), message: Type.String() })
const Stored = Type.Object({
  photoId: PhotoId,
  stored: Type.Boolean({ description: 'false when the hub had it already' }),
  url: Type.String(),
  thumbUrl: Type.String(),
})
const Jpeg = Type.Unsafe<Buffer>({ description: 'The JPEG', contentMediaType: 'image/jpeg' })
// ids are SHA-256 of the bytes: what is served under one never changes
// private: a photo needs a login, so no shared cache may keep it for others
const FOREVER = 'private, max-age=31536000, immutable'

/** Photos from kiosks: uploaded by the station that took them, served to anyone on the API. */
export function photoRoutes(app: Api, deps: ApiDeps): void {
  app.addContentTypeParser(
    'image/jpeg',
    { parseAs: 'buffer', bodyLimit: MAX_PHOTO_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  )

  app.put(
    '/api/stations/:stationId/photos/:photoId',
    {
      // the kiosk logs in as its station (HTTP Basic, its MQTT credentials), not as an operator
      config: { public: true },
      bodyLimit: MAX_PHOTO_UPLOAD_BYTES,
      // before the body is read: an unknown caller never gets to send 8 MiB
      onRequest: (req, reply) => authenticateStation(deps, req, reply),
      schema: {
        summary:
          'A kiosk uploads a photo it recorded in an activity.photo event. HTTP Basic auth with the ' +
          "station's MQTT username and secret; the body's SHA-256 must be the photo id. 201 stored, 200 " +
          'already stored (retries are safe), 413 over 8 MiB, 507 when the disk is full.',
        params: Type.Object({ stationId: StationId, photoId: PhotoId }),
        consumes: ['image/jpeg'],
        body: Jpeg,
        response: { 200: Stored, 201: Stored, 400: Problem, 401: Problem, 403: Problem, 507: Problem },
      },
    },
    async (req, reply) => {
      const { stationId, photoId } = req.params
      const { stored } = await deps.photos.put(stationId, photoId, req.body)
      if (stored) req.log.info({ stationId, photoId, bytes: req.body.length }, 'photo stored')
      return reply
        .code(stored ? 201 : 200)
        .send({ photoId, stored, url: photoUrl(photoId), thumbUrl: thumbUrl(photoId) })
    },
  )

  const serve = (variant: PhotoVariant) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { photoId } = req.params as { photoId: string }
    // the ledger says which station took it; a photo no event names is in no record
    const stations = new Set(
      (await deps.work.activityPhotos({ photoIds: [photoId] })).map((p) => p.stationId),
    )
    if (stations.size === 0)
      return reply.code(404).send({ error: 'notFound', message: `no kiosk has recorded photo ${photoId}` })
    for (const stationId of stations) if (!req.scope.allowsStation(stationId)) stations.delete(stationId)
    if (stations.size === 0)
      throw new ScopeError('outOfScope', `photo ${photoId} is of a station outside your scope`)
    const etag = `"${photoId}${variant === 'thumb' ? '.thumb' : ''}"`
    for (const stationId of stations) {
      const bytes = await deps.photos.open(stationId, photoId, variant)
      if (!bytes) continue
      reply.header('cache-control', FOREVER).header('etag', etag)
      if (req.headers['if-none-match'] === etag) {
        bytes.destroy()
        return reply.code(304).send()
      }
      return reply.type('image/jpeg').send(bytes)
    }
    return reply
      .code(404)
      .send({ error: 'notUploaded', message: `photo ${photoId} is recorded but not uploaded yet` })
  }
  const params = Type.Object({ photoId: PhotoId })
  app.get(
    '/api/photos/:photoId',
    {
      schema: {
        summary: 'A photo as the kiosk took it (image/jpeg, cacheable for ever); 404 until uploaded',
        params,
        produces: ['image/jpeg'],
      },
    },
    serve('original'),
  )
  app.get(
    '/api/photos/:photoId/thumb',
    {
      schema: {
        summary: 'Its thumbnail, within 320×320 (image/jpeg, cacheable for ever); 404 until uploaded',
        params,
        produces: ['image/jpeg'],
      },
    },
    serve('thumb'),
  )
}

const CHALLENGE = 'Basic realm="ejia hub", charset="UTF-8"'

/**
 * HTTP Basic auth with the station's MQTT login, checked by the same StationAuth as the
 * broker. The client id StationAuth binds to a login is the one of the station in the URL,
 * so valid credentials of another station come back as `badClientId`: 403, not 401.
 */
async function authenticateStation(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply) {
  const { stationId } = req.params as { stationId: string }
  const given = basicCredentials(req.headers.authorization)
  const result = given
    ? deps.stationAuth.authenticate(stationClientId(stationId), given.username, given.password)
    : ({ ok: false, reason: 'noCredentials' } as const)
  if (result.ok) return
  deps.counters.bump(`denied.upload.${result.reason}`)
  req.log.warn({ stationId, username: given?.username, reason: result.reason }, 'refused photo upload')
  if (result.reason === 'badClientId')
    return reply
      .code(403)
      .send({ error: 'otherStation', message: `these credentials are not those of station ${stationId}` })
  return reply
    .code(401)
    .header('www-authenticate', CHALLENGE)
    .send({ error: 'unauthorized', message: "log in with the station's MQTT username and secret" })
}

/** RFC 7617: base64 of `user:password`; the password may itself hold colons. */
export function basicCredentials(
  header: string | undefined,
): { username: string; password: Buffer } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? '')
  if (!m?.[1]) return undefined
  const raw = Buffer.from(m[1], 'base64')
  const colon = raw.indexOf(0x3a)
  if (colon < 0) return undefined
  return { username: raw.subarray(0, colon).toString('utf8'), password: raw.subarray(colon + 1) }
}
