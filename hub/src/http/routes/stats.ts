import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { requireTier } from '../auth.js'

const byReason = Type.Record(Type.String(), Type.Integer())

export function statsRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/stats/ingest',
    {
      schema: {
        summary:
          'What came in: accepted, duplicates, rejected, denied and throttled, by reason (district operators)',
        response: {
          200: Type.Object({
            accepted: Type.Integer(),
            duplicates: Type.Integer(),
            rejected: Type.Object({ total: Type.Integer(), byReason }),
            denied: Type.Object({ total: Type.Integer(), byReason }),
            throttled: Type.Object(
              { total: Type.Integer(), byReason },
              { description: 'Over a broker rate limit (docs/RELIABILITY.md, "Broker limits")' },
            ),
            deferred: Type.Object({ total: Type.Integer(), byReason }),
          }),
        },
      },
    },
    async (req) => {
      // hub-wide counts, not per station: the district's to read
      requireTier(req, 'district', 'ingest statistics')
      const all = await deps.counters.totals(() => deps.storage.counters())
      const group = (prefix: string) => {
        const entries = Object.entries(all).filter(([k]) => k.startsWith(`${prefix}.`))
        return {
          total: entries.reduce((n, [, v]) => n + v, 0),
          byReason: Object.fromEntries(entries.map(([k, v]) => [k.slice(prefix.length + 1), v])),
        }
      }
      return {
        accepted: all.accepted ?? 0,
        duplicates: all.duplicates ?? 0,
        rejected: group('rejected'),
        denied: group('denied'),
        throttled: group('throttled'),
        deferred: group('deferred'),
      }
    },
  )

  app.get(
    '/api/rejects',
    {
      schema: {
        summary:
          'The most recent refused messages, with reason and the start of the payload (district operators)',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
        response: {
          200: Type.Object({
            rejects: Type.Array(
              Type.Object({
                id: Type.Integer(),
                at: Type.String({ format: 'date-time' }),
                stationId: Type.Union([Type.String(), Type.Null()]),
                topic: Type.String(),
                code: Type.String(),
                detail: Type.String(),
                excerpt: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      requireTier(req, 'district', 'refused messages')
      return {
        rejects: (await deps.storage.recentRejects(req.query.limit)).map((r) => ({
          ...r,
          at: new Date(r.at).toISOString(),
        })),
      }
    },
  )
}
