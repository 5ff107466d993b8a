import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'

const Health = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  time: Type.String({ format: 'date-time' }),
  uptimeS: Type.Number(),
  broker: Type.Object({
    port: Type.Integer({ description: 'Plain MQTT; 0 outside lab mode' }),
    tlsPort: Type.Union([Type.Integer(), Type.Null()], { description: 'mqtts; null without TLS' }),
    clients: Type.Integer(),
  }),
  ingest: Type.Object({
    queuedEvents: Type.Integer({ description: 'Events waiting for the next group commit' }),
    commits: Type.Integer(),
    eventsCommitted: Type.Integer(),
    largestCommit: Type.Integer(),
  }),
  backup: Type.Union(
    [
      Type.Object({
        dir: Type.String(),
        everyS: Type.Integer(),
        lastAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        ageS: Type.Union([Type.Integer(), Type.Null()]),
        stale: Type.Boolean({
          description: 'The last backup failed, or the newest is older than twice the interval',
        }),
        lastError: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'Scheduled backups of hub.db (docs/OPERATIONS.md, "Backup"); null when not configured' },
  ),
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
      backup: deps.backupStatus?.() ?? null,
    }),
  )
}
