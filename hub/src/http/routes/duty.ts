import { localDate, PersonId, StationId } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, requireTier } from '../auth.js'
import { ScheduleBody, timeParam } from '../schemas.js'

/** Duty rotas, who is on duty now, and corrections of missed punches. */
export function dutyRoutes(app: Api, deps: ApiDeps): void {
  app.get('/api/duty/schedules', async (req) => ({
    schedules: (await deps.work.schedules()).filter((s) => req.scope.allowsStation(s.stationId)),
  }))

  app.put(
    '/api/duty/schedules/:station',
    { schema: { params: Type.Object({ station: StationId }), body: ScheduleBody } },
    async (req) => {
      requireTier(req, 'town', 'changing a rota')
      req.scope.assertStation(req.params.station)
      const validFrom = req.body.validFrom ?? localDate(deps.now())
      await deps.work.setSchedule({ stationId: req.params.station, ...req.body, validFrom }, actorOf(req))
      deps.workChanged?.()
      return { saved: true, validFrom }
    },
  )

  app.get('/api/duty/now', async (req) => {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
    const stations = (await deps.stats.onDutyNow())
      .filter((s) => req.scope.allowsStation(s.stationId))
      .map((s) => ({
        ...s,
        // each cadre of the shifts that are on: waiting, absent, on duty (how late) or gone (how early)
        people: s.people.map((p) => ({
          ...p,
          shiftStart: iso(p.shiftStart),
          shiftEnd: iso(p.shiftEnd),
          in: iso(p.in),
          out: iso(p.out),
        })),
      }))
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
      // a village cadre asks for their own station; a town or the district decides
      req.scope.assertStation(req.body.stationId)
      const id = await deps.work.requestCorrection({
        ...req.body,
        at: timeParam('body/at', req.body.at),
        requestedBy: actorOf(req),
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
      requireTier(req, 'town', 'deciding a correction')
      const actor = actorOf(req)
      const correction = (await deps.work.corrections({})).find((c) => c.id === req.params.id)
      if (correction) req.scope.assertStation(correction.stationId)
      const pending = correction?.status === 'pending' ? correction : undefined
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
    async (req) => {
      const { station } = req.scope.narrow({ station: req.query.station })
      const corrections = await deps.work.corrections({
        ...(station ? { stationId: station } : {}),
        ...(req.query.status ? { status: req.query.status } : {}),
      })
      return { corrections: corrections.filter((c) => req.scope.allowsStation(c.stationId)) }
    },
  )
}
