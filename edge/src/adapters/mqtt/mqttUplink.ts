import { readFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import {
  type CommandResult,
  type ConfigState,
  codecs,
  type EventBatch,
  type Heartbeat,
  type Status,
  stationTopic,
} from '@ejia/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { type Uplink, UplinkError, type UplinkHandlers } from '../../ports/uplink.js'

const CLOSE_GRACE_MS = 2000

export interface MqttUplinkOptions {
  url: string
  stationId: string
  username: string
  password: string
  reconnectPeriodMs: number
  log: Logger
  now?: () => number
  /**
   * The other secret the kiosk knows during or after a rotation (docs/OPERATIONS.md,
   * "Rotating a station's secret"): when the hub refuses one as bad credentials, the next
   * attempt uses the other, so a kiosk holding the secret in force always gets in.
   */
  alternatePassword?: string
  /** Logged in, with this secret (the password, or the alternate one). */
  onLogin?: (password: string) => void
  /**
   * Mutual TLS for an mqtts:// hub: the station's certificate and key, and the district CA
   * the hub's certificate must chain to (no other trust anchor is used).
   */
  tls?: UplinkTls
}

/** PEM contents, as read from the files a station config names (`hub.tls`). */
export interface UplinkTls {
  ca: Buffer
  cert: Buffer
  key: Buffer
}

/** Reads the files of a station config's `hub.tls`; throws naming the file that is missing. */
export function readUplinkTls(files: { caFile: string; certFile: string; keyFile: string }): UplinkTls {
  const read = (file: string) => {
    try {
      return readFileSync(file)
    } catch (err) {
      throw new Error(`cannot read TLS file ${file}: ${(err as Error).message}`, { cause: err })
    }
  }
  return { ca: read(files.caFile), cert: read(files.certFile), key: read(files.keyFile) }
}

/**
 * The uplink over MQTT 3.1.1 with a clean session. QoS 1 delivery plus the hub's commit
 * ack is the guarantee; mqtt.js's own offline queue is never used as storage: publishing
 * while disconnected is refused, and the outbox sends again after reconnecting.
 */
export class MqttUplink implements Uplink {
  private client: MqttClient | undefined
  private readonly log: Logger
  private readonly now: () => number

  constructor(private readonly opts: MqttUplinkOptions) {
    this.log = opts.log
    this.now = opts.now ?? Date.now
  }

  get connected(): boolean {
    return this.client?.connected ?? false
  }

  start(handlers: UplinkHandlers): void {
    const { stationId } = this.opts
    const lastWill: Status = {
      state: 'offline',
      reason: 'connectionLost',
      since: new Date(this.now()).toISOString(),
    }
    const client = mqtt.connect(this.opts.url, {
      clientId: `ejia-edge-${stationId}`,
      username: this.opts.username,
      password: this.opts.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: this.jitteredPeriod(),
      reconnectOnConnackError: true,
      resubscribe: false,
      queueQoSZero: false,
      // only used for mqtts://: the hub is checked against the district CA, not the system store
      ...(this.opts.tls ? { ...this.opts.tls, rejectUnauthorized: true } : {}),
      will: {
        topic: stationTopic(stationId, 'status'),
        payload: codecs.status.encode(lastWill),
        qos: 1,
        retain: true,
      },
    })
    this.client = client
    const roster = stationTopic(stationId, 'roster')
    const config = stationTopic(stationId, 'config')
    const command = stationTopic(stationId, 'command')

    client.on('connect', () => {
      handlers.onFault(undefined)
      this.opts.onLogin?.(client.options.password as string)
      const online: Status = {
        state: 'online',
        reason: 'connected',
        since: new Date(this.now()).toISOString(),
      }
      // subscribe before announcing ourselves, so no ack or roster can arrive unheard
      const downlinks = {
        [stationTopic(stationId, 'ack')]: { qos: 1 as const },
        [roster]: { qos: 1 as const },
        [config]: { qos: 1 as const },
        [command]: { qos: 1 as const },
      }
      client.subscribe(downlinks, (err) => {
        if (err) {
          this.log.warn({ err }, 'subscribing to downlinks failed; reconnecting')
          client.reconnect()
          return
        }
        client.publish(stationTopic(stationId, 'status'), codecs.status.encode(online), {
          qos: 1,
          retain: true,
        })
        this.log.info({ url: this.opts.url }, 'connected to hub')
        handlers.onConnect()
      })
    })
    client.on('message', (topic, payload) => {
      if (topic === roster) {
        const update = codecs.roster.decode(payload)
        if (!update.ok) {
          this.log.warn({ errors: update.errors }, 'hub sent a roster that does not decode; ignored')
          handlers.onFault({ code: 'badRoster', message: `undecodable roster: ${update.errors[0]?.message}` })
          return
        }
        handlers.onRoster?.(update.value)
        return
      }
      if (topic === config) {
        // an empty retained message is how a retained topic is cleared: nothing to apply
        if (payload.byteLength === 0) return
        const push = codecs.config.decode(payload)
        if (!push.ok) {
          this.log.warn({ errors: push.errors }, 'hub sent a config that does not decode; ignored')
          handlers.onFault({ code: 'badConfig', message: `undecodable config: ${push.errors[0]?.message}` })
          return
        }
        handlers.onConfig?.(push.value)
        return
      }
      if (topic === command) {
        const cmd = codecs.command.decode(payload)
        if (!cmd.ok) {
          this.log.warn({ errors: cmd.errors }, 'hub sent a command that does not decode; ignored')
          return
        }
        handlers.onCommand?.(cmd.value)
        return
      }
      if (topic !== stationTopic(stationId, 'ack')) return
      const ack = codecs.ack.decode(payload)
      if (!ack.ok) {
        this.log.warn({ errors: ack.errors }, 'hub sent an ack that does not decode; ignored')
        handlers.onFault({ code: 'badAck', message: `undecodable ack: ${ack.errors[0]?.message}` })
        return
      }
      handlers.onAck(ack.value)
    })
    client.on('close', () => {
      // spread reconnects out: after a hub restart, 500 kiosks must not all knock at once
      client.options.reconnectPeriod = this.jitteredPeriod()
      const will: Status = {
        state: 'offline',
        reason: 'connectionLost',
        since: new Date(this.now()).toISOString(),
      }
      if (client.options.will) client.options.will.payload = codecs.status.encode(will)
      handlers.onDisconnect('closed')
    })
    client.on('error', (err) => {
      const code = (err as { code?: number }).code
      if (code === 4 || code === 5) {
        const { password, alternatePassword } = this.opts
        if (alternatePassword !== undefined) {
          // CONNACK 4 [MQTT-3.2.2.3]: the other secret on the next attempt (mqtt.js builds each CONNECT from options)
          client.options.password = client.options.password === password ? alternatePassword : password
          this.log.info('hub refused this secret; trying the other one the kiosk holds')
        }
        handlers.onFault({
          code: 'authRejected',
          message: `hub refused the station's credentials (${err.message})`,
        })
      }
      this.log.warn({ err: err.message }, 'uplink error')
    })
  }

  publishEvents(batch: EventBatch): Promise<void> {
    return this.publish('events', codecs.events.encode(batch), 1)
  }

  publishHeartbeat(heartbeat: Heartbeat): Promise<void> {
    return this.publish('heartbeat', codecs.heartbeat.encode(heartbeat), 0)
  }

  publishConfigState(state: ConfigState): Promise<void> {
    return this.publish('configState', codecs.configState.encode(state), 1, true)
  }

  publishCommandResult(result: CommandResult): Promise<void> {
    return this.publish('commandResult', codecs.commandResult.encode(result), 1)
  }

  async close(): Promise<void> {
    const client = this.client
    if (!client) return
    if (client.connected) {
      const bye: Status = { state: 'offline', reason: 'shutdown', since: new Date(this.now()).toISOString() }
      // the PUBACK may never come if the hub goes away now; do not let that hold up the stop
      const topic = stationTopic(this.opts.stationId, 'status')
      await Promise.race([
        client.publishAsync(topic, codecs.status.encode(bye), { qos: 1, retain: true }),
        delay(CLOSE_GRACE_MS),
      ]).catch(() => undefined)
    }
    await client.endAsync(true)
  }

  private publish(
    channel: 'events' | 'heartbeat' | 'configState' | 'commandResult',
    payload: Buffer,
    qos: 0 | 1,
    retain = false,
  ): Promise<void> {
    const client = this.client
    if (!client?.connected) {
      return Promise.reject(new UplinkError('notConnected', 'not connected to the hub'))
    }
    return client.publishAsync(stationTopic(this.opts.stationId, channel), payload, { qos, retain }).then(
      () => undefined,
      (err: unknown) => {
        throw new UplinkError('publishFailed', `publishing ${channel} failed`, { cause: err })
      },
    )
  }

  private jitteredPeriod(): number {
    return Math.round(this.opts.reconnectPeriodMs * (0.5 + Math.random()))
  }
}
