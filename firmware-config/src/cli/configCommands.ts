import { closeSync, copyFileSync, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { diffConfigs } from '../diff.js'
import { loadRegistry, readJson, validateStationConfig } from '../load.js'
import { type MigrationResult, migrateStationConfig } from '../migrate.js'

type Print = (line: string) => void

/** `ejia-config validate FILE`: a station config (any format version) or a hub registry. */
export function runValidate(argv: string[], print: Print, usage: () => never): void {
  const file = argv[0]
  if (!file) usage()
  const raw = readJson(file)
  if (typeof raw === 'object' && raw !== null && 'stations' in raw) {
    const r = loadRegistry(file)
    print(`${file}: valid registry, ${r.towns.length} towns, ${r.stations.length} stations`)
    return
  }
  let migrated: MigrationResult | undefined
  const c = validateStationConfig(raw, file, { onMigrated: (m) => (migrated = m) })
  print(`${file}: valid station config for ${c.station.id} ${c.station.name}, version ${c.configVersion}`)
  if (migrated)
    print(
      `  written as schemaVersion ${migrated.from}, read as ${migrated.to}; \`ejia-config migrate ${file} --write\` updates the file:\n${notes(migrated)}`,
    )
}

/** `ejia-config diff A B`: what changes from A to B, field by field, secrets masked. */
export function runDiff(argv: string[], print: Print, usage: () => never): number {
  const [a, b] = argv
  if (!a || !b) usage()
  const before = validateStationConfig(readJson(a), a)
  const after = validateStationConfig(readJson(b), b)
  const changes = diffConfigs(before, after)
  if (changes.length === 0) print(`${a} and ${b} configure the same station the same way`)
  for (const c of changes) print(c.text)
  return changes.length === 0 ? 0 : 1
}

/**
 * `ejia-config migrate FILE [--write]`: shows what a migration changes; with --write it
 * writes the migrated file whole or not at all, keeping the original as FILE.bak.
 */
export function runMigrate(argv: string[], print: Print, usage: () => never): void {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { write: { type: 'boolean', default: false } },
    allowPositionals: true,
  })
  const file = positionals[0]
  if (!file) usage()
  const raw = readJson(file)
  // the migrated file must be a valid config before anything is written
  validateStationConfig(raw, file)
  const migrated = migrateStationConfig(raw)
  if (migrated.notes.length === 0) {
    print(`${file}: already schemaVersion ${migrated.to}, nothing to migrate`)
    return
  }
  print(`${file}: schemaVersion ${migrated.from} → ${migrated.to}\n${notes(migrated)}`)
  if (!values.write) {
    print('  (not written; add --write to update the file, keeping the original as .bak)')
    return
  }
  const mode = statSync(file).mode & 0o777
  copyFileSync(file, `${file}.bak`)
  writeAtomic(file, `${JSON.stringify(migrated.config, null, 2)}\n`, mode)
  print(`  written; the original is ${file}.bak`)
}

function notes(m: MigrationResult): string {
  return m.notes
    .slice(1)
    .map((n) => `  - ${n}`)
    .join('\n')
}

/** Temp file, fsync, rename, directory fsync: a crash leaves the old file or the new, never half. */
function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file)
  const dir = openSync(dirname(file), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}
