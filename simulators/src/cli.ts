import { parseArgs } from 'node:util'
import { ConfigError } from '@ejia/firmware-config'
import { createLogger } from '@ejia/platform'
import { DEVICE_USAGE, runDeviceCommand } from './devicesCli.js'
import { runFleet } from './fleet/fleet.js'
import { SeedError } from './month/seedError.js'
import { MONTH_USAGE, runSeedCommand } from './monthCli.js'

const USAGE = `usage:
  ejia-sim fleet --hub mqtt://HOST:PORT --registry FILE --stations N --events-per-station K --rate R
                 [--data DIR] [--configs DIR] [--offset M] [--heartbeat S] [--keep-running]
      Runs N simulated kiosks (the real edge agent core, each with its own journal under
      DIR/<station id>) producing a realistic day of events at R events/s per station,
      until every station's journal holds K events and the hub has acknowledged them all.
      Prints a JSON summary. A restart resumes from the journals.
${MONTH_USAGE}
${DEVICE_USAGE}`

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

const [command, ...rest] = process.argv.slice(2)
if (command === 'device') {
  try {
    await runDeviceCommand(rest)
    process.exit(0)
  } catch (err) {
    fail((err as Error).message)
  }
}
if (command === 'month' || command === 'seed-station') {
  try {
    const summary = await runSeedCommand(command, rest, createLogger(process.env.EJIA_LOG_LEVEL ?? 'info'))
    console.log(JSON.stringify(summary))
    process.exit(0)
  } catch (err) {
    if (err instanceof SeedError || err instanceof ConfigError || err instanceof SyntaxError)
      fail((err as Error).message)
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      fail(`${err.message}\n\n${USAGE}`)
    throw err
  }
}
if (command !== 'fleet') fail(USAGE)
const { values } = parseArgs({
  args: rest,
  options: {
    hub: { type: 'string' },
    registry: { type: 'string' },
    configs: { type: 'string' },
    data: { type: 'string', default: '.ejia-sim' },
    stations: { type: 'string' },
    offset: { type: 'string', default: '0' },
    'events-per-station': { type: 'string' },
    rate: { type: 'string', default: '1' },
    heartbeat: { type: 'string' },
    'keep-running': { type: 'boolean', default: false },
  },
})
const num = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v)
  if (v === undefined || !Number.isFinite(n) || n < min)
    fail(`--${name} must be a number >= ${min}\n\n${USAGE}`)
  return n
}
if (!values.hub || !values.registry) fail(USAGE)

const log = createLogger(process.env.EJIA_LOG_LEVEL ?? 'warn')
const abort = new AbortController()
process.on('SIGINT', () => abort.abort())
process.on('SIGTERM', () => abort.abort())
try {
  const summary = await runFleet({
    hubUrl: values.hub,
    registryFile: values.registry,
    ...(values.configs ? { configsDir: values.configs } : {}),
    dataDir: values.data,
    stations: num('stations', values.stations, 1),
    offset: num('offset', values.offset, 0),
    eventsPerStation: num('events-per-station', values['events-per-station'], 1),
    ratePerStation: num('rate', values.rate, 0.0001),
    ...(values.heartbeat ? { heartbeatIntervalS: num('heartbeat', values.heartbeat, 1) } : {}),
    keepRunning: values['keep-running'],
    log,
    signal: abort.signal,
    onProgress: (p) => log.info(p, 'fleet progress'),
  })
  console.log(JSON.stringify(summary))
  process.exit(0)
} catch (err) {
  if (err instanceof ConfigError) fail(err.message)
  throw err
}
