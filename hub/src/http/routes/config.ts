import { checkRemoteSettings, REMOTE_SECTIONS } from '@ejia/firmware-config'
import { ConfigProblem, StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'
import { configStanding } from '../../domain/configState.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'
import { nullable, Problem, stationsOf, Target, Time } from './controlTarget.js'

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

/**
 * Remote config (docs/OPERATIONS.md, "Remote config and commands"): pushes to a station, a
 * town or all; desired against reported per station; every version pushed. A town operator
 * acts on the stations of their town, the district on any; a village cadre reads only.
 */
export function configRoutes(app: Api, deps: ApiDeps): void {
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
      const stations = stationsOf(deps, req, req.body.target as Target)
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
}
