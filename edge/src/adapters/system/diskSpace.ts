import { statfs } from 'node:fs/promises'
import type { DiskSpace } from '../../ports/diskSpace.js'

/**
 * Reads the free space of the file system holding `dir`, for the heartbeat. `bavail` (blocks
 * free to an unprivileged process), not `bfree`: the agent does not run as root, and the
 * root reserve is no use to it. A failure is no fault of its own: the heartbeat leaves the
 * figures out.
 */
export function diskSpaceOf(dir: string): () => Promise<DiskSpace | undefined> {
  return async () => {
    try {
      const s = await statfs(dir)
      return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize }
    } catch {
      return undefined
    }
  }
}
