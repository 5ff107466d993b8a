import { checkRemoteSettings, REMOTE_SECTIONS } from '@ejia/firmware-config'
import {
  COMMAND_NAMES,
  type CommandName,
  ConfigProblem,
  commandArgs,
  StationId,
  TownCode,
  toWireErrors,
} from '@ejia/protocol'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { Compile } from 'typebox/compile'
import { ScopeError } from '../../auth/scope.js'
import { configStanding } from '../../domain/configState.js'
import { HUB_COMMAND_STATES, type StationCommand } from '../../storage/controlStore.js'
import { WorkError } from '../../storage/workStore.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, requireTier } from '../auth.js'

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Time = Type.String({ format: 'date-time' })
const Problem = Type.Object({
  error: Type.String(),
  message: Type.String(),
  problems: Type.Optional(
    Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() })),
  ),
})

const Target = Type.Union(
  [
    Type.Object({ station: StationId }, { additionalProperties: false }),
    Type.Object({ town: TownCode }, { additionalProperties: false }),
    Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
  ],
  { description: 'One station, every station of a town, or the whole district (district operators only)' },
)
type Target = { station: string } | { town: string } | { all: true }

const StationConfigView = Type.Object(
  {
    stationId: StationId,
    stationName: Type.String(),
    townCode: TownCode,
    state: Type.Enum(['none', 'pending', 'applied', 'rejected'], {
      description:
        'none: never pushed; pending: not reported yet; applied: the kiosk runs the desired version; rejected: it refused it (see problems) and runs appliedVersion',
    }),
    desired: nullable(
      Type.Object({
        version: Type.Integer(),
        issuedAt: Time,
        issuedBy: Type.String(),
        settings: Type.Record(Type.String(), Type.Unknown()),
      }),
    ),
    appliedVersion: Type.Integer({
      description: 'Remote settings version in force on the kiosk; 0: its file alone',
    }),
    problems: Type.Array(ConfigProblem, { description: "The kiosk's reasons, when rejected" }),
    reported: nullable(
      Type.Object({
        desiredVersion: nullable(Type.Integer()),
        appliedVersion: nullable(Type.Integer()),
        state: nullable(Type.Enum(['applied', 'rejected'])),
        at: nullable(Type.String({ description: 'Device clock of its last configState' })),
        heartbeatVersion: nullable(Type.Integer({ description: 'Remote version its last heartbeat named' })),
      }),
    ),
  },
  { title: 'StationConfigState' },
)

const CommandView = Type.Object(
  {
    commandId: Type.String(),
    stationId: StationId,
    name: Type.String(),
    args: Type.Record(Type.String(), Type.Unknown()),
    state: Type.Enum([...HUB_COMMAND_STATES]),
    detail: nullable(Type.String()),
    issuedBy: Type.String(),
    issuedAt: Time,
    expiresAt: Time,
    acceptedAt: nullable(Time),
    finishedAt: nullable(Time),
    sends: Type.Integer({ description: 'Times published: again on heartbeats while unanswered' }),
  },
  { title: 'StationCommand' },
)

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
const commandView = (c: StationCommand) => ({
  commandId: c.commandId,
  stationId: c.stationId,
  name: c.name,
  args: c.args,
  state: c.state,
  detail: c.detail,
  issuedBy: c.issuedBy,
  issuedAt: new Date(c.issuedAt).toISOString(),
  expiresAt: new Date(c.expiresAt).toISOString(),
  acceptedAt: iso(c.acceptedAt),
  finishedAt: iso(c.finishedAt),
  sends: c.sends,
})

/**
 * What an operator may give each command. `rotateCredentials` takes nothing from them: the
 * hub makes the new secret and adds it on the wire only (docs/OPERATIONS.md, "Rotating a
 * station's secret").
 */
const operatorArgs = { ...commandArgs, rotateCredentials: Type.Object({}, { additionalProperties: false }) }
const argValidators = Object.fromEntries(
  Object.entries(operatorArgs).map(([n, s]) => [n, Compile(s)]),
) as Record<CommandName, ReturnType<typeof Compile>>

/**
 * Remote config and commands (docs/OPERATIONS.md, "Remote config and commands"). A town
 * operator acts on the stations of their town, the district on any; a village cadre reads
 * their station's state only.
 */
