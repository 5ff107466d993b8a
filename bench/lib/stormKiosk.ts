import type { Socket } from 'node:net'
import { type CommitAck, codecs, type Heartbeat, PROTOCOL_VERSION, stationTopic } from '@ejia/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import type { LoadStation } from './stationLoad.js'

/** The edge's defaults (firmware-config stationConfig `uplink`): connect and ack timeouts, retry period. */
const CONNECT_TIMEOUT_MS = 10_000
const ACK_TIMEOUT_MS = 15_000
const RETRY_PERIOD_MS = 2000
const HEARTBEAT_INTERVAL_S = 30

/** The link went down while the kiosk waited on it. */
export class LinkLost extends Error {
  readonly code = 'linkLost'
}

export interface KioskCounters {
  connectAttempts: number
  /** Failed attempts by reason: `connack4`, `ECONNRESET`, `timeout`, `closed`… */
  connectFailures: Record<string, number>
  /** Links that closed after CONNACK, before the backlog was drained. */
  linkDrops: number
  ackTimeouts: number
  duplicates: number
  rejected: number
}

/**
 * One kiosk's link as the edge agent runs it (edge/src/adapters/mqtt/mqttUplink.ts), light
 * enough for thousands in one process: connect with the retained `offline` last will, retry
 * after a jittered period on failure, subscribe to the downlinks, announce `online`
 * (retained) and a heartbeat, then send the journal's backlog one batch at a time, each
 * awaiting its commit ack (resent after the ack timeout, as the outbox does).
 */
export class StormKiosk {
  private client: MqttClient | undefined
  private waiting: ((ack: CommitAck | LinkLost) => void) | undefined
  /** performance.now() of the last CONNACK. */
  connectedAt = Number.NaN
  /** From the start of the attempt that succeeded to its CONNACK, ms. */
  connectMs = Number.NaN
  private linkClosed: Promise<void> = Promise.resolve()
  private stopped = false
  private heartbeatTimer: NodeJS.Timeout | undefined
  private backlog = { lastSeq: 0, depth: 0 }

  constructor(
    readonly station: LoadStation,
    private readonly counters: KioskCounters,
    /** Told when a link comes up (CONNACK) and when it goes down. */
    private readonly onLink: (up: boolean) => void = () => undefined,
  ) {}

  /**
   * Connects, retrying after RETRY_PERIOD_MS × (0.5..1.5) until the hub takes the login;
   * false once close() has been called.
   */
  async connect(url: string): Promise<boolean> {
    while (!this.stopped) {
      this.counters.connectAttempts++
      const t0 = performance.now()
      try {
        const client = await this.connectOnce(url)
        if (this.stopped) {
          client.end(true)
          return false
        }
        this.client = client
        this.connectedAt = performance.now()
        this.connectMs = this.connectedAt - t0
        return true
      } catch (err) {
        const reason = failureReason(err, performance.now() - t0)
        this.counters.connectFailures[reason] = (this.counters.connectFailures[reason] ?? 0) + 1
        await sleep(RETRY_PERIOD_MS * (0.5 + Math.random()))
      }
    }
    return false
  }

  /** Resolves when the link closes (at once when there is none). */
  closed(): Promise<void> {
    return this.linkClosed
  }

  /**
   * What the agent does on connect: downlinks first, then `online`, a heartbeat, and one
   * every HEARTBEAT_INTERVAL_S while the link is up (the hub counts a station offline after
   * 2.5 intervals unheard).
   */
  async announce(backlog: { lastSeq: number; depth: number }): Promise<void> {
    const client = this.linked()
    const id = this.station.id
    this.backlog = { ...backlog }
    await this.orLinkLost(
      client.subscribeAsync(
        Object.fromEntries(
          (['ack', 'roster', 'config', 'command'] as const).map((c) => [
            stationTopic(id, c),
            { qos: 1 as const },
          ]),
        ),
      ),
    )
    client.publish(
      stationTopic(id, 'status'),
      codecs.status.encode({ state: 'online', reason: 'connected', since: new Date().toISOString() }),
      { qos: 1, retain: true },
    )
    this.heartbeat(client)
    clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = setInterval(() => this.heartbeat(client), HEARTBEAT_INTERVAL_S * 1000)
  }

