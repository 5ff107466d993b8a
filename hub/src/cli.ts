import { parseArgs } from 'node:util'
import { ConfigError, loadRegistry } from '@ejia/firmware-config'
import { createLogger } from '@ejia/platform'
import { startHub } from './main.js'

const USAGE = `usage: ejia-hub --data DIR --registry FILE [--mqtt-port N] [--http-port N] [--host ADDR]
  Port 0 picks a free port. Prints the bound ports as one JSON line once listening.`

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    registry: { type: 'string' },
    'mqtt-port': { type: 'string', default: '1883' },
    'http-port': { type: 'string', default: '8080' },
    host: { type: 'string', default: '0.0.0.0' },
    'http-host': { type: 'string' },
  },
})
if (!values.data || !values.registry) {
  console.error(USAGE)
  process.exit(2)
}
const port = (name: string, v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`--${name} must be a port number (0-65535), not "${v}"`)
    process.exit(2)
  }
  return n
}

let registry: ReturnType<typeof loadRegistry>
try {
  registry = loadRegistry(values.registry)
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(2)
}

const log = createLogger()
const hub = await startHub({
  dataDir: values.data,
  registry,
  mqttHost: values.host,
  mqttPort: port('mqtt-port', values['mqtt-port']),
  httpHost: values['http-host'] ?? values.host,
  httpPort: port('http-port', values['http-port']),
  log,
})
console.log(JSON.stringify({ mqttPort: hub.mqttPort, httpPort: hub.httpPort }))

let stopping = false
const shutdown = (signal: string) => {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'stopping')
  hub.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'unclean stop')
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
