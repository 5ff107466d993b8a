import { describe, expect, it } from 'vitest'
import { listProfiles, loadProfile, resolveDevices } from './profiles.js'

describe('hardware profiles', () => {
  it('ships a valid profile for every supported device model', () => {
    const models = listProfiles()
    expect(models).toEqual(['as608', 'em4100-13byte', 'gm65', 'r307', 'rdm6300', 'wg-serial'])
    for (const m of models) expect(loadProfile(m).model).toBe(m)
    expect(loadProfile('r307').serial.baudRate).toBe(57600)
    expect(loadProfile('rdm6300').serial.baudRate).toBe(9600)
  })

  it('merges a station’s overrides and explains every bad device entry', () => {
    const ok = resolveDevices([
      { name: 'card', profile: 'rdm6300', port: '/dev/ttyUSB0', options: { numberFormat: 'w26' } },
    ])
    expect(ok.problems).toEqual([])
    expect(ok.devices[0]?.profile.options).toMatchObject({ numberFormat: 'w26', variant: 'asciiChecksum' })

    const bad = resolveDevices([
      {
        name: 'card',
        profile: 'rdm6300',
        port: '/dev/ttyUSB0',
        options: { numberFormat: 'octal', debounce: 3 },
      },
      { name: 'card', profile: 'nope', port: '/dev/ttyUSB0' },
    ])
    expect(bad.problems.map((p) => p.path).sort()).toEqual([
      '/devices/0/options',
      '/devices/0/options/numberFormat',
      '/devices/1/name',
      '/devices/1/port',
      '/devices/1/profile',
    ])
    expect(bad.problems.find((p) => p.path === '/devices/0/options')?.message).toBe(
      'unknown field(s): debounce',
    )
    expect(bad.problems.find((p) => p.path === '/devices/1/profile')?.message).toMatch(
      /no usable hardware profile "nope" \(known: as608/,
    )
  })
})
