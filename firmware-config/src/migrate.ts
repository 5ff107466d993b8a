import { Value } from 'typebox/value'
import { ActivityDefaults, DutyDefaults, UiOptions } from './schema/operations.js'
import { STATION_CONFIG_SCHEMA_VERSION } from './schema/stationConfig.js'

type Raw = Record<string, unknown>

/** One step of the chain: a file of version `from` made into one of `from + 1`. */
export interface ConfigMigration {
  from: number
  summary: string
  /** Changes `config` in place; each thing a person should know goes to `notes`. */
  up(config: Raw, notes: string[]): void
}

/**
 * Every station config format there has been, oldest first. Version 1 had three shapes in
 * this repository's history (git log -p firmware-config/src/schema/stationConfig.ts): the
 * first files with simulated devices (`{type: 'sim', name, ratePerSecond, seed}`), then
 * files without devices, then serial devices by hardware profile; fixtures/ keeps one of each.
 */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [
  {
    from: 1,
    summary: 'adds duty, activity and ui with their defaults; drops simulated devices',
    up(config, notes) {
      if (Array.isArray(config.devices)) {
        const kept: unknown[] = []
        config.devices.forEach((d: unknown, i) => {
          if (isObject(d) && d.type === 'sim') {
            // not String(): a name of {"toString": ""} throws (found by test/fuzz/stationConfig.test.ts)
            const name = typeof d.name === 'string' ? d.name : JSON.stringify(d.name)
            notes.push(
              `devices[${i}] (simulated, ${name}) removed: a station file names real devices by hardware profile; run a device simulator on a pty instead (docs/DEVICES.md)`,
            )
          } else kept.push(d)
        })
        config.devices = kept
      }
      const sections = { duty: DutyDefaults, activity: ActivityDefaults, ui: UiOptions } as const
      for (const [key, schema] of Object.entries(sections)) {
        if (config[key] !== undefined) continue
        config[key] = Value.Default(schema, {})
        notes.push(`${key} added with its defaults`)
      }
    },
  },
]

export interface MigrationResult {
  /** The file brought up to the current version (a copy), or the input when it is not a config object. */
  config: unknown
  /** The version the file had; undefined when it says none. */
  from: number | undefined
  to: number
  /** What changed, in plain words; empty when the file was current. */
  notes: string[]
}

/** The file version is one this code cannot read: newer, or not a version at all. */
export class ConfigVersionError extends Error {
  readonly code = 'configVersion'
  constructor(message: string) {
    super(message)
    this.name = 'ConfigVersionError'
  }
}

/**
 * Brings a station config of any older format up to the current one, step by step. A
 * file without a whole-number `schemaVersion` is left alone, for the schema to explain.
 */
export function migrateStationConfig(raw: unknown): MigrationResult {
  const to = STATION_CONFIG_SCHEMA_VERSION
  if (!isObject(raw) || !Number.isInteger(raw.schemaVersion))
    return { config: raw, from: undefined, to, notes: [] }
  const from = raw.schemaVersion as number
  if (from > to)
    throw new ConfigVersionError(
      `schemaVersion ${from} is newer than this ejia-config knows (up to ${to}): use the ejia-config (or kiosk agent) that wrote it, or a newer one`,
    )
  if (from < 1) throw new ConfigVersionError(`schemaVersion ${from} never existed; the first is 1`)
  const config = structuredClone(raw)
  const notes: string[] = []
  for (const step of CONFIG_MIGRATIONS) {
    if (step.from < from) continue
    step.up(config, notes)
    config.schemaVersion = step.from + 1
  }
  if (from < to) notes.unshift(`schemaVersion ${from} → ${to}`)
  return { config, from, to, notes }
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
