import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, provision } from '@ejia/firmware-config'
import { describe, expect, it } from 'vitest'
import { loadStationConfigWithFlags, refusedAsPlain } from './hubFlags.js'

const row = {
  line: 2,
  townName: '城关镇',
  villageName: '肖家沟村',
  stationId: '339901001001',
  contactName: '',
  contactPhone: '',
}

/** A station config file provisioned for `hubUrl` (a lab bundle when `allowPlain`). */
function configFile(hubUrl: string, allowPlain = false): string {
  const [config] = provision([row], { districtName: '青山区', hubUrl, allowPlain }).configs
  const file = join(mkdtempSync(join(tmpdir(), 'ejia-hub-flags-')), 'station.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

const refusal = (f: () => unknown): { plain: boolean; fields: string[] } => {
  try {
    f()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { plain: refusedAsPlain(err), fields: err.problems.map((p) => p.path) }
  }
  return { plain: false, fields: [] }
}

/** Issue 10: `ejia-edge --hub` meets the rule the file's hub.mqttUrl does. */
describe('ejia-edge --hub, --hub-http and --lab', () => {
  it('refuses a plain --hub or --hub-http for a config that does not allow plain, unless --lab', () => {
    const file = configFile('mqtts://hub.local:8883')
    expect(refusal(() => loadStationConfigWithFlags(file, { hub: 'mqtt://127.0.0.1:1883' }))).toEqual({
      plain: true,
      fields: ['/hub/mqttUrl'],
    })
    expect(refusal(() => loadStationConfigWithFlags(file, { hubHttp: 'http://127.0.0.1:8080' }))).toEqual({
      plain: true,
      fields: ['/hub/httpUrl'],
    })
    const lab = loadStationConfigWithFlags(file, {
      hub: 'mqtt://127.0.0.1:1883',
      hubHttp: 'http://127.0.0.1:8080',
      lab: true,
    })
    expect(lab.hub).toMatchObject({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      httpUrl: 'http://127.0.0.1:8080',
      allowPlain: true,
    })
    // --lab is for this run: the file stays as provisioned
    expect(JSON.parse(readFileSync(file, 'utf8')).hub.allowPlain).toBeUndefined()
  })

  it('takes a TLS --hub without --lab, and checks it as the file would be', () => {
    const file = configFile('mqtts://hub.local:8883')
    const tls = loadStationConfigWithFlags(file, { hub: 'mqtts://10.0.0.5:8883' })
    expect(tls.hub).toMatchObject({ mqttUrl: 'mqtts://10.0.0.5:8883', allowPlain: false })
    expect(refusal(() => loadStationConfigWithFlags(file, { hub: 'hub.local:1883' }))).toEqual({
      plain: false,
      fields: ['/hub/mqttUrl'],
    })
  })

  it('takes a plain --hub for a lab config, and --lab for a plain file that does not say lab', () => {
    expect(
      loadStationConfigWithFlags(configFile('mqtt://127.0.0.1:1', true), { hub: 'mqtt://127.0.0.1:1883' }).hub
        .mqttUrl,
    ).toBe('mqtt://127.0.0.1:1883')
    const plain = configFile('mqtts://hub.local:8883')
    const written = JSON.parse(readFileSync(plain, 'utf8'))
    written.hub.mqttUrl = 'mqtt://127.0.0.1:1883'
    writeFileSync(plain, JSON.stringify(written))
    expect(refusal(() => loadStationConfigWithFlags(plain, {})).plain).toBe(true)
    expect(loadStationConfigWithFlags(plain, { lab: true }).hub.allowPlain).toBe(true)
  })
})
