import { DistrictCode, StationId, Tier, TownCode } from '@ejia/protocol'
import Type, { type Static } from 'typebox'
import { described } from './described.js'
import { DeviceConfig } from './devices.js'
import { FaceConfig } from './faceConfig.js'
import { HubConnection } from './hubConnection.js'
import { ActivityDefaults, DutyDefaults, UiOptions } from './operations.js'

/**
 * The station config file format. 2 added `duty`, `activity` and `ui`, and dropped the
 * simulated devices of the first files; `migrateStationConfig` (migrate.ts) brings every
 * older file up to this one.
 */
export const STATION_CONFIG_SCHEMA_VERSION = 2

const text = (title: string, description: string, max = 64) =>
  Type.String({ minLength: 1, maxLength: max, title, description })

const StationIdentity = Type.Object(
  {
    id: described(
      StationId,
      'Station id',
      '12-digit statistical division code of the village (or town) where the kiosk stands',
    ),
    name: text('Station name', 'Name of the station as shown on the kiosk, e.g. the village'),
    tier: described(
      Tier,
      'Station tier',
      'village, town or district: where the station sits in the hierarchy; a town centre id ends in 000',
    ),
    townCode: described(
      TownCode,
      'Town code',
      '9-digit code of the town: the first 9 digits of the station id',
    ),
    townName: text('Town name', 'Name of the town, as on reports and the kiosk'),
    districtCode: described(DistrictCode, 'District code', '6-digit administrative code of the district'),
    districtName: text('District name', 'Name of the district, as on reports'),
    timezone: Type.String({
      default: 'Asia/Shanghai',
      title: 'Time zone',
      description: 'IANA time zone of the station, e.g. Asia/Shanghai',
    }),
  },
  {
    additionalProperties: false,
    title: 'Station identity',
    description: 'Who this kiosk is: its id, name, tier and place. Never a remote setting',
  },
)

