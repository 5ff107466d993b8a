import Type from 'typebox'
import { defaultQuorum, stillAbsent } from '../../domain/activities/attendance.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, LocalDate, PlanBody } from '../schemas.js'

/** Planned activities, and their record: who was expected, who came, quorum. */
export function activityRoutes(app: Api, deps: ApiDeps): void {
  app.put(
    '/api/activities/:id',
    {
      schema: {
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' }),
        }),
        body: PlanBody,
      },
    },
    async (req) => {
      const { quorum, ...rest } = req.body
      await deps.work.savePlan(
        { activityId: req.params.id, ...rest, quorum: quorum ?? defaultQuorum(rest.kind) },
        actorOf(req.headers),
      )
      deps.studyChanged?.()
      return { saved: true }
    },
  )

  app.get(
    '/api/activities',
    { schema: { querystring: Type.Object({ from: LocalDate, to: LocalDate }) } },
    async (req) => {
      const all = await deps.stats.activityResults(req.query.from, req.query.to, { makeUps: true })
      return {
        activities: all.map(({ plan, result, signIns }) => {
          // those absent who came to a make-up since are absent no more
          const makeUpSignIns = all
            .filter((a) => a.plan.makeUpOf === plan.activityId)
            .flatMap((a) => a.signIns)
          return {
            plan,
            result,
            stillAbsent: stillAbsent(result, makeUpSignIns),
            signIns: signIns.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
          }
        }),
      }
    },
  )
}
