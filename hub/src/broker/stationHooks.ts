import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { AedesOptions, AuthenticateError, Client, PublishPacket } from 'aedes'
import type { Logger } from 'pino'
import type { Counters } from '../ingest/counters.js'
import type { LoginDenial } from './deniedLogins.js'
import type { FloodGuard } from './floodGuard.js'
import type { OversizedPacket } from './packetSizeGuard.js'
import type { PeerCertificate, StationAuth } from './stationAuth.js'

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3]
const IDENTIFIER_REJECTED = 2
/** Also a station over its login rate: 3.1.1 has no "connection rate exceeded" (MQTT 5's 0x9F). */
const SERVER_UNAVAILABLE = 3
const BAD_USERNAME_OR_PASSWORD = 4
const NOT_AUTHORIZED = 5

/**
 * aedes' own refusals of a topic, before the ACL hooks see it: a wildcard or an empty topic
 * in a PUBLISH [MQTT-3.3.2-2], a malformed filter in a SUBSCRIBE [MQTT-4.7.1]. It closes the
 * connection and tells only by the error's words (aedes 1.2: lib/handlers/publish.js and
 * validateTopic in lib/utils.js), which name the packet; hub/src/broker/aclSweep.test.ts pins them.
 */
const topicRefusal = (message: string): 'publish' | 'subscribe' | undefined =>
  / in PUBLISH$/.test(message) ? 'publish' : /\bSUBSCRIBE\b/.test(message) ? 'subscribe' : undefined

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>

/**
 * What the broker asks of each station, and what it refuses: logins (secret, client id,
 * certificate, login rate), publishes (own `up` channels, publish rate) and subscriptions
 * (own `down` channels). Every refusal is counted by reason; each is logged, except floods,
 * which are logged once a minute per station or address.
 */
export class StationHooks implements Hooks {
  private readonly stationOf = new WeakMap<Client, string>()

  constructor(
    private readonly deps: {
      auth: StationAuth
      counters: Counters
      log: Logger
      flood: FloodGuard
      /** A refused login that names a registered station (by username or client id). */
      onLoginDenied?: (denial: LoginDenial) => void
    },
  ) {}

  authenticate: Hooks['authenticate'] = (client, username, password, done) => {
    const { auth, counters, log, flood } = this.deps
    const result = auth.authenticate(client.id, username, password, peerCertificate(client))
    const address = remoteAddress(client)
    if (result.ok) {
      if (flood.admitLogin(result.stationId, address)) {
        this.stationOf.set(client, result.stationId)
        return done(null, true)
      }
      counters.bump('throttled.connect')
      if (flood.shouldLog(result.stationId))
        log.warn(
          { stationId: result.stationId, address, limit: flood.limits.logins },
          'refused MQTT login over the station’s login rate (logged once a minute)',
        )
      return done(refusal('over the login rate', SERVER_UNAVAILABLE), false)
    }
    counters.bump(`denied.connect.${result.reason}`)
    const stationId = auth.stationNamed(client.id, username)
    // every refusal is counted; past the address's rate they are not logged one by one
    if (flood.admitFailedLogin(address)) {
      log.warn(
        { clientId: client.id, username, stationId, address, reason: result.reason },
        'refused MQTT login',
      )
    } else {
      counters.bump('throttled.failedLogins')
      if (flood.shouldLog(`address ${address}`))
        log.warn(
          { address, limit: flood.limits.failedLogins },
          'refused MQTT logins from this address over its rate: counted, not logged each (once a minute)',
        )
    }
    if (stationId !== undefined) {
      this.deps.onLoginDenied?.({
        stationId,
        reason: result.reason,
        clientId: client.id,
        username: username ?? null,
        address,
      })
    }
    const code =
      result.reason === 'badClientId'
        ? IDENTIFIER_REJECTED
        : result.reason === 'revoked' || result.reason === 'badCertificate'
          ? NOT_AUTHORIZED
          : BAD_USERNAME_OR_PASSWORD
    done(refusal(result.reason, code), false)
  }

