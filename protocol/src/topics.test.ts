import { describe, expect, it } from 'vitest'
import { remoteConfigVersion, remoteVersionOf } from './control.js'
import { allStationsFilter, channels, parseStationTopic, stationTopic } from './topics.js'

describe('topics', () => {
  it('builds versioned per-station topics and parses them back', () => {
    const t = stationTopic('339901001001', 'events')
    expect(t).toBe('ejia/v1/station/339901001001/events')
    expect(parseStationTopic(t)).toEqual({ stationId: '339901001001', channel: 'events' })
    expect(allStationsFilter('heartbeat')).toBe('ejia/v1/station/+/heartbeat')
  })

  it('keeps config retained both ways and commands not', () => {
    expect([channels.config.retain, channels.configState.retain]).toEqual([true, true])
    expect([channels.command.retain, channels.commandResult.retain]).toEqual([false, false])
    expect([channels.config.direction, channels.command.direction]).toEqual(['down', 'down'])
    expect(remoteVersionOf(remoteConfigVersion('2026-11-01', 7))).toBe(7)
    expect(remoteConfigVersion('2026-11-01', 0)).toBe('2026-11-01')
    expect(remoteConfigVersion('x'.repeat(64), 12)).toHaveLength(64)
    expect(remoteVersionOf('2026-11-01')).toBe(0)
  })

  it.each([
    'ejia/v2/station/339901001001/events',
    'ejia/v1/station/339901001001/nope',
    'ejia/v1/station/339901001001/events/extra',
    'ejia/v1/station//events',
  ])('does not parse %s', (topic) => {
    expect(parseStationTopic(topic)).toBeUndefined()
  })
})
