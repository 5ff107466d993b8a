import {
  COMMAND_NAMES,
  type CommandName,
  commandArgs,
  StationId,
  TownCode,
  toWireErrors,
} from '@ejia/protocol'
import Type from 'typebox'
import { Compile } from 'typebox/compile'
import { HUB_COMMAND_STATES, type StationCommand } from '../../storage/controlStore.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'
import { iso, nullable, Problem, stationsOf, Target, Time } from './controlTarget.js'

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
 * Commands to kiosks (docs/OPERATIONS.md, "Remote config and commands"), each answered
 * accepted, then with its result. Scoped like remote config.
 */
export function commandRoutes(app: Api, deps: ApiDeps): void {
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
      const stations = stationsOf(deps, req, req.body.target as Target)
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
