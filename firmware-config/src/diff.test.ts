import { describe, expect, it } from 'vitest'
import { diffConfigs } from './diff.js'
import { validateStationConfig } from './load.js'
import { provision } from './provision/provision.js'

const base = () => {
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
  const c = structuredClone(configs[0]!)
  c.devices = [
    { name: 'card', profile: 'rdm6300', port: '/dev/ttyUSB0' },
    { name: 'qr', profile: 'gm65', port: '/dev/ttyUSB1' },
  ]
  return c
}

describe('ejia-config diff', () => {
  it('lists each changed field in plain words, devices by name, secrets masked', () => {
    const a = base()
    const b = structuredClone(a)
    b.uplink.heartbeatIntervalS = 60
    b.devices = [{ ...a.devices[0]!, options: { debounceMs: 500 } }]
    b.hub.password = 'another-secret-of-enough-length'
    b.ui.voice = false
    const texts = diffConfigs(validateStationConfig(a), validateStationConfig(b)).map((c) => c.text)
    expect(texts).toEqual([
      'hub.password: changed (secret, not shown)',
      'uplink.heartbeatIntervalS: 30 → 60',
      'devices[0] (card).options: added, {"debounceMs":500}',
      'devices[1] (qr: gm65, /dev/ttyUSB1) removed',
      'ui.voice: true → false',
    ])
    expect(texts.join('\n')).not.toContain(b.hub.password)
    expect(texts.join('\n')).not.toContain(a.hub.password)
  })

  it('reports nothing between a file and the same file written with its defaults left out', () => {
    const a = base()
    const { duty: _d, ui: _u, activity: _a, ...lean } = a
    expect(diffConfigs(validateStationConfig(a), validateStationConfig(lean))).toEqual([])
  })

  it('masks a secret inside an added section', () => {
    const a = base()
    const { templateKey: _k, ...face } = a.face
    const b = { ...a, face }
    const texts = diffConfigs(validateStationConfig(b), validateStationConfig(a)).map((c) => c.text)
    expect(texts).toEqual(['face.templateKey: added, (secret, not shown)'])
  })
})
