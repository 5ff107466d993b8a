import {
  type CommitAck,
  codecs,
  decodeEventBatch,
  type Event,
  formatWireError,
  parseStationTopic,
  type RejectedEvent,
  stationTopic,
} from '@ejia/protocol'
import type { Logger } from 'pino'
import type { MessageBus } from '../broker/bus.js'
import { eventKey, type RejectRecord } from '../storage/storage.js'
import type { ChainCheck } from './chainCheck.js'
import type { Counters } from './counters.js'
import type { GroupCommitter } from './groupCommitter.js'
import { reject } from './rejects.js'

/**
 * Takes an `events` message from a station, validates every event, checks its place in the
 * station's signed hash chain, and commits the good ones through the group committer.
 * Only after the commit does it publish the ack that lets the kiosk forget them. A message
 * that fails as a whole gets no ack: the kiosk sends it again, and a hostile sender gets
 * nothing but a counter and a reject record.
 */
export class EventIngest {
  constructor(
    private readonly deps: {
      bus: MessageBus
      committer: GroupCommitter
      chain: ChainCheck
      counters: Counters
      log: Logger
      now: () => number
      onRejects: (rejects: RejectRecord[]) => void
      onEventsSeen: (stationId: string, sentAt: string, at: number) => void
    },
  ) {}

  handle(topic: string, payload: Buffer): void {
    const { counters, log, now } = this.deps
    const at = now()
    const stationId = parseStationTopic(topic)?.stationId
    if (stationId === undefined) return
    const decoded = decodeEventBatch(payload)
    if (!decoded.ok) {
      const code = decoded.errors[0]?.code ?? 'schema'
      counters.bump(`rejected.${code}`)
      log.warn({ stationId, errors: decoded.errors.slice(0, 5) }, 'refused an events message')
      this.deps.onRejects([
        reject(at, stationId, topic, code, decoded.errors.map(formatWireError).join('; '), payload),
      ])
      return
    }
    const batch = decoded.value
    this.deps.onEventsSeen(stationId, batch.sentAt, at)

    const rejected: RejectedEvent[] = []
    const records: RejectRecord[] = []
    for (const bad of batch.invalid) {
      const message = bad.errors.map(formatWireError).join('; ')
      counters.bump('rejected.schema')
      records.push(reject(at, stationId, topic, 'schema', message, Buffer.from(JSON.stringify(bad))))
      if (bad.id !== undefined) rejected.push({ id: bad.id, code: 'schema', message })
    }
    const good: Event[] = []
    for (const e of batch.events) {
      if (e.stationId === stationId) {
        good.push(e)
        continue
      }
      // a station may only report its own events, whatever its payload claims
      const message = `event claims station ${e.stationId} but came from ${stationId}`
      counters.bump('rejected.stationMismatch')
      records.push(reject(at, stationId, topic, 'stationMismatch', message, Buffer.from(JSON.stringify(e))))
      rejected.push({ id: e.id, code: 'stationMismatch', message })
    }
    if (records.length > 0) this.deps.onRejects(records)

    // signatures and keys: refused ones are kept whole as integrity findings, not rejects
    const { admitted, rejected: refused } = this.deps.chain.admit(stationId, batch.key, good, at)
    rejected.push(...refused)
    if (admitted.length === 0) {
      if (rejected.length > 0) this.sendAck(stationId, { accepted: [], duplicate: [], rejected })
      return
    }
    // how far the kiosk's clock was behind when it sent: what duty punches are judged by
    const sentSkewMs = at - Date.parse(batch.sentAt)
    this.deps.committer.submit(admitted.map((e) => ({ ...e, receivedAt: at, sentSkewMs }))).then(
      (inserted) => {
        const accepted: string[] = []
        const duplicate: string[] = []
        for (const e of admitted) (inserted.has(eventKey(stationId, e.id)) ? accepted : duplicate).push(e.id)
        this.sendAck(stationId, { accepted, duplicate, rejected })
        this.deps.chain.afterCommit(stationId, admitted, inserted, at).catch((err: unknown) => {
          log.warn({ err, stationId }, 'could not check the links of committed events')
        })
      },
      (err: unknown) => {
        // nothing acked, so nothing is lost: the kiosk sends the batch again
        counters.bump(`deferred.${(err as { code?: string }).code ?? 'storageError'}`)
        log.error({ err, stationId, events: good.length }, 'events not committed; the kiosk will resend')
      },
    )
  }

  private sendAck(stationId: string, ack: Omit<CommitAck, 'committedAt'>): void {
    const payload = codecs.ack.encode({ committedAt: new Date(this.deps.now()).toISOString(), ...ack })
    this.deps.bus
      .publish(stationTopic(stationId, 'ack'), payload, { qos: 1, retain: false })
      .catch((err: unknown) => {
        this.deps.log.warn({ err, stationId }, 'ack not delivered; the kiosk will resend and get it again')
      })
  }
}
