import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRegistry } from '../load.js'
import { CA_CERT_FILE } from '../pki/caFiles.js'
import { REGISTRY_FILE, stationConfigPath } from '../provision/writeBundle.js'
import type { StationConfig } from '../schema/stationConfig.js'
import { enrolmentSheet } from '../sheet/enrolmentSheet.js'

/** `ejia-config sheet --bundle DIR --out sheet.html`: the printable enrolment sheet. */
export async function runSheet(argv: string[], usage: () => never): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { bundle: { type: 'string' }, out: { type: 'string' } },
  })
  if (!values.bundle || !values.out) usage()
  const bundle = values.bundle
  const registry = loadRegistry(join(bundle, REGISTRY_FILE))
  const caFile = join(bundle, 'stations', CA_CERT_FILE)
  const caPem = existsSync(caFile) ? readFileSync(caFile, 'utf8') : undefined
  const hubOf = (id: string) =>
    (JSON.parse(readFileSync(stationConfigPath(bundle, id), 'utf8')) as StationConfig).hub.mqttUrl
  writeFileSync(values.out, await enrolmentSheet(registry, hubOf, caPem))
  console.log(
    JSON.stringify({ sheet: values.out, stations: registry.stations.length, ca: caPem !== undefined }),
  )
}
