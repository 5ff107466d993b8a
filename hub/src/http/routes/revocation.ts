import { StationId } from '@ejia/protocol'
import Type from 'typebox'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, requireTier } from '../auth.js'

const Problem = Type.Object({ error: Type.String(), message: Type.String() })
const RevocationView = Type.Object({
  stationId: StationId,
  source: Type.Enum(['registry', 'hub'], {
    description: 'registry: marked by `ejia-config revoke` (lifted only there); hub: by an operator here',
  }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
})
const Params = Type.Object({ id: StationId })

/**
 * Revoking a station (docs/OPERATIONS.md, "Revoking a station"): a lost or stolen kiosk, or
 * one whose key leaked. District operators only, every change audited.
 */
export function revocationRoutes(app: Api, deps: ApiDeps): void {
  const { revocation } = deps
  if (!revocation) return

  app.get(
    '/api/revocations',
    {
      schema: {
        summary: 'Revoked stations: refused at connect and for uploads (district operators)',
        response: { 200: Type.Object({ revocations: Type.Array(RevocationView) }) },
      },
    },
    async (req) => {
      requireTier(req, 'district', 'the revoked stations')
      return { revocations: revocation.list() }
    },
  )

  app.post(
    '/api/stations/:id/revoke',
    {
      schema: {
        summary:
          'Revoke a station (audited): its logins are refused from now on, over MQTT, MQTT/TLS and HTTP, and its connection is closed',
        params: Params,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ revocation: RevocationView, disconnected: Type.Boolean() }),
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      requireTier(req, 'district', 'revoking a station')
      const id = req.params.id
      if (!deps.stationAuth.has(id))
        return reply.code(404).send({ error: 'notFound', message: `no station ${id}` })
      const { view, disconnected } = await revocation.revoke(id, actorOf(req), req.body.reason)
      await deps.work.audit(actorOf(req), 'station.revoke', {
        stationId: id,
        reason: req.body.reason,
        disconnected,
      })
      return { revocation: view, disconnected }
    },
  )

  app.post(
    '/api/stations/:id/unrevoke',
    {
      schema: {
        summary: 'Lift an operator’s revocation of a station (audited); a registry’s stays',
        params: Params,
        response: {
          200: Type.Object({ stationId: StationId, revoked: Type.Boolean() }),
          404: Problem,
          409: Problem,
        },
      },
    },
    async (req, reply) => {
      requireTier(req, 'district', 'unrevoking a station')
      const id = req.params.id
      const view = revocation.view(id)
      if (!view) return reply.code(404).send({ error: 'notRevoked', message: `station ${id} is not revoked` })
      if (!(await revocation.unrevoke(id, actorOf(req)))) {
        return reply.code(409).send({
          error: 'revokedInRegistry',
          message: `station ${id} is revoked in the registry: \`ejia-config revoke --undo\` and restart the hub on it`,
        })
      }
      await deps.work.audit(actorOf(req), 'station.unrevoke', { stationId: id })
      return { stationId: id, revoked: false }
    },
  )
}
