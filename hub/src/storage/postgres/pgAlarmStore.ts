import type pg from 'pg'
import type { Alarm, AlarmKind, AlarmStore, Resolution } from '../alarmStore.js'
import { WorkError } from '../workStore.js'
import type { PgDb } from './pgDb.js'

interface AlarmRow {
  id: number
  kind: AlarmKind
  station_id: string
  subject: string
  raised_at: number
  detail: unknown
  cleared_at: number | null
  clear_reason: string | null
  acked_by: string | null
  acked_at: number | null
  resolved_by: string | null
  resolved_at: number | null
  resolve_note: string | null
}

const toAlarm = (r: AlarmRow): Alarm => ({
  id: r.id,
  kind: r.kind,
  stationId: r.station_id,
  subject: r.subject,
  raisedAt: r.raised_at,
  detail: r.detail,
  clearedAt: r.cleared_at,
  clearReason: r.clear_reason,
  ackedBy: r.acked_by,
  ackedAt: r.acked_at,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at,
  resolveNote: r.resolve_note,
})

/** The alarm locked until the transaction ends, so two people acting on it at once queue. */
async function lockAlarm(c: pg.PoolClient, id: number): Promise<AlarmRow> {
  const { rows } = await c.query<AlarmRow>('SELECT * FROM alarms WHERE id = $1 FOR UPDATE', [id])
  const row = rows[0]
  if (!row) throw new WorkError('notFound', `no alarm ${id}`)
  return row
}

const audit = (c: pg.PoolClient, at: number, actor: string, action: string, detail: unknown) =>
  c.query('INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)', [
    at,
    actor,
    action,
    JSON.stringify(detail),
  ])

/**
 * Alarms in PostgreSQL, for a hub whose watches and API run in several processes. The
 * unique partial index alarms_open (pgMigrations.ts) keeps one open alarm per kind, station
 * and subject whoever raises it; acknowledging and resolving lock the alarm's row, so the
 * first person's action stands and is audited once.
 */
export class PgAlarmStore implements AlarmStore {
  constructor(private readonly db: PgDb) {}

  async active(kind?: AlarmKind): Promise<Alarm[]> {
    const rows = await this.db.query<AlarmRow>(
      'SELECT * FROM alarms WHERE cleared_at IS NULL AND ($1::text IS NULL OR kind = $1) ORDER BY id',
      [kind ?? null],
    )
    return rows.map(toAlarm)
  }

  async raise(
    kind: AlarmKind,
    stationId: string,
    at: number,
    detail: unknown,
    subject = '',
  ): Promise<number> {
    const key = [kind, stationId, subject]
    // A raise that meets an open alarm answers that alarm. ON CONFLICT waits for a concurrent
    // raise to commit; the SELECT, a statement of its own, then sees it. Should that alarm be
    // cleared in between, there is none open any more and the INSERT is tried again.
    for (;;) {
      const inserted = await this.db.query<{ id: number }>(
        `INSERT INTO alarms (kind, station_id, subject, raised_at, detail) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, station_id, subject) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
        [...key, at, JSON.stringify(detail)],
      )
      const open =
        inserted[0] ??
        (
          await this.db.query<{ id: number }>(
            `SELECT id FROM alarms
             WHERE kind = $1 AND station_id = $2 AND subject = $3 AND cleared_at IS NULL`,
            key,
          )
        )[0]
      if (open) return open.id
    }
  }

  async clear(id: number, at: number, reason: string): Promise<void> {
    await this.db.query(
      'UPDATE alarms SET cleared_at = $1, clear_reason = $2 WHERE id = $3 AND cleared_at IS NULL',
      [at, reason, id],
    )
  }

  acknowledge(id: number, by: string, at: number): Promise<Alarm> {
    return this.db.transaction(async (c) => {
      const row = await lockAlarm(c, id)
      if (row.acked_by !== null) return toAlarm(row)
      await c.query('UPDATE alarms SET acked_by = $1, acked_at = $2 WHERE id = $3', [by, at, id])
      await audit(c, at, by, 'alarm.ack', {
        id,
        kind: row.kind,
        stationId: row.station_id,
        subject: row.subject,
      })
      return toAlarm({ ...row, acked_by: by, acked_at: at })
    })
  }

  resolve(id: number, by: string, at: number, note: string): Promise<Alarm> {
    return this.db.transaction(async (c) => {
      const row = await lockAlarm(c, id)
      if (row.resolved_by !== null) return toAlarm(row)
      const cleared = row.cleared_at === null ? { cleared_at: at, clear_reason: 'resolved' } : {}
      const next: AlarmRow = { ...row, ...cleared, resolved_by: by, resolved_at: at, resolve_note: note }
      await c.query(
        `UPDATE alarms SET cleared_at = $1, clear_reason = $2, resolved_by = $3, resolved_at = $4, resolve_note = $5
         WHERE id = $6`,
        [next.cleared_at, next.clear_reason, by, at, note, id],
      )
      await audit(c, at, by, 'alarm.resolve', {
        id,
        kind: row.kind,
        stationId: row.station_id,
        subject: row.subject,
        note,
      })
      return toAlarm(next)
    })
  }

  async resolvedSince(since: number): Promise<Resolution[]> {
    const rows = await this.db.query<{
      kind: AlarmKind
      station_id: string
      subject: string
      resolved_at: number
    }>(
      `SELECT kind, station_id, subject, max(resolved_at) AS resolved_at FROM alarms
       WHERE resolved_at >= $1 GROUP BY kind, station_id, subject
       ORDER BY kind COLLATE "C", station_id COLLATE "C", subject COLLATE "C"`,
      [since],
    )
    return rows.map((r) => ({
      kind: r.kind,
      stationId: r.station_id,
      subject: r.subject,
      resolvedAt: r.resolved_at,
    }))
  }

  openCounts(): Promise<{ kind: AlarmKind; acked: number; unacked: number }[]> {
    return this.db.query(
      `SELECT kind, count(acked_by) AS acked, count(*) - count(acked_by) AS unacked
       FROM alarms WHERE cleared_at IS NULL GROUP BY kind ORDER BY kind COLLATE "C"`,
    )
  }

  async get(id: number): Promise<Alarm | undefined> {
    const rows = await this.db.query<AlarmRow>('SELECT * FROM alarms WHERE id = $1', [id])
    return rows[0] && toAlarm(rows[0])
  }

  async list(filter: {
    active?: boolean
    kind?: AlarmKind
    stationId?: string
    townCode?: string
    from?: number
    to?: number
    limit: number
  }): Promise<Alarm[]> {
    // every filter is a bound parameter; only these fixed fragments are ever spliced in
    const filters: [string, string | number | undefined][] = [
      ['kind = $', filter.kind],
      ['station_id = $', filter.stationId],
      ['station_id IN (SELECT id FROM stations WHERE town_code = $)', filter.townCode],
      ['raised_at >= $', filter.from],
      ['raised_at < $', filter.to],
    ]
    const used = filters.filter(([, v]) => v !== undefined)
    const where = used.map(([sql], i) => sql.replace('$', `$${i + 1}`))
    if (filter.active === true) where.push('cleared_at IS NULL')
    if (filter.active === false) where.push('cleared_at IS NOT NULL')
    const params = [...used.map(([, v]) => v), filter.limit]
    const rows = await this.db.query<AlarmRow>(
      `SELECT * FROM alarms ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    )
    return rows.map(toAlarm)
  }
}
