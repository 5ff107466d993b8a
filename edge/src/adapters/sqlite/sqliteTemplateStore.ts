import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { addCompatibleColumns, CodedError, type Database, openDatabase } from '@ejia/platform'
import type {
  ConsentRecord,
  RemovedTemplate,
  StoredTemplate,
  TemplateStore,
  TemplateUsage,
} from '../../ports/templateStore.js'

export class TemplateStoreError extends CodedError<'templateKeyInvalid' | 'templateKeyMismatch'> {}

const migrations = [
  {
    version: 1,
    name: 'templates and consents',
    sql: `
      CREATE TABLE templates (
        person_id       TEXT PRIMARY KEY,
        model_version   TEXT NOT NULL,
        iv              BLOB NOT NULL,
        tag             BLOB NOT NULL,
        data            BLOB NOT NULL,
        enrolled_at     INTEGER NOT NULL,
        authorised_by   TEXT NOT NULL,
        checkins        INTEGER NOT NULL DEFAULT 0,
        margin_baseline REAL,
        margin_recent   REAL
      );
      CREATE TABLE consents (
        person_id     TEXT PRIMARY KEY,
        granted       INTEGER NOT NULL,
        text_version  TEXT NOT NULL,
        authorised_by TEXT NOT NULL,
        at            INTEGER NOT NULL,
        event_id      TEXT NOT NULL
      );
    `,
  },
]

/**
 * When each template last matched (face.retentionDays counts from it, issue 10; NULL: from
 * enrolment). A column without a schema version, so an agent rolled back to a release
 * before it still opens the file (platform `addCompatibleColumns`).
 */
const compatibleColumns = { last_matched_at: 'INTEGER' } as const

/** Check-ins whose margins make the baseline, and the weight of a new margin in the recent mean. */
const BASELINE_CHECKINS = 3
const RECENT_WEIGHT = 0.2

interface TemplateRow {
  person_id: string
  model_version: string
  iv: Buffer
  tag: Buffer
  data: Buffer
  enrolled_at: number
  checkins: number
  margin_baseline: number | null
  margin_recent: number | null
}

/**
 * Templates in faces.db, each sealed with AES-256-GCM under the kiosk's key; the person id
 * and model version are authenticated with it, so a row cannot be moved to another person.
 * `secure_delete` overwrites deleted rows, and the WAL is truncated after a delete, so a
 * removed template cannot be recovered from the file.
 */
export class SqliteTemplateStore implements TemplateStore {
  private constructor(
    private readonly db: Database,
    private readonly key: Buffer,
    private readonly file: string,
  ) {}

  static async open(file: string, keyBase64: string): Promise<SqliteTemplateStore> {
    const key = Buffer.from(keyBase64, 'base64')
    if (key.length !== 32)
      throw new TemplateStoreError('templateKeyInvalid', 'face.templateKey must be 32 bytes, base64')
    const db = await openDatabase(file, { migrations, synchronous: 'FULL' })
    await addCompatibleColumns(db, 'templates', compatibleColumns)
    await db.exec('PRAGMA secure_delete = ON')
    return new SqliteTemplateStore(db, key, file)
  }

  async load(modelVersion: string): Promise<{ templates: StoredTemplate[]; stale: number }> {
    const rows = await this.db.all<TemplateRow[]>('SELECT * FROM templates')
    const templates: StoredTemplate[] = []
    let stale = 0
    for (const r of rows) {
      if (r.model_version !== modelVersion) {
        stale++
        continue
      }
      templates.push({
        personId: r.person_id,
        modelVersion: r.model_version,
        template: this.open(r),
        enrolledAt: r.enrolled_at,
        checkins: r.checkins,
        marginBaseline: r.margin_baseline,
        marginRecent: r.margin_recent,
      })
    }
    return { templates, stale }
  }

  async save(t: {
    personId: string
    modelVersion: string
    template: Float32Array
    enrolledAt: number
    authorisedBy: string
  }): Promise<void> {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(aad(t.personId, t.modelVersion))
    const data = Buffer.concat([
      cipher.update(Buffer.from(t.template.buffer, t.template.byteOffset, t.template.byteLength)),
      cipher.final(),
    ])
    await this.db.run(
      `INSERT INTO templates (person_id, model_version, iv, tag, data, enrolled_at, authorised_by)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (person_id) DO UPDATE SET model_version = excluded.model_version, iv = excluded.iv, tag = excluded.tag,
         data = excluded.data, enrolled_at = excluded.enrolled_at, authorised_by = excluded.authorised_by,
         checkins = 0, margin_baseline = NULL, margin_recent = NULL, last_matched_at = NULL`,
      t.personId,
      t.modelVersion,
      iv,
      cipher.getAuthTag(),
      data,
      t.enrolledAt,
      t.authorisedBy,
    )
  }

