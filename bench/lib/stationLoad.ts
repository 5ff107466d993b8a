import { type CommitAck, codecs, type Event, stationTopic } from '@ejia/protocol'
import { eventHash, type JournalKey, newJournalKey, signHash } from '@ejia/protocol/chain'
import mqtt, { type MqttClient } from 'mqtt'
import { v7 as uuidv7 } from 'uuid'
import { percentile, round } from './stats.js'

export interface LoadStation {
  id: string
  username: string
  password: string
}

interface Conn {
  station: LoadStation
  client: MqttClient
  waiting: ((ack: CommitAck) => void) | undefined
  /** The station's journal key and its chain's last hash, for signed runs. */
  journal?: { key: JournalKey; last: string | undefined }
}

export interface LoadResult {
  stations: number
  events: number
  seconds: number
  eventsPerS: number
  /** Publish of a batch to the ack that names its events, ms. */
  ackP50Ms: number
  ackP99Ms: number
  ackMaxMs: number
  batches: number
  /** Events the acks called duplicate (a resend after a timeout), and refused. */
  duplicates: number
  rejected: number
  ackTimeouts: number
}

/**
 * Lightweight kiosks for load: one MQTT connection per station, logged in as the station,
 * publishing batches of check-ins as the edge agent does and waiting for each batch's
 * commit ack before the next (the agent's window of one batch), with the payloads encoded
 * before the clock starts. Not the edge agent: its journal's fsyncs would be the bottleneck,
 * not the hub being measured.
 */
export class StationLoad {
  private constructor(private readonly conns: Conn[]) {}

  static async connect(
    url: string,
    stations: readonly LoadStation[],
    concurrency = 100,
  ): Promise<StationLoad> {
    const conns: Conn[] = []
    for (let i = 0; i < stations.length; i += concurrency) {
      const chunk = stations.slice(i, i + concurrency)
      conns.push(...(await Promise.all(chunk.map((s) => connectOne(url, s)))))
    }
    return new StationLoad(conns)
  }

  /**
   * Every station sends `eventsPerStation` events in batches of `batchSize`, numbered from
   * `fromSeq`; resolves when every batch has its ack.
   */
  async run(opts: {
    eventsPerStation: number
    batchSize: number
    fromSeq?: number
    ackTimeoutMs?: number
    /** Hash-chain and sign the events as a kiosk's journal does (before the clock starts). */
    signed?: boolean
  }): Promise<LoadResult> {
    const from = opts.fromSeq ?? 1
    const timeoutMs = opts.ackTimeoutMs ?? 60_000
    const payloads = this.conns.map((c) => {
      const out: { payload: Buffer; events: number }[] = []
      for (let seq = from; seq < from + opts.eventsPerStation; seq += opts.batchSize) {
        const n = Math.min(opts.batchSize, from + opts.eventsPerStation - seq)
        let events = Array.from({ length: n }, (_, k) => checkin(c.station.id, seq + k))
        if (opts.signed) {
          c.journal ??= { key: newJournalKey(), last: undefined }
          events = chained(events, c.journal)
        }
        const key = opts.signed ? { key: c.journal?.key.publicKey } : {}
        out.push({
          payload: Buffer.from(JSON.stringify({ sentAt: new Date().toISOString(), ...key, events })),
          events: n,
        })
      }
      return out
    })
    const latencies: number[] = []
    let duplicates = 0
    let rejected = 0
    let ackTimeouts = 0
    const started = performance.now()
    await Promise.all(
      this.conns.map(async (c, i) => {
        for (const batch of payloads[i] as { payload: Buffer; events: number }[]) {
          for (;;) {
            const t0 = performance.now()
            const ack = new Promise<CommitAck | undefined>((resolve) => {
              const timer = setTimeout(() => resolve(undefined), timeoutMs)
              c.waiting = (a) => {
                clearTimeout(timer)
                resolve(a)
              }
            })
            await c.client.publishAsync(stationTopic(c.station.id, 'events'), batch.payload, { qos: 1 })
            const got = await ack
            c.waiting = undefined
            if (!got) {
              ackTimeouts++
              continue // sent again, as the agent does; the hub answers duplicate
            }
            latencies.push(performance.now() - t0)
            duplicates += got.duplicate.length
            rejected += got.rejected.length
            break
          }
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const events = this.conns.length * opts.eventsPerStation
    return {
      stations: this.conns.length,
      events,
      seconds: round(seconds, 2),
      eventsPerS: Math.round(events / seconds),
      ackP50Ms: round(percentile(latencies, 0.5), 1),
      ackP99Ms: round(percentile(latencies, 0.99), 1),
      ackMaxMs: round(Math.max(...latencies), 1),
      batches: latencies.length,
      duplicates,
      rejected,
      ackTimeouts,
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.client.endAsync(true)))
  }
}

async function connectOne(url: string, station: LoadStation): Promise<Conn> {
  const client = await mqtt.connectAsync(url, {
    clientId: `ejia-edge-${station.id}`,
    username: station.username,
    password: station.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
    keepalive: 120,
  })
  const conn: Conn = { station, client, waiting: undefined }
  const ackTopic = stationTopic(station.id, 'ack')
  client.on('message', (topic, payload) => {
    if (topic !== ackTopic) return
    const decoded = codecs.ack.decode(payload)
    if (decoded.ok) conn.waiting?.(decoded.value)
  })
  await client.subscribeAsync(ackTopic, { qos: 1 })
  return conn
}

/** Events linked to the station's chain and signed, as its journal would. */
function chained(events: Event[], journal: { key: JournalKey; last: string | undefined }): Event[] {
  return events.map((e) => {
    const linked = (journal.last === undefined ? e : { ...e, prev: journal.last }) as Event
    journal.last = eventHash(linked)
    return { ...linked, sig: signHash(journal.last, journal.key.privateKey) } as Event
  })
}

function checkin(stationId: string, seq: number): Event {
  return {
    id: uuidv7(),
    stationId,
    seq,
    time: new Date().toISOString(),
    type: 'checkin',
    body: { personId: `${stationId}-p${seq % 40}`, method: 'card' },
  } as Event
}
