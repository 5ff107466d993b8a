import { StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import { findingKinds } from '../../storage/integrityStore.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, requireTier } from '../auth.js'

const Problem = Type.Object({ error: Type.String(), message: Type.String() })
const Finding = Type.Object({
  id: Type.Integer({ description: 'Newest first; use as the paging cursor' }),
  at: Type.String({ format: 'date-time', description: 'Hub time of the finding' }),
  stationId: StationId,
  kind: Type.Enum(findingKinds, {
    description:
      'keyPinned, keyChanged (held), badSignature and unsigned (refused), edited, chainBreak, chainRestart, backdated (docs/RELIABILITY.md, "Tamper-evident journal")',
  }),
  seq: Type.Union([Type.Integer(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.String(),
  event: Type.Unknown({ description: 'The event as the kiosk sent it, whole, or null' }),
})
const Params = Type.Object({ id: StationId })

/**
 * What the chain check found against kiosks' journals (ingest/chainCheck.ts), for the
 * operators in scope; and re-pinning a station's journal key after a kiosk was reinstalled,
 * by a district operator, audited.
 */
export function integrityRoutes(app: Api, deps: ApiDeps): void {
  const { chain, integrity } = deps
  if (!chain || !integrity) return

  app.get(
    '/api/integrity',
    {
      schema: {
        summary: 'Findings against kiosks’ tamper-evident journals, newest first, filtered and paged',
        querystring: Type.Object({
          station: Type.Optional(StationId),
          town: Type.Optional(TownCode),
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'nextCursor of the previous page' })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: {
          200: Type.Object({
            findings: Type.Array(Finding),
            nextCursor: Type.Union([Type.Integer(), Type.Null()], { description: 'null on the last page' }),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query
      const { town, station } = req.scope.narrow(q)
      const found = await integrity.findings({
        ...(station === undefined ? {} : { stationId: station }),
        ...(town === undefined ? {} : { townCode: town }),
        ...(q.before === undefined ? {} : { before: q.before }),
        limit: q.limit,
      })
      const last = found.at(-1)
      return {
        findings: found.map((f) => ({ ...f, at: new Date(f.at).toISOString() })),
        nextCursor: found.length === q.limit && last ? last.id : null,
      }
    },
  )

  app.post(
    '/api/stations/:id/journal-key/reset',
    {
      schema: {
        summary:
          'Forget a station’s pinned journal key (audited), after its kiosk was reinstalled with a new one: its next signed batch pins the key it carries, and the events held for the old key flow in',
        params: Params,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ stationId: StationId, previousKey: Type.Union([Type.String(), Type.Null()]) }),
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      requireTier(req, 'district', 're-pinning a journal key')
      const id = req.params.id
      if (!deps.stationAuth.has(id))
        return reply.code(404).send({ error: 'notFound', message: `no station ${id}` })
      const previousKey = chain.pinnedKey(id) ?? null
      await chain.unpin(id)
      await deps.work.audit(actorOf(req), 'station.journalKey.reset', {
        stationId: id,
        previousKey,
        reason: req.body.reason,
      })
      return { stationId: id, previousKey }
    },
  )
}
