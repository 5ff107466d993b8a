import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, isPlainUrl, type StationConfig } from '@ejia/firmware-config'
import { createLogger, parsePort, stopOnSignals } from '@ejia/platform'
import { startWatchdog } from './adapters/system/watchdog.js'
import { LAB_FLAG_HINT, loadStationConfigWithFlags, refusedAsPlain } from './hubFlags.js'
import { startEdge } from './main.js'

const USAGE = `usage: ejia-edge --config FILE [--hub mqtts://HOST:PORT] [--hub-http https://HOST:PORT] [--lab]
                 [--data DIR] [--api-port N]
      --hub and --hub-http replace the config's hub.mqttUrl and hub.httpUrl. A plain URL
      (mqtt://, tcp://, ws://, http://) sends the station secret without TLS: it is refused
      unless the config says hub.allowPlain: true or --lab is given, for a lab, a demo or a
      test only.`

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    hub: { type: 'string' },
    'hub-http': { type: 'string' },
    lab: { type: 'boolean', default: false },
    data: { type: 'string' },
    'api-port': { type: 'string' },
  },
})
if (!values.config) {
  console.error(USAGE)
  process.exit(2)
}

const log = createLogger()
let config: StationConfig
try {
  config = loadStationConfigWithFlags(
    values.config,
    { hub: values.hub, hubHttp: values['hub-http'], lab: values.lab },
    {
      onMigrated: (m) =>
        log.warn(
          { file: values.config, from: m.from, to: m.to, notes: m.notes },
          'station config is of an older format: migrated in memory (`ejia-config migrate FILE --write` updates the file)',
        ),
    },
  )
  if (values.data) config.dataDir = resolve(values.data)
  if (values['api-port']) config.localApi.port = parsePort('api-port', values['api-port'])
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof RangeError ? err.message : err)
  if (refusedAsPlain(err)) console.error(LAB_FLAG_HINT)
  process.exit(2)
}
if ([config.hub.mqttUrl, config.hub.httpUrl ?? ''].some(isPlainUrl))
  log.warn({ hub: config.hub.mqttUrl }, 'lab mode: plain MQTT or HTTP to the hub without TLS')

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
