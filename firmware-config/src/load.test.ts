import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadStationConfig, parseRegistry } from './load.js'

describe('config and registry loading', () => {
  it('explains a broken config field by field, in plain words', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-cfg-')), 'station.json')
    writeFileSync(
      file,
      JSON.stringify({ schemaVersion: 1, configVersion: 'x', station: { id: '12' }, hub: {}, extra: 1 }),
    )
    try {
      loadStationConfig(file)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const message = (err as Error).message
      expect(message).toContain('station.id: must match pattern')
      expect(message).toContain('hub: missing field(s): mqttUrl, username, password')
      expect(message).toContain('unknown field(s): extra')
    }
  })

  it('says so when the file is not JSON at all', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-cfg-')), 'station.json')
    writeFileSync(file, '{ "schemaVersion": 1,')
    expect(() => loadStationConfig(file)).toThrow(/not valid JSON/)
  })

  it('catches what a schema cannot: duplicate stations and unknown towns', () => {
    const station = (id: string, town: string) => ({
      id,
      name: '村',
      tier: 'village',
      townCode: town,
      auth: { username: id, secretSha256: 'a'.repeat(64) },
    })
    const raw = {
      schemaVersion: 1,
      generatedAt: '2026-11-27T00:00:00.000Z',
      district: { code: '339901', name: '青山区' },
      towns: [{ code: '339901001', name: '城关镇' }],
      stations: [
        station('339901001001', '339901001'),
        station('339901001001', '339901001'),
        station('339901002001', '339901002'),
      ],
    }
    expect(() => parseRegistry(raw)).toThrow(/stations\.1\.id: station 339901001001 listed twice/)
    expect(() => parseRegistry(raw)).toThrow(/stations\.2\.townCode: town 339901002 is not in towns/)
  })
})
