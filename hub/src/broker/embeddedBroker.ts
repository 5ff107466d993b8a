import { createRequire } from 'node:module'
import { createServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { MAX_MQTT_PACKET_BYTES } from '@ejia/protocol'
import { Aedes, type Client, type PublishPacket } from 'aedes'
import type { Logger } from 'pino'
import type { Counters } from '../ingest/counters.js'
import type { AedesClusterParts } from './aedesCluster.js'
import { type MessageBus, topicMatches } from './bus.js'
import type { LoginDenial } from './deniedLogins.js'
import { DEFAULT_BROKER_LIMITS, FloodGuard } from './floodGuard.js'
import { guardPacketSize } from './packetSizeGuard.js'
import { withRetainedIndex } from './retainedIndex.js'
import { type StationAuth, stationClientId } from './stationAuth.js'
import { StationHooks } from './stationHooks.js'

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

/**
 * The hub's own MQTT broker (aedes) on a TCP port. Every station logs in with its own
 * credentials; the ACL keeps each to its own topics, and the flood guard to its rates.
 * Refusals are counted and logged (stationHooks.ts).
 */
export async function createEmbeddedBroker(opts: {
  auth: StationAuth
  counters: Counters
  log: Logger
  /** A refused login that names a registered station (by username or client id). */
  onLoginDenied?: (denial: LoginDenial) => void
  /** One node of an aedes cluster on Redis (aedesCluster.ts); absent: a broker on its own. */
  cluster?: AedesClusterParts
  /** Rate limits per station and address (floodGuard.ts); absent: the defaults, on the wall clock. */
  flood?: FloodGuard
  /** The largest MQTT packet taken, whole; default the protocol's MAX_MQTT_PACKET_BYTES. */
  maxPacketBytes?: number
}): Promise<EmbeddedBroker> {
  const { counters, log } = opts
  const flood = opts.flood ?? new FloodGuard(DEFAULT_BROKER_LIMITS, { now: Date.now, quietMs: 10 * 60_000 })
  const maxPacketBytes = opts.maxPacketBytes ?? MAX_MQTT_PACKET_BYTES
  const hooks = new StationHooks({
    auth: opts.auth,
    counters,
    log,
    flood,
    ...(opts.onLoginDenied ? { onLoginDenied: opts.onLoginDenied } : {}),
  })

  const broker = await Aedes.createBroker({
    // on its own, aedes' memory store, with retained messages indexed by topic (retainedIndex.ts)
    ...(opts.cluster
      ? { mq: opts.cluster.mq, persistence: opts.cluster.persistence }
      : { persistence: withRetainedIndex(memoryPersistence()) }),
    connectTimeout: 10_000,
    authenticate: hooks.authenticate,
    authorizePublish: hooks.authorizePublish,
    authorizeSubscribe: hooks.authorizeSubscribe,
  })
  broker.on('clientError', (client, err) => hooks.clientError(client, err))

  // aedes reads the socket; the guard watches what it reads and cuts an oversized packet short
  const handle = (conn: Socket) => {
    broker.handle(conn)
    guardPacketSize(conn, maxPacketBytes, (packet) => hooks.packetTooLarge(conn, packet, maxPacketBytes))
  }
  const server: Server = createServer(handle)
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
        handle,
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
