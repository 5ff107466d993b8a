import {
  type CommitAck,
  codecs,
  type Event,
  MAX_BATCH_EVENTS,
  type Status,
  stationTopic,
} from '@ejia/protocol'
import mqtt from 'mqtt'
import type { Logger } from 'pino'
import { SeedError } from './seedError.js'

export interface PublishCount {
  sent: number
  accepted: number
  duplicate: number
  rejected: number
}

const ACK_TIMEOUT_MS = 30_000

/**
 * Sends a station's journalled events to the hub as that station would: logged in with its
 * provisioned secret, in batches of at most 500 at QoS 1, each batch only after the hub's
 * commit ack for the one before (docs/PROTOCOL.md). The hub binds the client id to the login
 * (`ejia-edge-<id>`), so a real kiosk of the station must not be connected meanwhile: the
 * broker would drop one of the two sessions. Like a kiosk, it announces itself online and
 * leaves with a clean `shutdown` status (or the broker's last will), so the hub's station
 * list shows the truth afterwards rather than a kiosk online until its heartbeat times out.
 */
export async function publishAsStation(opts: {
  hubUrl: string
  stationId: string
  password: string
  events: readonly Event[]
  log: Logger
}): Promise<PublishCount> {
  const { stationId, log } = opts
  const count: PublishCount = { sent: 0, accepted: 0, duplicate: 0, rejected: 0 }
  if (opts.events.length === 0) return count
  const status = (state: Status['state'], reason: Status['reason']) =>
    codecs.status.encode({ state, reason, since: new Date().toISOString() })
  const statusTopic = stationTopic(stationId, 'status')
  const client = await mqtt
    .connectAsync(opts.hubUrl, {
      clientId: `ejia-edge-${stationId}`,
      username: stationId,
      password: opts.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      will: { topic: statusTopic, payload: status('offline', 'connectionLost'), qos: 1, retain: true },
    })
    .catch((err: unknown) => {
      throw new SeedError(
        'hubUnreachable',
        `${stationId} cannot log in to ${opts.hubUrl}: ${(err as Error).message}`,
        {
          cause: err,
        },
      )
    })
  try {
    let waiting: ((ack: CommitAck) => void) | undefined
    client.on('message', (topic, payload) => {
      const ack = codecs.ack.decode(payload)
      if (topic === stationTopic(stationId, 'ack') && ack.ok) waiting?.(ack.value)
      else log.warn({ stationId, topic }, 'unreadable message from the hub ignored')
    })
    await client.subscribeAsync(stationTopic(stationId, 'ack'), { qos: 1 })
    await client.publishAsync(statusTopic, status('online', 'connected'), { qos: 1, retain: true })
    for (let i = 0; i < opts.events.length; i += MAX_BATCH_EVENTS) {
      const events = opts.events.slice(i, i + MAX_BATCH_EVENTS)
      const ids = new Set(events.map((e) => e.id))
      let timer: NodeJS.Timeout | undefined
      const acked = new Promise<CommitAck>((resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(new SeedError('noAck', `${stationId}: no commit ack within ${ACK_TIMEOUT_MS / 1000} s`)),
          ACK_TIMEOUT_MS,
        )
        // an ack names the events it commits: one for an earlier batch (resent) is not ours
        waiting = (ack) => {
          const named = [...ack.accepted, ...ack.duplicate, ...ack.rejected.map((r) => r.id)]
          if (named.some((id) => ids.has(id))) resolve(ack)
        }
      })
      let ack: CommitAck
      try {
        await client.publishAsync(
          stationTopic(stationId, 'events'),
          codecs.events.encode({ sentAt: new Date().toISOString(), events: [...events] }),
          { qos: 1 },
        )
        ack = await acked
      } finally {
        clearTimeout(timer)
      }
      count.sent += events.length
      count.accepted += ack.accepted.length
      count.duplicate += ack.duplicate.length
      count.rejected += ack.rejected.length
      if (ack.rejected.length > 0)
        log.warn({ stationId, rejected: ack.rejected.slice(0, 3) }, 'the hub refused some events')
    }
    await client.publishAsync(statusTopic, status('offline', 'shutdown'), { qos: 1, retain: true })
  } finally {
    await client.endAsync()
  }
  return count
}