  authorizePublish: Hooks['authorizePublish'] = (client, packet, done) => {
    if (client === null) return done(null) // the hub's own messages
    const { auth, counters, log, flood } = this.deps
    const stationId = this.stationOf.get(client)
    if (stationId === undefined || !auth.mayPublish(stationId, packet.topic)) {
      counters.bump('denied.publish')
      log.warn({ stationId, topic: packet.topic }, 'refused publish outside the station’s own topics')
      // MQTT 3.1.1 has no negative PUBACK: the connection is closed [MQTT-3.3.5-2]
      return done(new Error(`not authorized to publish to ${packet.topic}`))
    }
    // the last will, published as the connection ends, is not a message the station sends now
    const over = isWill(client, packet)
      ? undefined
      : flood.admitPublish(stationId, payloadBytes(packet), remoteAddress(client))
    if (over === undefined) return done(null)
    counters.bump(`throttled.${over}`)
    if (flood.shouldLog(stationId))
      log.warn(
        { stationId, over, limit: over === 'bytes' ? flood.limits.publishBytes : flood.limits.publishes },
        'closed a station’s connection over its publish rate (logged once a minute)',
      )
    // aedes can only pass a publish or close the connection; a QoS 1 one is not acked
    done(new Error(`over the publish rate (${over})`))
  }

  authorizeSubscribe: Hooks['authorizeSubscribe'] = (client, sub, done) => {
    const stationId = this.stationOf.get(client)
    if (stationId !== undefined && this.deps.auth.maySubscribe(stationId, sub.topic)) return done(null, sub)
    this.deps.counters.bump('denied.subscribe')
    this.deps.log.warn(
      { stationId, filter: sub.topic },
      'refused subscription outside the station’s own topics',
    )
    done(null, null) // SUBACK 0x80 for this filter
  }

  /** aedes' `clientError`: its own topic refusals count as the ACL's do. */
  clientError(client: Client, err: Error): void {
    const kind = topicRefusal(err.message)
    if (kind === undefined) return
    this.deps.counters.bump(`denied.${kind}`)
    this.deps.log.warn(
      { stationId: this.stationOf.get(client), err: err.message },
      `refused ${kind === 'publish' ? 'publish to' : 'subscription to'} a topic no station may use`,
    )
  }

  /** packetSizeGuard.ts closed a connection; once per connection, as it is closed with it. */
  packetTooLarge(conn: Socket, packet: OversizedPacket, maxPacketBytes: number): void {
    this.deps.counters.bump('denied.packetTooLarge')
    const client = (conn as Socket & { client?: Client }).client
    this.deps.log.warn(
      {
        stationId: client ? this.stationOf.get(client) : undefined,
        clientId: client?.id ?? null,
        address: conn.remoteAddress ?? null,
        ...packet,
        maxPacketBytes,
      },
      'closed a connection sending an MQTT packet over the size limit',
    )
  }
}

function refusal(why: string, returnCode: AuthenticateError['returnCode']): AuthenticateError {
  const err = new Error(`login refused: ${why}`) as AuthenticateError
  err.returnCode = returnCode
  return err
}

/** The verified client certificate of a TLS connection; null for plain TCP. */
function peerCertificate(client: Client): PeerCertificate | null {
  const conn = client.conn as Partial<TLSSocket> | undefined
  if (typeof conn?.getPeerCertificate !== 'function') return null
  const cert = conn.getPeerCertificate()
  // an empty object: no certificate, which rejectUnauthorized has already refused; be sure anyway
  const cn = cert.subject?.CN
  return { cn: Array.isArray(cn) ? cn[0] : cn, serial: cert.serialNumber ?? '' }
}

/** aedes authorizes a client's will (its untyped `will`) as it publishes it, on the close. */
function isWill(client: Client, packet: PublishPacket): boolean {
  return (client as Client & { will?: unknown }).will === packet
}

/** What a publish counts against the station's byte rate: its payload. */
function payloadBytes(packet: PublishPacket): number {
  const p = packet.payload as Buffer | string
  return typeof p === 'string' ? Buffer.byteLength(p) : p.length
}

/** The peer's address for the log and the alarm; aedes hands the raw stream as `conn`. */
function remoteAddress(client: Client): string | null {
  const conn = client.conn as { remoteAddress?: string } | undefined
  return conn?.remoteAddress ?? null
}
