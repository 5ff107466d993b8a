import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ConfigError,
  describeProblem,
  loadRegistry,
  loadStationConfig,
  parseRegistry,
  parseStationConfig,
} from './load.js'
import { provision } from './provision/provision.js'

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
      expect(message).toContain(
        'station.id: the text "12" is not in the expected form; allowed: text matching ^[0-9]{12}$',
      )
      expect(message).toContain('hub.mqttUrl: is missing')
      expect(message).toContain('hub.password: is missing')
      expect(message).toContain('extra: unknown field; the fields here are: schemaVersion, configVersion')
    }
  })

  it('says so when the file is not JSON at all', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-cfg-')), 'station.json')
    writeFileSync(file, '{ "schemaVersion": 1,')
    expect(() => loadStationConfig(file)).toThrow(/not valid JSON/)
  })

  it('reads a file saved with a UTF-8 byte order mark, as Notepad writes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-cfg-'))
    const district = JSON.stringify({
      schemaVersion: 1,
      generatedAt: '2026-11-25T01:00:00.000Z',
      district: { code: '339901', name: '青山区' },
      towns: [],
      stations: [],
    })
    writeFileSync(join(dir, 'registry.json'), `\uFEFF${district}`)
    expect(loadRegistry(join(dir, 'registry.json')).district.code).toBe('339901')
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
    expect(() => parseRegistry(raw)).toThrow(/stations\[1\]\.id: station 339901001001 listed twice/)
    expect(() => parseRegistry(raw)).toThrow(/stations\[2\]\.townCode: town 339901002 is not in towns/)
  })

  describe('typical mistakes, each with the field, what is wrong and what is allowed', () => {
    const good = () => {
      const { configs } = provision(
        [
          {
            line: 2,
            stationId: '339901001001',
            townName: '城关镇',
            villageName: '肖家沟村',
            contactName: '',
            contactPhone: '',
          },
        ],
        { districtName: '青山区', hubUrl: 'mqtt://127.0.0.1:1883', allowPlain: true },
      )
      return structuredClone(configs[0]!) as unknown as Record<string, Record<string, unknown>>
    }
    const problems = (raw: unknown) => {
      try {
        parseStationConfig(raw, 'station.json')
      } catch (err) {
        if (err instanceof ConfigError) return err.problems.map(describeProblem)
        throw err
      }
      return []
    }

    it('wrong type', () => {
      const c = good()
      c.uplink!.batchMaxEvents = 'ten'
      expect(problems(c)).toEqual([
        'uplink.batchMaxEvents: is the text "ten", the wrong kind of value; allowed: a whole number from 1 to 500 (Events per batch: Most events sent to the hub in one batch)',
      ])
    })

    it('out of range', () => {
      const c = good()
      c.uplink!.heartbeatIntervalS = 0
      c.ui!.idleTimeoutS = 3
      expect(problems(c)).toEqual([
        'uplink.heartbeatIntervalS: 0 is too small; allowed: a number from 1 to 3600 (Heartbeat interval (seconds): Seconds between two heartbeats (status, counters, versions) to the hub)',
        'ui.idleTimeoutS: 3 is too small; allowed: a whole number from 5 to 600 (Idle timeout (seconds): The screen goes back to the start after this long without a touch)',
      ])
    })

    it('a value not among the choices', () => {
      const c = good()
      c.station!.tier = 'villa'
      expect(problems(c)[0]).toMatch(
        /^station\.tier: the text "villa" is not one of the allowed values; allowed: one of "district", "town", "village" \(Station tier:/,
      )
    })

    it('unknown field, with a likely typo named', () => {
      const c = good()
      c.uplink!.heartbeatIntervalSec = 60
      expect(problems(c)).toEqual([
        'uplink.heartbeatIntervalSec: unknown field; the fields here are: batchMaxEvents, maxInFlightBatches, ackTimeoutS, heartbeatIntervalS, reconnectPeriodS',
      ])
      const d = good()
      d.ui!.Voice = false
      expect(problems(d)[0]).toContain('ui.Voice: unknown field; did you mean voice?')
    })

    it('unknown device profile, naming the known ones', () => {
      const c = good() as unknown as { devices: unknown[] }
      c.devices = [{ name: 'card', profile: 'rdm6301', port: '/dev/ttyUSB0' }]
      expect(problems(c)).toEqual([
        'devices[0].profile: no usable hardware profile "rdm6301" (known: as608, em4100-13byte, gm65, r307, rdm6300, wg-serial)',
      ])
    })

    it('missing credential', () => {
      const c = good()
      delete c.hub!.password
      expect(problems(c)).toEqual([
        'hub.password: is missing; allowed: text of 16 to 256 characters (Hub secret: Secret issued at provisioning (16 to 256 characters); the kiosk replaces it itself when the hub rotates it)',
      ])
    })
  })
})
