import { stat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { isDiskFull, syncDir, writeFileAtomic } from './atomicFile.js'

/**
 * Space kept in reserve on the kiosk's data disk: a file of zeros the agent deletes when the
 * disk is so full that its journal cannot even be opened (SQLite needs room for the `-wal`
 * and `-shm` files), so the kiosk starts, reports the full disk in its heartbeat and records
 * again, rather than exit and be restarted over and over. Made again once there is room.
 */
export class DiskReserve {
  constructor(
    readonly path: string,
    readonly bytes: number,
  ) {}

  /** Makes the reserve if it is missing; false when the disk has no room for it now. */
  async ensure(): Promise<boolean> {
    const have = await stat(this.path).catch(() => undefined)
    if (have?.size === this.bytes) return true
    try {
      await writeFileAtomic(this.path, Buffer.alloc(this.bytes), 0o600)
      await syncDir(dirname(this.path))
      return true
    } catch (err) {
      if (!isDiskFull(err)) throw err
      return false
    }
  }

  /** Deletes the reserve; false when there was none to give. */
  async release(): Promise<boolean> {
    try {
      await unlink(this.path)
      await syncDir(dirname(this.path))
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw err
    }
  }
}
