import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  applyRemoteSettings,
  ConfigError,
  loadStationConfig,
  parseRegistry,
  parseStationConfig,
  validateStationConfig,
} from '@ejia/firmware-config'
import type { WireError } from '@ejia/protocol'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { FUZZ_TEST_TIMEOUT_MS, FuzzReport } from './harness.js'
import { hostileJson } from './hostile.js'
import { applyJsonMutations, applyTextMutations, jsonMutation, textMutation } from './mutate.js'

/**
 * Target 3: station config files and the registry, as a technician's editor leaves them.
 * Whatever the file holds, loading it gives a config that validates, or a ConfigError
 * naming every problem (field, code, words); never another exception.
 */
const report = new FuzzReport()
afterAll(() => report.print())

const district = makeDistrict(3)
const fixturesDir = new URL('../../firmware-config/fixtures/', import.meta.url)
/** A fixture of a plain hub URL as a lab kiosk's file says it since issue 10: `hub.allowPlain`. */
const asLab = (config: { hub: Record<string, unknown> }) =>
  /^(mqtt|tcp|ws):/.test(String(config.hub.mqttUrl))
    ? { ...config, hub: { ...config.hub, allowPlain: true } }
    : config
const configs: unknown[] = [
  JSON.parse(readFileSync(district.configFile(district.configs[0]!.station.id), 'utf8')),
  ...readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => asLab(JSON.parse(readFileSync(new URL(f, fixturesDir), 'utf8')))),
]
const registry: unknown = JSON.parse(readFileSync(district.registryFile, 'utf8'))
const remoteSettings: unknown = JSON.parse(
  readFileSync(new URL('../../protocol/fixtures/config.json', import.meta.url), 'utf8'),
).settings

function expectClearProblems(problems: readonly WireError[]) {
  expect(problems.length).toBeGreaterThan(0)
  for (const p of problems) {
    expect(p.path === '' || p.path.startsWith('/'), `path ${p.path}`).toBe(true)
    expect(p.code).toMatch(/^[a-zA-Z]+$/)
    expect(p.message.trim().length).toBeGreaterThan(0)
    // what the file said is quoted; the words around it never show a JavaScript value
    expect(p.message.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/undefined|\[object Object\]|NaN/)
  }
}

/** Runs a loader: a value back, or a ConfigError with clear problems; anything else fails. */
function loads<T>(load: () => T): T | ConfigError {
  try {
    return load()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${String(err)}`, { cause: err })
    expectClearProblems(err.problems)
    expect(err.message).toContain(err.file)
    return err
  }
}

const baseDir = mkdtempSync(join(tmpdir(), 'ejia-fuzz-config-'))

/** A config the loader accepted must be one it accepts again, as it is. */
function acceptedIsStable(raw: unknown) {
  const got = loads(() => parseStationConfig(raw, 'station.json', baseDir))
  if (got instanceof ConfigError) return
  expect(validateStationConfig(structuredClone(got), 'again').station.id).toBe(got.station.id)
}

describe('fuzzing station config and registry loading', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('the fixtures load to start from', () => {
    for (const c of configs)
      expect(loads(() => parseStationConfig(c, 'x', baseDir))).not.toBeInstanceOf(ConfigError)
    expect(loads(() => parseRegistry(registry))).not.toBeInstanceOf(ConfigError)
  })

  it('arbitrary JSON as a station config and as a registry', async () => {
    await report.run(
      'config: arbitrary JSON',
      [hostileJson(4)],
      (raw) => {
        acceptedIsStable(raw)
        loads(() => parseRegistry(raw))
      },
      { runs: 1500 },
    )
  })

  it('mutated station configs, of every format version', async () => {
    await report.run(
      'config: mutated station configs',
      [fc.constantFrom(...configs), fc.array(jsonMutation(), { minLength: 1, maxLength: 4 })],
      (config, mutations) => acceptedIsStable(applyJsonMutations(config, mutations)),
      { runs: 2500 },
    )
  })

  it('mutated registries', async () => {
    await report.run(
      'config: mutated registry',
      [fc.array(jsonMutation(), { minLength: 1, maxLength: 4 })],
      (mutations) => {
        const got = loads(() => parseRegistry(applyJsonMutations(registry, mutations)))
        if (got instanceof ConfigError) return
        // what the loader accepted holds what it promises: unique ids, known towns
        const ids = got.stations.map((s) => s.id)
        expect(new Set(ids).size).toBe(ids.length)
        const towns = new Set(got.towns.map((t) => t.code))
        for (const s of got.stations) expect(towns.has(s.townCode)).toBe(true)
      },
      { runs: 1500 },
    )
  })

  it('damaged files on disk: bytes flipped, cut, a BOM, huge lines', async () => {
    const file = join(baseDir, 'station.json')
    const text = JSON.stringify(configs[0], null, 2)
    await report.run(
      'config: damaged files',
      [
        fc.array(textMutation(), { maxLength: 4 }),
        fc.constantFrom('', '\uFEFF', '\u0000', ' '.repeat(200_000)),
      ],
      (mutations, lead) => {
        writeFileSync(
          file,
          Buffer.concat([Buffer.from(lead), applyTextMutations(Buffer.from(text), mutations)]),
        )
        const got = loads(() => loadStationConfig(file))
        if (mutations.length === 0 && lead !== '\u0000') expect(got).not.toBeInstanceOf(ConfigError)
      },
      { runs: 600 },
    )
  })

  it('remote settings over MQTT, merged into the provisioned config', async () => {
    const base = parseStationConfig(configs[0], 'base', baseDir)
    await report.run(
      'config: remote settings',
      [
        fc.oneof(
          hostileJson(3),
          fc
            .array(jsonMutation(), { minLength: 1, maxLength: 4 })
            .map((m) => applyJsonMutations(remoteSettings, m)),
        ),
      ],
      (settings) => {
        const r = applyRemoteSettings(base, settings, { portExists: () => true })
        if (!r.ok) {
          expect(r.problems.length).toBeGreaterThan(0)
          for (const p of r.problems) expect(p.message.length).toBeGreaterThan(0)
          return
        }
        // the merge cannot move the station, its hub login or its files
        expect(r.config.station).toEqual(base.station)
        expect(r.config.hub).toEqual(base.hub)
        expect(r.config.dataDir).toBe(base.dataDir)
      },
      { runs: 1500 },
    )
  })
})
