import { PersonId, StationId } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, LocalDate } from '../schemas.js'

/** Study hours: entries for study done elsewhere, and who is behind, per village. */
export function studyRoutes(app: Api, deps: ApiDeps): void {
  app.post(
    '/api/study/entries',
    {
      schema: {
        body: Type.Object({
          personId: PersonId,
          hours: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
          ref: Type.String({
            minLength: 1,
            maxLength: 200,
            description: 'What was studied, e.g. 学习强国 online course',
          }),
          date: LocalDate,
        }),
      },
    },
    async (req, reply) => {
      await deps.work.addStudyEntry({ ...req.body, source: 'manual' }, actorOf(req.headers))
      deps.workChanged?.()
      return reply.code(201).send({ saved: true })
    },
  )

  app.get(
    '/api/study',
    {
      schema: {
        querystring: Type.Object({
          today: LocalDate,
          station: Type.Optional(StationId),
          behind: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (req) => {
      const all = await deps.stats.study(req.query.today)
      const members = all
        .filter((m) => req.query.station === undefined || m.stationId === req.query.station)
        .filter((m) => req.query.behind !== true || m.behind)
      return { members }
    },
  )
}
