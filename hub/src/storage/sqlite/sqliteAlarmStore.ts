import type { Alarm, AlarmKind, AlarmStore, Resolution } from '../alarmStore.js'
import { WorkError } from '../workStore.js'
import type { HubDb } from './hubDb.js'

interface AlarmRow {
  id: number
  kind: AlarmKind
  station_id: string
  subject: string
  raised_at: number
  detail: string
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
  detail: JSON.parse(r.detail),
  clearedAt: r.cleared_at,
  clearReason: r.clear_reason,
  ackedBy: r.acked_by,
  ackedAt: r.acked_at,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at,
  resolveNote: r.resolve_note,
})

/** Alarms in the hub's SQLite file; acknowledgements and resolutions go to the audit trail. */
export class SqliteAlarmStore implements AlarmStore {
  constructor(private readonly db: HubDb) {}

  async active(kind?: AlarmKind): Promise<Alarm[]> {
    const rows = await this.db.reader.all<AlarmRow[]>(
      `SELECT * FROM alarms WHERE cleared_at IS NULL ${kind === undefined ? '' : 'AND kind = ?'} ORDER BY id`,
      ...(kind === undefined ? [] : [kind]),
    )
    return rows.map(toAlarm)
  }

  raise(kind: AlarmKind, stationId: string, at: number, detail: unknown, subject = ''): Promise<number> {
    return this.db.transaction(async (db) => {
      // the unique index on open alarms (migration 6) keeps one per (kind, station, subject)
      const r = await db.get<{ id: number }>(
        `INSERT INTO alarms (kind, station_id, subject, raised_at, detail) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, station_id, subject) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
        kind,
        stationId,
        subject,
        at,
        JSON.stringify(detail),
      )
      if (r) return r.id
      const open = await db.get<{ id: number }>(
        'SELECT id FROM alarms WHERE kind = ? AND station_id = ? AND subject = ? AND cleared_at IS NULL',
        kind,
        stationId,
        subject,
      )
      return open?.id as number
    })
  }

  async clear(id: number, at: number, reason: string): Promise<void> {
    await this.db.transaction((db) =>
      db.run(
        'UPDATE alarms SET cleared_at = ?, clear_reason = ? WHERE id = ? AND cleared_at IS NULL',
        at,
        reason,
        id,
      ),
    )
  }

  acknowledge(id: number, by: string, at: number): Promise<Alarm> {
    return this.db.transaction(async (db) => {
      const row = await db.get<AlarmRow>('SELECT * FROM alarms WHERE id = ?', id)
      if (!row) throw new WorkError('notFound', `no alarm ${id}`)
      if (row.acked_by !== null) return toAlarm(row)
      await db.run('UPDATE alarms SET acked_by = ?, acked_at = ? WHERE id = ?', by, at, id)
      await db.run(
        'INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)',
        at,
        by,
        'alarm.ack',
        JSON.stringify({ id, kind: row.kind, stationId: row.station_id, subject: row.subject }),
      )
      return toAlarm({ ...row, acked_by: by, acked_at: at })
    })
  }

  resolve(id: number, by: string, at: number, note: string): Promise<Alarm> {
    return this.db.transaction(async (db) => {
      const row = await db.get<AlarmRow>('SELECT * FROM alarms WHERE id = ?', id)
      if (!row) throw new WorkError('notFound', `no alarm ${id}`)
      if (row.resolved_by !== null) return toAlarm(row)
      const cleared = row.cleared_at === null ? { cleared_at: at, clear_reason: 'resolved' } : {}
      const next: AlarmRow = { ...row, ...cleared, resolved_by: by, resolved_at: at, resolve_note: note }
      await db.run(
        `UPDATE alarms SET cleared_at = ?, clear_reason = ?, resolved_by = ?, resolved_at = ?, resolve_note = ?
         WHERE id = ?`,
        next.cleared_at,
        next.clear_reason,
        by,
        at,
        note,
        id,
      )
      await db.run(
        'INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)',
        at,
        by,
        'alarm.resolve',
        JSON.stringify({ id, kind: row.kind, stationId: row.station_id, subject: row.subject, note }),
      )
      return toAlarm(next)
    })
  }

  async resolvedSince(since: number): Promise<Resolution[]> {
    const rows = await this.db.reader.all<
      { kind: AlarmKind; station_id: string; subject: string; resolved_at: number }[]
    >(
      `SELECT kind, station_id, subject, max(resolved_at) AS resolved_at FROM alarms
       WHERE resolved_at >= ? GROUP BY kind, station_id, subject`,
      since,
    )
    return rows.map((r) => ({
      kind: r.kind,
      stationId: r.station_id,
      subject: r.subject,
      resolvedAt: r.resolved_at,
    }))
  }

  async openCounts(): Promise<{ kind: AlarmKind; acked: number; unacked: number }[]> {
    return this.db.reader.all(
      `SELECT kind, count(acked_by) AS acked, count(*) - count(acked_by) AS unacked
       FROM alarms WHERE cleared_at IS NULL GROUP BY kind`,
    )
  }

  async get(id: number): Promise<Alarm | undefined> {
    const row = await this.db.reader.get<AlarmRow>('SELECT * FROM alarms WHERE id = ?', id)
    return row ? toAlarm(row) : undefined
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
    const where: string[] = []
    const args: unknown[] = []
    const when = (sql: string, ...values: unknown[]) => {
      where.push(sql)
      args.push(...values)
    }
    if (filter.active === true) when('cleared_at IS NULL')
    if (filter.active === false) when('cleared_at IS NOT NULL')
    if (filter.kind !== undefined) when('kind = ?', filter.kind)
    if (filter.stationId !== undefined) when('station_id = ?', filter.stationId)
    if (filter.townCode !== undefined)
      when('station_id IN (SELECT id FROM stations WHERE town_code = ?)', filter.townCode)
    if (filter.from !== undefined) when('raised_at >= ?', filter.from)
    if (filter.to !== undefined) when('raised_at < ?', filter.to)
    const rows = await this.db.reader.all<AlarmRow[]>(
      `SELECT * FROM alarms ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      ...args,
      filter.limit,
    )
    return rows.map(toAlarm)
  }
}
