import { Fault, Heartbeat, StationId, Tier, TownCode } from '@ejia/protocol'
import Type, { type Static } from 'typebox'

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

/** A station as operators see it: registry facts plus live health. Served by /api/stations. */
export const StationView = Type.Object(
  {
    id: StationId,
    name: Type.String(),
    tier: Tier,
    townCode: TownCode,
    townName: Type.String(),
    status: Type.Enum(['online', 'offline', 'never'], {
      description: 'See docs/OPERATIONS.md, "Station status"',
    }),
    offlineReason: nullable(Type.Enum(['shutdown', 'connectionLost', 'heartbeatTimeout'])),
    lastSeen: nullable(Type.String({ format: 'date-time', description: 'Hub time of the last message' })),
    lastSeenAgeS: nullable(Type.Number()),
    backlog: nullable(Type.Integer({ description: 'Events waiting on the kiosk, from its last heartbeat' })),
    oldestUnsentAgeS: nullable(Type.Number()),
    deadLetters: nullable(Type.Integer()),
    clockSkewS: nullable(Type.Number({ description: 'Kiosk clock minus hub clock, seconds' })),
    lastSeq: nullable(Type.Integer({ description: 'Highest sequence number the kiosk has journalled' })),
    versions: nullable(Heartbeat.properties.versions),
    heartbeatIntervalS: nullable(
      Type.Number({
        description: 'Heartbeat interval the kiosk announced; offline after 2.5 of them unheard',
      }),
    ),
    faults: Type.Array(Fault),
    disk: nullable(
      Type.Object(
        { freeBytes: Type.Integer(), totalBytes: Type.Integer() },
        {
          description: "The kiosk's data disk, from its last heartbeat (kiosks before this field send none)",
        },
      ),
    ),
    ledgerMissing: nullable(
      Type.Integer({
        description:
          'Events the kiosk holds as stored that the ledger lacks (a hub restored from a backup); the hub has asked the kiosk to send them again. Null: none known',
      }),
    ),
  },
  { title: 'StationView' },
)
export type StationView = Static<typeof StationView>

export const LedgerView = Type.Object({
  events: Type.Integer({ description: 'Events of this station in the hub ledger' }),
  seqMax: Type.Integer({ description: 'Highest sequence number in the ledger' }),
  missing: Type.Integer({ description: 'seqMax − events: sequence numbers not (yet) in the ledger' }),
})
