import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'

const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  time: Type.String({ format: 'date-time' }),
  uptimeS: Type.Number(),
  broker: Type.Object({ port: Type.Integer(), clients: Type.Integer() }),
  ingest: Type.Object({
    queuedEvents: Type.Integer({ description: 'Events waiting for the next group commit' }),
    commits: Type.Integer(),
    eventsCommitted: Type.Integer(),
    largestCommit: Type.Integer(),
  }),
})

export function healthRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: { summary: 'Liveness and a few vital signs (no login)', response: { 200: Health } },
    },
    async () => ({
      status: 'ok' as const,
      version: deps.version,
      time: new Date(deps.now()).toISOString(),
      uptimeS: Math.round((deps.now() - deps.startedAt) / 1000),
      broker: deps.brokerInfo(),
      ingest: { queuedEvents: deps.committer.depth(), ...deps.committer.commitStats() },
    }),
  )
}
