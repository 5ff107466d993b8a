import { StationId, TownCode } from '@ejia/protocol'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { ScopeError } from '../../auth/scope.js'
import { WorkError } from '../../storage/workStore.js'
import type { ApiDeps } from '../api.js'
import { requireTier } from '../auth.js'

/** What remote config and commands share: the target a push or a command names, and its shapes. */
export const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()])
export const Time = Type.String({ format: 'date-time' })
export const Problem = Type.Object({
  error: Type.String(),
  message: Type.String(),
  problems: Type.Optional(
    Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
  ),
})

export const Target = Type.Union(
  [
    Type.Object({ station: StationId }, { additionalProperties: false }),
    Type.Object({ town: TownCode }, { additionalProperties: false }),
    Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
  ],
  { description: 'One station, every station of a town, or the whole district (district operators only)' },
)
export type Target = { station: string } | { town: string } | { all: true }

export const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** The stations a target names, each checked against the caller's scope. */
export function stationsOf(deps: Pick<ApiDeps, 'fleet'>, req: FastifyRequest, target: Target): string[] {
  requireTier(req, 'town', 'configuring or commanding kiosks')
  if ('station' in target) {
    req.scope.assertStation(target.station)
    if (!deps.fleet.get(target.station)) throw new WorkError('notFound', `no station ${target.station}`)
    return [target.station]
  }
  if ('town' in target) {
    if (!req.scope.allowsTown(target.town))
      throw new ScopeError('outOfScope', `town ${target.town} is outside your scope`)
    return deps.fleet
      .list()
      .filter((s) => s.townCode === target.town)
      .map((s) => s.id)
  }
  requireTier(req, 'district', 'a target of every station')
  return deps.fleet.list().map((s) => s.id)
}
