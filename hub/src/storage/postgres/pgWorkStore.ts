import type pg from 'pg'
import type { ActivityPlan, SignIn } from '../../domain/activities/attendance.js'
import type { ActivityPhoto } from '../../domain/activities/photoCheck.js'
import type { StudyEntry } from '../../domain/activities/studyHours.js'
import { punchTimeCredible } from '../../domain/duty/deviceTime.js'
import type { Punch } from '../../domain/duty/evaluate.js'
import type { DutySchedule } from '../../domain/duty/schedule.js'
import {
  type ActivityMarks,
  type AuditEntry,
  type Correction,
  type Person,
  type RosterDelta,
  WorkError,
  type WorkStore,
} from '../workStore.js'
import { pgActivityEvents } from './pgActivityEvents.js'
import type { PgDb } from './pgDb.js'
import { pgPeople } from './pgPeople.js'

type Client = pg.PoolClient

interface CorrectionRow {
  id: number
  station_id: string
  person_id: string
  direction: 'in' | 'out'
  at: number
  reason: string
  requested_by: string
  requested_at: number
  status: Correction['status']
  decided_by: string | null
  decided_at: number | null
}

/**
 * The work store in PostgreSQL, answering as SqliteWorkStore does: the same rows in the same
 * order, the same WorkError codes. Each change and its audit entry are one transaction;
 * text is ordered byte by byte (COLLATE "C"), as SQLite orders it, whatever the database's
 * collation.
 */
export class PgWorkStore implements WorkStore {
  constructor(
    private readonly db: PgDb,
    private readonly now: () => number = Date.now,
  ) {}

  upsertPeople(people: readonly Person[], actor: string): Promise<void> {
    return this.db.transaction(async (c) => {
      await pgPeople.upsert(c, people)
      await this.auditIn(c, actor, 'people.upsert', {
        count: people.length,
        people: people.map((p) => p.personId).slice(0, 50),
      })
    })
  }

