import { describe, expect, it } from 'vitest'
import { allStationsFilter, parseStationTopic, stationTopic } from './topics.js'

describe('topics', () => {
  it('builds versioned per-station topics and parses them back', () => {
    const t = stationTopic('339901001001', 'events')
    expect(t).toBe('ejia/v1/station/339901001001/events')
    expect(parseStationTopic(t)).toEqual({ stationId: '339901001001', channel: 'events' })
    expect(allStationsFilter('heartbeat')).toBe('ejia/v1/station/+/heartbeat')
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
