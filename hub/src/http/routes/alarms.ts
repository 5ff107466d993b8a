import { StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'

/** Alarms: what is going off now, the history, and acknowledging one. */
export function alarmRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/alarms',
    {
      schema: {
        querystring: Type.Object({
          active: Type.Optional(Type.Boolean({ description: 'true: only alarms not yet cleared' })),
          station: Type.Optional(StationId),
          town: Type.Optional(TownCode),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
        }),
      },
    },
    async (req) => {
      const q = req.query
      const { town, station } = req.scope.narrow(q)
      const alarms = await deps.alarms.list({
        limit: q.limit,
        ...(q.active === undefined ? {} : { active: q.active }),
        ...(station ? { stationId: station } : {}),
        ...(town ? { townCode: town } : {}),
        ...(q.from ? { from: Date.parse(q.from) } : {}),
        ...(q.to ? { to: Date.parse(q.to) } : {}),
      })
      const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
      return {
        alarms: alarms.map((a) => ({
          ...a,
          raisedAt: iso(a.raisedAt),
          clearedAt: iso(a.clearedAt),
          ackedAt: iso(a.ackedAt),
        })),
      }
    },
  )

  app.post(
    '/api/alarms/:id/ack',
    { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } },
    async (req) => {
      const alarm = await deps.alarms.get(req.params.id)
      if (alarm) req.scope.assertStation(alarm.stationId)
      const a = await deps.alarms.acknowledge(req.params.id, actorOf(req), deps.now())
      return {
        id: a.id,
        ackedBy: a.ackedBy,
        ackedAt: a.ackedAt === null ? null : new Date(a.ackedAt).toISOString(),
      }
    },
  )
}
