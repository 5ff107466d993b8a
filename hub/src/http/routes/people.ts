import { hashPin } from '@ejia/platform'
import { PersonId, StationId } from '@ejia/protocol'
import Type from 'typebox'
import { parsePeopleCsv, peopleToCsv } from '../../reports/peopleCsv.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, PersonBody } from '../schemas.js'

/** The roster at the hub: people, their roles and credentials; CSV in and out. */
export function peopleRoutes(app: Api, deps: ApiDeps): void {
  app.get(
    '/api/people',
    { schema: { querystring: Type.Object({ station: Type.Optional(StationId) }) } },
    async (req) => ({
      people: await deps.work.people(req.query.station ? { stationId: req.query.station } : {}),
    }),
  )

  app.put(
    '/api/people',
    { schema: { body: Type.Object({ people: Type.Array(PersonBody, { maxItems: 5000 }) }) } },
    async (req) => {
      await deps.work.upsertPeople(req.body.people, actorOf(req.headers))
      return { saved: req.body.people.length }
    },
  )

  app.delete(
    '/api/people/:id',
    { schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (req, reply) => {
      const removed = await deps.work.removePerson(req.params.id, actorOf(req.headers))
      return removed
        ? { removed: true }
        : reply.code(404).send({ error: 'notFound', message: `no person ${req.params.id}` })
    },
  )

  // the office sets a PIN for someone who cannot use a card or their face; only its hash is kept
  app.put(
    '/api/people/:id/pin',
    {
      schema: {
        params: Type.Object({ id: PersonId }),
        body: Type.Object({ pin: Type.String({ pattern: '^[0-9]{4,8}$' }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const person = (await deps.work.people()).find((p) => p.personId === req.params.id)
      if (!person) return reply.code(404).send({ error: 'notFound', message: `no person ${req.params.id}` })
      await deps.work.upsertPeople(
        [{ ...person, pinHash: await hashPin(req.body.pin) }],
        actorOf(req.headers),
      )
      return { pinSet: true }
    },
  )

  app.delete(
    '/api/people/:id/pin',
    { schema: { params: Type.Object({ id: PersonId }) } },
    async (req, reply) => {
      const person = (await deps.work.people()).find((p) => p.personId === req.params.id)
      if (!person) return reply.code(404).send({ error: 'notFound', message: `no person ${req.params.id}` })
      await deps.work.upsertPeople([{ ...person, pinHash: null }], actorOf(req.headers))
      return { pinSet: false }
    },
  )

  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  )
  app.post('/api/people/import', async (req, reply) => {
    if (typeof req.body !== 'string')
      return reply.code(415).send({ error: 'notCsv', message: 'send text/csv' })
    const { people, problems } = parsePeopleCsv(req.body)
    // one bad line and nothing is imported: the office fixes the file and sends it again
    if (problems.length > 0)
      return reply
        .code(400)
        .send({ error: 'badCsv', message: `${problems.length} problem(s), nothing imported`, problems })
    const pins = new Map((await deps.work.people()).map((p) => [p.personId, p.pinHash]))
    await deps.work.upsertPeople(
      people.map((p) => ({ ...p, pinHash: pins.get(p.personId) ?? null })),
      actorOf(req.headers),
    )
    return { imported: people.length }
  })

  app.get(
    '/api/people/export.csv',
    { schema: { querystring: Type.Object({ station: Type.Optional(StationId) }) } },
    async (req, reply) => {
      const people = await deps.work.people(req.query.station ? { stationId: req.query.station } : {})
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="people.csv"')
        .send(peopleToCsv(people))
    },
  )
}
