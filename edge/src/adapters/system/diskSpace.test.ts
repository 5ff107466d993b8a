import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diskSpaceOf } from './diskSpace.js'

describe('diskSpaceOf', () => {
  it('reads the free and total bytes of the file system holding a directory', async () => {
    const disk = await diskSpaceOf(tmpdir())()
    expect(disk?.totalBytes).toBeGreaterThan(0)
    expect(disk?.freeBytes).toBeGreaterThanOrEqual(0)
    expect(disk?.freeBytes).toBeLessThanOrEqual(disk?.totalBytes as number)
  })

  it('answers nothing, rather than failing the heartbeat, for a directory it cannot read', async () => {
    expect(await diskSpaceOf(join(tmpdir(), 'ejia-no-such-dir', 'x'))()).toBeUndefined()
  })
})
