import type { LocalApp } from './faceRoutes.js'

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp']
/** A camera frame is a few hundred kB; a route taking larger images sets its own `bodyLimit`. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024

/**
 * Image bodies arrive as a Buffer, for camera frames and photos alike. One parser for the
 * whole local API: Fastify refuses a second parser for the same content types.
 */
export function imageBodies(app: LocalApp): void {
  app.addContentTypeParser(
    IMAGE_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_FRAME_BYTES },
    (_req, body, done) => done(null, body),
  )
}
