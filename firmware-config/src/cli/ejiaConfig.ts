import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadRegistry, loadStationConfig } from '../load.js'
import { provision } from '../provision/provision.js'
import { parseStationCsv } from '../provision/stationCsv.js'
import { REGISTRY_FILE, readExistingSecrets, writeBundle } from '../provision/writeBundle.js'

const USAGE = `usage:
  ejia-config provision --stations FILE.csv --out DIR [--district-name NAME] [--hub-url URL]
                        [--hub-http-url URL]
      Makes DIR/registry.json for the hub and DIR/stations/<id>.json (with credentials) per
      station. Re-running keeps the secrets already issued in DIR. --hub-url is the broker,
      --hub-http-url the hub API the kiosks upload photos to.
  ejia-config validate FILE
      Checks a station config or a hub registry and explains every problem.`

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

function runProvision(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      stations: { type: 'string' },
      out: { type: 'string' },
      'district-name': { type: 'string', default: '青山区' },
      'hub-url': { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      'hub-http-url': { type: 'string' },
    },
  })
  if (!values.stations || !values.out) fail(USAGE)
  let text: string
  try {
    text = readFileSync(values.stations, 'utf8')
  } catch (err) {
    fail(`cannot read ${values.stations}: ${(err as Error).message}`)
  }
  const csv = parseStationCsv(text)
  const result = provision(csv.rows, {
    districtName: values['district-name'],
    hubUrl: values['hub-url'],
    ...(values['hub-http-url'] ? { hubHttpUrl: values['hub-http-url'] } : {}),
    existingSecrets: readExistingSecrets(values.out),
  })
  const problems = [...csv.problems, ...result.problems]
  if (problems.length > 0) {
    fail(
      `${values.stations}: ${problems.length} problem(s), nothing written:\n${problems
        .map((p) => `  line ${p.line}: ${p.message}`)
        .join('\n')}`,
    )
  }
  writeBundle(values.out, result.registry, result.configs)
  console.log(
    JSON.stringify({
      registry: join(values.out, REGISTRY_FILE),
      district: result.registry.district,
      towns: result.registry.towns.length,
      stations: result.registry.stations.length,
    }),
  )
}

function runValidate(argv: string[]): void {
  const file = argv[0]
  if (!file) fail(USAGE)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    fail(`${file}: ${(err as Error).message}`)
  }
  const isRegistry = typeof raw === 'object' && raw !== null && 'stations' in raw
  if (isRegistry) {
    const r = loadRegistry(file)
    console.log(`${file}: valid registry, ${r.towns.length} towns, ${r.stations.length} stations`)
  } else {
    const c = loadStationConfig(file)
    console.log(
      `${file}: valid station config for ${c.station.id} ${c.station.name}, version ${c.configVersion}`,
    )
  }
}

const [command, ...rest] = process.argv.slice(2)
try {
  if (command === 'provision') runProvision(rest)
  else if (command === 'validate') runValidate(rest)
  else fail(USAGE)
} catch (err) {
  if (err instanceof ConfigError) fail(err.message)
  throw err
}