  async remove(personId: string): Promise<RemovedTemplate | undefined> {
    const row = await this.db.get<TemplateRow>(
      'DELETE FROM templates WHERE person_id = ? RETURNING *',
      personId,
    )
    // the old page images live on in the WAL until a checkpoint: flush and truncate it
    await this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    if (!row) return undefined
    // the receipt's checks, made after the fact on what is stored, not assumed
    const left = await this.db.get<{ n: number }>(
      'SELECT count(*) AS n FROM templates WHERE person_id = ?',
      personId,
    )
    return {
      personId,
      modelVersion: row.model_version,
      enrolledAt: row.enrolled_at,
      sealedSha256: createHash('sha256').update(row.iv).update(row.tag).update(row.data).digest('hex'),
      rowsLeft: left?.n ?? 0,
      sealedBytesInFile: await this.fileHolds(row.data),
    }
  }

  async usage(): Promise<TemplateUsage[]> {
    const rows = await this.db.all<
      { person_id: string; enrolled_at: number; last_matched_at: number | null }[]
    >('SELECT person_id, enrolled_at, last_matched_at FROM templates ORDER BY person_id')
    return rows.map((r) => ({
      personId: r.person_id,
      enrolledAt: r.enrolled_at,
      lastMatchedAt: r.last_matched_at,
    }))
  }

  async recordMatch(personId: string, margin: number, at: number) {
    // `run`, then read: an UPDATE … RETURNING through `get` resolves before its implicit
    // transaction commits (see SqliteJournal.append), and last_matched_at drives retention
    await this.db.run(
      `UPDATE templates SET
         checkins = checkins + 1,
         margin_baseline = CASE WHEN checkins < ${BASELINE_CHECKINS}
           THEN (coalesce(margin_baseline, 0) * checkins + ?1) / (checkins + 1) ELSE margin_baseline END,
         margin_recent = CASE WHEN margin_recent IS NULL THEN ?1
           ELSE (1 - ${RECENT_WEIGHT}) * margin_recent + ${RECENT_WEIGHT} * ?1 END,
         last_matched_at = ?3
       WHERE person_id = ?2`,
      margin,
      personId,
      at,
    )
    const r = await this.db.get<{
      checkins: number
      margin_baseline: number | null
      margin_recent: number | null
    }>('SELECT checkins, margin_baseline, margin_recent FROM templates WHERE person_id = ?', personId)
    return {
      checkins: r?.checkins ?? 0,
      marginBaseline: r?.margin_baseline ?? null,
      marginRecent: r?.margin_recent ?? null,
    }
  }

  async saveConsent(c: ConsentRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO consents (person_id, granted, text_version, authorised_by, at, event_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (person_id) DO UPDATE SET granted = excluded.granted, text_version = excluded.text_version,
         authorised_by = excluded.authorised_by, at = excluded.at, event_id = excluded.event_id`,
      c.personId,
      c.granted ? 1 : 0,
      c.textVersion,
      c.authorisedBy,
      c.at,
      c.eventId,
    )
  }

  async consent(personId: string): Promise<ConsentRecord | undefined> {
    const r = await this.db.get<{
      granted: number
      text_version: string
      authorised_by: string
      at: number
      event_id: string
    }>('SELECT * FROM consents WHERE person_id = ?', personId)
    return r
      ? {
          personId,
          granted: r.granted === 1,
          textVersion: r.text_version,
          authorisedBy: r.authorised_by,
          at: r.at,
          eventId: r.event_id,
        }
      : undefined
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  /** Whether `bytes` are anywhere in faces.db or its WAL, as a reader of the disk would find them. */
  private async fileHolds(bytes: Buffer): Promise<boolean> {
    for (const f of [this.file, `${this.file}-wal`]) {
      const content = await readFile(f).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined
        throw err
      })
      if (content?.includes(bytes)) return true
    }
    return false
  }

  private open(r: TemplateRow): Float32Array {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, r.iv)
      decipher.setAAD(aad(r.person_id, r.model_version))
      decipher.setAuthTag(r.tag)
      const plain = Buffer.concat([decipher.update(r.data), decipher.final()])
      return new Float32Array(plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength))
    } catch {
      throw new TemplateStoreError(
        'templateKeyMismatch',
        `the face template of ${r.person_id} does not open with this kiosk's key (face.templateKey changed, or faces.db was tampered with)`,
      )
    }
  }
}

function aad(personId: string, modelVersion: string): Buffer {
  return Buffer.from(`${personId}\u0000${modelVersion}`, 'utf8')
}
