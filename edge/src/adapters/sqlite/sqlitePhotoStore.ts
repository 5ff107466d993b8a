import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type Database, openDatabase } from '@ejia/platform'
import { PhotoError, type PhotoPurpose, type PhotoRecord, type PhotoStore } from '../../ports/photos.js'
import { isDiskFull, syncDir, writeFileAtomic } from '../files/atomicFile.js'

const migrations = [
  {
    version: 1,
    name: 'photos and the events that name them',
    sql: `
      CREATE TABLE photos (
        id          TEXT PRIMARY KEY,
        bytes       INTEGER NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        faces       INTEGER,
        stored_at   INTEGER NOT NULL,
        uploaded_at INTEGER,
        refused     TEXT,
        retry_after INTEGER,
        pruned_at   INTEGER
      );
      CREATE INDEX photos_waiting ON photos (stored_at) WHERE uploaded_at IS NULL;
      CREATE TABLE photo_events (
        photo_id    TEXT NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
        purpose     TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        event_id    TEXT NOT NULL,
        PRIMARY KEY (photo_id, purpose, activity_id)
      );
    `,
  },
]

interface PhotoRow {
  id: string
  bytes: number
  width: number
  height: number
  faces: number | null
  stored_at: number
  uploaded_at: number | null
  refused: string | null
  pruned_at: number | null
}

const FILE = /^([0-9a-f]{64})(\.thumb)?\.jpg$/

export type WriteFile = (path: string, data: Uint8Array) => Promise<void>

/**
 * Photos as files named by their SHA-256 in `dir` (`<id>.jpg`, `<id>.thumb.jpg`), indexed
 * in a SQLite file that is also their upload outbox. The files are written and synced
 * before the row that names them, so a row always means whole files; files without a row
 * (a kill in between) are removed when the store opens.
 */
export class SqlitePhotoStore implements PhotoStore {
  private constructor(
    private readonly db: Database,
    private readonly dir: string,
    private readonly write: WriteFile,
  ) {}

  /** `write` is for tests that need a disk that fills up. */
  static async open(
    file: string,
    dir: string,
    write: WriteFile = writeFileAtomic,
  ): Promise<SqlitePhotoStore> {
    await mkdir(dir, { recursive: true })
    const db = await openDatabase(file, { migrations, synchronous: 'FULL' })
    const store = new SqlitePhotoStore(db, dir, write)
    await store.sweep()
    return store
  }

  /** Removes temporary files and files no row names: leftovers of a kill mid-`put`. */
  private async sweep(): Promise<void> {
    const known = new Set((await this.db.all<{ id: string }[]>('SELECT id FROM photos')).map((r) => r.id))
    for (const name of await readdir(this.dir)) {
      const id = FILE.exec(name)?.[1]
      if (name.endsWith('.tmp') || (id && !known.has(id))) await rm(join(this.dir, name), { force: true })
    }
  }

  private path(id: string, variant: 'full' | 'thumb'): string {
    return join(this.dir, variant === 'full' ? `${id}.jpg` : `${id}.thumb.jpg`)
  }

  async put(
    r: Omit<PhotoRecord, 'uploadedAt' | 'refused' | 'prunedAt'>,
    jpeg: Buffer,
    thumb: Buffer,
  ): Promise<boolean> {
    if (await this.get(r.id)) return false
    try {
      await this.write(this.path(r.id, 'full'), jpeg)
      await this.write(this.path(r.id, 'thumb'), thumb)
      await syncDir(this.dir)
      const { changes } = await this.db.run(
        `INSERT INTO photos (id, bytes, width, height, faces, stored_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
        r.id,
        r.bytes,
        r.width,
        r.height,
        r.faces,
        r.storedAt,
      )
      return changes === 1
    } catch (err) {
      await this.removeFiles(r.id).catch(() => undefined)
      if (isDiskFull(err))
        throw new PhotoError('diskFull', 'the kiosk disk is full; the photo was not kept', { cause: err })
      throw new PhotoError('storageFailed', `the photo could not be stored: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }

  async get(id: string): Promise<PhotoRecord | undefined> {
    const row = await this.db.get<PhotoRow>('SELECT * FROM photos WHERE id = ?', id)
    return row && toRecord(row)
  }

  async read(id: string, variant: 'full' | 'thumb'): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(id, variant))
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined
      throw err
    }
  }

  async discard(id: string): Promise<void> {
    await this.db.run('DELETE FROM photos WHERE id = ?', id)
    await this.removeFiles(id)
  }

  private async removeFiles(id: string): Promise<void> {
    await rm(this.path(id, 'full'), { force: true })
    await rm(this.path(id, 'thumb'), { force: true })
    await syncDir(this.dir)
  }

  async findUse(
    id: string,
    purpose: PhotoPurpose,
    activityId: string | undefined,
  ): Promise<string | undefined> {
    const row = await this.db.get<{ event_id: string }>(
      'SELECT event_id FROM photo_events WHERE photo_id = ? AND purpose = ? AND activity_id = ?',
      id,
      purpose,
      activityId ?? '',
    )
    return row?.event_id
  }

  async noteUse(
    id: string,
    purpose: PhotoPurpose,
    activityId: string | undefined,
    eventId: string,
  ): Promise<void> {
    await this.db.run(
      'INSERT INTO photo_events (photo_id, purpose, activity_id, event_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      id,
      purpose,
      activityId ?? '',
      eventId,
    )
  }

  async pending(now: number): Promise<string[]> {
    const rows = await this.db.all<{ id: string }[]>(
      `SELECT id FROM photos WHERE uploaded_at IS NULL AND (retry_after IS NULL OR retry_after <= ?)
       ORDER BY stored_at, rowid`,
      now,
    )
    return rows.map((r) => r.id)
  }

  async markUploaded(id: string, at: number): Promise<void> {
    await this.db.run(
      'UPDATE photos SET uploaded_at = ?, refused = NULL, retry_after = NULL WHERE id = ?',
      at,
      id,
    )
  }

  async refuse(id: string, reason: string, until: number): Promise<void> {
    await this.db.run('UPDATE photos SET refused = ?, retry_after = ? WHERE id = ?', reason, until, id)
  }

  async counts(): Promise<{ waiting: number; refused: number }> {
    const row = await this.db.get<{ waiting: number; refused: number }>(
      `SELECT count(*) AS waiting, count(refused) AS refused FROM photos WHERE uploaded_at IS NULL`,
    )
    return { waiting: row?.waiting ?? 0, refused: row?.refused ?? 0 }
  }

  async prune(before: number, now: number): Promise<number> {
    const rows = await this.db.all<{ id: string }[]>(
      'SELECT id FROM photos WHERE uploaded_at < ? AND pruned_at IS NULL',
      before,
    )
    for (const { id } of rows) {
      await rm(this.path(id, 'full'), { force: true })
      await this.db.run('UPDATE photos SET pruned_at = ? WHERE id = ?', now, id)
    }
    if (rows.length > 0) await syncDir(this.dir)
    return rows.length
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}

function toRecord(r: PhotoRow): PhotoRecord {
  return {
    id: r.id,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    faces: r.faces,
    storedAt: r.stored_at,
    uploadedAt: r.uploaded_at,
    refused: r.refused,
    prunedAt: r.pruned_at,
  }
}
