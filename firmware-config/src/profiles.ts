import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toWireErrors, type WireError } from '@ejia/protocol'
import { Compile } from 'typebox/compile'
import { type DeviceConfig, driverOptions, HardwareProfile } from './schema/devices.js'

/** firmware-config/profiles: one level above this file, in src/ as in dist/. */
export const PROFILES_DIR = fileURLToPath(new URL('../profiles/', import.meta.url))

const profileValidator = Compile(HardwareProfile)
const optionValidators = Object.fromEntries(
  Object.entries(driverOptions).map(([d, s]) => [d, Compile(s)]),
) as Record<keyof typeof driverOptions, ReturnType<typeof Compile>>

export class ProfileError extends Error {
  readonly code = 'profileInvalid'
  readonly problems: WireError[]
  constructor(message: string, problems: WireError[]) {
    super(message)
    this.name = 'ProfileError'
    this.problems = problems
  }
}

export function listProfiles(dir = PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort()
}

/** Reads and checks one hardware profile. */
export function loadProfile(model: string, dir = PROFILES_DIR): HardwareProfile {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(join(dir, `${model}.json`), 'utf8'))
  } catch (err) {
    throw new ProfileError(`no usable hardware profile "${model}" (known: ${listProfiles(dir).join(', ')})`, [
      { path: '', code: 'unreadable', message: (err as Error).message },
    ])
  }
  if (!profileValidator.Check(raw)) {
    throw new ProfileError(
      `hardware profile ${model} is not valid`,
      toWireErrors(profileValidator.Errors(raw)),
    )
  }
  if (raw.model !== model) throw new ProfileError(`profile file ${model}.json calls itself ${raw.model}`, [])
  return raw
}

/** A configured device with its profile, the station's overrides merged in. */
export interface ResolvedDevice {
  name: string
  port: string
  profile: HardwareProfile
}

/**
 * Resolves a station's devices against the profiles, and reports every problem: unknown
 * profile, bad option, duplicate name, two devices on one port.
 */
export function resolveDevices(
  devices: readonly DeviceConfig[],
  dir = PROFILES_DIR,
): { devices: ResolvedDevice[]; problems: WireError[] } {
  const problems: WireError[] = []
  const out: ResolvedDevice[] = []
  const names = new Set<string>()
  const ports = new Set<string>()
  devices.forEach((d, i) => {
    const at = `/devices/${i}`
    if (names.has(d.name))
      problems.push({
        path: `${at}/name`,
        code: 'duplicate',
        message: `another device is also called ${d.name}`,
      })
    if (ports.has(d.port))
      problems.push({ path: `${at}/port`, code: 'duplicate', message: `another device is also on ${d.port}` })
    names.add(d.name)
    ports.add(d.port)
    let profile: HardwareProfile
    try {
      profile = loadProfile(d.profile, dir)
    } catch (err) {
      problems.push({ path: `${at}/profile`, code: 'unknownProfile', message: (err as Error).message })
      return
    }
    const options = { ...profile.options, ...(d.options ?? {}) }
    const validator = optionValidators[profile.driver]
    if (!validator.Check(options)) {
      problems.push(...toWireErrors(validator.Errors(options), `${at}/options`))
      return
    }
    out.push({ name: d.name, port: d.port, profile: { ...profile, options } as HardwareProfile })
  })
  return { devices: out, problems }
}
