import { describe, expect, it } from 'vitest'
import { Counters } from './counters.js'

describe('Counters', () => {
  it('reads exactly while a flush is on its way to storage', async () => {
    const counters = new Counters()
    const stored: Record<string, number> = {}
    let release = () => {}
    counters.bump('rejected.json', 2)
    const flushing = counters.flush(async (delta) => {
      await new Promise<void>((r) => {
        release = r
      })
      for (const [k, v] of Object.entries(delta)) stored[k] = (stored[k] ?? 0) + v
    })
    counters.bump('rejected.json')
    const read = counters.totals(async () => stored)
    release()
    await flushing
    expect(await read).toEqual({ 'rejected.json': 3 })
  })

  it('keeps a batch that could not be written, for the next flush', async () => {
    const counters = new Counters()
    counters.bump('denied.publish', 5)
    await expect(counters.flush(async () => Promise.reject(new Error('disk full')))).rejects.toThrow(
      'disk full',
    )
    const stored: Record<string, number> = {}
    await counters.flush(async (d) => void Object.assign(stored, d))
    expect(stored).toEqual({ 'denied.publish': 5 })
    expect(await counters.totals(async () => stored)).toEqual({ 'denied.publish': 5 })
  })
})
