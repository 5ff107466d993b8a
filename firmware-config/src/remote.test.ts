import { describe, expect, it } from 'vitest'
import { provision } from './provision/provision.js'
import { applyRemoteSettings, checkRemoteSettings, mergeSettings } from './remote.js'

const [base] = provision(
  [
    {
      line: 2,
      townName: '城关镇',
      villageName: '肖家沟村',
      stationId: '339901001001',
      contactName: '张三',
      contactPhone: '13900000000',
    },
  ],
  { districtName: '青山区', hubUrl: 'mqtt://hub.local:1883', allowPlain: true },
).configs
if (!base) throw new Error('no config provisioned')
const card = { name: 'card', profile: 'rdm6300', port: '/dev/ttyUSB0' }
const present = { portExists: (p: string) => p === '/dev/ttyUSB0' || p === '/dev/ttyUSB1' }

describe('remote settings', () => {
  it('merge section by section over the provisioned config, and replace the device list whole', () => {
    const r = applyRemoteSettings(
      { ...base, devices: [{ name: 'qr', profile: 'gm65', port: '/dev/ttyUSB1' }] },
      { uplink: { heartbeatIntervalS: 7 }, face: { securityLevel: 4 }, devices: [card] },
      present,
    )
    if (!r.ok) throw new Error(JSON.stringify(r.problems))
    expect(r.config.uplink).toEqual({ ...base.uplink, heartbeatIntervalS: 7 })
    expect(r.config.face.securityLevel).toBe(4)
    expect(r.config.face.votingFrames).toBe(base.face.votingFrames)
    expect(r.config.devices).toEqual([card])
    expect(r.config.station).toEqual(base.station)
    expect(r.config.hub).toEqual(base.hub)
    expect(mergeSettings({ a: { b: 1, c: 2 }, d: [1, 2] }, { a: { b: 3 }, d: [9] })).toEqual({
      a: { b: 3, c: 2 },
      d: [9],
    })
  })

  it('never take the identity, the hub address or the credentials', () => {
    const problems = checkRemoteSettings({
      hub: { mqttUrl: 'mqtt://elsewhere:1883' },
      station: { id: '339901001002' },
      dataDir: '/tmp',
    })
    expect(problems.map((p) => p.path)).toEqual(['/hub', '/station', '/dataDir'])
    expect(problems[0]?.message).toMatch(/^unknown field; the fields here are: uplink, journal, photos/)
    const r = applyRemoteSettings(base, { hub: { password: 'x'.repeat(20) } }, present)
    expect(r.ok).toBe(false)
  })

  it('never take the face template key or the models, and take how long templates are kept', () => {
    const key = Buffer.alloc(32, 1).toString('base64')
    expect(
      checkRemoteSettings({ face: { templateKey: key, modelDir: '/tmp/models' } }).map((p) => p.path),
    ).toEqual(['/face/templateKey', '/face/modelDir'])
    const r = applyRemoteSettings(base, { face: { retentionDays: 90 } }, present)
    expect(r.ok && r.config.face.retentionDays).toBe(90)
    expect(r.ok && r.config.face.templateKey).toBe(base.face.templateKey)
    expect(checkRemoteSettings({ face: { retentionDays: 7 } }).map((p) => p.path)).toEqual([
      '/face/retentionDays',
    ])
  })

  it('report every problem with its path: range, unknown profile, duplicate names, a port this kiosk lacks', () => {
    const r = applyRemoteSettings(
      base,
      {
        face: { securityLevel: 9, detector: { threshold: 2 } },
        uplink: { heartbeatIntervalS: 0 },
      },
      present,
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => p.path).sort()).toEqual([
      '/face/detector/threshold',
      '/face/securityLevel',
      '/uplink/heartbeatIntervalS',
    ])
    expect(r.problems.find((p) => p.path === '/face/securityLevel')?.message).toMatch(/5/)

    const devices = applyRemoteSettings(
      base,
      {
        devices: [
          card,
          { ...card, port: '/dev/ttyUSB1' },
          { name: 'finger', profile: 'no-such-reader', port: '/dev/ttyUSB9' },
          { name: 'qr', profile: 'gm65', port: '/dev/ttyACM4' },
        ],
      },
      present,
    )
    expect(devices.ok).toBe(false)
    if (devices.ok) return
    expect(devices.problems.map((p) => p.path)).toEqual(['/devices/1/name', '/devices/2/profile'])
    // the machine is checked once the config itself is sound
    const port = applyRemoteSettings(base, { devices: [{ ...card, port: '/dev/ttyACM4' }] }, present)
    expect(port).toEqual({
      ok: false,
      problems: [{ path: '/devices/0/port', message: 'no serial device /dev/ttyACM4 on this kiosk' }],
    })
  })

  it('accept a serial server on the network without looking for it', () => {
    const r = applyRemoteSettings(base, { devices: [{ ...card, port: 'tcp://10.0.0.5:4001' }] }, present)
    expect(r.ok).toBe(true)
  })
})
