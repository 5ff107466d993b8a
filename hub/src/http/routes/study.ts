import { PersonId, StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'
import { LocalDate } from '../schemas.js'

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
      const person = (await deps.work.people()).find((p) => p.personId === req.body.personId)
      if (!person)
        return reply.code(404).send({ error: 'notFound', message: `no person ${req.body.personId}` })
      req.scope.assertStation(person.stationId)
      await deps.work.addStudyEntry({ ...req.body, source: 'manual' }, actorOf(req))
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
          town: Type.Optional(TownCode),
          behind: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (req) => {
      const { town, station } = req.scope.narrow(req.query)
      const all = await deps.stats.study(req.query.today)
      const members = all
        .filter((m) => req.scope.allowsStation(m.stationId))
        .filter((m) => station === undefined || m.stationId === station)
        .filter((m) => town === undefined || deps.stats.place(m.stationId)?.townCode === town)
        .filter((m) => req.query.behind !== true || m.behind)
      return { members }
    },
  )
}
