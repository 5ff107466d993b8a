import { QuietRequestLogs } from '@ejia/platform'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import type { Logger } from 'pino'
import { type Accounts, AuthError } from '../auth/accounts.js'
import { ScopeError } from '../auth/scope.js'
import type { BackupStatus } from '../backup/backupSchedule.js'
import type { StationAuth } from '../broker/stationAuth.js'
import type { Fleet } from '../fleet/fleet.js'
import type { StationRevocation } from '../fleet/revocation.js'
import type { StationControl } from '../fleet/stationControl.js'
import type { ChainCheck } from '../ingest/chainCheck.js'
import type { Counters } from '../ingest/counters.js'
import type { GroupCommitter } from '../ingest/groupCommitter.js'
import type { WorkStats } from '../stats/workStats.js'
import type { AlarmStore } from '../storage/alarmStore.js'
import type { ControlStore } from '../storage/controlStore.js'
import type { IntegrityStore } from '../storage/integrityStore.js'
import { OperatorError, type OperatorStore } from '../storage/operatorStore.js'
import { PhotoError, type PhotoStore } from '../storage/photoStore.js'
import type { Storage } from '../storage/storage.js'
import { WorkError, type WorkStore } from '../storage/workStore.js'
import { type HttpsFiles, httpsServerFactory, sendHsts } from './apiListeners.js'
import { installAuth } from './auth.js'
import { serveDashboard } from './dashboard.js'
import type { HubMetrics } from './metrics.js'
import { activityRoutes } from './routes/activities.js'
import { alarmRoutes } from './routes/alarms.js'
import { authRoutes } from './routes/auth.js'
import { commandRoutes } from './routes/commands.js'
import { configRoutes } from './routes/config.js'
import { dutyRoutes } from './routes/duty.js'
import { eventRoutes } from './routes/events.js'
import { fleetStreamRoutes } from './routes/fleetStream.js'
import { healthRoutes } from './routes/health.js'
import { integrityRoutes } from './routes/integrity.js'
import { metricsRoutes } from './routes/metrics.js'
import { operatorRoutes } from './routes/operators.js'
import { peopleRoutes } from './routes/people.js'
import { photoRoutes } from './routes/photos.js'
import { revocationRoutes } from './routes/revocation.js'
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
  brokerInfo: () => { port: number; tlsPort: number | null; clients: number }
  /** Throttles per station since the start, by kind (broker/floodGuard.ts), for /metrics. */
  brokerThrottles?: () => ReadonlyMap<string, Readonly<Record<string, number>>>
  /** Photos kiosks upload, and the station logins that may upload them. */
  photos: PhotoStore
  stationAuth: StationAuth
  /** Work data the kiosks hold changed at the hub (study hours, a plan, a rota). */
  workChanged?: () => void
  /** Operator accounts, sessions and tokens; every route but the public ones needs a login. */
  operators: OperatorStore
  accounts: Accounts
  /**
   * Session cookies marked Secure on plain HTTP too (the API is reached through an HTTPS
   * proxy); over the hub's own HTTPS they always are.
   */
  secureCookies?: boolean
  /**
   * Serve HTTPS with the hub's certificate (issue 10), with HSTS unless `hsts` is false (a
   * lab hub serving plain HTTP too). Without it the app is a plain HTTP server.
   */
  https?: HttpsFiles
  hsts?: boolean
  /** Prometheus metrics at GET /metrics; open without a token when `metricsPublic`. */
  metrics?: HubMetrics
  metricsPublic?: boolean
  /** Remote config and commands to kiosks, and what they answered. */
  control: StationControl
  controlStore: ControlStore
  /** Revoking stations (issue 8); without it the routes are not served. */
  revocation?: StationRevocation
  /** The tamper-evident journal's findings and pinned keys (issue 10); without them the routes are not served. */
  chain?: ChainCheck
  integrity?: IntegrityStore
  /** The scheduled backups' state, for /api/health; left out when the hub makes none. */
  backupStatus?: () => BackupStatus
  /** The built dashboard to serve at `/` (default hub/dashboard/dist); null serves none. */
  dashboardDir?: string | null
}

/** The hub's JSON API. Every route declares its schemas, so it is validated and documented. */
export async function createApi(deps: ApiDeps, log: Logger) {
  const app = Fastify({
    loggerInstance: log,
    logController: new QuietRequestLogs(),
    ...(deps.https ? { serverFactory: httpsServerFactory(deps.https) } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>()
  if (deps.https && deps.hsts !== false) sendHsts(app)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ejia hub API',
        version: deps.version,
        description:
          'Fleet health, the event ledger, work records and statistics of an ejia hub. JSON, UTF-8. ' +
          'Every route but health, login and kiosk photo uploads needs an operator: a session cookie ' +
          '(with x-csrf-token on changes) or Authorization: Bearer <API token>. Answers are limited ' +
          "to the operator's scope (district, town or station); asking beyond it is 403 outOfScope.",
      },
    },
  })
  await installAuth(app, {
    accounts: deps.accounts,
    stations: { townOf: (id) => deps.fleet.get(id)?.townCode },
    secureCookies: deps.secureCookies ?? false,
  })
  const full = { ...deps, secureCookies: deps.secureCookies ?? false }
  const routes = [
    healthRoutes,
    authRoutes,
    operatorRoutes,
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
    metricsRoutes,
    fleetStreamRoutes,
    configRoutes,
    commandRoutes,
    revocationRoutes,
    integrityRoutes,
  ]
  for (const r of routes) r(app, full)
  // refusals of the work rules carry their code and every problem; anything else stays Fastify's
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof WorkError) {
      return reply.code(WORK_ERROR_STATUS[err.code]).send({
        error: err.code,
        message: err.message,
        ...(err.problems.length > 0 ? { problems: err.problems } : {}),
      })
    }
    if (err instanceof ScopeError) return reply.code(403).send({ error: err.code, message: err.message })
    if (err instanceof AuthError)
      return reply.code(AUTH_ERROR_STATUS[err.code]).send({ error: err.code, message: err.message })
    if (err instanceof OperatorError)
      return reply.code(err.code === 'exists' ? 409 : 404).send({ error: err.code, message: err.message })
    if (err instanceof PhotoError)
      return reply.code(PHOTO_ERROR_STATUS[err.code]).send({ error: err.code, message: err.message })
    return reply.send(err)
  })
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  )
  // last: awaiting a plugin settles the routes above, which must have the error handler by then
  await serveDashboard(app, deps.dashboardDir)
  return app
}

const WORK_ERROR_STATUS: Record<WorkError['code'], number> = {
  notFound: 404,
  alreadyDecided: 409,
  credentialTwice: 409,
}

const AUTH_ERROR_STATUS: Record<AuthError['code'], number> = {
  badLogin: 401,
  locked: 429,
  weakPassword: 400,
  badScope: 400,
}

// 507 Insufficient Storage (RFC 4918): the kiosk keeps the photo and tries again later
const PHOTO_ERROR_STATUS: Record<PhotoError['code'], number> = {
  hashMismatch: 400,
  notJpeg: 400,
  tooManyPixels: 400,
  diskFull: 507,
}

export type Api = Awaited<ReturnType<typeof createApi>>
