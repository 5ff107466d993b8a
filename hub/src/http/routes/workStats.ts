import { StationId, TownCode } from '@ejia/protocol'
import type { FastifyRequest } from 'fastify'
import Type, { type Static } from 'typebox'
import { ScopeError } from '../../auth/scope.js'
import { drawInspectionSample } from '../../domain/inspection.js'
import { tableCsv } from '../../reports/csv.js'
import { activityTable, attendanceTable, dutyTable, studyTable, type Table } from '../../reports/tables.js'
import { tableWorkbook } from '../../reports/xlsx.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, requireTier } from '../auth.js'
import { AsOf, Level, LocalDate, Range } from '../schemas.js'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const NO_PERSON_ROWS = {
  error: 'badQuery',
  message: 'activities are counted per village, town or district, not per person',
}
const ReportQuery = Type.Object({
  from: Type.Optional(LocalDate),
  to: Type.Optional(LocalDate),
  today: Type.Optional(LocalDate),
  level: Level,
  town: Type.Optional(TownCode),
  station: Type.Optional(StationId),
})
type ReportQuery = Static<typeof ReportQuery>

/** The figures per district, town and village, as JSON and as the spreadsheets offices print. */
export function workStatsRoutes(app: Api, deps: ApiDeps): void {
  /**
   * The query's town and station narrowed to the operator's scope. Rows of a wider tier than
   * the operator's would be sums of a part labelled as the whole, so they are refused.
   */
  const scopeOf = (
    req: FastifyRequest,
    q: { town?: string; station?: string; level: Static<typeof Level> },
  ) => {
    const tier = req.scope.operator.tier
    if (
      (tier === 'town' && q.level === 'district') ||
      (tier === 'station' && (q.level === 'district' || q.level === 'town'))
    )
      throw new ScopeError(
        'outOfScope',
        `a ${tier} operator sees rows per ${tier === 'town' ? 'town, village or person' : 'village or person'}`,
      )
    return req.scope.narrow(q)
  }
  app.get('/api/stats/duty', { schema: { querystring: Range } }, async (req) => ({
    rows: await deps.stats.duty(req.query.from, req.query.to, req.query.level, scopeOf(req, req.query)),
  }))
  app.get('/api/stats/attendance', { schema: { querystring: Range } }, async (req) => ({
    rows: await deps.stats.attendance(req.query.from, req.query.to, req.query.level, scopeOf(req, req.query)),
  }))
  app.get('/api/stats/activities', { schema: { querystring: Range } }, async (req, reply) => {
    const { from, to, level } = req.query
    if (level === 'person') return reply.code(400).send(NO_PERSON_ROWS)
    return { rows: await deps.stats.activityCounts(from, to, level, scopeOf(req, req.query)) }
  })
  app.get('/api/stats/study', { schema: { querystring: AsOf } }, async (req) => ({
    rows: await deps.stats.studyCompletion(req.query.today, req.query.level, scopeOf(req, req.query)),
  }))

  const period = (from: string, to: string) => `（${from} 至 ${to}）`
  const report = async (req: FastifyRequest, kind: string, q: ReportQuery): Promise<Table | string> => {
    const scope = scopeOf(req, q)
    if (kind === 'study') {
      if (!q.today) return 'the study report needs ?today=YYYY-MM-DD'
      const rows = await deps.stats.studyCompletion(q.today, q.level, scope)
      return studyTable(`党员学时完成情况（截至 ${q.today}）`, q.level, rows)
    }
    if (!q.from || !q.to) return `the ${kind} report needs ?from=YYYY-MM-DD&to=YYYY-MM-DD`
    if (kind === 'duty')
      return dutyTable(
        `村干部坐班考勤统计${period(q.from, q.to)}`,
        q.level,
        await deps.stats.duty(q.from, q.to, q.level, scope),
      )
    if (kind === 'attendance')
      return attendanceTable(
        `党员活动出勤统计${period(q.from, q.to)}`,
        q.level,
        await deps.stats.attendance(q.from, q.to, q.level, scope),
      )
    if (q.level === 'person') return NO_PERSON_ROWS.message
    return activityTable(
      `组织活动开展统计${period(q.from, q.to)}`,
      q.level,
      await deps.stats.activityCounts(q.from, q.to, q.level, scope),
    )
  }
  app.get(
    '/api/reports/:report',
    {
      schema: {
        summary:
          'duty, attendance, activities or study, as .xlsx or .csv (UTF-8 with BOM), with Chinese headers',
        params: Type.Object({
          report: Type.String({ pattern: '^(duty|attendance|activities|study)\\.(xlsx|csv)$' }),
        }),
        querystring: ReportQuery,
      },
    },
    async (req, reply) => {
      const [kind, format] = req.params.report.split('.') as [string, 'xlsx' | 'csv']
      const table = await report(req, kind, req.query)
      if (typeof table === 'string') return reply.code(400).send({ error: 'badQuery', message: table })
      const span = req.query.today ?? `${req.query.from}-${req.query.to}`
      const file = `${kind}-${req.query.level}-${span}.${format}`
      reply.header('content-disposition', `attachment; filename="${file}"`)
      return format === 'xlsx'
        ? reply.header('content-type', XLSX).send(await tableWorkbook(table))
        : reply.header('content-type', 'text/csv; charset=utf-8').send(tableCsv(table))
    },
  )

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
      requireTier(req, 'district', 'drawing the inspection sample')
      const existing = await deps.work.inspection(req.body.month)
      if (existing)
        return reply.code(409).send({
          error: 'alreadyDrawn',
          message: `the sample for ${req.body.month} was drawn already`,
          sample: existing,
        })
      const seed = req.body.seed ?? Math.floor(Math.random() * 2 ** 31)
      const stations = drawInspectionSample(deps.stats.stationIds(), seed)
      await deps.work.saveInspection(req.body.month, seed, stations, deps.now(), actorOf(req))
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
    async (req) => {
      requireTier(req, 'district', 'the audit log')
      return {
        entries: (await deps.work.auditLog(req.query.limit)).map((e) => ({
          ...e,
          at: new Date(e.at).toISOString(),
        })),
      }
    },
  )

  app.get(
    '/api/inspections/:month',
    { schema: { params: Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }) }) } },
    async (req, reply) => {
      const s = await deps.work.inspection(req.params.month)
      if (!s)
        return reply.code(404).send({ error: 'notDrawn', message: `no sample for ${req.params.month} yet` })
      // a town sees which of its own stations were drawn; the seed lets anyone redraw the whole
      return { ...s, stations: s.stations.filter((id) => req.scope.allowsStation(id)) }
    },
  )
}
