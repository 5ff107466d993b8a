import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { toWireErrors, type WireError } from '@ejia/protocol'
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'
import { explainErrors } from './explain.js'
import { plainTransportProblems } from './hubTransport.js'
import { ConfigVersionError, type MigrationResult, migrateStationConfig } from './migrate.js'
import { resolveDevices } from './profiles.js'
import { Registry } from './schema/registry.js'
import { StationConfig } from './schema/stationConfig.js'

/** A config or registry file that cannot be used, with every problem found in it. */
export class ConfigError extends Error {
  readonly code = 'configInvalid'
  readonly file: string
  readonly problems: WireError[]
  constructor(file: string, problems: WireError[]) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`)
    this.name = 'ConfigError'
    this.file = file
    this.problems = problems
  }
}

/** `/devices/1/port` → `devices[1].port`, so the message names the field as a person reads it. */
export function fieldName(path: string): string {
  return path
    .split('/')
    .slice(1)
    .reduce((out, key) => (/^\d+$/.test(key) ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`), '')
}

export function describeProblem(p: WireError): string {
  const field = fieldName(p.path)
  return field === '' ? p.message : `${field}: ${p.message}`
}

export function readJson(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(file, [{ path: '', code: 'unreadable', message: (err as Error).message }])
  }
  try {
    // Windows Notepad saves UTF-8 with a byte order mark, which JSON.parse refuses with an
    // invisible character in its message (found by test/fuzz/stationConfig.test.ts)
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text)
  } catch (err) {
    throw new ConfigError(file, [
      { path: '', code: 'json', message: `not valid JSON: ${(err as Error).message}` },
    ])
  }
}

function validate<S extends TSchema>(
  schema: S,
  validator: ReturnType<typeof Compile<S>>,
  file: string,
  raw: unknown,
  explain: (value: unknown) => WireError[] = (value) => toWireErrors(validator.Errors(value)),
): Static<S> {
  const value = Value.Default(schema, structuredClone(raw))
  if (!validator.Check(value)) throw new ConfigError(file, explain(value))
  return value as Static<S>
}

const stationConfigValidator = Compile(StationConfig)
const registryValidator = Compile(Registry)

/**
 * Checks a station config of any format version: migrated to the current one, defaults
 * filled in, devices checked against their hardware profiles, and no plain hub URL unless
 * `hub.allowPlain` (issue 10). Paths stay as written.
 */
export function validateStationConfig(
  raw: unknown,
  file = '<config>',
  opts: StationConfigLoadOptions = {},
): StationConfig {
  let migrated: MigrationResult
  try {
    migrated = migrateStationConfig(raw)
  } catch (err) {
    if (!(err instanceof ConfigVersionError)) throw err
    throw new ConfigError(file, [{ path: '/schemaVersion', code: err.code, message: err.message }])
  }
  if (migrated.notes.length > 0) opts.onMigrated?.(migrated)
  const config = validate(StationConfig, stationConfigValidator, file, migrated.config, (value) =>
    explainErrors(StationConfig, value, stationConfigValidator.Errors(value)),
  )
  const problems = [...resolveDevices(config.devices).problems, ...plainTransportProblems(config.hub)]
  if (problems.length > 0) throw new ConfigError(file, problems)
  return config
}

/**
 * Parses a station config as `validateStationConfig` does; `dataDir`, the roster file and
 * the TLS files come back absolute.
 */
export function parseStationConfig(
  raw: unknown,
  file = '<config>',
  baseDir = process.cwd(),
  opts: StationConfigLoadOptions = {},
): StationConfig {
  const config = validateStationConfig(raw, file, opts)
  return {
    ...config,
    dataDir: resolve(baseDir, config.dataDir),
    roster: { file: config.roster.file === '' ? '' : resolve(baseDir, config.roster.file) },
    ...(config.hub.tls
      ? {
          hub: {
            ...config.hub,
            tls: {
              caFile: resolve(baseDir, config.hub.tls.caFile),
              certFile: resolve(baseDir, config.hub.tls.certFile),
              keyFile: resolve(baseDir, config.hub.tls.keyFile),
            },
          },
        }
      : {}),
  }
}

export interface StationConfigLoadOptions {
  /** Called when the file was of an older format and was migrated in memory. */
  onMigrated?: (result: MigrationResult) => void
}

/**
 * Reads a station config file of any format version: an older one is migrated in memory
 * (`opts.onMigrated` hears of it; `ejia-config migrate` writes it out).
 */
export function loadStationConfig(file: string, opts: StationConfigLoadOptions = {}): StationConfig {
  return parseStationConfig(readJson(file), file, dirname(resolve(file)), opts)
}

/** Parses a registry and checks what a schema cannot: uniqueness and references. */
export function parseRegistry(raw: unknown, file = '<registry>'): Registry {
  const registry = validate(Registry, registryValidator, file, raw)
  const problems: WireError[] = []
  const towns = new Set<string>()
  registry.towns.forEach((t, i) => {
    if (towns.has(t.code))
      problems.push({ path: `/towns/${i}/code`, code: 'duplicate', message: `town ${t.code} listed twice` })
    towns.add(t.code)
  })
  const ids = new Set<string>()
  const usernames = new Set<string>()
  registry.stations.forEach((s, i) => {
    if (ids.has(s.id))
      problems.push({ path: `/stations/${i}/id`, code: 'duplicate', message: `station ${s.id} listed twice` })
    if (usernames.has(s.auth.username)) {
      problems.push({
        path: `/stations/${i}/auth/username`,
        code: 'duplicate',
        message: `username ${s.auth.username} used twice`,
      })
    }
    if (!towns.has(s.townCode)) {
      problems.push({
        path: `/stations/${i}/townCode`,
        code: 'unknownTown',
        message: `town ${s.townCode} is not in towns`,
      })
    }
    ids.add(s.id)
    usernames.add(s.auth.username)
  })
  if (problems.length > 0) throw new ConfigError(file, problems)
  return registry
}

export function loadRegistry(file: string): Registry {
  return parseRegistry(readJson(file), file)
}
