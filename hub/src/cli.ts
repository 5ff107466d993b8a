import { parseArgs } from 'node:util'
import { ConfigError, loadRegistry } from '@ejia/firmware-config'
import { createLogger, parsePort, stopOnSignals } from '@ejia/platform'
import { startHub } from './main.js'

const USAGE = `usage: ejia-hub --data DIR --registry FILE [--mqtt-port N] [--http-port N]
               [--host ADDR] [--http-host ADDR] [--secure-cookies] [--metrics-public]
  --host is where the MQTT broker listens (default 0.0.0.0: kiosks must reach it);
  --http-host where the API and dashboard listen (default 127.0.0.1: serve them to the
  control centres through a reverse proxy with HTTPS, and pass --secure-cookies).
  A new hub makes the operator admin, its password in DIR/initial-admin-password.
  GET /metrics (Prometheus) needs a district operator's API token, unless --metrics-public.
  Port 0 picks a free port. Prints the bound ports as one JSON line once listening.`

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    registry: { type: 'string' },
    'mqtt-port': { type: 'string', default: '1883' },
    'http-port': { type: 'string', default: '8080' },
    host: { type: 'string', default: '0.0.0.0' },
    'http-host': { type: 'string', default: '127.0.0.1' },
    'secure-cookies': { type: 'boolean', default: false },
    'metrics-public': { type: 'boolean', default: false },
  },
})
if (!values.data || !values.registry) {
  console.error(USAGE)
  process.exit(2)
}

let registry: ReturnType<typeof loadRegistry>
let mqttPort: number
let httpPort: number
try {
  mqttPort = parsePort('mqtt-port', values['mqtt-port'])
  httpPort = parsePort('http-port', values['http-port'])
  registry = loadRegistry(values.registry)
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof RangeError ? err.message : err)
  process.exit(2)
}

const log = createLogger()
const hub = await startHub({
  dataDir: values.data,
  registry,
  mqttHost: values.host,
  mqttPort,
  httpHost: values['http-host'],
  secureCookies: values['secure-cookies'],
  metricsPublic: values['metrics-public'],
  httpPort,
  log,
}).catch((err: unknown) => {
  // e.g. a port already taken, or a ledger from a newer version: say so and stop
  log.fatal({ err }, 'hub could not start')
  console.error(`ejia-hub could not start: ${(err as Error).message}`)
  process.exit(1)
})
console.log(JSON.stringify({ mqttPort: hub.mqttPort, httpPort: hub.httpPort }))

stopOnSignals(() => hub.stop(), log)
