import { StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import { defaultQuorum, stillAbsent } from '../../domain/activities/attendance.js'
import type { RecordPhoto } from '../../stats/activityRecord.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'
import { LocalDate, PlanBody } from '../schemas.js'

/** Planned activities, and their record: who was expected, who came, quorum, photos. */
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
      // a village plans its own activities; a plan never moves to a station outside the scope
      req.scope.assertStation(req.body.stationId)
      const before = await deps.work.plan(req.params.id)
      if (before) req.scope.assertStation(before.stationId)
      const { quorum, ...rest } = req.body
      await deps.work.savePlan(
        { activityId: req.params.id, ...rest, quorum: quorum ?? defaultQuorum(rest.kind) },
        actorOf(req),
      )
      deps.workChanged?.()
      return { saved: true }
    },
  )

  app.get(
    '/api/activities',
    {
      schema: {
        querystring: Type.Object({
          from: LocalDate,
          to: LocalDate,
          town: Type.Optional(TownCode),
          station: Type.Optional(StationId),
        }),
      },
    },
    async (req) => {
      const { town, station } = req.scope.narrow(req.query)
      const all = (await deps.stats.activityResults(req.query.from, req.query.to, { makeUps: true })).filter(
        ({ plan }) =>
          req.scope.allowsStation(plan.stationId) &&
          (station === undefined || plan.stationId === station) &&
          (town === undefined || deps.stats.place(plan.stationId)?.townCode === town),
      )
      return {
        activities: all.map(({ plan, started, ended, result, signIns, photos, photoCheck }) => {
          // those absent who came to a make-up since are absent no more
          const makeUpSignIns = all
            .filter((a) => a.plan.makeUpOf === plan.activityId)
            .flatMap((a) => a.signIns)
          const mark = (m: { at: number; by: string } | null) =>
            m ? { at: new Date(m.at).toISOString(), by: m.by } : null
          return {
            plan,
            started: mark(started),
            ended: mark(ended),
            result,
            stillAbsent: stillAbsent(result, makeUpSignIns),
            signIns: signIns.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
            photos: photos.map(photoJson),
            photoCheck,
          }
        }),
      }
    },
  )

  app.get(
    '/api/activities/flags',
    {
      schema: {
        summary:
          'Activity records to inspect: held without an evidence photo, a photo whose face count is far ' +
          'from the sign-ins, or a vouched sign-in without its witness photo (docs/RULES.md)',
        querystring: Type.Object({
          from: LocalDate,
          to: LocalDate,
          town: Type.Optional(TownCode),
        }),
      },
    },
    async (req) => {
      const { town } = req.scope.narrow({ town: req.query.town })
      const all = await deps.stats.activityResults(req.query.from, req.query.to, { makeUps: true })
      return {
        activities: all.flatMap(({ plan, photos, photoCheck }) => {
          const place = deps.stats.place(plan.stationId)
          if (photoCheck.flags.length === 0 || !req.scope.allowsStation(plan.stationId)) return []
          if (town && place?.townCode !== town) return []
          return [
            {
              activityId: plan.activityId,
              stationId: plan.stationId,
              stationName: place?.stationName ?? null,
              townCode: place?.townCode ?? null,
              date: plan.date,
              kind: plan.kind,
              title: plan.title,
              flags: photoCheck.flags,
              photoCheck,
              photos: photos.map(photoJson),
            },
          ]
        }),
      }
    },
  )
}

const photoJson = (p: RecordPhoto) => ({ ...p, at: new Date(p.at).toISOString() })
