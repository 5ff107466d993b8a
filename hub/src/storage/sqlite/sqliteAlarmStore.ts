import type { Alarm, AlarmKind, AlarmStore } from '../alarmStore.js'
import { WorkError } from '../workStore.js'
import type { HubDb } from './hubDb.js'

interface AlarmRow {
  id: number
  kind: AlarmKind
  station_id: string
  raised_at: number
  detail: string
  cleared_at: number | null
  clear_reason: string | null
  acked_by: string | null
  acked_at: number | null
}

const toAlarm = (r: AlarmRow): Alarm => ({
  id: r.id,
  kind: r.kind,
  stationId: r.station_id,
  raisedAt: r.raised_at,
  detail: JSON.parse(r.detail),
  clearedAt: r.cleared_at,
  clearReason: r.clear_reason,
  ackedBy: r.acked_by,
  ackedAt: r.acked_at,
})

/** Alarms in the hub's SQLite file; acknowledgements go to the audit trail. */
export class SqliteAlarmStore implements AlarmStore {
  constructor(private readonly db: HubDb) {}

  async active(kind: AlarmKind): Promise<Alarm[]> {
    const rows = await this.db.reader.all<AlarmRow[]>(
      'SELECT * FROM alarms WHERE kind = ? AND cleared_at IS NULL ORDER BY id',
      kind,
    )
    return rows.map(toAlarm)
  }

  raise(kind: AlarmKind, stationId: string, at: number, detail: unknown): Promise<number> {
    return this.db.transaction(async (db) => {
      const r = await db.run(
        'INSERT INTO alarms (kind, station_id, raised_at, detail) VALUES (?, ?, ?, ?)',
        kind,
        stationId,
        at,
        JSON.stringify(detail),
      )
      return r.lastID as number
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
        JSON.stringify({ id, kind: row.kind, stationId: row.station_id }),
      )
      return toAlarm({ ...row, acked_by: by, acked_at: at })
    })
  }

  async get(id: number): Promise<Alarm | undefined> {
    const row = await this.db.reader.get<AlarmRow>('SELECT * FROM alarms WHERE id = ?', id)
    return row ? toAlarm(row) : undefined
  }

  async list(filter: {
    active?: boolean
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
