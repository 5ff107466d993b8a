import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'

/**
 * Writes a file so that a crash or a full disk leaves either no file or the whole file,
 * never part of one: a temporary file beside it, fsynced, then renamed into place
 * (rename(2) is atomic within a file system). Call `syncDir` after it, so the rename itself
 * survives power loss.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, mode = 0o666): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  const file = await open(tmp, 'wx', mode)
  try {
    await file.writeFile(data)
    await file.sync()
  } catch (err) {
    await file.close().catch(() => undefined)
    await rm(tmp, { force: true })
    throw err
  }
  await file.close()
  try {
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** Makes the renames and deletions in a directory durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** True for the errors a full disk (or a full quota) gives. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL'
}
