import { StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import { LedgerView, StationView } from '../../fleet/stationView.js'
import type { Api, ApiDeps } from '../api.js'

const StationWithLedger = Type.Intersect([StationView, Type.Object({ ledger: LedgerView })])
const NotFound = Type.Object({ error: Type.String(), message: Type.String() })

export function stationRoutes(app: Api, deps: ApiDeps): void {
  const ledgers = async () => {
    const rows = await deps.storage.ledgerSummaries()
    return new Map(
      rows.map((r) => [r.stationId, { events: r.events, seqMax: r.seqMax, missing: r.seqMax - r.events }]),
    )
  }
  const empty = { events: 0, seqMax: 0, missing: 0 }

  app.get(
    '/api/stations',
    {
      schema: {
        summary: 'Every registered station with its tier, status, last report, backlog and clock skew',
        querystring: Type.Object({
          town: Type.Optional(TownCode),
          status: Type.Optional(Type.Enum(['online', 'offline', 'never'])),
        }),
        response: { 200: Type.Object({ stations: Type.Array(StationWithLedger) }) },
      },
    },
    async (req) => {
      const byStation = await ledgers()
      const { town } = req.scope.narrow({ town: req.query.town })
      const stations = deps.fleet
        .list()
        .filter((s) => req.scope.allowsStation(s.id))
        .filter((s) => town === undefined || s.townCode === town)
        .filter((s) => req.query.status === undefined || s.status === req.query.status)
        .map((s) => ({ ...s, ledger: byStation.get(s.id) ?? empty }))
      return { stations }
    },
  )

  app.get(
    '/api/stations/:id',
    {
      schema: {
        summary: 'One station',
        params: Type.Object({ id: StationId }),
        response: { 200: StationWithLedger, 404: NotFound },
      },
    },
    async (req, reply) => {
      const station = deps.fleet.get(req.params.id)
      if (!station) return reply.code(404).send({ error: 'notFound', message: `no station ${req.params.id}` })
      req.scope.assertStation(station.id)
      return { ...station, ledger: (await ledgers()).get(station.id) ?? empty }
    },
  )
}
