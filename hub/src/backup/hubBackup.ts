import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import { hubMigrations } from '../storage/sqlite/migrations.js'
import { BackupError, type BackupManifest, fsyncPath, inspectDatabase, sha256File } from './backupFiles.js'
import { mirrorPhotos } from './photoMirror.js'

/** The photo mirror's folder in a backup folder: one copy of every photo, added to each time. */
export const BACKUP_PHOTOS_DIR = 'photos'
const NAME = /^hub-(\d{8}T\d{6}\d{3}Z)\.json$/

export interface BackupOptions {
  /** The hub's database file (`<dataDir>/hub.db`). */
  ledger: string
  /** The hub's photos folder; left out, photos are not mirrored. */
  photosDir?: string
  backupDir: string
  hubVersion: string
  now: () => number
}

/**
 * An online backup of a running hub's database, and a mirror of its photos.
 *
 * `VACUUM INTO` on a connection of its own, not the backup API step by step: it copies in
 * one read transaction, so under WAL it sees one snapshot of the database while the hub
 * goes on committing (https://sqlite.org/lang_vacuum.html#vacuuminto), and never restarts.
 * The backup API, stepped a few pages at a time, starts over whenever another connection
 * writes (https://sqlite.org/backup.html), which under steady ingest may be forever; in one
 * step it would hold the same read snapshot and buy nothing over VACUUM INTO, which also
 * leaves out free pages. The copy is written under a temporary name, synced, checked and
 * renamed; its manifest is renamed last, so a backup with a manifest is a whole one.
 */
export async function backupHub(opts: BackupOptions): Promise<BackupManifest> {
  const at = opts.now()
  const stamp = new Date(at).toISOString().replace(/[-:.]/g, '')
  const file = `hub-${stamp}.db`
  const tmp = join(opts.backupDir, `.${file}.tmp`)
  await rm(tmp, { force: true })
  await mkdir(opts.backupDir, { recursive: true })
  try {
    const source = await openDatabaseReadOnly(opts.ledger)
    try {
      await source.run('VACUUM INTO ?', tmp)
    } finally {
      await source.close()
    }
    await fsyncPath(tmp)
    const facts = await inspectDatabase(tmp)
    if (facts.integrity !== 'ok')
      throw new BackupError('integrity', `the new backup fails its integrity check: ${facts.integrity}`)
    const photos = opts.photosDir
      ? await mirrorPhotos(opts.photosDir, join(opts.backupDir, BACKUP_PHOTOS_DIR))
      : null
    const manifest: BackupManifest = {
      format: 1,
      createdAt: new Date(at).toISOString(),
      hubVersion: opts.hubVersion,
      schemaVersion: facts.schemaVersion,
      file,
      bytes: (await stat(tmp)).size,
      sha256: await sha256File(tmp),
      rows: facts.rows,
      photos,
    }
    const manifestFile = join(opts.backupDir, `hub-${stamp}.json`)
    await rename(tmp, join(opts.backupDir, file))
    await writeFile(`${manifestFile}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`)
    await fsyncPath(`${manifestFile}.tmp`)
    await rename(`${manifestFile}.tmp`, manifestFile)
    await fsyncPath(opts.backupDir)
    return manifest
  } finally {
    await rm(tmp, { force: true })
  }
}

export interface ListedBackup {
  manifestFile: string
  manifest: BackupManifest
}

/** The whole backups in a folder (those with a manifest), oldest first. */
export async function listBackups(backupDir: string): Promise<ListedBackup[]> {
  const names = await readdir(backupDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[]
    throw err
  })
  const found: ListedBackup[] = []
  for (const name of names.filter((n) => NAME.test(n)).sort()) {
    const manifestFile = join(backupDir, name)
    found.push({ manifestFile, manifest: await readManifest(manifestFile) })
  }
  return found
}

/** Deletes all but the newest `keep` backups (database and manifest; the photo mirror stays). */
export async function pruneBackups(backupDir: string, keep: number): Promise<number> {
  const all = await listBackups(backupDir)
  const old = all.slice(0, Math.max(0, all.length - keep))
  for (const b of old) {
    // the manifest first: a database without one is not listed, and is cleaned up next time
    await rm(b.manifestFile, { force: true })
    await rm(join(backupDir, b.manifest.file), { force: true })
  }
  return old.length
}

/** A backup's manifest, given the manifest or its database file. */
export async function readManifest(from: string): Promise<BackupManifest> {
  const manifestFile = from.endsWith('.db') ? join(dirname(from), `${basename(from, '.db')}.json`) : from
  let text: string
  try {
    text = await readFile(manifestFile, 'utf8')
  } catch (err) {
    throw new BackupError('noBackup', `no backup manifest at ${manifestFile}: ${(err as Error).message}`)
  }
  try {
    const m = JSON.parse(text) as BackupManifest
    if (
      m.format !== 1 ||
      typeof m.file !== 'string' ||
      typeof m.sha256 !== 'string' ||
      typeof m.rows !== 'object'
    )
      throw new Error('not a format 1 manifest')
    if (basename(m.file) !== m.file) throw new Error(`file ${m.file} is not a plain name`)
    return m
  } catch (err) {
    throw new BackupError('badManifest', `${manifestFile}: ${(err as Error).message}`)
  }
}

export interface VerifiedBackup {
  manifest: BackupManifest
  /** The database file the manifest names. */
  file: string
}

/**
 * Checks a backup as a restore would: the database file's SHA-256 against its manifest,
 * SQLite's integrity check, a schema this hub knows, and the manifest's row counts.
 */
export async function verifyBackup(from: string): Promise<VerifiedBackup> {
  const manifestFile = from.endsWith('.db') ? join(dirname(from), `${basename(from, '.db')}.json`) : from
  const manifest = await readManifest(manifestFile)
  const file = join(dirname(manifestFile), manifest.file)
  const actual = await sha256File(file).catch((err: Error) => {
    throw new BackupError('noBackup', `cannot read ${file}: ${err.message}`)
  })
  if (actual !== manifest.sha256)
    throw new BackupError(
      'checksum',
      `${file}: SHA-256 is ${actual}, the manifest says ${manifest.sha256}; the copy is damaged`,
    )
  if (manifest.schemaVersion > hubMigrations.length)
    throw new BackupError(
      'schemaTooNew',
      `${file} has schema version ${manifest.schemaVersion} (hub ${manifest.hubVersion}); this hub knows up to ${hubMigrations.length}: restore it with that hub version or newer`,
    )
  const facts = await inspectDatabase(file)
  if (facts.integrity !== 'ok')
    throw new BackupError('integrity', `${file} fails SQLite's integrity check: ${facts.integrity}`)
  if (facts.schemaVersion > hubMigrations.length)
    throw new BackupError(
      'schemaTooNew',
      `${file} has schema version ${facts.schemaVersion}; this hub knows up to ${hubMigrations.length}: restore it with a newer hub`,
    )
  for (const [table, n] of Object.entries(manifest.rows)) {
    if (facts.rows[table] !== n)
      throw new BackupError(
        'rowCounts',
        `${file}: ${table} has ${facts.rows[table]} rows, the manifest says ${n}`,
      )
  }
  return { manifest, file }
}
