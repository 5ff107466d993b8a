import { existsSync } from 'node:fs'
import { type ConfigProblem, MAX_CONFIG_PROBLEMS, type WireError } from '@ejia/protocol'
import { Compile } from 'typebox/compile'
import { explainErrors } from './explain.js'
import { ConfigError, parseStationConfig } from './load.js'
import { RemoteSettings } from './schema/remoteSettings.js'
import type { StationConfig } from './schema/stationConfig.js'

const remoteValidator = Compile(RemoteSettings)

export type RemoteCheck =
  | { ok: true; config: StationConfig; settings: RemoteSettings }
  | { ok: false; problems: ConfigProblem[] }

export interface RemoteCheckOptions {
  /** Whether a serial device path exists on this machine (default: the file system says). */
  portExists?: (path: string) => boolean
}

/** Schema errors of remote settings alone, every one; empty when the shape is right. */
export function checkRemoteSettings(settings: unknown): WireError[] {
  return remoteValidator.Check(settings)
    ? []
    : explainErrors(RemoteSettings, settings, remoteValidator.Errors(settings))
}

/**
 * Plain objects merge key by key, arrays and values replace: a push's `devices` is the
 * whole device list, its `uplink.heartbeatIntervalS` one field of the uplink section.
 */
export function mergeSettings<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) out[k] = mergeSettings(out[k], v)
  return out as T
}

/**
 * Checks remote settings as the kiosk must before it applies them: their own schema, the
 * station config they make over the provisioned one (schema, hardware profiles, duplicate
 * names and ports), and this machine (a serial device path that does not exist). Returns
 * the config to run on, or every problem found, with paths into the settings.
 */
export function applyRemoteSettings(
  base: StationConfig,
  settings: unknown,
  opts: RemoteCheckOptions = {},
): RemoteCheck {
  const shape = checkRemoteSettings(settings)
  if (shape.length > 0) return { ok: false, problems: limit(shape) }
  const remote = settings as RemoteSettings
  let config: StationConfig
  try {
    config = parseStationConfig(
      mergeSettings(structuredClone(base), structuredClone(remote)),
      'remote settings',
    )
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: limit(err.problems) }
    throw err
  }
  const portExists = opts.portExists ?? existsSync
  const problems: WireError[] = []
  ;(remote.devices ?? []).forEach((d, i) => {
    // tcp:// is a serial server on the network; only a local path can be checked here
    if (d.port.startsWith('/') && !portExists(d.port))
      problems.push({
        path: `/devices/${i}/port`,
        code: 'noSuchPort',
        message: `no serial device ${d.port} on this kiosk`,
      })
  })
  if (config.camera.type === 'folder' && !config.camera.folder)
    problems.push({
      path: '/camera/type',
      code: 'noFolder',
      message: 'camera type folder needs camera.folder in the station file',
    })
  if (problems.length > 0) return { ok: false, problems: limit(problems) }
  return { ok: true, config, settings: remote }
}

function limit(errors: readonly WireError[]): ConfigProblem[] {
  const problems = errors.map((e) => ({ path: e.path, message: e.message.slice(0, 500) }))
  if (problems.length <= MAX_CONFIG_PROBLEMS) return problems
  const kept = problems.slice(0, MAX_CONFIG_PROBLEMS - 1)
  return [...kept, { path: '', message: `and ${problems.length - kept.length} more problems` }]
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
