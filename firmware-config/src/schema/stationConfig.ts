import { DistrictCode, StationId, Tier, TownCode } from '@ejia/protocol'
import Type, { type Static } from 'typebox'
import { DeviceConfig } from './devices.js'
import { FaceConfig } from './faceConfig.js'

export const STATION_CONFIG_SCHEMA_VERSION = 1

export const StationConfig = Type.Object(
  {
    schemaVersion: Type.Literal(STATION_CONFIG_SCHEMA_VERSION, {
      description: 'Version of this file format; older files are migrated by `ejia-config migrate`',
    }),
    configVersion: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Version of this station configuration, reported back to the hub in heartbeats',
    }),
    station: Type.Object(
      {
        id: StationId,
        name: Type.String({ minLength: 1, maxLength: 64, description: 'Station name as shown on the kiosk' }),
        tier: Tier,
        townCode: TownCode,
        townName: Type.String({ minLength: 1, maxLength: 64 }),
        districtCode: DistrictCode,
        districtName: Type.String({ minLength: 1, maxLength: 64 }),
        timezone: Type.String({ default: 'Asia/Shanghai', description: 'IANA time zone of the station' }),
      },
      { additionalProperties: false, title: 'Station identity' },
    ),
    hub: Type.Object(
      {
        mqttUrl: Type.String({
          pattern: '^(mqtt|mqtts|tcp|ssl|ws|wss)://',
          description: 'Hub broker address, e.g. mqtts://hub.example:8883',
        }),
        username: Type.String({ minLength: 1, maxLength: 64, description: 'MQTT username: the station id' }),
        password: Type.String({
          minLength: 16,
          maxLength: 256,
          description: 'MQTT secret issued at provisioning',
        }),
        tls: Type.Optional(
          Type.Object(
            {
              caFile: Type.String({
                minLength: 1,
                title: 'District CA certificate',
                description:
                  "PEM file of the district CA; the hub's server certificate must chain to it. Relative to the config file",
              }),
              certFile: Type.String({
                minLength: 1,
                title: 'Station certificate',
                description:
                  'PEM client certificate of this station (CN = station id), signed by the district CA. Relative to the config file',
              }),
              keyFile: Type.String({
                minLength: 1,
                title: 'Station private key',
                description:
                  'PEM (PKCS#8) private key of the station certificate; keep it mode 0600. Relative to the config file',
              }),
            },
            {
              additionalProperties: false,
              title: 'Mutual TLS to the hub',
              description:
                'With an mqtts:// hub: the kiosk proves itself with this certificate and checks the hub against the CA (`ejia-config provision --ca`)',
            },
          ),
        ),
        httpUrl: Type.Optional(
          Type.String({
            pattern: '^https?://[^/?#]+[^?#]*$',
            description:
              'Hub HTTP API, e.g. https://hub.example; evidence photos are uploaded there (same username and password). Without it, photos stay on the kiosk',
          }),
        ),
      },
      { additionalProperties: false, title: 'Hub connection' },
    ),
    dataDir: Type.String({
      minLength: 1,
      default: '/var/lib/ejia',
      description: 'Directory on persistent storage for the journal; relative paths are from the config file',
    }),
    uplink: Type.Object(
      {
        batchMaxEvents: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        maxInFlightBatches: Type.Integer({ minimum: 1, maximum: 32, default: 4 }),
        ackTimeoutS: Type.Number({
          minimum: 1,
          maximum: 600,
          default: 15,
          description: 'Seconds to wait for a commit ack before sending the batch again',
        }),
        heartbeatIntervalS: Type.Number({ minimum: 1, maximum: 3600, default: 30 }),
        reconnectPeriodS: Type.Number({ minimum: 0.1, maximum: 300, default: 2 }),
      },
      { additionalProperties: false, default: {}, title: 'Uplink tuning' },
    ),
    journal: Type.Object(
      {
        retentionDays: Type.Number({
          minimum: 1,
          maximum: 3650,
          default: 180,
          description:
            'Days an acknowledged event stays in the local journal; unsent events are never pruned',
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
      { additionalProperties: false, default: {}, title: 'Journal' },
    ),
    photos: Type.Object(
      {
        retentionDays: Type.Number({
          minimum: 1,
          maximum: 3650,
          default: 30,
          description:
            'Days a full-size photo stays on the kiosk after the hub has it; thumbnails stay, photos not yet uploaded are never deleted',
        }),
      },
      { additionalProperties: false, default: {}, title: 'Evidence and witness photos' },
    ),
    devices: Type.Array(DeviceConfig, {
      default: [],
      description:
        'Card readers, fingerprint modules and QR scanners on this kiosk (see firmware-config/profiles)',
    }),
    roster: Type.Object(
      {
        file: Type.String({
          default: '',
          description:
            'Roster JSON (people and their cards, QR tokens, fingerprint ids); relative to the config file',
        }),
      },
      { additionalProperties: false, default: {}, title: 'Roster' },
    ),
    face: FaceConfig,
    camera: Type.Object(
      {
        type: Type.Enum(['none', 'push', 'folder'], {
          default: 'none',
          description: 'push: frames sent by the kiosk UI (getUserMedia); folder: images replayed, for labs',
        }),
        folder: Type.Optional(Type.String({ description: 'Images to replay, for type folder' })),
        fps: Type.Number({
          exclusiveMinimum: 0,
          maximum: 30,
          default: 5,
          description: 'Frames per second, for type folder',
        }),
      },
      { additionalProperties: false, default: {}, title: 'Camera' },
    ),
    localApi: Type.Object(
      {
        host: Type.String({
          default: '127.0.0.1',
          description: 'Address the kiosk UI API listens on; keep it local',
        }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8731, description: '0 picks a free port' }),
      },
      { additionalProperties: false, default: {}, title: 'Local API for the kiosk UI' },
    ),
    upgrade: Type.Object(
      {
        releaseKey: Type.String({
          default: '',
          pattern: '^([A-Za-z0-9_-]{43})?$',
          description:
            "The district's Ed25519 release public key (`ejia-release keygen`, base64url); empty: agent upgrades are refused. Not a remote setting: the hub cannot change it",
        }),
        healthTimeoutS: Type.Integer({
          minimum: 5,
          maximum: 900,
          default: 90,
          description: 'How long a new agent has to come up connected before the upgrade rolls back',
        }),
      },
      { additionalProperties: false, default: {}, title: 'Agent upgrades' },
    ),
  },
  {
    additionalProperties: false,
    title: 'Station configuration',
    $id: 'https://ejia.local/schema/station-config.json',
  },
)
export type StationConfig = Static<typeof StationConfig>
