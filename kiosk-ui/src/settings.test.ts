import { describe, expect, it } from 'vitest'
import { type AgentUiOptions, applyAgentSettings, readSettings } from './settings.js'

const station: AgentUiOptions = {
  idleTimeoutS: 45,
  resultTimeoutS: 5,
  voice: false,
  sound: true,
  language: 'zh-CN',
}

describe('kiosk screen settings', () => {
  it("take the station config's ui options", () => {
    const s = readSettings('')
    applyAgentSettings(s, station, '')
    expect(s).toMatchObject({ idleMs: 45_000, resultMs: 5_000, voice: false, sound: true })
  })

  it('let the query string override them, for tests and screenshots', () => {
    const search = '?quiet=1&idleMs=1500'
    const s = readSettings(search)
    applyAgentSettings(s, { ...station, voice: true }, search)
    expect(s).toMatchObject({ idleMs: 1500, resultMs: 5_000, voice: false, sound: false })
  })
})
