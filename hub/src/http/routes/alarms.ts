import { StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import { ALARM_KINDS, type Alarm } from '../../storage/alarmStore.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'
import { timeParam } from '../schemas.js'

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Time = nullable(Type.String({ format: 'date-time' }))

const AlarmView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Enum([...ALARM_KINDS], { description: 'See docs/OPERATIONS.md, "Alarms"' }),
    stationId: StationId,
    subject: Type.String({ description: "What at the station: a deviceFault's device; '' for the others" }),
    raisedAt: Type.String({ format: 'date-time' }),
    detail: Type.Unknown({ description: 'What the rule saw when it raised the alarm' }),
    clearedAt: Time,
    clearReason: nullable(
      Type.String({
        description: "The rule's reason (online, staffed, faultGone, …), or resolved by a person",
      }),
    ),
    ackedBy: nullable(Type.String()),
    ackedAt: Time,
    resolvedBy: nullable(Type.String()),
    resolvedAt: Time,
    resolveNote: nullable(Type.String()),
  },
  { title: 'Alarm' },
)

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
const view = (a: Alarm) => ({
  ...a,
  raisedAt: new Date(a.raisedAt).toISOString(),
  clearedAt: iso(a.clearedAt),
  ackedAt: iso(a.ackedAt),
  resolvedAt: iso(a.resolvedAt),
})
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) })

/** Alarms: what is going off now, the history, and a person acknowledging or resolving one. */
export function alarmRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/alarms',
    {
      schema: {
        summary: 'Alarms, newest first, within the operator’s scope',
        querystring: Type.Object({
          active: Type.Optional(Type.Boolean({ description: 'true: only alarms not yet cleared' })),
          kind: Type.Optional(Type.Enum([...ALARM_KINDS])),
          station: Type.Optional(StationId),
          town: Type.Optional(TownCode),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
        }),
        response: { 200: Type.Object({ alarms: Type.Array(AlarmView) }) },
      },
    },
    async (req) => {
      const q = req.query
      const { town, station } = req.scope.narrow(q)
      const alarms = await deps.alarms.list({
        limit: q.limit,
        ...(q.active === undefined ? {} : { active: q.active }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(station ? { stationId: station } : {}),
        ...(town ? { townCode: town } : {}),
        ...(q.from ? { from: timeParam('querystring/from', q.from) } : {}),
        ...(q.to ? { to: timeParam('querystring/to', q.to) } : {}),
      })
      return { alarms: alarms.map(view) }
    },
  )

  app.post(
    '/api/alarms/:id/ack',
    { schema: { summary: 'Acknowledge an alarm: a person has seen it (audited)', params: Id } },
    async (req) => {
      const alarm = await deps.alarms.get(req.params.id)
      if (alarm) req.scope.assertStation(alarm.stationId)
      const a = await deps.alarms.acknowledge(req.params.id, actorOf(req), deps.now())
      return { id: a.id, ackedBy: a.ackedBy, ackedAt: iso(a.ackedAt) }
    },
  )

  app.post(
    '/api/alarms/:id/resolve',
    {
      schema: {
        summary:
          'Resolve an alarm: a person dealt with its cause and closes it (audited). Still holding, ' +
          'its condition raises a new alarm only after a while',
        params: Id,
        body: Type.Object(
          { note: Type.String({ minLength: 1, maxLength: 500, description: 'What was done' }) },
          { additionalProperties: false },
        ),
        response: { 200: AlarmView },
      },
    },
    async (req) => {
      const alarm = await deps.alarms.get(req.params.id)
      if (alarm) req.scope.assertStation(alarm.stationId)
      const note = req.body.note.trim()
      return view(await deps.alarms.resolve(req.params.id, actorOf(req), deps.now(), note || req.body.note))
    },
  )
}
