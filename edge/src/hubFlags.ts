import { dirname, resolve } from 'node:path'
import {
  ConfigError,
  PLAIN_TRANSPORT,
  parseStationConfig,
  readJson,
  type StationConfig,
  type StationConfigLoadOptions,
} from '@ejia/firmware-config'

/** `ejia-edge --hub URL --hub-http URL --lab`: what the command line sets over the file's hub section. */
export interface HubFlags {
  hub?: string | undefined
  hubHttp?: string | undefined
  /** Plain MQTT and HTTP to the hub are allowed for this run (`hub.allowPlain`). */
  lab?: boolean | undefined
}

/** What `ejia-edge` adds when it refuses a plain hub URL. */
export const LAB_FLAG_HINT =
  'ejia-edge --lab allows plain MQTT and HTTP to the hub for this run: for a lab, a demo or a test only'

/**
 * Reads the station config with the hub flags set in it before it is checked, so a URL from
 * the command line meets the same rules as one in the file: a plain one only with
 * `hub.allowPlain` or `--lab` (issue 10). Throws `ConfigError` with every problem.
 */
export function loadStationConfigWithFlags(
  file: string,
  flags: HubFlags,
  opts: StationConfigLoadOptions = {},
): StationConfig {
  const raw = readJson(file)
  // anything else is left for the check to explain
  if (isObject(raw) && isObject(raw.hub)) {
    if (flags.hub !== undefined) raw.hub.mqttUrl = flags.hub
    if (flags.hubHttp !== undefined) raw.hub.httpUrl = flags.hubHttp
    if (flags.lab === true) raw.hub.allowPlain = true
  }
  return parseStationConfig(raw, file, dirname(resolve(file)), opts)
}

/** Whether a config was refused for a plain hub URL, which `--lab` would allow. */
export function refusedAsPlain(err: unknown): boolean {
  return err instanceof ConfigError && err.problems.some((p) => p.code === PLAIN_TRANSPORT)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
