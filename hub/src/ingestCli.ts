import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, loadRegistry } from '@ejia/firmware-config'
import { createLogger, parsePort, stopOnSignals } from '@ejia/platform'
import type { BrokerTls } from './broker/embeddedBroker.js'
import { type IngestWorkerOptions, startIngestWorker } from './ingestWorker.js'
import { isPostgresUrl } from './storage/hubStores.js'

const USAGE = `usage: ejia-hub --broker external --mqtt-url URL --store URL|FILE --registry FILE
               [--mqtt-username NAME --mqtt-password-file FILE] [--share-group NAME]
               [--client-id ID] [--http-host ADDR --http-port N]
       ejia-hub --broker cluster --redis-url URL --store URL --registry FILE
               --tls-cert FILE --tls-key FILE --tls-ca FILE [--mqtts-port 8883] | --lab [--mqtt-port 1883]
               [--host ADDR] [--cluster-prefix NAME] [--http-host ADDR --http-port N]
  An ingest worker of a hub scaled out (docs/SCALING.md). external: it takes the kiosks'
  events from the district's MQTT 5 broker (EMQX, Mosquitto) on the shared subscription
  $share/<group>/ejia/v1/+/events. Run several with the same --store and --share-group
  (default ejia-hub). cluster: it is itself a node of an aedes cluster on Redis
  (mqemitter-redis, aedes-persistence-redis), taking kiosks with the registry's logins and
  ACLs, as the hub does: over mqtts on --mqtts-port with the hub's TLS files (kiosks with a
  certificate from the district CA), and with --lab also over plain MQTT on --mqtt-port, for
  a lab or a demo only; it refuses to start with neither. It ingests what its own kiosks publish. Clusters
  sharing one Redis each take a database of it (redis://host:6379/N) and a --cluster-prefix.
  Either way it commits the events to the ledger and acks them.
  --store postgres://user@host/db (the workers share it) or a SQLite file (one worker only).
  --mqtt-password-file, or $EJIA_MQTT_PASSWORD: the hub's broker password (ejia-config broker-acl).
  --http-port serves GET /health (503 while the broker is unreachable) and GET /metrics, over
  plain HTTP: no login or personal data crosses it, and it listens on loopback unless told.
  Prints {"role":"ingest","httpPort":…} as one JSON line once subscribed.`

const { values } = parseArgs({
  options: {
    broker: { type: 'string' },
    'mqtt-url': { type: 'string' },
    'mqtt-username': { type: 'string' },
    'mqtt-password-file': { type: 'string' },
    store: { type: 'string' },
    registry: { type: 'string' },
    'share-group': { type: 'string', default: 'ejia-hub' },
    'client-id': { type: 'string' },
    'http-host': { type: 'string', default: '127.0.0.1' },
    'http-port': { type: 'string' },
    'redis-url': { type: 'string' },
    'cluster-prefix': { type: 'string', default: 'ejia' },
    host: { type: 'string', default: '0.0.0.0' },
    'mqtt-port': { type: 'string', default: '1883' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-ca': { type: 'string' },
    'mqtts-port': { type: 'string', default: '8883' },
    lab: { type: 'boolean', default: false },
  },
})
const external = values.broker === 'external' && values['mqtt-url'] !== undefined
const cluster = values.broker === 'cluster' && values['redis-url'] !== undefined
if (!(external || cluster) || !values.store || !values.registry) {
  console.error(USAGE)
  process.exit(2)
}

let opts: Omit<IngestWorkerOptions, 'log'>
try {
  const password =
    values['mqtt-password-file'] !== undefined
      ? readFileSync(values['mqtt-password-file'], 'utf8').trim()
      : process.env.EJIA_MQTT_PASSWORD
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(values['share-group']))
    throw new RangeError(`--share-group ${values['share-group']}: letters, digits, _ . - only`)
  if (!isPostgresUrl(values.store) && values.store.includes('://'))
    throw new RangeError(`--store ${values.store}: a postgres:// URL or a SQLite file path`)
  const broker: IngestWorkerOptions['broker'] = cluster
    ? {
        kind: 'cluster',
        redisUrl: values['redis-url'] as string,
        prefix: values['cluster-prefix'],
        host: values.host,
        port: parsePort('mqtt-port', values['mqtt-port']),
        ...clusterTls(),
        lab: values.lab,
      }
    : {
        kind: 'external',
        url: values['mqtt-url'] as string,
        shareGroup: values['share-group'],
        ...(values['mqtt-username'] ? { username: values['mqtt-username'] } : {}),
        ...(password ? { password } : {}),
        ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
      }
  opts = {
    registry: loadRegistry(values.registry),
    store: values.store,
    broker,
    ...(values['http-port'] !== undefined
      ? { http: { host: values['http-host'], port: parsePort('http-port', values['http-port']) } }
      : {}),
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof RangeError ? err.message : err)
  process.exit(2)
}

/** A cluster node takes kiosks as the hub does: over mqtts, or plain MQTT only with --lab (issue 10). */
function clusterTls(): { tls?: BrokerTls & { mqttsPort: number } } {
  const [cert, key, ca] = [values['tls-cert'], values['tls-key'], values['tls-ca']]
  if (cert === undefined && key === undefined && ca === undefined) {
    if (values.lab) return {}
    throw new RangeError(
      'ejia-hub: no TLS files: give --tls-cert, --tls-key and --tls-ca (the hub/ folder of `ejia-config provision --ca`), or --lab for plain MQTT in a lab or a demo',
    )
  }
  if (!cert || !key || !ca) throw new RangeError('--tls-cert, --tls-key and --tls-ca go together')
  return {
    tls: {
      cert: readFileSync(cert),
      key: readFileSync(key),
      ca: readFileSync(ca),
      mqttsPort: parsePort('mqtts-port', values['mqtts-port']),
    },
  }
}

const log = createLogger()
const worker = await startIngestWorker({ ...opts, log }).catch((err: unknown) => {
  log.fatal({ err }, 'ingest worker could not start')
  console.error(`ejia-hub (ingest) could not start: ${(err as Error).message}`)
  process.exit(1)
})
console.log(
  JSON.stringify({
    role: 'ingest',
    httpPort: worker.httpPort,
    mqttPort: worker.mqttPort,
    mqttsPort: worker.mqttsPort,
  }),
)

stopOnSignals(() => worker.stop(), log)
