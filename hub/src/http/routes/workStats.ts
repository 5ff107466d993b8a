import Type from 'typebox'
import { drawInspectionSample } from '../../domain/inspection.js'
import { attendanceWorkbook, dutyWorkbook } from '../../reports/xlsx.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, Range } from '../schemas.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** The figures per district, town and village, as JSON and as the spreadsheets offices print. */
export function workStatsRoutes(app: Api, deps: ApiDeps): void {
  app.get('/api/stats/duty', { schema: { querystring: Range } }, async (req) => ({
    rows: await deps.stats.duty(req.query.from, req.query.to, req.query.level),
  }))
  app.get('/api/stats/attendance', { schema: { querystring: Range } }, async (req) => ({
    rows: await deps.stats.attendance(req.query.from, req.query.to, req.query.level),
  }))
  app.get('/api/stats/activities', { schema: { querystring: Range } }, async (req) => ({
    rows: await deps.stats.activityCounts(req.query.from, req.query.to, req.query.level),
  }))

  const title = (what: string, from: string, to: string) => `${what}（${from} 至 ${to}）`
  app.get('/api/reports/attendance.xlsx', { schema: { querystring: Range } }, async (req, reply) => {
    const { from, to, level } = req.query
    const body = await attendanceWorkbook(
      title('党员活动出勤统计', from, to),
      await deps.stats.attendance(from, to, level),
    )
    return reply
      .header('content-type', XLSX)
      .header('content-disposition', `attachment; filename="attendance-${from}-${to}.xlsx"`)
      .send(body)
  })
  app.get('/api/reports/duty.xlsx', { schema: { querystring: Range } }, async (req, reply) => {
    const { from, to, level } = req.query
    const body = await dutyWorkbook(
      title('村干部坐班考勤统计', from, to),
      await deps.stats.duty(from, to, level),
    )
    return reply
      .header('content-type', XLSX)
      .header('content-disposition', `attachment; filename="duty-${from}-${to}.xlsx"`)
      .send(body)
  })

  app.post(
    '/api/inspections',
    {
      schema: {
        body: Type.Object({
          month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
        }),
      },
    },
    async (req, reply) => {
      const existing = await deps.work.inspection(req.body.month)
      if (existing)
        return reply.code(409).send({
          error: 'alreadyDrawn',
          message: `the sample for ${req.body.month} was drawn already`,
          sample: existing,
        })
      const seed = req.body.seed ?? Math.floor(Math.random() * 2 ** 31)
      const stations = drawInspectionSample(deps.stats.stationIds(), seed)
      await deps.work.saveInspection(req.body.month, seed, stations, deps.now(), actorOf(req.headers))
      return reply.code(201).send({ month: req.body.month, seed, stations })
    },
  )
  app.get(
    '/api/audit',
    {
      schema: {
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) }),
      },
    },
    async (req) => ({
      entries: (await deps.work.auditLog(req.query.limit)).map((e) => ({
        ...e,
        at: new Date(e.at).toISOString(),
      })),
    }),
  )

  app.get(
    '/api/inspections/:month',
    { schema: { params: Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }) }) } },
    async (req, reply) => {
      const s = await deps.work.inspection(req.params.month)
      return (
        s ?? reply.code(404).send({ error: 'notDrawn', message: `no sample for ${req.params.month} yet` })
      )
    },
  )
}
