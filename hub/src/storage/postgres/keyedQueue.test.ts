import { describe, expect, it } from 'vitest'
import { KeyedQueue } from './keyedQueue.js'

/** A task that finishes when `release` is called, noting when it started and ended. */
function gate(log: string[], name: string) {
  let release!: () => void
  const done = new Promise<void>((resolve) => {
    release = resolve
  })
  return {
    release: () => release(),
    task: async () => {
      log.push(`${name} start`)
      await done
      log.push(`${name} end`)
      return name
    },
  }
}

describe('KeyedQueue', () => {
  it('runs the tasks of one key in order and those of other keys alongside', async () => {
    const q = new KeyedQueue()
    const log: string[] = []
    const a1 = gate(log, 'a1')
    const a2 = gate(log, 'a2')
    const b1 = gate(log, 'b1')
    const results = [q.run('a', a1.task), q.run('a', a2.task), q.run('b', b1.task)]
    await new Promise((r) => setImmediate(r))
    expect(log).toEqual(['a1 start', 'b1 start'])
    a2.release() // released first, but it must wait for a1
    b1.release()
    await results[2]
    expect(log).toEqual(['a1 start', 'b1 start', 'b1 end'])
    a1.release()
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1'])
    expect(log).toEqual(['a1 start', 'b1 start', 'b1 end', 'a1 end', 'a2 start', 'a2 end'])
    await new Promise((r) => setImmediate(r))
    expect(q.size).toBe(0)
  })

  it('goes on after a task that failed, and gives the failure to its caller only', async () => {
    const q = new KeyedQueue()
    const failed = q.run('a', () => Promise.reject(new Error('broken')))
    const next = q.run('a', async () => 'next')
    await expect(failed).rejects.toThrow('broken')
    expect(await next).toBe('next')
  })
})
