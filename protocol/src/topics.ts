import type { TSchema } from 'typebox'
import { Command, CommandResult, ConfigPush, ConfigState } from './control.js'
import { CommitAck, EventBatch, EventBatchDoc, Heartbeat, Status } from './messages.js'
import { RosterUpdate } from './roster.js'

export const PROTOCOL_VERSION = 'v1'
export const TOPIC_ROOT = `ejia/${PROTOCOL_VERSION}`

/**
 * Every per-station channel. A station's topics are `ejia/v1/station/<stationId>/<channel>`.
 * `up` channels are published by the kiosk, `down` ones by the hub; broker ACLs are derived
 * from this table, so a station can only publish its own up channels and read its own
 * down channels.
 */
export const channels = {
  events: {
    message: 'EventBatch',
    direction: 'up',
    qos: 1,
    retain: false,
    schema: EventBatch,
    docSchema: EventBatchDoc,
    summary: 'Journalled events, in batches; each is kept on the kiosk until a commit ack names it',
  },
  ack: {
    message: 'CommitAck',
    direction: 'down',
    qos: 1,
    retain: false,
    schema: CommitAck,
    docSchema: CommitAck,
    summary: 'Commit acknowledgement: which events the hub has durably stored or refused',
  },
  roster: {
    message: 'RosterUpdate',
    direction: 'down',
    qos: 1,
    retain: false,
    schema: RosterUpdate,
    docSchema: RosterUpdate,
    summary: "The station's people and credentials, as a delta from the version its heartbeat reported",
  },
  heartbeat: {
    message: 'Heartbeat',
    direction: 'up',
    qos: 0,
    retain: false,
    schema: Heartbeat,
    docSchema: Heartbeat,
    summary: 'Periodic health: backlog, clock, versions, faults',
  },
  status: {
    message: 'Status',
    direction: 'up',
    qos: 1,
    retain: true,
    schema: Status,
    docSchema: Status,
    summary: 'Availability, retained; set to offline by the last will when the link dies',
  },
  config: {
    message: 'ConfigPush',
    direction: 'down',
    qos: 1,
    retain: true,
    schema: ConfigPush,
    docSchema: ConfigPush,
    summary:
      "The station's desired remote settings, versioned and retained, so a kiosk that was offline gets the latest on reconnect",
  },
  configState: {
    message: 'ConfigState',
    direction: 'up',
    qos: 1,
    retain: true,
    schema: ConfigState,
    docSchema: ConfigState,
    summary: 'What the kiosk made of the latest config: applied, or rejected with every problem found',
  },
  command: {
    message: 'Command',
    direction: 'down',
    qos: 1,
    retain: false,
    schema: Command,
    docSchema: Command,
    summary:
      'A request to one kiosk (restartAgent, resyncRoster, reupload, rotateCredentials), named by a commandId',
  },
  commandResult: {
    message: 'CommandResult',
    direction: 'up',
    qos: 1,
    retain: false,
    schema: CommandResult,
    docSchema: CommandResult,
    summary: 'The kiosk answers a command: accepted at once, then succeeded, failed, rejected or expired',
  },
} as const satisfies Record<
  string,
  {
    message: string
    direction: 'up' | 'down'
    qos: 0 | 1
    retain: boolean
    schema: TSchema
    docSchema: TSchema
    summary: string
  }
>

export type Channel = keyof typeof channels
export const channelNames = Object.keys(channels) as Channel[]

const STATION_PREFIX = `${TOPIC_ROOT}/station/`

export function stationTopic(stationId: string, channel: Channel): string {
  return `${STATION_PREFIX}${stationId}/${channel}`
}

/** A wildcard filter over every station's `channel`, for the hub's subscriptions. */
export function allStationsFilter(channel: Channel): string {
  return `${STATION_PREFIX}+/${channel}`
}

export interface StationTopic {
  stationId: string
  channel: Channel
}

/** Parses a station topic; returns undefined for anything that is not exactly one. */
export function parseStationTopic(topic: string): StationTopic | undefined {
  if (!topic.startsWith(STATION_PREFIX)) return undefined
  const rest = topic.slice(STATION_PREFIX.length).split('/')
  if (rest.length !== 2) return undefined
  const [stationId, channel] = rest as [string, string]
  if (stationId === '' || !Object.hasOwn(channels, channel)) return undefined
  return { stationId, channel: channel as Channel }
}