const Uplink = Type.Object(
  {
    batchMaxEvents: Type.Integer({
      minimum: 1,
      maximum: 500,
      default: 100,
      title: 'Events per batch',
      description: 'Most events sent to the hub in one batch',
    }),
    maxInFlightBatches: Type.Integer({
      minimum: 1,
      maximum: 32,
      default: 4,
      title: 'Batches in flight',
      description: 'Most batches sent and not yet acknowledged at one time',
    }),
    ackTimeoutS: Type.Number({
      minimum: 1,
      maximum: 600,
      default: 15,
      title: 'Acknowledgement timeout (seconds)',
      description: 'Seconds to wait for a commit ack before sending the batch again',
    }),
    heartbeatIntervalS: Type.Number({
      minimum: 1,
      maximum: 3600,
      default: 30,
      title: 'Heartbeat interval (seconds)',
      description: 'Seconds between two heartbeats (status, counters, versions) to the hub',
    }),
    reconnectPeriodS: Type.Number({
      minimum: 0.1,
      maximum: 300,
      default: 2,
      title: 'Reconnect period (seconds)',
      description: 'Seconds between two attempts to reach the hub while it is unreachable',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    title: 'Uplink tuning',
    description: 'How events and heartbeats travel to the hub',
  },
)

const Journal = Type.Object(
  {
    retentionDays: Type.Number({
      minimum: 1,
      maximum: 3650,
      default: 180,
      title: 'Journal retention (days)',
      description: 'Days an acknowledged event stays in the local journal; unsent events are never pruned',
    }),
    maxBytes: Type.Integer({
      minimum: 16 * 1024 ** 2,
      default: 512 * 1024 ** 2,
      title: 'Journal size bound',
      description:
        'Bytes the journal may take on disk. Past it the oldest events the hub already stored are pruned first (never unsent ones, dead letters or the last two days); when unsent events alone fill it, the kiosk keeps recording and reports the fault journalSize/journalFull',
    }),
    diskWarnFreeBytes: Type.Integer({
      minimum: 0,
      default: 1024 ** 3,
      title: 'Free-space floor',
      description:
        'Below this many bytes free on the data disk the kiosk reports the fault disk/diskLow and prunes stored events to make room, before the disk fills',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    title: 'Journal',
    description: 'The local event journal: how long events stay and how much disk it may take',
  },
)

export const StationConfig = Type.Object(
  {
    schemaVersion: Type.Literal(STATION_CONFIG_SCHEMA_VERSION, {
      title: 'File format version',
      description: `Version of this file format, ${STATION_CONFIG_SCHEMA_VERSION}; older files are migrated by \`ejia-config migrate\``,
    }),
    configVersion: text(
      'Config version',
      'Version of this station configuration, reported back to the hub in heartbeats',
    ),
    station: StationIdentity,
    hub: HubConnection,
    dataDir: Type.String({
      minLength: 1,
      default: '/var/lib/ejia',
      title: 'Data directory',
      description: 'Directory on persistent storage for the journal; relative paths are from the config file',
    }),
    uplink: Uplink,
    journal: Journal,
    photos: Type.Object(
      {
        retentionDays: Type.Number({
          minimum: 1,
          maximum: 3650,
          default: 30,
          title: 'Photo retention (days)',
          description:
            'Days a full-size photo stays on the kiosk after the hub has it; thumbnails stay, photos not yet uploaded are never deleted',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Evidence and witness photos',
        description: 'How long photos taken at the kiosk stay on it',
      },
    ),
    devices: Type.Array(DeviceConfig, {
      default: [],
      title: 'Attendance devices',
      description:
        'Card readers, fingerprint modules and QR scanners on this kiosk, each by hardware profile (see firmware-config/profiles)',
    }),
    roster: Type.Object(
      {
        file: Type.String({
          default: '',
          title: 'Roster file',
          description:
            "Roster JSON (people and their cards, QR tokens, fingerprint ids), relative to the config file; empty: the hub's roster",
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Roster',
        description: 'Where the kiosk gets the people it knows',
      },
    ),
    face: FaceConfig,
    camera: Type.Object(
      {
        type: Type.Enum(['none', 'push', 'folder'], {
          default: 'none',
          title: 'Camera source',
          description:
            'none: no camera; push: frames sent by the kiosk UI (getUserMedia); folder: images replayed, for labs',
        }),
        folder: Type.Optional(
          Type.String({ title: 'Image folder', description: 'Images to replay, for camera type folder' }),
        ),
        fps: Type.Number({
          exclusiveMinimum: 0,
          maximum: 30,
          default: 5,
          title: 'Frames per second',
          description: 'Frames per second replayed, for camera type folder',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Camera',
        description: 'Where camera frames come from',
      },
    ),
    localApi: Type.Object(
      {
        host: Type.String({
          default: '127.0.0.1',
          title: 'Listen address',
          description: 'Address the kiosk UI API listens on; keep it local',
        }),
        port: Type.Integer({
          minimum: 0,
          maximum: 65535,
          default: 8731,
          title: 'Listen port',
          description: 'Port of the kiosk UI API; 0 picks a free port',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Local API for the kiosk UI',
        description: 'The HTTP API the kiosk screen talks to. Never a remote setting',
      },
    ),
    upgrade: Type.Object(
      {
        releaseKey: Type.String({
          default: '',
          pattern: '^([A-Za-z0-9_-]{43})?$',
          title: 'Release public key',
          description:
            "The district's Ed25519 release public key (`ejia-release keygen`, base64url); empty: agent upgrades are refused. Not a remote setting: the hub cannot change it",
        }),
        healthTimeoutS: Type.Integer({
          minimum: 5,
          maximum: 900,
          default: 90,
          title: 'Upgrade health timeout (seconds)',
          description: 'How long a new agent has to come up connected before the upgrade rolls back',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Agent upgrades',
        description: 'Which signed agent releases the kiosk accepts, and when it rolls one back',
      },
    ),
    duty: DutyDefaults,
    activity: ActivityDefaults,
    ui: UiOptions,
  },
  {
    additionalProperties: false,
    title: 'Station configuration',
    description: 'Everything one kiosk needs to run, written by `ejia-config provision` (docs/OPERATIONS.md)',
    $id: 'https://ejia.local/schema/station-config.json',
  },
)
export type StationConfig = Static<typeof StationConfig>
