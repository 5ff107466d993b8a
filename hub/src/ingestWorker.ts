import { hostname } from 'node:os'
import type { Registry } from '@ejia/firmware-config'
import { allStationsFilter } from '@ejia/protocol'
import Fastify from 'fastify'
import type { Logger } from 'pino'
import { aedesCluster } from './broker/aedesCluster.js'
import type { MessageBus } from './broker/bus.js'
import { type BrokerTls, createEmbeddedBroker } from './broker/embeddedBroker.js'
import { ExternalBus } from './broker/externalBus.js'
import { StationAuth } from './broker/stationAuth.js'
import { HubMetrics } from './http/metrics.js'
import { Counters } from './ingest/counters.js'
import { EventIngest } from './ingest/eventIngest.js'
import { GroupCommitter } from './ingest/groupCommitter.js'
import { IngestBooks } from './ingest/ingestBooks.js'
import { startChainCheck } from './ingest/startChainCheck.js'
import { isPostgresUrl, openHubStores } from './storage/hubStores.js'
import { syncRegistry } from './storage/storage.js'
import { HUB_VERSION } from './version.js'

/** Where the worker's kiosks are: on the district's broker, or on this worker itself as an aedes cluster node. */
export type WorkerBroker =
  | {
      kind: 'external'
      /** The district's broker; the worker logs in as the hub (docs/SCALING.md, "Broker ACLs"). */
      url: string
      username?: string
      password?: string
      /** The shared-subscription group; every worker of one hub uses the same (default `ejia-hub`). */
      shareGroup?: string
      /** MQTT client id; unique per worker (default `ejia-ingest-<host>-<pid>`). */
      clientId?: string
    }
  | {
      kind: 'cluster'
      /** The Redis the aedes nodes share (docs/SCALING.md, "An aedes cluster"). */
      redisUrl: string
      /** This cluster's messages in Redis, when several share one (default `ejia`). */
      prefix?: string
      /** Where this node takes kiosks; station logins and ACLs from the registry, as the hub's. */
      host: string
      /** Plain MQTT, served only in lab mode. */
      port: number
      /** mqtts with client certificates from the district CA, as the hub's (issue 10). */
      tls?: BrokerTls & { mqttsPort: number }
      /** Lab mode: plain MQTT on `port` too. A node with neither `tls` nor `lab` refuses to start. */
      lab: boolean
    }

export interface IngestWorkerOptions {
  registry: Registry
  /** postgres://… for PostgreSQL (several workers share it), or a SQLite file (one worker). */
  store: string
  broker: WorkerBroker
  /** GET /health and GET /metrics of this worker; absent: no HTTP. */
  http?: { host: string; port: number }
  log: Logger
  now?: () => number
}

export interface IngestWorkerHandle {
  httpPort: number | null
  /** The plain MQTT port a cluster node takes kiosks on: 0 outside lab mode, null on an external broker. */
  mqttPort: number | null
  /** The mqtts port of a cluster node with TLS; null otherwise. */
  mqttsPort: number | null
  stop(): Promise<void>
}

/**
 * A stateless hub ingest worker (docs/SCALING.md): it takes the kiosks' `events` from a
 * shared subscription on the district's broker, or from the kiosks connected to it as a
 * node of an aedes cluster, commits them to the ledger and publishes each station's ack, exactly as the hub does with its embedded broker (EventIngest,
 * GroupCommitter), and nothing else. Any number run side by side on one PostgreSQL ledger;
 * one killed loses nothing, since a kiosk forgets an event only when an ack names it.
 */
