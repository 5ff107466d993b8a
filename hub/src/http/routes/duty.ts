import { localDate, PersonId, StationId } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, ScheduleBody } from '../schemas.js'

/** Duty rotas, who is on duty now, and corrections of missed punches. */
export function dutyRoutes(app: Api, deps: ApiDeps): void {
  app.get('/api/duty/schedules', async () => ({ schedules: await deps.work.schedules() }))

  app.put(
    '/api/duty/schedules/:station',
    { schema: { params: Type.Object({ station: StationId }), body: ScheduleBody } },
    async (req) => {
      const validFrom = req.body.validFrom ?? localDate(deps.now())
      await deps.work.setSchedule(
        { stationId: req.params.station, ...req.body, validFrom },
        actorOf(req.headers),
      )
      deps.workChanged?.()
      return { saved: true, validFrom }
    },
  )

  app.get('/api/duty/now', async () => {
    const stations = await deps.stats.onDutyNow()
    return { stations, unmanned: stations.filter((s) => s.unmanned).map((s) => s.stationId) }
  })

  app.post(
    '/api/duty/corrections',
    {
      schema: {
        body: Type.Object({
          stationId: StationId,
          personId: PersonId,
          direction: Type.Enum(['in', 'out']),
          at: Type.String({ format: 'date-time', description: 'When the missed punch should have been' }),
          reason: Type.String({ minLength: 2, maxLength: 200 }),
        }),
      },
    },
    async (req, reply) => {
      const id = await deps.work.requestCorrection({
        ...req.body,
        at: Date.parse(req.body.at),
        requestedBy: actorOf(req.headers),
        requestedAt: deps.now(),
      })
      return reply.code(201).send({ id, status: 'pending' })
    },
  )

  app.post(
    '/api/duty/corrections/:id/decision',
    {
      schema: { params: Type.Object({ id: Type.Integer() }), body: Type.Object({ approve: Type.Boolean() }) },
    },
    async (req, reply) => {
      const actor = actorOf(req.headers)
      const pending = (await deps.work.corrections({ status: 'pending' })).find((c) => c.id === req.params.id)
      // four eyes: whoever asked for a correction cannot approve it
      if (pending && pending.requestedBy === actor) {
        return reply.code(403).send({
          error: 'sameApprover',
          message: 'a correction must be decided by someone other than who asked for it',
        })
      }
      return deps.work.decideCorrection(req.params.id, req.body.approve, actor, deps.now())
    },
  )

  app.get(
    '/api/duty/corrections',
    {
      schema: {
        querystring: Type.Object({
          station: Type.Optional(StationId),
          status: Type.Optional(Type.Enum(['pending', 'approved', 'rejected'])),
        }),
      },
    },
    async (req) => ({
      corrections: await deps.work.corrections({
        ...(req.query.station ? { stationId: req.query.station } : {}),
        ...(req.query.status ? { status: req.query.status } : {}),
      }),
    }),
  )
}
