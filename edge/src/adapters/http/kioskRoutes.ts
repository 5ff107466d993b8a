import type { ServerResponse } from 'node:http'
import { PersonId } from '@ejia/protocol'
import Type from 'typebox'
import { SignInError } from '../../app/credentialSignIn.js'
import { todayAtStation } from '../../app/today.js'
import type { Devices } from '../../composition/devices.js'
import type { Clock } from '../../ports/clock.js'
import type { Journal } from '../../ports/journal.js'
import type { FaceRouteDeps, LocalApp } from './faceRoutes.js'

/** A comment line this often keeps proxies and the browser from closing a quiet stream. */
const KEEPALIVE_MS = 15_000

/** The `device` of an enrolment check made through this API rather than a reader. */
const LOCAL_API_DEVICE = 'localApi'

/**
 * What the kiosk UI needs beyond the devices: today's activities and duty, one stream of
 * everything that happens (sign-ins from any reader, face session updates), a cadre's
 * PIN check, and who a roster id is.
 */
export function kioskRoutes(
  app: LocalApp,
  deps: { devices: Devices; face: FaceRouteDeps; journal: Journal; clock: Clock },
): void {
  const { devices } = deps
  app.get('/api/today', async () =>
    todayAtStation({
      journal: deps.journal,
      roster: () => devices.roster(),
      rotas: () => devices.rotas(),
      plans: () => devices.plans(),
      mode: () => devices.signIn.currentMode(),
      clock: deps.clock,
    }),
  )

  const clients = new Set<ServerResponse>()
  const send = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    for (const res of clients) res.write(frame)
  }
  devices.signIn.onOutcome((o) => send('signin', { ...o, at: new Date(deps.clock.now()).toISOString() }))
  devices.enrolment.onAnswer((a) => send('enrol', { ...a, at: new Date(deps.clock.now()).toISOString() }))
  if (!('unavailable' in deps.face.service)) deps.face.service.onUpdate((u) => send('face', u))
  const keepalive = setInterval(() => {
    for (const res of clients) res.write(': keepalive\n\n')
  }, KEEPALIVE_MS).unref()
  app.addHook('onClose', async () => {
    clearInterval(keepalive)
    for (const res of clients) res.end()
    clients.clear()
  })

  app.get('/api/stream', (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    // the browser waits this long before reconnecting after the agent restarts
    res.write('retry: 1000\n\n')
    clients.add(res)
    req.raw.on('close', () => clients.delete(res))
  })

  app.post(
    '/api/auth/cadre',
    {
      schema: {
        body: Type.Object(
          {
            cadreId: Type.String({ minLength: 1, maxLength: 64 }),
            pin: Type.String({ pattern: '^[0-9]{4,8}$' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      try {
        const r = await devices.signIn.authCadre(req.body.cadreId, req.body.pin)
        if (typeof r === 'string')
          return reply.code(401).send({ error: r, message: 'wrong PIN, or PIN locked' })
        return r
      } catch (err) {
        if (err instanceof SignInError) return reply.code(403).send({ error: err.code, message: err.message })
        throw err
      }
    },
  )

  // the enrolment sheet's code, pasted or scanned on the admin screen: the same check as a scan
  app.post(
    '/api/enrol/check',
    {
      schema: {
        body: Type.Object(
          { payload: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => devices.enrolment.check(req.body.payload, LOCAL_API_DEVICE),
  )

  app.get(
    '/api/people/:personId',
    { schema: { params: Type.Object({ personId: PersonId }) } },
    async (req, reply) => {
      const p = devices.roster().person(req.params.personId)
      if (!p)
        return reply
          .code(404)
          .send({ error: 'notOnRoster', message: `${req.params.personId} is not on this roster` })
      return { personId: p.personId, ...(p.name ? { name: p.name } : {}), roles: p.roles }
    },
  )
}