export async function startIngestWorker(opts: IngestWorkerOptions): Promise<IngestWorkerHandle> {
  const { log } = opts
  if (opts.broker.kind === 'cluster' && !opts.broker.tls && !opts.broker.lab)
    throw new RangeError('a cluster node needs TLS files, or lab mode for plain MQTT (issue 10)')
  const now = opts.now ?? Date.now
  const stores = await openHubStores(opts.store, now)
  const { storage } = stores
  await syncRegistry(storage, opts.registry)
  const metrics = new HubMetrics(HUB_VERSION)
  stores.observeTransactions((seconds, ok) => metrics.observeTransaction(seconds, ok))
  const counters = new Counters()
  const books = new IngestBooks({ storage, counters, log })
  const committer = new GroupCommitter(storage, {
    maxCommitEvents: 5000,
    maxQueuedEvents: 200_000,
    onCommit: (events, seconds, ok) => metrics.observeCommit(events, seconds, ok),
  })
  const node = await connectBroker(opts.broker, { registry: opts.registry, counters, log, now })
  const { bus } = node
  const chain = await startChainCheck(stores, counters, log, now)
  const ingest = new EventIngest({
    bus,
    committer,
    chain,
    counters,
    log: log.child({ name: 'hub:ingest' }),
    now,
    onRejects: books.onRejects,
    // clock skew and last-seen are the fleet's, in the hub that serves the API
    onEventsSeen: () => undefined,
  })
  await bus.subscribe(allStationsFilter('events'), (t, p) => ingest.handle(t, p), { shared: true })
  const { mqttPort, mqttsPort } = await node.listen()

  const http = opts.http ? Fastify({ logger: false }) : undefined
  if (http) {
    http.get('/health', async (_req, reply) => {
      const ok = node.connected()
      return reply.code(ok ? 200 : 503).send({
        role: 'ingest',
        version: HUB_VERSION,
        brokerConnected: ok,
        queuedEvents: committer.depth(),
        ...committer.commitStats(),
      })
    })
    http.get('/metrics', async (_req, reply) => {
      const text = await metrics.scrape({
        counters: () => counters.totals(() => storage.counters()),
        stations: () => [],
        brokerClients: () => node.clients(),
        queuedEvents: () => committer.depth(),
        openAlarms: async () => [],
      })
      return reply.type('text/plain; version=0.0.4').send(text)
    })
    await http.listen({ host: opts.http?.host, port: opts.http?.port })
  }
  const address = http?.server.address()
  const httpPort = typeof address === 'object' && address ? address.port : null
  log.info(
    {
      store: isPostgresUrl(opts.store) ? 'postgres' : 'sqlite',
      broker: opts.broker.kind,
      httpPort,
      mqttPort,
      mqttsPort,
    },
    'ingest worker started',
  )

  return {
    httpPort,
    mqttPort,
    mqttsPort,
    async stop() {
      await http?.close()
      await node.close()
      await committer.flush()
      await books.stop()
      chain.stop()
      await stores.close()
    },
  }
}

interface BrokerNode {
  bus: MessageBus
  /** Starts taking kiosks, once the worker's own subscriptions are in place; the ports, or null. */
  listen(): Promise<{ mqttPort: number | null; mqttsPort: number | null }>
  connected(): boolean
  clients(): number
  close(): Promise<void>
}

async function connectBroker(
  broker: WorkerBroker,
  deps: { registry: Registry; counters: Counters; log: Logger; now: () => number },
): Promise<BrokerNode> {
  if (broker.kind === 'external') {
    const bus = await ExternalBus.connect({
      url: broker.url,
      clientId: broker.clientId ?? `ejia-ingest-${hostname()}-${process.pid}`,
      shareGroup: broker.shareGroup ?? 'ejia-hub',
      log: deps.log.child({ name: 'hub:bus' }),
      ...(broker.username === undefined ? {} : { username: broker.username }),
      ...(broker.password === undefined ? {} : { password: broker.password }),
    })
    return {
      bus,
      listen: async () => ({ mqttPort: null, mqttsPort: null }),
      connected: () => bus.connected(),
      clients: () => 0,
      close: () => bus.close(),
    }
  }
  const node = await createEmbeddedBroker({
    auth: new StationAuth(deps.registry, { now: deps.now }),
    counters: deps.counters,
    log: deps.log.child({ name: 'hub:broker' }),
    cluster: aedesCluster(broker.redisUrl, broker.prefix),
  })
  return {
    bus: node.bus,
    listen: async () => ({
      mqttPort: broker.lab ? await node.listen(broker.host, broker.port) : 0,
      mqttsPort: broker.tls ? await node.listenTls(broker.host, broker.tls.mqttsPort, broker.tls) : null,
    }),
    connected: () => true,
    clients: () => node.connectedClients(),
    close: () => node.close(),
  }
}
