import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, loadRegistry } from '@ejia/firmware-config'
import { createLogger, parsePort, stopOnSignals } from '@ejia/platform'
import { type IngestWorkerOptions, isPostgresUrl, startIngestWorker } from './ingestWorker.js'

const USAGE = `usage: ejia-hub --broker external --mqtt-url URL --store URL|FILE --registry FILE
               [--mqtt-username NAME --mqtt-password-file FILE] [--share-group NAME]
               [--client-id ID] [--http-host ADDR --http-port N]
  An ingest worker of a hub scaled out (docs/SCALING.md): it takes the kiosks' events from
  the district's MQTT 5 broker (EMQX, Mosquitto) on the shared subscription
  $share/<group>/ejia/v1/+/events, commits them to the ledger and acks them. Run several
  with the same --store and --share-group (default ejia-hub).
  --store postgres://user@host/db (the workers share it) or a SQLite file (one worker only).
  --mqtt-password-file, or $EJIA_MQTT_PASSWORD: the hub's broker password (ejia-config broker-acl).
  --http-port serves GET /health (503 while the broker is unreachable) and GET /metrics.
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
  },
})
if (values.broker !== 'external' || !values['mqtt-url'] || !values.store || !values.registry) {
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
  opts = {
    registry: loadRegistry(values.registry),
    store: values.store,
    mqttUrl: values['mqtt-url'],
    shareGroup: values['share-group'],
    ...(values['mqtt-username'] ? { mqttUsername: values['mqtt-username'] } : {}),
    ...(password ? { mqttPassword: password } : {}),
    ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
    ...(values['http-port'] !== undefined
      ? { http: { host: values['http-host'], port: parsePort('http-port', values['http-port']) } }
      : {}),
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof RangeError ? err.message : err)
  process.exit(2)
}

const log = createLogger()
const worker = await startIngestWorker({ ...opts, log }).catch((err: unknown) => {
  log.fatal({ err }, 'ingest worker could not start')
  console.error(`ejia-hub (ingest) could not start: ${(err as Error).message}`)
  process.exit(1)
})
console.log(JSON.stringify({ role: 'ingest', httpPort: worker.httpPort }))

stopOnSignals(() => worker.stop(), log)
