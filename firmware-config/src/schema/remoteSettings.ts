import Type, { type Static } from 'typebox'
import { FaceConfig } from './faceConfig.js'
import { StationConfig } from './stationConfig.js'

const S = StationConfig.properties
const F = FaceConfig.properties
const opt = Type.Optional
const section = <P extends Parameters<typeof Type.Object>[0]>(properties: P, title: string) =>
  opt(Type.Object(properties, { additionalProperties: false, title }))

/**
 * The part of a station config the hub may set remotely (docs/OPERATIONS.md, "Remote
 * config"). Every field is optional and mirrors the station config, so a problem's path
 * (`/devices/0/port`) reads the same in both. Never the station's identity, its hub address
 * or credentials, its data directory or local API: a push must not be able to cut a kiosk
 * off from the hub or hand it to another one.
 */
export const RemoteSettings = Type.Object(
  {
    uplink: section(
      {
        batchMaxEvents: opt(S.uplink.properties.batchMaxEvents),
        maxInFlightBatches: opt(S.uplink.properties.maxInFlightBatches),
        ackTimeoutS: opt(S.uplink.properties.ackTimeoutS),
        heartbeatIntervalS: opt(S.uplink.properties.heartbeatIntervalS),
        reconnectPeriodS: opt(S.uplink.properties.reconnectPeriodS),
      },
      'Uplink tuning',
    ),
    journal: section(
      {
        retentionDays: opt(S.journal.properties.retentionDays),
        maxBytes: opt(S.journal.properties.maxBytes),
        diskWarnFreeBytes: opt(S.journal.properties.diskWarnFreeBytes),
      },
      'Journal',
    ),
    photos: section({ retentionDays: opt(S.photos.properties.retentionDays) }, 'Photos'),
    face: section(
      {
        enabled: opt(F.enabled),
        securityLevel: opt(F.securityLevel),
        votingFrames: opt(F.votingFrames),
        challenge: opt(F.challenge),
        sessionTimeoutS: opt(F.sessionTimeoutS),
        minFacePx: opt(F.minFacePx),
        detector: section({ threshold: opt(F.detector.properties.threshold) }, 'Face detector'),
      },
      'Face check-in',
    ),
    camera: section({ type: opt(S.camera.properties.type), fps: opt(S.camera.properties.fps) }, 'Camera'),
    devices: opt(S.devices),
  },
  {
    additionalProperties: false,
    title: 'Remote settings',
    description:
      'Sections of the station config the hub may push; each push replaces the previous one whole, over the provisioned file',
  },
)
export type RemoteSettings = Static<typeof RemoteSettings>

/** The sections a push may carry, for documentation and the hub's answers. */
export const REMOTE_SECTIONS = Object.keys(RemoteSettings.properties)
