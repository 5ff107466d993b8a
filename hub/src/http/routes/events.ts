import { eventTypes, PersonId, StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { timeParam } from '../schemas.js'

const StoredEvent = Type.Object({
  ingestId: Type.Integer({ description: 'Hub-side order of arrival; use as the paging cursor' }),
  id: Type.String(),
  stationId: Type.String(),
  seq: Type.Integer(),
  type: Type.String(),
  time: Type.String({ description: 'Device time' }),
  receivedAt: Type.String({ description: 'Hub time of arrival' }),
  body: Type.Unknown(),
})

export function eventRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/events',
    {
      schema: {
        summary: 'The event ledger, in order of arrival, filtered and paged',
        querystring: Type.Object({
          station: Type.Optional(StationId),
          town: Type.Optional(TownCode),
          type: Type.Optional(Type.Enum(eventTypes)),
          // the events whose body names the person (check-ins, duty punches), still within the scope
          person: Type.Optional(PersonId),
          since: Type.Optional(Type.String({ format: 'date-time', description: 'Device time, inclusive' })),
          until: Type.Optional(Type.String({ format: 'date-time', description: 'Device time, exclusive' })),
          after: Type.Optional(Type.Integer({ minimum: 0, description: 'nextCursor of the previous page' })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: {
          200: Type.Object({
            events: Type.Array(StoredEvent),
            nextCursor: Type.Union([Type.Integer(), Type.Null()], { description: 'null on the last page' }),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query
      const { town, station } = req.scope.narrow(q)
      const events = await deps.storage.queryEvents({
        ...(station === undefined ? {} : { stationId: station }),
        ...(town === undefined ? {} : { townCode: town }),
        ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.person === undefined ? {} : { personId: q.person }),
        ...(q.since === undefined ? {} : { since: normaliseTime('querystring/since', q.since) }),
        ...(q.until === undefined ? {} : { until: normaliseTime('querystring/until', q.until) }),
        ...(q.after === undefined ? {} : { after: q.after }),
        limit: q.limit,
      })
      const last = events.at(-1)
      return { events, nextCursor: events.length === q.limit && last ? last.ingestId : null }
    },
  )
}

/** Device times are stored as UTC ISO strings, so a bound compares correctly only in the same form. */
function normaliseTime(name: string, t: string): string {
  return new Date(timeParam(name, t)).toISOString()
}