  removePerson(personId: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (c) => {
      const removed = await pgPeople.remove(c, personId)
      if (removed) await this.auditIn(c, actor, 'people.remove', { personId })
      return removed
    })
  }

  people(filter: { stationId?: string; townCode?: string } = {}): Promise<Person[]> {
    return pgPeople.list(this.db, filter)
  }

  rosterVersion(stationId: string): Promise<number> {
    return pgPeople.version(this.db, stationId)
  }

  rosterDelta(stationId: string, since: number): Promise<RosterDelta> {
    return pgPeople.delta(this.db, stationId, since)
  }

  setSchedule(schedule: DutySchedule, actor: string): Promise<void> {
    return this.db.transaction(async (c) => {
      await c.query(
        `INSERT INTO duty_rotas (station_id, valid_from, body, updated_at) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (station_id, valid_from) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
        [schedule.stationId, schedule.validFrom ?? '', JSON.stringify(schedule), this.now()],
      )
      await this.auditIn(c, actor, 'duty.schedule', {
        stationId: schedule.stationId,
        validFrom: schedule.validFrom ?? null,
      })
    })
  }

  async schedules(): Promise<DutySchedule[]> {
    const rows = await this.db.query<{ body: DutySchedule }>(
      'SELECT body FROM duty_rotas ORDER BY station_id COLLATE "C", valid_from COLLATE "C"',
    )
    return rows.map((r) => r.body)
  }

  requestCorrection(c: Omit<Correction, 'id' | 'status' | 'decidedBy' | 'decidedAt'>): Promise<number> {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO duty_corrections (station_id, person_id, direction, at, reason, requested_by, requested_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') RETURNING id`,
        [c.stationId, c.personId, c.direction, c.at, c.reason, c.requestedBy, c.requestedAt],
      )
      const id = rows[0]?.id as number
      await this.auditIn(client, c.requestedBy, 'duty.correction.request', { id, ...c })
      return id
    })
  }

  decideCorrection(id: number, approve: boolean, by: string, at: number): Promise<Correction> {
    return this.db.transaction(async (c) => {
      // the row lock makes a second decision wait for the first, then find it decided
      const { rows } = await c.query<CorrectionRow>(
        `UPDATE duty_corrections SET status = $1, decided_by = $2, decided_at = $3
         WHERE id = $4 AND status = 'pending' RETURNING *`,
        [approve ? 'approved' : 'rejected', by, at, id],
      )
      const row = rows[0]
      if (!row) {
        const { rows: found } = await c.query('SELECT 1 FROM duty_corrections WHERE id = $1', [id])
        if (found.length === 0) throw new WorkError('notFound', `no correction ${id}`)
        throw new WorkError('alreadyDecided', `correction ${id} was already decided`)
      }
      await this.auditIn(c, by, approve ? 'duty.correction.approve' : 'duty.correction.reject', { id })
      return toCorrection(row)
    })
  }

  async corrections(
    filter: { stationId?: string; status?: Correction['status'] } = {},
  ): Promise<Correction[]> {
    const rows = await this.db.query<CorrectionRow>(
      `SELECT * FROM duty_corrections
       WHERE ($1::text IS NULL OR station_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id`,
      [filter.stationId ?? null, filter.status ?? null],
    )
    return rows.map(toCorrection)
  }

  savePlan(plan: ActivityPlan, actor: string): Promise<void> {
    return this.db.transaction(async (c) => {
      await c.query(
        `INSERT INTO activity_plans (activity_id, station_id, date, body) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (activity_id) DO UPDATE SET station_id = excluded.station_id, date = excluded.date, body = excluded.body`,
        [plan.activityId, plan.stationId, plan.date, JSON.stringify(plan)],
      )
      await this.auditIn(c, actor, 'activity.plan', { activityId: plan.activityId })
    })
  }

  async plans(filter: { from: string; to: string }): Promise<ActivityPlan[]> {
    const rows = await this.db.query<{ body: ActivityPlan }>(
      `SELECT body FROM activity_plans WHERE date >= $1 AND date <= $2
       ORDER BY date COLLATE "C", activity_id COLLATE "C"`,
      [filter.from, filter.to],
    )
    return rows.map((r) => r.body)
  }

  async plan(activityId: string): Promise<ActivityPlan | undefined> {
    const rows = await this.db.query<{ body: ActivityPlan }>(
      'SELECT body FROM activity_plans WHERE activity_id = $1',
      [activityId],
    )
    return rows[0]?.body
  }

  addStudyEntry(e: StudyEntry, actor: string): Promise<void> {
    return this.db.transaction(async (c) => {
      await c.query(
        'INSERT INTO study_entries (person_id, hours, source, ref, date) VALUES ($1, $2, $3, $4, $5)',
        [e.personId, e.hours, e.source, e.ref, e.date],
      )
      await this.auditIn(c, actor, 'study.entry', e)
    })
  }

  studyEntries(year: number): Promise<StudyEntry[]> {
    return this.db.query<StudyEntry>(
      `SELECT person_id AS "personId", hours, source, ref, date FROM study_entries
       WHERE date LIKE $1 || '-%' ORDER BY id`,
      [String(year)],
    )
  }

  saveInspection(
    month: string,
    seed: number,
    stations: readonly string[],
    at: number,
    actor: string,
  ): Promise<void> {
    return this.db.transaction(async (c) => {
      // a sample, once drawn, is the record: it is never redrawn (a second draw fails on the key)
      await c.query(
        'INSERT INTO inspections (month, seed, drawn_at, stations) VALUES ($1, $2, $3, $4::jsonb)',
        [month, seed, at, JSON.stringify(stations)],
      )
      await this.auditIn(c, actor, 'inspection.draw', { month, seed, stations })
    })
  }

  async inspection(month: string) {
    const rows = await this.db.query<{ month: string; seed: number; drawn_at: number; stations: string[] }>(
      'SELECT month, seed, drawn_at, stations FROM inspections WHERE month = $1',
      [month],
    )
    const r = rows[0]
    return r ? { month: r.month, seed: r.seed, drawnAt: r.drawn_at, stations: r.stations } : undefined
  }

  audit(actor: string, action: string, detail: unknown): Promise<void> {
    return this.db.transaction((c) => this.auditIn(c, actor, action, detail))
  }

  auditLog(limit: number): Promise<AuditEntry[]> {
    return this.db.query<AuditEntry>(
      'SELECT id, at, actor, action, detail FROM audit ORDER BY id DESC LIMIT $1',
      [limit],
    )
  }

  async dutyPunches(from: number, to: number): Promise<(Punch & { stationId: string })[]> {
    const [rows, corrected] = await Promise.all([
      this.db.query<{
        station_id: string
        device_time: string
        received_at: number
        sent_skew_ms: number | null
        body: { personId: string; direction: 'in' | 'out' }
      }>(
        `SELECT station_id, device_time, received_at, sent_skew_ms, body FROM events
         WHERE type = 'duty.punch' AND device_time >= $1 AND device_time < $2
         ORDER BY device_time COLLATE "C", ingest_id`,
        [new Date(from).toISOString(), new Date(to).toISOString()],
      ),
      this.db.query<{ station_id: string; person_id: string; direction: 'in' | 'out'; at: number }>(
        `SELECT station_id, person_id, direction, at FROM duty_corrections
         WHERE status = 'approved' AND at >= $1 AND at < $2 ORDER BY id`,
        [from, to],
      ),
    ])
    const device = rows.filter((r) =>
      punchTimeCredible(Date.parse(r.device_time), r.received_at, r.sent_skew_ms),
    )
    // device punches before corrections of the same instant, as the SQLite store's stable sort has them
    return [
      ...device.map((r) => ({
        stationId: r.station_id,
        personId: r.body.personId,
        direction: r.body.direction,
        at: Date.parse(r.device_time),
        source: 'device' as const,
      })),
      ...corrected.map((c) => ({
        stationId: c.station_id,
        personId: c.person_id,
        direction: c.direction,
        at: c.at,
        source: 'correction' as const,
      })),
    ].sort((a, b) => a.at - b.at)
  }

  signIns(activities: readonly { activityId: string; stationId: string }[]): Promise<Map<string, SignIn[]>> {
    return pgActivityEvents.signIns(this.db, activities)
  }

  activityPhotos(q: {
    activityIds?: readonly string[]
    photoIds?: readonly string[]
  }): Promise<ActivityPhoto[]> {
    return pgActivityEvents.photos(this.db, q)
  }

  activityMarks(
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, ActivityMarks>> {
    return pgActivityEvents.marks(this.db, activities)
  }

  private async auditIn(c: Client, actor: string, action: string, detail: unknown): Promise<void> {
    await c.query('INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4::jsonb)', [
      this.now(),
      actor,
      action,
      JSON.stringify(detail),
    ])
  }
}

function toCorrection(r: CorrectionRow): Correction {
  return {
    id: r.id,
    stationId: r.station_id,
    personId: r.person_id,
    direction: r.direction,
    at: r.at,
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  }
}
