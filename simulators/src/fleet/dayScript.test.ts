import { checkBody } from '@ejia/protocol'
import { describe, expect, it } from 'vitest'
import { dayScript } from './dayScript.js'

const take = (stationId: string, n: number) => {
  const out = []
  for (const d of dayScript(stationId)) {
    out.push(d)
    if (out.length === n) break
  }
  return out
}

describe('dayScript', () => {
  it('produces only events the protocol accepts', () => {
    for (const d of take('339901001001', 2000)) expect(checkBody(d.type, d.body)).toEqual([])
  })

  it('is the same stream for the same station, and a different one for another', () => {
    expect(take('339901001001', 300)).toEqual(take('339901001001', 300))
    expect(take('339901001002', 300)).not.toEqual(take('339901001001', 300))
  })

  it('looks like a working station: duty in and out, activities with sign-ins, mostly by face', () => {
    const drafts = take('339901001001', 3000)
    const types = new Map<string, number>()
    for (const d of drafts) types.set(d.type, (types.get(d.type) ?? 0) + 1)
    expect(types.get('duty.punch')).toBeGreaterThan(20)
    // every activity that started has ended, except perhaps the one cut off by `take`
    const open = (types.get('activity.start') ?? 0) - (types.get('activity.end') ?? 0)
    expect(types.get('activity.start')).toBeGreaterThan(10)
    expect(open === 0 || open === 1).toBe(true)
    const checkins = drafts.filter((d) => d.type === 'checkin').map((d) => d.body as { method: string })
    const face = checkins.filter((c) => c.method === 'face').length / checkins.length
    expect(face).toBeGreaterThan(0.45)
    expect(face).toBeLessThan(0.65)
    expect(checkins.some((c) => c.method === 'vouch')).toBe(true)
  })
})
