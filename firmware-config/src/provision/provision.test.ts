import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRegistry, loadStationConfig, parseStationConfig } from '../load.js'
import { hashSecret, provision } from './provision.js'
import { parseStationCsv } from './stationCsv.js'
import { readExistingSecrets, stationConfigPath, writeBundle } from './writeBundle.js'

const HEADER = '镇/街道,村/社区,站点编码,联系人,联系电话'
const opts = { districtName: '青山区', hubUrl: 'mqtt://hub.local:1883', allowPlain: true }

describe('parseStationCsv', () => {
  it('reads the county columns, with a BOM and full-width header variants', () => {
    const csv =
      '\uFEFF镇（街道）,村（社区）,统计用区划代码,负责人,电话\n城关镇,肖家沟村,339901001001,张勇,13900000001\n'
    const { rows, problems } = parseStationCsv(csv)
    expect(problems).toEqual([])
    expect(rows).toEqual([
      {
        line: 2,
        townName: '城关镇',
        villageName: '肖家沟村',
        stationId: '339901001001',
        contactName: '张勇',
        contactPhone: '13900000001',
      },
    ])
  })

  it('reports every bad row with its line number', () => {
    const csv = [
      HEADER,
      '城关镇,甲村,339901001001,,',
      ',乙村,33990100100,,',
      '城关镇,丙村,339901001001,,',
    ].join('\n')
    const { rows, problems } = parseStationCsv(csv)
    expect(rows.map((r) => r.villageName)).toEqual(['甲村'])
    expect(problems).toEqual([
      { line: 3, message: 'town (镇/街道) is empty' },
      { line: 3, message: 'station code "33990100100" is not a 12-digit division code' },
      { line: 4, message: 'station code 339901001001 is also on line 2' },
    ])
  })

  // found by test/fuzz/csvImport.test.ts
  it('numbers lines as an editor does, past blank lines and cells on two lines', () => {
    const csv = [HEADER, '', '城关镇,"甲村', '（新）",339901001001,,', '', '"  ",乙村,339901001002,,'].join(
      '\r\n',
    )
    const { rows, problems } = parseStationCsv(csv)
    expect(rows.map((r) => [r.line, r.villageName])).toEqual([[3, '甲村\r\n（新）']])
    expect(problems).toEqual([{ line: 6, message: 'town (镇/街道) is empty' }])
  })

  it('refuses names longer than the registry takes, here and not when the hub loads it', () => {
    const csv = [HEADER, `城关镇,${'村'.repeat(65)},339901001001,${'张'.repeat(33)},`].join('\n')
    expect(parseStationCsv(csv).problems).toEqual([
      { line: 2, message: 'village (村/社区) is longer than 64 characters' },
      { line: 2, message: 'contact (联系人) is longer than 32 characters' },
    ])
  })

  it('names a missing column and what it found instead', () => {
    const { problems } = parseStationCsv('town,village\n城关镇,甲村\n')
    expect(problems.map((p) => p.message)).toContain('missing column "站点编码" (found: town, village)')
  })
})

describe('provision', () => {
  const rows = parseStationCsv(
    [
      HEADER,
      '城关镇,甲村,339901001001,张三,1',
      '城关镇,乙村,339901001002,,',
      '东坝镇,丙村,339901002001,,',
    ].join('\n'),
  ).rows

  it('makes a three-tier registry and one valid config per station, with only hashes in the registry', () => {
    const out = provision(rows, opts)
    expect(out.problems).toEqual([])
    expect(out.registry.district).toEqual({ code: '339901', name: '青山区' })
    expect(out.registry.towns).toEqual([
      { code: '339901001', name: '城关镇' },
      { code: '339901002', name: '东坝镇' },
    ])
    expect(out.configs).toHaveLength(3)
    for (const [i, c] of out.configs.entries()) {
      expect(parseStationConfig(c).station.id).toBe(c.station.id)
      expect(out.registry.stations[i]?.auth.secretSha256).toBe(hashSecret(c.hub.password))
    }
    expect(JSON.stringify(out.registry)).not.toContain(out.configs[0]!.hub.password)
  })

  it('gives kiosks the hub API for photo uploads only when one is named', () => {
    const without = provision(rows, opts).configs[0]!
    expect(without.hub.httpUrl).toBeUndefined()
    expect(parseStationConfig(without).photos).toEqual({ retentionDays: 30 })
    const withApi = provision(rows, { ...opts, hubHttpUrl: 'https://hub.local:8443' }).configs[0]!
    expect(parseStationConfig(withApi).hub.httpUrl).toBe('https://hub.local:8443')
    expect(() =>
      parseStationConfig({ ...withApi, hub: { ...withApi.hub, httpUrl: 'mqtt://hub.local' } }),
    ).toThrow(/hub\.httpUrl: the text "mqtt:\/\/hub.local" is not in the expected form/)
  })

  it('marks a lab bundle, and refuses a plain hub URL in any other', () => {
    const lab = provision(rows, { ...opts, hubHttpUrl: 'http://hub.local:8080' })
    expect(lab.problems).toEqual([])
    expect(lab.configs.map((c) => c.hub.allowPlain)).toEqual([true, true, true])
    expect(parseStationConfig(lab.configs[0]).hub.allowPlain).toBe(true)

    const tls = provision(rows, {
      districtName: '青山区',
      hubUrl: 'mqtts://hub.local:8883',
      hubHttpUrl: 'https://hub.local:8443',
    })
    expect(tls.problems).toEqual([])
    expect(tls.configs.map((c) => 'allowPlain' in c.hub)).toEqual([false, false, false])
    expect(parseStationConfig(tls.configs[0]).hub.allowPlain).toBe(false)

    const plain = provision(rows, { ...opts, allowPlain: false, hubHttpUrl: 'http://hub.local:8080' })
    expect(plain.problems).toEqual([
      {
        line: 0,
        message: 'hub URL mqtt://hub.local:1883 has no TLS: only a lab bundle (allowPlain) may use it',
      },
      {
        line: 0,
        message: 'hub HTTP URL http://hub.local:8080 has no TLS: only a lab bundle (allowPlain) may use it',
      },
    ])
  })

  it('refuses a town name that does not match its code', () => {
    const bad = parseStationCsv(
      [HEADER, '城关镇,甲村,339901001001,,', '东坝镇,乙村,339901001002,,'].join('\n'),
    ).rows
    expect(provision(bad, opts).problems.map((p) => p.line)).toEqual([3])
  })

  it('writes owner-only station files that load back, and keeps secrets when run again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-provision-'))
    const first = provision(rows, opts)
    writeBundle(dir, first.registry, first.configs)
    const file = stationConfigPath(dir, '339901001001')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadStationConfig(file).hub.password).toBe(first.configs[0]!.hub.password)
    expect(loadRegistry(join(dir, 'registry.json')).stations).toHaveLength(3)

    const again = provision(rows, { ...opts, existingSecrets: readExistingSecrets(dir) })
    expect(again.configs.map((c) => c.hub.password)).toEqual(first.configs.map((c) => c.hub.password))
    const fresh = provision(rows, opts)
    expect(fresh.configs[0]!.hub.password).not.toBe(first.configs[0]!.hub.password)
    expect(readFileSync(file, 'utf8')).toContain('"schemaVersion": 2')
  })
})
