import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadStationConfig } from '@ejia/firmware-config'
import { createLogger, parsePort, stopOnSignals } from '@ejia/platform'
import { startWatchdog } from './adapters/system/watchdog.js'
import { startEdge } from './main.js'

const USAGE =
  'usage: ejia-edge --config FILE [--hub mqtt://HOST:PORT] [--hub-http http://HOST:PORT] [--data DIR] [--api-port N]'

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    hub: { type: 'string' },
    'hub-http': { type: 'string' },
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
  config = loadStationConfig(values.config, {
    onMigrated: (m) =>
      log.warn(
        { file: values.config, from: m.from, to: m.to, notes: m.notes },
        'station config is of an older format: migrated in memory (`ejia-config migrate FILE --write` updates the file)',
      ),
  })
  if (values.hub) config.hub.mqttUrl = values.hub
  if (values['hub-http']) config.hub.httpUrl = values['hub-http']
  if (values.data) config.dataDir = resolve(values.data)
  if (values['api-port']) config.localApi.port = parsePort('api-port', values['api-port'])
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof RangeError ? err.message : err)
  process.exit(2)
}

// the config file's path lets `rotateCredentials` keep a new secret in it
const edge = await startEdge(config, { log, configFile: resolve(values.config) }).catch((err: unknown) => {
  // e.g. a journal that belongs to another station, or the UI port taken: say so and stop
  log.fatal({ err }, 'kiosk agent could not start')
  console.error(`ejia-edge could not start: ${(err as Error).message}`)
  process.exit(1)
})
// ejia-edge.service's WatchdogSec: pings only while the process runs its event loop
const stopWatchdog = startWatchdog(log.child({ name: 'edge:watchdog' }))
// the stop handler before the ready line: a supervisor may send SIGTERM as soon as it reads it
stopOnSignals(() => {
  stopWatchdog()
  return edge.stop()
}, log)
console.log(JSON.stringify({ stationId: config.station.id, localApi: edge.localApiUrl ?? null }))
