import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import { QuietRequestLogs } from '@ejia/platform'
import { type EventType, eventTypes } from '@ejia/protocol'
import fastifyStatic from '@fastify/static'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import type { Logger } from 'pino'
import Type from 'typebox'
import type { Agent } from '../../app/agent.js'
import { RecordError } from '../../app/recordEvent.js'
import type { Devices } from '../../composition/devices.js'
import type { Clock } from '../../ports/clock.js'
import type { Journal } from '../../ports/journal.js'
import { deviceRoutes } from './deviceRoutes.js'
import { type FaceRouteDeps, faceRoutes } from './faceRoutes.js'
import { imageBodies } from './imageBody.js'
import { kioskRoutes } from './kioskRoutes.js'
import { type PhotoRouteDeps, photoRoutes } from './photoRoutes.js'

export interface StationInfo {
  id: string
  name: string
  townName: string
}

/** The station config's screen options and defaults, for the kiosk UI (docs/KIOSK.md). */
export type UiSettings = Pick<StationConfig, 'ui' | 'duty' | 'activity'>

/** Where the built kiosk UI is, if it has been built. */
export function kioskUiDir(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@ejia/kiosk-ui/package.json')), 'dist')
    return existsSync(join(dir, 'index.html')) ? dir : undefined
  } catch {
    return undefined
  }
}

/**
 * The kiosk UI and its API, on the loopback interface only. A POST answers after the event is
 * on disk, so the screen says "done" only for what will reach the hub.
 */
export async function createLocalApi(deps: {
  agent: Agent
  journal: Journal
  clock: Clock
  station: StationInfo
  /** GET /api/ui-settings; a remote config changes them with the restart it causes. */
  uiSettings: UiSettings
  log: Logger
  uiDir?: string
  face: FaceRouteDeps
  photos: PhotoRouteDeps
  devices: Devices
}) {
  const app = Fastify({
    loggerInstance: deps.log,
    logController: new QuietRequestLogs(),
    bodyLimit: 64 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>()

  if (deps.uiDir) await app.register(fastifyStatic, { root: deps.uiDir })

  imageBodies(app)
  faceRoutes(app, deps.face)
  photoRoutes(app, deps.photos)
  deviceRoutes(app, { ...deps.devices, witnessKnown: (id) => deps.photos.service.has(id) })
  kioskRoutes(app, { devices: deps.devices, face: deps.face, journal: deps.journal, clock: deps.clock })

  app.get('/api/status', async () => ({
    station: deps.station,
    ...(await deps.agent.status()),
    photos: await deps.photos.service.status(),
  }))

  app.get('/api/ui-settings', async () => deps.uiSettings)

  app.post(
    '/api/events',
    {
      schema: {
        body: Type.Object(
          { type: Type.Enum(eventTypes), body: Type.Unknown() },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      try {
        const event = await deps.agent.record(req.body.type as EventType, req.body.body)
        return reply.code(201).send({ id: event.id, seq: event.seq, time: event.time })
      } catch (err) {
        if (err instanceof RecordError) {
          const status = err.code === 'invalidEvent' ? 400 : 503
          return reply.code(status).send({ error: err.code, message: err.message, errors: err.errors })
        }
        throw err
      }
    },
  )
  return app
}
