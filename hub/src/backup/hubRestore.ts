import { copyFile, mkdir, rename, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { BackupError, type BackupManifest, fsyncPath } from './backupFiles.js'
import { BACKUP_PHOTOS_DIR, verifyBackup } from './hubBackup.js'
import { runningHub } from './hubLock.js'
import { type MirrorResult, mirrorPhotos } from './photoMirror.js'

export interface RestoreOptions {
  dataDir: string
  /** The backup: its manifest (`hub-<time>.json`) or its database (`hub-<time>.db`). */
  from: string
  /** The hub's database file name in `dataDir` (LEDGER_FILE) and its photos folder (PHOTOS_DIR). */
  ledgerName: string
  photosName: string
  now: () => number
}

export interface RestoreResult {
  manifest: BackupManifest
  /** Where the database it replaced (and its -wal and -shm) were put; null if there was none. */
  replacedDir: string | null
  photos: MirrorResult | null
}

/**
 * Puts a backup in place of a stopped hub's database. Refuses while a hub runs on the
 * folder (its lock names a live process), and refuses a backup that fails verifyBackup
 * (checksum, integrity, a schema newer than this hub). The database is copied in under a
 * temporary name, synced and renamed; the one it replaces is moved aside with its -wal and
 * -shm, which must never meet the restored file: SQLite would replay the old WAL onto it.
 * Photos the backup's mirror has and the data folder lacks are copied back.
 */
export async function restoreHub(opts: RestoreOptions): Promise<RestoreResult> {
  const running = runningHub(opts.dataDir)
  if (running)
    throw new BackupError(
      'hubRunning',
      `a hub (pid ${running.pid}, since ${running.startedAt}) runs on ${opts.dataDir}: stop it first (if that pid is not a hub, delete ${join(opts.dataDir, 'hub.lock')})`,
    )
  const { manifest, file } = await verifyBackup(opts.from)
  await mkdir(opts.dataDir, { recursive: true })
  const ledger = join(opts.dataDir, opts.ledgerName)
  const tmp = `${ledger}.restoring`
  await copyFile(file, tmp)
  await fsyncPath(tmp)

  let replacedDir: string | null = null
  const stamp = new Date(opts.now()).toISOString().replace(/[-:.]/g, '')
  for (const suffix of ['', '-wal', '-shm']) {
    const old = `${ledger}${suffix}`
    if (!(await exists(old))) continue
    replacedDir ??= join(opts.dataDir, `replaced-${stamp}`)
    await mkdir(replacedDir, { recursive: true })
    await rename(old, join(replacedDir, `${opts.ledgerName}${suffix}`))
  }
  await rename(tmp, ledger)
  await fsyncPath(opts.dataDir)

  const mirror = join(dirname(file), BACKUP_PHOTOS_DIR)
  const photos = (await exists(mirror))
    ? await mirrorPhotos(mirror, join(opts.dataDir, opts.photosName))
    : null
  return { manifest, replacedDir, photos }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
