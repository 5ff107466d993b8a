import mqtt, { type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { type MessageBus, topicMatches } from './bus.js'

export interface ExternalBusOptions {
  /** mqtt://host:port or mqtts://host:port of the district's broker (EMQX, Mosquitto). */
  url: string
  username?: string
  password?: string
  clientId: string
  /**
   * The shared-subscription group of the hub's ingest workers: a message on a shared
   * subscription goes to one member of the group, so N workers split the load.
   */
  shareGroup: string
  log: Logger
  /** TLS for mqtts: the CA that signed the broker's certificate, and the worker's own. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer }
}

/**
 * The MessageBus on a broker the hub does not run (docs/SCALING.md): the hub is one MQTT 5
 * client among the kiosks. A subscription marked `shared` is taken as
 * `$share/<group>/<filter>`, so each message reaches one worker of the group. The session
 * is clean: a worker that dies leaves the group at once, and what it had in flight is sent
 * again by the kiosks, whose events wait for an ack. mqtt.js reconnects and subscribes again
 * by itself.
 */
export class ExternalBus implements MessageBus {
  private readonly handlers: { filter: string; handler: (topic: string, payload: Buffer) => void }[] = []

  private constructor(
    private readonly client: MqttClient,
    private readonly opts: ExternalBusOptions,
  ) {
    client.on('message', (topic, payload) => {
      for (const h of this.handlers) if (topicMatches(h.filter, topic)) h.handler(topic, payload)
    })
  }

  static async connect(opts: ExternalBusOptions): Promise<ExternalBus> {
    const log = opts.log
    const client = await mqtt.connectAsync(opts.url, {
      protocolVersion: 5,
      clientId: opts.clientId,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(opts.username === undefined ? {} : { username: opts.username }),
      ...(opts.password === undefined ? {} : { password: opts.password }),
      ...(opts.tls ?? {}),
    })
    client.on('reconnect', () => log.warn({ url: opts.url }, 'broker connection lost; reconnecting'))
    // Nagle's algorithm holding back the worker's small PUBACKs throttles Mosquitto, whose
    // in-flight window per client is 20 messages (bench/broker.ts: half the rate)
    const noDelay = () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true)
    noDelay()
    client.on('connect', () => {
      noDelay()
      log.info({ url: opts.url }, 'connected to the broker')
    })
    client.on('error', (err) => log.warn({ err }, 'broker connection error'))
    return new ExternalBus(client, opts)
  }

  async subscribe(
    filter: string,
    handler: (topic: string, payload: Buffer) => void,
    opts: { shared?: boolean } = {},
  ): Promise<void> {
    this.handlers.push({ filter, handler })
    const subscription = opts.shared ? `$share/${this.opts.shareGroup}/${filter}` : filter
    const granted = await this.client.subscribeAsync(subscription, { qos: 1 })
    const refused = granted.filter((g) => g.qos > 2)
    if (refused.length > 0)
      throw new Error(
        `the broker refused the subscription ${subscription} (reason ${refused[0]?.qos}): check the hub's ACL role`,
      )
  }

  async publish(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    await this.client.publishAsync(topic, payload, opts)
  }

  connected(): boolean {
    return this.client.connected
  }

  async close(): Promise<void> {
    await this.client.endAsync()
  }
}