  /** Sends each batch and waits for its ack; throws LinkLost if the link goes down meanwhile. */
  async drain(batches: readonly Buffer[]): Promise<number[]> {
    const latencies: number[] = []
    for (const payload of batches) {
      for (;;) {
        const client = this.linked()
        const t0 = performance.now()
        const ack = new Promise<CommitAck | LinkLost | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), ACK_TIMEOUT_MS)
          this.waiting = (a) => {
            clearTimeout(timer)
            resolve(a)
          }
        })
        client.publish(stationTopic(this.station.id, 'events'), payload, { qos: 1 })
        const got = await ack
        this.waiting = undefined
        if (got instanceof LinkLost) throw got
        if (!got) {
          this.counters.ackTimeouts++
          continue // the outbox sends the batch again; the hub answers duplicate
        }
        latencies.push(performance.now() - t0)
        this.backlog.depth = 0
        this.counters.duplicates += got.duplicate.length
        this.counters.rejected += got.rejected.length
        break
      }
    }
    return latencies
  }

  /** The link dies without DISCONNECT (a power cut, a switch reboot): the broker publishes the will. */
  dropLink(): void {
    const client = this.client
    this.client = undefined
    if (!client) return
    ;(client.stream as Socket).destroy()
    client.end(true)
  }

  /** Closes the link, if any, with DISCONNECT, and stops any connect in progress. */
  async close(): Promise<void> {
    this.stopped = true
    clearInterval(this.heartbeatTimer)
    const client = this.client
    this.client = undefined
    await client?.endAsync(true)
  }

  private connectOnce(url: string): Promise<MqttClient> {
    const id = this.station.id
    const client = mqtt.connect(url, {
      clientId: `ejia-edge-${id}`,
      username: this.station.username,
      password: this.station.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      will: {
        topic: stationTopic(id, 'status'),
        payload: codecs.status.encode({
          state: 'offline',
          reason: 'connectionLost',
          since: new Date().toISOString(),
        }),
        qos: 1,
        retain: true,
      },
    })
    return new Promise((resolve, reject) => {
      // named handlers, taken off one by one: mqtt.js keeps listeners of its own on these events
      const fail = (err: unknown) => {
        client.off('error', fail)
        client.off('close', closed)
        client.on('error', () => undefined)
        client.end(true)
        reject(err)
      }
      const closed = () => fail(new LinkLost('closed before CONNACK'))
      client.on('error', fail)
      client.on('close', closed)
      client.once('connect', () => {
        client.off('error', fail)
        client.off('close', closed)
        client.on('error', () => undefined) // followed by close, handled there
        this.linkClosed = new Promise((closed) =>
          client.once('close', () => {
            clearInterval(this.heartbeatTimer)
            this.onLink(false)
            this.waiting?.(new LinkLost('link closed'))
            closed()
          }),
        )
        this.onLink(true)
        const ackTopic = stationTopic(id, 'ack')
        client.on('message', (topic, payload) => {
          if (topic !== ackTopic) return
          const decoded = codecs.ack.decode(payload)
          if (decoded.ok) this.waiting?.(decoded.value)
        })
        resolve(client)
      })
    })
  }

  private heartbeat(client: MqttClient): void {
    if (!client.connected) return
    const now = new Date().toISOString()
    const heartbeat: Heartbeat = {
      time: now,
      bootedAt: now,
      intervalS: HEARTBEAT_INTERVAL_S,
      lastSeq: this.backlog.lastSeq,
      backlog: {
        depth: this.backlog.depth,
        oldestUnsentAt: this.backlog.depth > 0 ? now : null,
        oldestUnsentAgeS: this.backlog.depth > 0 ? 0 : null,
        deadLetters: 0,
      },
      // roster 0: the hub looks up the station's roster version, as for a kiosk that syncs its roster
      versions: { agent: 'bench', protocol: PROTOCOL_VERSION, config: '1', roster: '0' },
      faults: [],
    }
    client.publish(stationTopic(this.station.id, 'heartbeat'), codecs.heartbeat.encode(heartbeat), { qos: 0 })
  }

  private linked(): MqttClient {
    if (!this.client?.connected) throw new LinkLost('not connected')
    return this.client
  }

  private orLinkLost<T>(p: Promise<T>): Promise<T> {
    const client = this.linked()
    return new Promise<T>((resolve, reject) => {
      const lost = () => reject(new LinkLost('link closed'))
      client.once('close', lost)
      p.then(resolve, reject).finally(() => client.off('close', lost))
    })
  }
}

function failureReason(err: unknown, ms: number): string {
  const e = err as { code?: string | number; message?: string }
  if (typeof e.code === 'number') return `connack${e.code}`
  // mqtt.js closes the socket when no CONNACK came within connectTimeout
  if (err instanceof LinkLost) return ms >= CONNECT_TIMEOUT_MS - 50 ? 'connectTimeout' : 'closed'
  return typeof e.code === 'string' ? e.code : (e.message ?? 'unknown')
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
