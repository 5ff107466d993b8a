import { hashPin } from '@ejia/platform'
import { PersonId, StationId, TownCode } from '@ejia/protocol'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { parsePeopleCsv, peopleToCsv } from '../../reports/peopleCsv.js'
import type { Person } from '../../storage/workStore.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, requireTier } from '../auth.js'
import { PersonBody } from '../schemas.js'

const Filter = Type.Object({ station: Type.Optional(StationId), town: Type.Optional(TownCode) })

/**
 * The roster at the hub: people, their roles and credentials; CSV in and out. Everyone reads
 * the people of their scope; changing the roster is the town's and the district's work.
 */
export function peopleRoutes(app: Api, deps: ApiDeps): void {
  const peopleOf = (req: FastifyRequest, q: { station?: string; town?: string }) => {
    const { station, town } = req.scope.narrow(q)
    return deps.work.people({
      ...(station === undefined ? {} : { stationId: station }),
      ...(town === undefined ? {} : { townCode: town }),
    })
  }
  /** One person in the caller's scope, or undefined when there is none such. */
  const personIn = async (req: FastifyRequest, personId: string) => {
    const person = (await deps.work.people()).find((p) => p.personId === personId)
    if (person) req.scope.assertStation(person.stationId)
    return person
  }
  /** A change may touch only people of the caller's stations, where they are and where they go. */
  const assertMayWrite = async (
    req: FastifyRequest,
    people: readonly Pick<Person, 'personId' | 'stationId'>[],
  ) => {
    requireTier(req, 'town', 'changing the roster')
    for (const p of people) req.scope.assertStation(p.stationId)
    if (req.scope.operator.tier === 'district') return
    const wanted = new Set(people.map((p) => p.personId))
    for (const p of await deps.work.people()) if (wanted.has(p.personId)) req.scope.assertStation(p.stationId)
  }

  app.get('/api/people', { schema: { querystring: Filter } }, async (req) => ({
    people: await peopleOf(req, req.query),
  }))

  app.put(
    '/api/people',
    { schema: { body: Type.Object({ people: Type.Array(PersonBody, { maxItems: 5000 }) }) } },
    async (req) => {
      await assertMayWrite(req, req.body.people)
      await deps.work.upsertPeople(req.body.people, actorOf(req))
      return { saved: req.body.people.length }
    },
  )

  app.delete(
    '/api/people/:id',
    { schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
    async (req, reply) => {
      requireTier(req, 'town', 'changing the roster')
      if (!(await personIn(req, req.params.id)))
        return reply.code(404).send({ error: 'notFound', message: `no person ${req.params.id}` })
      await deps.work.removePerson(req.params.id, actorOf(req))
      return { removed: true }
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
      requireTier(req, 'town', 'setting a PIN')
      const person = await personIn(req, req.params.id)
      if (!person) return reply.code(404).send({ error: 'notFound', message: `no person ${req.params.id}` })
      await deps.work.upsertPeople([{ ...person, pinHash: await hashPin(req.body.pin) }], actorOf(req))
      return { pinSet: true }
    },
  )

  app.delete(
    '/api/people/:id/pin',
    { schema: { params: Type.Object({ id: PersonId }) } },
    async (req, reply) => {
      requireTier(req, 'town', 'removing a PIN')
      const person = await personIn(req, req.params.id)
      if (!person) return reply.code(404).send({ error: 'notFound', message: `no person ${req.params.id}` })
      await deps.work.upsertPeople([{ ...person, pinHash: null }], actorOf(req))
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
    await assertMayWrite(req, people)
    const pins = new Map((await deps.work.people()).map((p) => [p.personId, p.pinHash]))
    await deps.work.upsertPeople(
      people.map((p) => ({ ...p, pinHash: pins.get(p.personId) ?? null })),
      actorOf(req),
    )
    return { imported: people.length }
  })

  app.get('/api/people/export.csv', { schema: { querystring: Filter } }, async (req, reply) => {
    const people = await peopleOf(req, req.query)
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="people.csv"')
      .send(peopleToCsv(people))
  })
}
