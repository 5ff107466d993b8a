import { describe, expect, it } from 'vitest'
import { isPlainUrl } from './hubTransport.js'
import { ConfigError, describeProblem, parseStationConfig } from './load.js'
import { provision } from './provision/provision.js'
import { applyRemoteSettings, checkRemoteSettings } from './remote.js'
import type { StationConfig } from './schema/stationConfig.js'

const row = {
  line: 2,
  townName: '城关镇',
  villageName: '肖家沟村',
  stationId: '339901001001',
  contactName: '',
  contactPhone: '',
}
const [tlsBase] = provision([row], { districtName: '青山区', hubUrl: 'mqtts://hub.local:8883' }).configs
if (!tlsBase) throw new Error('no config provisioned')

/** The provisioned (TLS) config with its hub section changed. */
const withHub = (hub: Partial<StationConfig['hub']>): StationConfig => ({
  ...tlsBase,
  hub: { ...tlsBase.hub, ...hub },
})

const problems = (raw: unknown): string[] => {
  try {
    parseStationConfig(raw, 'station.json')
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(describeProblem)
    throw err
  }
  return []
}

/** Issue 10: "Plain TCP only when explicitly enabled for a lab", on the kiosk. */
describe('plain transport to the hub', () => {
  it('is refused without hub.allowPlain, naming the field and the fix', () => {
    expect(problems(withHub({ mqttUrl: 'mqtt://hub.local:1883' }))).toEqual([
      'hub.mqttUrl: mqtt:// is plain MQTT without TLS, which would send the station secret in clear; use mqtts:// with hub.tls (ejia-config provision --ca), or for a lab, a demo or a test set hub.allowPlain: true',
    ])
    expect(problems(withHub({ mqttUrl: 'tcp://hub.local:1883', allowPlain: false }))).toEqual([
      expect.stringMatching(/^hub\.mqttUrl: tcp:\/\/ is plain MQTT without TLS/),
    ])
    expect(
      problems(withHub({ mqttUrl: 'ws://hub.local:8080/mqtt', httpUrl: 'http://hub.local:8080' })),
    ).toEqual([
      expect.stringMatching(/^hub\.mqttUrl: ws:\/\/ is plain MQTT without TLS/),
      'hub.httpUrl: http:// is plain HTTP without TLS, which would send the station secret in clear; use https://, or for a lab, a demo or a test set hub.allowPlain: true',
    ])
    // a TLS broker does not make a plain photo upload safe
    expect(problems(withHub({ httpUrl: 'http://hub.local:8080' }))).toEqual([
      expect.stringMatching(/^hub\.httpUrl: http:\/\/ is plain HTTP/),
    ])
  })

  it('is allowed with hub.allowPlain: true', () => {
    const lab = withHub({
      mqttUrl: 'mqtt://127.0.0.1:1883',
      httpUrl: 'http://127.0.0.1:8080',
      allowPlain: true,
    })
    expect(problems(lab)).toEqual([])
    expect(parseStationConfig(lab).hub).toMatchObject({ mqttUrl: 'mqtt://127.0.0.1:1883', allowPlain: true })
  })

  it('TLS is always fine, and hub.allowPlain is false when absent', () => {
    for (const mqttUrl of ['mqtts://hub.local:8883', 'ssl://hub.local:8883', 'wss://hub.local/mqtt'])
      expect(problems(withHub({ mqttUrl, httpUrl: 'https://hub.local:8443' })), mqttUrl).toEqual([])
    expect('allowPlain' in tlsBase.hub).toBe(false)
    expect(parseStationConfig(tlsBase).hub.allowPlain).toBe(false)
    expect(problems(withHub({ allowPlain: 'yes' as unknown as boolean }))[0]).toMatch(
      /^hub\.allowPlain: is the text "yes", the wrong kind of value; allowed: true or false \(Plain transport allowed:/,
    )
  })

  it('tells plain schemes from TLS ones', () => {
    expect(['mqtt://h', 'tcp://h', 'ws://h', 'http://h', 'MQTT://h'].map(isPlainUrl)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ])
    expect(['mqtts://h', 'ssl://h', 'wss://h', 'https://h', 'mqtt:h', ''].map(isPlainUrl)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('cannot be switched on by the hub: hub.allowPlain is no remote setting', () => {
    expect(checkRemoteSettings({ hub: { allowPlain: true } })).toEqual([
      expect.objectContaining({ path: '/hub', code: 'unknownField' }),
    ])
    const pushed = applyRemoteSettings(tlsBase, { hub: { allowPlain: true } })
    expect(pushed.ok).toBe(false)
    // nor can a push over a plain kiosk that lacks the setting make it run
    const plain = withHub({ mqttUrl: 'mqtt://hub.local:1883' })
    const refused = applyRemoteSettings(plain, { ui: { voice: false } })
    expect(refused.ok ? [] : refused.problems.map((p) => p.path)).toEqual(['/hub/mqttUrl'])
  })
})
