import type { Socket } from 'node:net'
import { allStationsFilter, stationTopic } from '@ejia/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import { checkinBatch } from './eventBatch.js'
import { percentile, round } from './stats.js'

/** `{"benchT":"<16 digits: µs on this process's clock>",` then the event batch. */
const STAMP_AT = '{"benchT":"'.length
const STAMP_DIGITS = 16
/** A closed-loop publisher that hears nothing back for this long counts its message lost and goes on. */
const DELIVERY_TIMEOUT_MS = 3000

interface Publisher {
  client: MqttClient
  topic: string
  template: Buffer
  /** The stamp of the message it waits for, and the end of that wait (the window of one message). */
  waitingFor: number
  delivered: (() => void) | undefined
}

/** One slice of load on one broker, raw. */
export interface PhaseSample {
  seconds: number
  sent: number
  delivered: number
  latenciesMs: number[]
  loadCpuS: number
}

export interface PhaseResult {
  seconds: number
  sent: number
  delivered: number
  /** Sent in the phase and not delivered (within 2 s of the last delivery after it). */
  lost: number
  deliveredPerS: number
  /** Publish (stamp in the payload) to delivery at the wildcard subscriber, ms. */
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** CPU of this process (publishers and subscriber), in cores. */
  loadCpuCores: number
}

/**
 * Load for a bare MQTT broker: `n` publisher clients, each on a station's events topic,
 * sending kiosk-sized event batches at QoS 1, and one client subscribed at QoS 1 to
 * `ejia/v1/station/+/events`, as the hub listens. Every payload carries its send time, so
 * the subscriber measures publish-to-delivery latency on the same clock; deliveries of
 * messages sent before the current phase are not counted in it.
 */
export class BrokerLoad {
  private latencies: number[] = []
  private received = 0
  private phaseStartUs = Number.POSITIVE_INFINITY

  private constructor(
    private readonly pubs: Publisher[],
    private readonly sub: MqttClient,
    readonly payloadBytes: number,
  ) {
    const byTopic = new Map(pubs.map((p) => [p.topic, p]))
    sub.on('message', (topic, payload) => {
      const sentUs = Number(payload.toString('latin1', STAMP_AT, STAMP_AT + STAMP_DIGITS))
      if (sentUs >= this.phaseStartUs) {
        this.latencies.push((nowUs() - sentUs) / 1000)
        this.received++
      }
      const p = byTopic.get(topic)
      const done = p?.delivered
      if (p && done && p.waitingFor === sentUs) {
        p.delivered = undefined
        done()
      }
    })
  }

  /** `noDelay`: every client sets TCP_NODELAY (node's sockets, and so mqtt.js's, leave Nagle on). */
  static async connect(
    url: string,
    n: number,
    eventsPerBatch: number,
    opts: { noDelay?: boolean } = {},
  ): Promise<BrokerLoad> {
    const tcp = (client: MqttClient) => {
      if (opts.noDelay) (client.stream as Socket).setNoDelay(true)
      return client
    }
    const sub = tcp(
      await mqtt.connectAsync(url, {
        clientId: 'bench-subscriber',
        protocolVersion: 4,
        reconnectPeriod: 0,
        keepalive: 120,
      }),
    )
    await sub.subscribeAsync(allStationsFilter('events'), { qos: 1 })
    const pubs: Publisher[] = []
    for (let i = 0; i < n; i += 100) {
      const chunk = Array.from({ length: Math.min(100, n - i) }, (_, k) => String(339_901_000_000 + i + k))
      pubs.push(
        ...(await Promise.all(
          chunk.map(async (stationId): Promise<Publisher> => {
            const client = tcp(
              await mqtt.connectAsync(url, {
                clientId: `bench-pub-${stationId}`,
                protocolVersion: 4,
                reconnectPeriod: 0,
                connectTimeout: 30_000,
                keepalive: 120,
              }),
            )
            const batch = checkinBatch(stationId, 1, eventsPerBatch).toString()
            const template = Buffer.from(`{"benchT":"${'0'.repeat(STAMP_DIGITS)}",${batch.slice(1)}`)
            const topic = stationTopic(stationId, 'events')
            return { client, topic, template, waitingFor: Number.NaN, delivered: undefined }
          }),
        )),
      )
    }
    return new BrokerLoad(pubs, sub, pubs[0]?.template.byteLength ?? 0)
  }

