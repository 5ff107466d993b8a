import { describe, expect, it } from 'vitest'
import { stationStatus } from './stationStatus.js'

const now = Date.UTC(2026, 10, 25, 2, 0, 0)
const seen = (agoS: number) => now - agoS * 1000

describe('stationStatus', () => {
  it('is never before anything was heard', () => {
    expect(
      stationStatus(
        { connected: false, statusReason: null, lastSeenAt: null, heartbeatIntervalS: null },
        now,
      ),
    ).toEqual({
      status: 'never',
      reason: null,
    })
  })

  it('is online while heartbeats arrive, and offline after 2.5 missed intervals', () => {
    const p = { connected: true, statusReason: 'connected', heartbeatIntervalS: 30 }
    expect(stationStatus({ ...p, lastSeenAt: seen(74) }, now).status).toBe('online')
    expect(stationStatus({ ...p, lastSeenAt: seen(76) }, now)).toEqual({
      status: 'offline',
      reason: 'heartbeatTimeout',
    })
    expect(stationStatus({ ...p, heartbeatIntervalS: 10, lastSeenAt: seen(26) }, now).status).toBe('offline')
  })

  it('is offline at once on a last will or a clean shutdown, telling which', () => {
    const p = { connected: false, lastSeenAt: seen(1), heartbeatIntervalS: 30 }
    expect(stationStatus({ ...p, statusReason: 'connectionLost' }, now).reason).toBe('connectionLost')
    expect(stationStatus({ ...p, statusReason: 'shutdown' }, now).reason).toBe('shutdown')
  })
})