export function controlRoutes(app: Api, deps: ApiDeps): void {
  /** The stations a target names, each checked against the caller's scope. */
  const stationsOf = (req: FastifyRequest, target: Target): string[] => {
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

  app.put(
    '/api/config',
    {
      schema: {
        summary:
          'Push remote settings to one station, a town or all (audited): a new version per station, retained for kiosks offline now',
        body: Type.Object(
          {
            target: Target,
            // checked in the handler against RemoteSettings: the body validator would drop an
            // unknown field (hub, station) silently, and the operator must hear it was refused
            settings: Type.Record(Type.String(), Type.Unknown(), {
              description: `RemoteSettings (firmware-config), sections ${REMOTE_SECTIONS.join(', ')}; replaces the previous push whole`,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            pushed: Type.Array(Type.Object({ stationId: StationId, version: Type.Integer() })),
          }),
          400: Problem,
          404: Problem,
        },
      },
    },
    async (req, reply) => {
      const stations = stationsOf(req, req.body.target as Target)
      const problems = checkRemoteSettings(req.body.settings)
      if (problems.length > 0) {
        return reply.code(400).send({
          error: 'badSettings',
          message:
            'settings are not valid remote settings (docs/OPERATIONS.md, "Remote config and commands")',
          problems,
        })
      }
      if (stations.length === 0)
        return reply.code(404).send({ error: 'notFound', message: 'no station in the target' })
      const pushed = await deps.control.pushConfig(stations, req.body.settings, actorOf(req), req.body.target)
      return { pushed: pushed.map((c) => ({ stationId: c.stationId, version: c.version })) }
    },
  )

  app.get(
    '/api/config',
    {
      schema: {
        summary: 'Desired against reported config, per station in the operator’s scope',
        querystring: Type.Object({ station: Type.Optional(StationId), town: Type.Optional(TownCode) }),
        response: { 200: Type.Object({ stations: Type.Array(StationConfigView) }) },
      },
    },
    async (req) => {
      const { town, station } = req.scope.narrow(req.query)
      const [desired, reports] = await Promise.all([
        deps.controlStore.desiredConfigs(),
        deps.controlStore.reports(),
      ])
      const desiredBy = new Map(desired.map((d) => [d.stationId, d]))
      const reportBy = new Map(reports.map((r) => [r.stationId, r]))
      const stations = deps.fleet
        .list()
        .filter(
          (s) => (station === undefined || s.id === station) && (town === undefined || s.townCode === town),
        )
        .filter((s) => req.scope.allowsStation(s.id))
      return {
        stations: stations.map((s) => {
          const d = desiredBy.get(s.id)
          const r = reportBy.get(s.id)
          const standing = configStanding(d?.version ?? null, r)
          return {
            stationId: s.id,
            stationName: s.name,
            townCode: s.townCode,
            state: standing.state,
            desired: d
              ? {
                  version: d.version,
                  issuedAt: new Date(d.issuedAt).toISOString(),
                  issuedBy: d.issuedBy,
                  settings: d.settings,
                }
              : null,
            appliedVersion: standing.appliedVersion,
            problems: standing.problems,
            reported: r
              ? {
                  desiredVersion: r.desiredVersion,
                  appliedVersion: r.appliedVersion,
                  state: r.state,
                  at: r.reportedAt,
                  heartbeatVersion: r.heartbeatVersion,
                }
              : null,
          }
        }),
      }
    },
  )

  app.get(
    '/api/config/history',
    {
      schema: {
        summary:
          'Config versions pushed to one station, or to every station of a town or of the operator’s scope, newest first',
        querystring: Type.Object({
          station: Type.Optional(StationId),
          town: Type.Optional(TownCode),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: {
          200: Type.Object({
            versions: Type.Array(
              Type.Object({
                stationId: StationId,
                version: Type.Integer(),
                issuedAt: Time,
                issuedBy: Type.String(),
                settings: Type.Record(Type.String(), Type.Unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const { town, station } = req.scope.narrow(req.query)
      const stations = deps.fleet
        .list()
        .filter((s) => req.scope.allowsStation(s.id))
        .filter(
          (s) => (station === undefined || s.id === station) && (town === undefined || s.townCode === town),
        )
      const each = await Promise.all(
        stations.map((s) => deps.controlStore.configHistory(s.id, req.query.limit)),
      )
      const versions = each
        .flat()
        .sort((a, b) => b.issuedAt - a.issuedAt || a.stationId.localeCompare(b.stationId))
        .slice(0, req.query.limit)
      return {
        versions: versions.map((v) => ({
          stationId: v.stationId,
          version: v.version,
          issuedAt: new Date(v.issuedAt).toISOString(),
          issuedBy: v.issuedBy,
          settings: v.settings,
        })),
      }
    },
  )

  app.post(
    '/api/commands',
    {
      schema: {
        summary: 'Send a command to one station, a town or all (audited): one command per station',
        body: Type.Object(
          {
            target: Target,
            name: Type.Enum([...COMMAND_NAMES]),
            args: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
            expiresInS: Type.Integer({
              minimum: 10,
              maximum: 7 * 86_400,
              default: 3600,
              description: 'A kiosk that gets it later answers expired and does not run it',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ commands: Type.Array(CommandView) }),
          400: Problem,
          404: Problem,
          409: Problem,
        },
      },
    },
    async (req, reply) => {
      const { name, args } = req.body
      const validator = argValidators[name]
      if (!validator.Check(args)) {
        return reply.code(400).send({
          error: 'badArgs',
          message: `arguments of ${name} are not valid`,
          problems: toWireErrors(validator.Errors(args), '/args'),
        })
      }
      const stations = stationsOf(req, req.body.target as Target)
      if (stations.length === 0)
        return reply.code(404).send({ error: 'notFound', message: 'no station in the target' })
      const rotating = name === 'rotateCredentials' ? deps.control.rotationPending(stations) : []
      if (rotating.length > 0) {
        return reply.code(409).send({
          error: 'rotationPending',
          message: `a secret rotation is still pending for ${rotating.join(', ')}: wait for its answer or its expiry`,
        })
      }
      const commands = await deps.control.issue(
        stations,
        name,
        args,
        actorOf(req),
        req.body.expiresInS * 1000,
      )
      return reply.code(201).send({ commands: commands.map(commandView) })
    },
  )

  app.get(
    '/api/commands',
    {
      schema: {
        summary: 'Commands and their answers, newest first, within the operator’s scope',
        querystring: Type.Object({
          station: Type.Optional(StationId),
          town: Type.Optional(TownCode),
          state: Type.Optional(Type.Enum([...HUB_COMMAND_STATES])),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
        }),
        response: { 200: Type.Object({ commands: Type.Array(CommandView) }) },
      },
    },
    async (req) => {
      const { town, station } = req.scope.narrow(req.query)
      await deps.controlStore.expireCommands(deps.now())
      const commands = await deps.controlStore.commands({
        limit: req.query.limit,
        ...(station ? { stationId: station } : {}),
        ...(town ? { townCode: town } : {}),
        ...(req.query.state ? { state: req.query.state } : {}),
      })
      return { commands: commands.map(commandView) }
    },
  )
}
