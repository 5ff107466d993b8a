import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runMigrate, runValidate } from './cli/configCommands.js'
import { ConfigError, loadStationConfig, parseStationConfig } from './load.js'
import { migrateStationConfig } from './migrate.js'
import { STATION_CONFIG_SCHEMA_VERSION } from './schema/stationConfig.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))
const read = (f: string) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Record<string, unknown>
/**
 * A fixture as a lab kiosk's file must say it since issue 10: one with a plain hub URL gets
 * `hub.allowPlain: true`. The fixtures stay as their commits wrote them.
 */
const asLab = (config: unknown) => {
  const c = structuredClone(config) as { hub: Record<string, unknown> }
  if (/^(mqtt|tcp|ws):/.test(String(c.hub.mqttUrl))) c.hub.allowPlain = true
  return c
}
const usage = (): never => {
  throw new Error('usage')
}

describe('station config migrations', () => {
  it('has a fixture for each shape of every older format', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4)
    for (const f of fixtures) expect(read(f).schemaVersion).toBeLessThan(STATION_CONFIG_SCHEMA_VERSION)
  })

  it.each(fixtures)('%s migrates to a config that validates', (f) => {
    const { config, from, to, notes } = migrateStationConfig(read(f))
    expect([from, to]).toEqual([1, STATION_CONFIG_SCHEMA_VERSION])
    expect(notes[0]).toBe(`schemaVersion 1 → ${STATION_CONFIG_SCHEMA_VERSION}`)
    const parsed = parseStationConfig(asLab(config))
    expect(parsed.schemaVersion).toBe(STATION_CONFIG_SCHEMA_VERSION)
    expect(parsed.station.id).toBe('339901001001')
    expect(parsed.duty).toEqual({ graceLateMin: 5, graceEarlyMin: 5, duplicateWithinMin: 3 })
    expect(parsed.activity.themeDayOfMonth).toBe(25)
    expect(parsed.ui).toEqual({
      idleTimeoutS: 30,
      resultTimeoutS: 8,
      voice: true,
      sound: true,
      language: 'zh-CN',
    })
  })

  it('keeps a plain hub URL of an older file, which needs hub.allowPlain to run', () => {
    const raw = read('station-v1-88e3539-no-devices.json')
    const { config, notes } = migrateStationConfig(raw)
    // a migration never allows plain transport by itself: that is for a person to say
    expect((config as { hub: unknown }).hub).toEqual(raw.hub)
    expect(notes.join('\n')).not.toContain('allowPlain')
    expect(() => parseStationConfig(config, 'station.json')).toThrow(
      /hub\.mqttUrl: mqtt:\/\/ is plain MQTT without TLS.*set hub\.allowPlain: true/,
    )
  })

  it('drops the simulated devices of the first files, saying which', () => {
    const { config, notes } = migrateStationConfig(read('station-v1-2dc99a9-sim-devices.json'))
    expect((config as { devices: unknown[] }).devices).toEqual([])
    expect(notes.filter((n) => n.includes('(simulated,'))).toEqual([
      expect.stringMatching(/^devices\[0\] \(simulated, card\) removed/),
      expect.stringMatching(/^devices\[1\] \(simulated, qr\) removed/),
    ])
  })

  it('names a simulated device whatever its name holds, and never throws on it', () => {
    const file = read('station-v1-2dc99a9-sim-devices.json')
    const devices = [{ type: 'sim', name: { toString: '' } }, { type: 'sim' }]
    const { notes } = migrateStationConfig({ ...file, devices })
    expect(notes.filter((n) => n.startsWith('devices['))).toEqual([
      expect.stringMatching(/^devices\[0\] \(simulated, \{"toString":""\}\) removed/),
      expect.stringMatching(/^devices\[1\] \(simulated, undefined\) removed/),
    ])
  })

  it('keeps every field an older file set', () => {
    const raw = read('station-v1-955fcb6-serial-devices.json')
    const { config } = migrateStationConfig(raw)
    const { schemaVersion: _a, duty: _d, activity: _c, ui: _u, ...rest } = config as Record<string, unknown>
    const { schemaVersion: _b, ...before } = raw
    expect(rest).toEqual(before)
  })

  it('leaves a current file alone and refuses a newer one', () => {
    const current = migrateStationConfig(migrateStationConfig(read('station-v1-f7c11c2-tls.json')).config)
    expect(current.notes).toEqual([])
    const newer = { ...read('station-v1-f7c11c2-tls.json'), schemaVersion: STATION_CONFIG_SCHEMA_VERSION + 1 }
    expect(() => parseStationConfig(newer, 'new.json')).toThrow(
      /schemaVersion: schemaVersion 3 is newer than this ejia-config knows \(up to 2\)/,
    )
  })

  it('loads an older file by migrating it in memory, and says so', () => {
    const seen: string[] = []
    const c = loadStationConfig(join(FIXTURES, 'station-v1-f7c11c2-tls.json'), {
      onMigrated: (m) => seen.push(`${m.from}→${m.to}`),
    })
    expect(c.schemaVersion).toBe(2)
    expect(seen).toEqual(['1→2'])
  })

  it('ejia-config migrate shows the changes, and --write writes the file keeping FILE.bak', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-migrate-'))
    const file = join(dir, 'station.json')
    writeFileSync(file, JSON.stringify(asLab(read('station-v1-2dc99a9-sim-devices.json')), null, 2))
    const original = readFileSync(file, 'utf8')
    const lines: string[] = []
    runMigrate([file], (l) => lines.push(l), usage)
    expect(lines.join('\n')).toContain('schemaVersion 1 → 2')
    expect(lines.join('\n')).toContain('- devices[0] (simulated, card) removed')
    expect(readFileSync(file, 'utf8')).toBe(original)

    runMigrate([file, '--write'], () => undefined, usage)
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(original)
    const written = JSON.parse(readFileSync(file, 'utf8'))
    expect(written.schemaVersion).toBe(2)
    expect(written.ui.idleTimeoutS).toBe(30)
    expect(readdirSync(dir).sort()).toEqual(['station.json', 'station.json.bak'])
    expect(statSync(file).mode & 0o777).toBe(statSync(`${file}.bak`).mode & 0o777)

    const again: string[] = []
    runMigrate([file, '--write'], (l) => again.push(l), usage)
    expect(again).toEqual([`${file}: already schemaVersion 2, nothing to migrate`])
  })

  it('ejia-config migrate writes nothing when the migrated file would not validate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-migrate-'))
    const file = join(dir, 'station.json')
    writeFileSync(file, JSON.stringify({ ...read('station-v1-88e3539-no-devices.json'), dataDir: '' }))
    expect(() => runMigrate([file, '--write'], () => undefined, usage)).toThrow(ConfigError)
    expect(readdirSync(dir)).toEqual(['station.json'])
  })

  it('ejia-config validate reads an older file and says how to update it', () => {
    const lines: string[] = []
    runValidate([join(FIXTURES, 'station-v1-f7c11c2-tls.json')], (l) => lines.push(l), usage)
    expect(lines[0]).toMatch(/valid station config for 339901001001 肖家沟村/)
    expect(lines[1]).toContain('written as schemaVersion 1, read as 2')
    expect(lines[1]).toContain('migrate')
  })
})