  /**
   * Closed loop: each publisher keeps one message in flight end to end, as a kiosk keeps one
   * batch in flight until its ack, for `seconds`; the throughput the broker sustains.
   */
  saturate(seconds: number): Promise<PhaseSample> {
    return this.phase(seconds, async (deadline, sent) => {
      await Promise.all(
        this.pubs.map(async (p) => {
          while (performance.now() < deadline) {
            const delivered = new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, DELIVERY_TIMEOUT_MS)
              p.delivered = () => {
                clearTimeout(timer)
                resolve()
              }
            })
            p.waitingFor = this.send(p)
            sent.n++
            await delivered
            p.delivered = undefined
          }
        }),
      )
    })
  }

  /** Open loop: `perS` messages a second in all, from the publishers in turn, for `seconds`. */
  atRate(perS: number, seconds: number): Promise<PhaseSample> {
    return this.phase(seconds, async (deadline, sent) => {
      const started = performance.now()
      let next = 0
      while (performance.now() < deadline) {
        const due = Math.floor(((performance.now() - started) / 1000) * perS)
        for (; sent.n < due; sent.n++) this.send(this.pubs[next++ % this.pubs.length] as Publisher)
        await new Promise((r) => setTimeout(r, 5))
      }
    })
  }

  async close(): Promise<void> {
    await Promise.all([...this.pubs.map((p) => p.client.endAsync(true)), this.sub.endAsync(true)])
  }

  /** Sends the publisher's batch stamped now; returns the stamp. */
  private send(p: Publisher): number {
    const payload = Buffer.from(p.template)
    const stamp = Math.round(nowUs())
    payload.write(String(stamp).padStart(STAMP_DIGITS, '0'), STAMP_AT, 'latin1')
    p.client.publish(p.topic, payload, { qos: 1 })
    return stamp
  }

  private async phase(
    seconds: number,
    drive: (deadline: number, sent: { n: number }) => Promise<void>,
  ): Promise<PhaseSample> {
    this.latencies = []
    this.received = 0
    const sent = { n: 0 }
    const cpu0 = process.cpuUsage()
    const started = performance.now()
    this.phaseStartUs = Math.floor(nowUs())
    await drive(started + seconds * 1000, sent)
    const elapsed = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpu0)
    // what is still in flight may arrive for a while yet: wait until 2 s pass with nothing new
    let seen = -1
    while (this.received < sent.n && this.received !== seen) {
      seen = this.received
      await new Promise((r) => setTimeout(r, 2000))
    }
    this.phaseStartUs = Number.POSITIVE_INFINITY
    return {
      seconds: elapsed,
      sent: sent.n,
      delivered: this.received,
      latenciesMs: this.latencies,
      loadCpuS: (cpu.user + cpu.system) / 1e6,
    }
  }
}

/** Slices of the same phase on the same broker, as one result. */
export function summarize(samples: readonly PhaseSample[]): PhaseResult {
  const sum = (f: (s: PhaseSample) => number) => samples.reduce((n, s) => n + f(s), 0)
  const seconds = sum((s) => s.seconds)
  const sent = sum((s) => s.sent)
  const delivered = sum((s) => s.delivered)
  const lat = samples.flatMap((s) => s.latenciesMs)
  return {
    seconds: round(seconds, 2),
    sent,
    delivered,
    lost: Math.max(0, sent - delivered),
    deliveredPerS: Math.round(delivered / seconds),
    p50Ms: round(percentile(lat, 0.5), 2),
    p99Ms: round(percentile(lat, 0.99), 2),
    maxMs: round(
      lat.reduce((a, b) => Math.max(a, b), 0),
      1,
    ),
    loadCpuCores: round(sum((s) => s.loadCpuS) / seconds, 2),
  }
}

const nowUs = () => performance.now() * 1000
