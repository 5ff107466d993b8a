import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Registry } from '../schema/registry.js'
import type { StationConfig } from '../schema/stationConfig.js'

export const REGISTRY_FILE = 'registry.json'
export const STATIONS_DIR = 'stations'

export function stationConfigPath(outDir: string, stationId: string): string {
  return join(outDir, STATIONS_DIR, `${stationId}.json`)
}

/** Write to a temporary name and rename, so a crash never leaves half a file behind. */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  renameSync(tmp, file)
}

/** Secrets of a previous provisioning run in `outDir`, so re-running keeps them. */
export function readExistingSecrets(outDir: string): Map<string, string> {
  const secrets = new Map<string, string>()
  let files: string[]
  try {
    files = readdirSync(join(outDir, STATIONS_DIR))
  } catch {
    return secrets
  }
  for (const f of files.filter((n) => /^\d{12}\.json$/.test(n))) {
    try {
      const c = JSON.parse(readFileSync(join(outDir, STATIONS_DIR, f), 'utf8')) as StationConfig
      if (typeof c.hub?.password === 'string') secrets.set(c.station.id, c.hub.password)
    } catch {
      // an unreadable old config gets a fresh secret; provisioning reports nothing lost
    }
  }
  return secrets
}

/** Stations marked revoked in the registry of a previous run in `outDir`. */
export function readExistingRevoked(outDir: string): Set<string> {
  try {
    const r = JSON.parse(readFileSync(join(outDir, REGISTRY_FILE), 'utf8')) as Registry
    return new Set(r.stations.filter((s) => s.revoked === true).map((s) => s.id))
  } catch {
    return new Set()
  }
}

export function writeBundle(outDir: string, registry: Registry, configs: readonly StationConfig[]): void {
  mkdirSync(join(outDir, STATIONS_DIR), { recursive: true })
  for (const c of configs) {
    // station configs hold the station's secret: readable by the owner only
    writeAtomic(stationConfigPath(outDir, c.station.id), `${JSON.stringify(c, null, 2)}\n`, 0o600)
  }
  writeAtomic(join(outDir, REGISTRY_FILE), `${JSON.stringify(registry, null, 2)}\n`, 0o600)
}
