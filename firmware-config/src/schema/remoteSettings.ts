import Type, { type Static } from 'typebox'
import { FaceConfig } from './faceConfig.js'
import { StationConfig } from './stationConfig.js'

const S = StationConfig.properties
const F = FaceConfig.properties
const H = S.activity.properties.defaultHours.properties
const opt = Type.Optional
const section = <P extends Parameters<typeof Type.Object>[0]>(
  properties: P,
  title: string,
  description: string,
) => opt(Type.Object(properties, { additionalProperties: false, title, description }))

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
      'How events and heartbeats travel to the hub',
    ),
    journal: section(
      {
        retentionDays: opt(S.journal.properties.retentionDays),
        maxBytes: opt(S.journal.properties.maxBytes),
        diskWarnFreeBytes: opt(S.journal.properties.diskWarnFreeBytes),
      },
      'Journal',
      'How long events stay in the local journal and how much disk it may take',
    ),
    photos: section(
      { retentionDays: opt(S.photos.properties.retentionDays) },
      'Photos',
      'How long photos stay on the kiosk after the hub has them',
    ),
    face: section(
      {
        enabled: opt(F.enabled),
        securityLevel: opt(F.securityLevel),
        votingFrames: opt(F.votingFrames),
        challenge: opt(F.challenge),
        sessionTimeoutS: opt(F.sessionTimeoutS),
        minFacePx: opt(F.minFacePx),
        retentionDays: opt(F.retentionDays),
        detector: section(
          { threshold: opt(F.detector.properties.threshold) },
          'Face detector',
          'The detection threshold',
        ),
      },
      'Face check-in',
      'Face check-in settings and how long templates are kept; never the models or the template key',
    ),
    camera: section(
      { type: opt(S.camera.properties.type), fps: opt(S.camera.properties.fps) },
      'Camera',
      'Where camera frames come from',
    ),
    devices: opt(S.devices),
    duty: section(
      {
        graceLateMin: opt(S.duty.properties.graceLateMin),
        graceEarlyMin: opt(S.duty.properties.graceEarlyMin),
        duplicateWithinMin: opt(S.duty.properties.duplicateWithinMin),
      },
      'Duty defaults',
      'Grace and duplicate rules for duty clock-ins, used until the hub sends a rota with its own',
    ),
    activity: section(
      {
        themeDayOfMonth: opt(S.activity.properties.themeDayOfMonth),
        defaultHours: section(
          {
            themeDay: opt(H.themeDay),
            branchAssembly: opt(H.branchAssembly),
            committeeMeeting: opt(H.committeeMeeting),
            groupMeeting: opt(H.groupMeeting),
            partyLecture: opt(H.partyLecture),
            study: opt(H.study),
            other: opt(H.other),
          },
          'Default hours per kind',
          'Study hours an activity of each kind is worth when its plan gives none',
        ),
      },
      'Activity defaults',
      'When the monthly theme day is and how many hours each kind of activity is worth',
    ),
    ui: section(
      {
        idleTimeoutS: opt(S.ui.properties.idleTimeoutS),
        resultTimeoutS: opt(S.ui.properties.resultTimeoutS),
        voice: opt(S.ui.properties.voice),
        sound: opt(S.ui.properties.sound),
        language: opt(S.ui.properties.language),
      },
      'Kiosk screen',
      'Timeouts, voice, sounds and language of the kiosk UI',
    ),
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
