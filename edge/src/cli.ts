import { parseArgs } from 'node:util'
import { ConfigError, loadStationConfig } from '@ejia/firmware-config'
import { createLogger } from '@ejia/platform'
import { startEdge } from './main.js'

const USAGE = 'usage: ejia-edge --config FILE [--hub mqtt://HOST:PORT] [--data DIR] [--api-port N]'

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    hub: { type: 'string' },
    data: { type: 'string' },
    'api-port': { type: 'string' },
  },
})
if (!values.config) {
  console.error(USAGE)
  process.exit(2)
}

const log = createLogger()
let config: ReturnType<typeof loadStationConfig>
try {
  config = loadStationConfig(values.config)
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(2)
}
if (values.hub) config.hub.mqttUrl = values.hub
if (values.data) config.dataDir = values.data
if (values['api-port']) config.localApi.port = Number(values['api-port'])

const edge = await startEdge(config, { log })
console.log(JSON.stringify({ stationId: config.station.id, localApi: edge.localApiUrl ?? null }))

let stopping = false
const shutdown = (signal: string) => {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'stopping')
  edge.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'unclean stop')
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
