import { QuietRequestLogs } from '@ejia/platform'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import type { Logger } from 'pino'
import type { StationAuth } from '../broker/stationAuth.js'
import type { Fleet } from '../fleet/fleet.js'
import type { Counters } from '../ingest/counters.js'
import type { GroupCommitter } from '../ingest/groupCommitter.js'
import type { WorkStats } from '../stats/workStats.js'
import type { AlarmStore } from '../storage/alarmStore.js'
import { PhotoError, type PhotoStore } from '../storage/photoStore.js'
import type { Storage } from '../storage/storage.js'
import { WorkError, type WorkStore } from '../storage/workStore.js'
import { activityRoutes } from './routes/activities.js'
import { alarmRoutes } from './routes/alarms.js'
import { dutyRoutes } from './routes/duty.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { peopleRoutes } from './routes/people.js'
import { photoRoutes } from './routes/photos.js'
import { stationRoutes } from './routes/stations.js'
import { statsRoutes } from './routes/stats.js'
import { studyRoutes } from './routes/study.js'
import { workStatsRoutes } from './routes/workStats.js'

export interface ApiDeps {
  storage: Storage
  work: WorkStore
  alarms: AlarmStore
  stats: WorkStats
  fleet: Fleet
  counters: Counters
  committer: GroupCommitter
  version: string
  startedAt: number
  now: () => number
  brokerInfo: () => { port: number; clients: number }
  /** Photos kiosks upload, and the station logins that may upload them. */
  photos: PhotoStore
  stationAuth: StationAuth
  /** Work data the kiosks hold changed at the hub (study hours, a plan, a rota). */
  workChanged?: () => void
}

/** The hub's JSON API. Every route declares its schemas, so it is validated and documented. */
export async function createApi(deps: ApiDeps, log: Logger) {
  const app = Fastify({
    loggerInstance: log,
    logController: new QuietRequestLogs(),
  }).withTypeProvider<TypeBoxTypeProvider>()
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ejia hub API',
        version: deps.version,
        description: 'Fleet health, the event ledger and ingest statistics of an ejia hub. JSON, UTF-8.',
      },
    },
  })
  const routes = [
    healthRoutes,
    stationRoutes,
    eventRoutes,
    statsRoutes,
    peopleRoutes,
    dutyRoutes,
    activityRoutes,
    studyRoutes,
    workStatsRoutes,
    photoRoutes,
    alarmRoutes,
  ]
  for (const r of routes) r(app, deps)
  // refusals of the work rules carry their code and every problem; anything else stays Fastify's
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof WorkError) {
      return reply.code(WORK_ERROR_STATUS[err.code]).send({
        error: err.code,
        message: err.message,
        ...(err.problems.length > 0 ? { problems: err.problems } : {}),
      })
    }
    if (err instanceof PhotoError)
      return reply.code(PHOTO_ERROR_STATUS[err.code]).send({ error: err.code, message: err.message })
    return reply.send(err)
  })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  return app
}

const WORK_ERROR_STATUS: Record<WorkError['code'], number> = {
  notFound: 404,
  alreadyDecided: 409,
  credentialTwice: 409,
}

// 507 Insufficient Storage (RFC 4918): the kiosk keeps the photo and tries again later
const PHOTO_ERROR_STATUS: Record<PhotoError['code'], number> = {
  hashMismatch: 400,
  notJpeg: 400,
  tooManyPixels: 400,
  diskFull: 507,
}

export type Api = Awaited<ReturnType<typeof createApi>>
