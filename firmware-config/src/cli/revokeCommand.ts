import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRegistry } from '../load.js'
import { writeFileAtomic } from '../pki/caFiles.js'
import { REGISTRY_FILE } from '../provision/writeBundle.js'
import type { Registry } from '../schema/registry.js'

/**
 * `ejia-config revoke --bundle DIR --station ID [--undo]`: marks the station revoked in the
 * registry, so a hub started on it refuses the station. A running hub is told through its
 * API (`POST /api/stations/:id/revoke`), which also closes the station's connection.
 */
export function runRevoke(argv: string[], usage: () => never, fail: (m: string) => never): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      bundle: { type: 'string' },
      station: { type: 'string', multiple: true },
      undo: { type: 'boolean', default: false },
    },
  })
  if (!values.bundle || !values.station?.length) usage()
  const file = join(values.bundle, REGISTRY_FILE)
  loadRegistry(file) // checked first: a broken registry is reported, not rewritten
  const registry = JSON.parse(readFileSync(file, 'utf8')) as Registry
  const changed: string[] = []
  for (const id of values.station) {
    const station = registry.stations.find((s) => s.id === id)
    if (!station) fail(`${file}: no station ${id}`)
    if (Boolean(station.revoked) !== !values.undo) changed.push(id)
    if (values.undo) delete station.revoked
    else station.revoked = true
  }
  writeFileAtomic(file, `${JSON.stringify(registry, null, 2)}\n`, 0o600)
  console.log(
    JSON.stringify({
      registry: file,
      [values.undo ? 'unrevoked' : 'revoked']: changed,
      revokedNow: registry.stations.filter((s) => s.revoked).map((s) => s.id),
    }),
  )
}
