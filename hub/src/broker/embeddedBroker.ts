import { createRequire } from 'node:module'
import { createServer, type Server } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes'
import type { Logger } from 'pino'
import type { Counters } from '../ingest/counters.js'
import type { AedesClusterParts } from './aedesCluster.js'
import { type MessageBus, topicMatches } from './bus.js'
import type { LoginDenial } from './deniedLogins.js'
import { withRetainedIndex } from './retainedIndex.js'
import { type PeerCertificate, type StationAuth, stationClientId } from './stationAuth.js'

/** The hub's side of mutual TLS (docs/OPERATIONS.md, "Provisioning with a district CA"). */
export interface BrokerTls {
  /** PEM: the hub's server certificate and key, and the district CA kiosks' certificates chain to. */
  cert: Buffer | string
  key: Buffer | string
  ca: Buffer | string
}

export interface EmbeddedBroker {
  bus: MessageBus
  /** Starts accepting connections; call once the hub's own subscriptions are in place. */
  listen(host: string, port: number): Promise<number>
  /** mqtts: only kiosks with a certificate from the district CA finish the handshake. */
  listenTls(host: string, port: number, tls: BrokerTls): Promise<number>
  /** Closes the station's connection, if it has one (after a revocation). */
  disconnectStation(stationId: string): boolean
  connectedClients(): number
  close(): Promise<void>
}

// a CommonJS module whose types declare an ES default export: taken as it runs
const memoryPersistence = createRequire(import.meta.url)('aedes-persistence') as () => unknown

/** Connections waiting to be accepted, as the kernel allows (net.core.somaxconn, 4096 on Debian 12). */
const LISTEN_BACKLOG = 4096

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3]
const IDENTIFIER_REJECTED = 2
const BAD_USERNAME_OR_PASSWORD = 4
const NOT_AUTHORIZED = 5

/**
 * The hub's own MQTT broker (aedes) on a TCP port. Every station logs in with its own
 * credentials; the ACL keeps each to its own topics. Refusals are counted and logged.
 */
export async function createEmbeddedBroker(opts: {
  auth: StationAuth
  counters: Counters
  log: Logger
  /** A refused login that names a registered station (by username or client id). */
  onLoginDenied?: (denial: LoginDenial) => void
  /** One node of an aedes cluster on Redis (aedesCluster.ts); absent: a broker on its own. */
  cluster?: AedesClusterParts
}): Promise<EmbeddedBroker> {
  const { auth, counters, log } = opts
  const stationOf = new WeakMap<Client, string>()

  const broker = await Aedes.createBroker({
    // on its own, aedes' memory store, with retained messages indexed by topic (retainedIndex.ts)
    ...(opts.cluster
      ? { mq: opts.cluster.mq, persistence: opts.cluster.persistence }
      : { persistence: withRetainedIndex(memoryPersistence()) }),
    connectTimeout: 10_000,
    authenticate(client, username, password, done) {
      const result = auth.authenticate(client.id, username, password, peerCertificate(client))
      if (result.ok) {
        stationOf.set(client, result.stationId)
        done(null, true)
        return
      }
      counters.bump(`denied.connect.${result.reason}`)
      const stationId = auth.stationNamed(client.id, username)
      const address = remoteAddress(client)
      log.warn(
        { clientId: client.id, username, stationId, address, reason: result.reason },
        'refused MQTT login',
      )
      if (stationId !== undefined) {
        opts.onLoginDenied?.({
          stationId,
          reason: result.reason,
          clientId: client.id,
          username: username ?? null,
          address,
        })
      }
      const err = new Error(`login refused: ${result.reason}`) as AuthenticateError
      err.returnCode =
        result.reason === 'badClientId'
          ? IDENTIFIER_REJECTED
          : result.reason === 'revoked' || result.reason === 'badCertificate'
            ? NOT_AUTHORIZED
            : BAD_USERNAME_OR_PASSWORD
      done(err, false)
    },
    authorizePublish(client, packet, done) {
      if (client === null) return done(null) // the hub's own messages
      const stationId = stationOf.get(client)
      if (stationId !== undefined && auth.mayPublish(stationId, packet.topic)) return done(null)
      counters.bump('denied.publish')
      log.warn({ stationId, topic: packet.topic }, 'refused publish outside the station’s own topics')
      // MQTT 3.1.1 has no negative PUBACK: the connection is closed [MQTT-3.3.5-2]
      done(new Error(`not authorized to publish to ${packet.topic}`))
    },
    authorizeSubscribe(client, sub, done) {
      const stationId = stationOf.get(client)
      if (stationId !== undefined && auth.maySubscribe(stationId, sub.topic)) return done(null, sub)
      counters.bump('denied.subscribe')
      log.warn({ stationId, filter: sub.topic }, 'refused subscription outside the station’s own topics')
      done(null, null) // SUBACK 0x80 for this filter
    },
  })

  const server: Server = createServer(broker.handle)
  let tlsServer: Server | undefined
  const listenOn = (srv: Server, host: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject)
      // a district reconnecting at once overflows Node's default backlog of 511 (bench/reconnectStorm.ts);
      // the kernel caps it at net.core.somaxconn
      srv.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        const address = srv.address()
        resolve(typeof address === 'object' && address ? address.port : port)
      })
    })

  const bus: MessageBus = {
    subscribe: (filter, handler, { shared = false } = {}) => {
      // on a cluster every node hears every message; a shared one is this node's when one of
      // its own clients published it (aedes emits `publish` with the client only for those)
      if (shared && opts.cluster) {
        broker.on('publish', (packet, client) => {
          if (client && topicMatches(filter, packet.topic)) handler(packet.topic, packet.payload as Buffer)
        })
        return Promise.resolve()
      }
      return new Promise((resolve) => {
        broker.subscribe(
          filter,
          (packet, cb) => {
            try {
              handler(packet.topic, packet.payload as Buffer)
            } finally {
              cb()
            }
          },
          resolve,
        )
      })
    },
    publish: (topic, payload, { qos, retain }) =>
      new Promise((resolve, reject) => {
        const packet = { cmd: 'publish', topic, payload, qos, retain, dup: false } as PublishPacket
        broker.publish(packet, (err) => (err ? reject(err) : resolve()))
      }),
  }

  return {
    bus,
    listen: (host, port) => listenOn(server, host, port),
    listenTls: (host, port, tls) => {
      tlsServer = createTlsServer(
        // the district CA is the only trust anchor: a certificate from anywhere else fails the handshake
        {
          cert: tls.cert,
          key: tls.key,
          ca: tls.ca,
          requestCert: true,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
        },
        broker.handle,
      )
      tlsServer.on('tlsClientError', (err, socket) => {
        counters.bump('denied.tls')
        log.warn({ err: err.message, address: socket.remoteAddress ?? null }, 'refused TLS handshake')
      })
      return listenOn(tlsServer, host, port)
    },
    disconnectStation: (stationId) => {
      // aedes keeps its connected clients by id (untyped): one per station, by stationClientId
      const clients = (broker as unknown as { clients: Record<string, Client | undefined> }).clients
      const client = clients[stationClientId(stationId)]
      if (!client) return false
      client.close()
      return true
    },
    connectedClients: () => broker.connectedClients,
    close: () =>
      new Promise<void>((resolve) => {
        server.close()
        tlsServer?.close()
        broker.close(() => resolve())
      }),
  }
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

/** The peer's address for the log and the alarm; aedes hands the raw stream as `conn`. */
function remoteAddress(client: Client): string | null {
  const conn = client.conn as { remoteAddress?: string } | undefined
  return conn?.remoteAddress ?? null
}
