import type { Database } from '@ejia/platform'
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
import { activityEvents } from './activityEvents.js'
import type { HubDb } from './hubDb.js'
import { peopleTable } from './peopleTable.js'

export class SqliteWorkStore implements WorkStore {
  private readonly read: Database

  constructor(
    private readonly db: HubDb,
    private readonly now: () => number = Date.now,
  ) {
    this.read = db.reader
  }

  upsertPeople(people: readonly Person[], actor: string): Promise<void> {
    return this.db.transaction(async (db) => {
      await peopleTable.upsert(db, people)
      await this.auditIn(db, actor, 'people.upsert', {
        count: people.length,
        people: people.map((p) => p.personId).slice(0, 50),
      })
    })
  }

  removePerson(personId: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (db) => {
      const removed = await peopleTable.remove(db, personId)
      if (removed) await this.auditIn(db, actor, 'people.remove', { personId })
      return removed
    })
  }

  people(filter: { stationId?: string; townCode?: string } = {}): Promise<Person[]> {
    return peopleTable.list(this.read, filter)
  }

  rosterVersion(stationId: string): Promise<number> {
    return peopleTable.version(this.read, stationId)
  }

  rosterDelta(stationId: string, since: number): Promise<RosterDelta> {
    return peopleTable.delta(this.read, stationId, since)
  }

  setSchedule(schedule: DutySchedule, actor: string): Promise<void> {
    return this.db.transaction(async (db) => {
      await db.run(
        `INSERT INTO duty_rotas (station_id, valid_from, body, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (station_id, valid_from) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
        schedule.stationId,
        schedule.validFrom ?? '',
        JSON.stringify(schedule),
        this.now(),
      )
      await this.auditIn(db, actor, 'duty.schedule', {
        stationId: schedule.stationId,
        validFrom: schedule.validFrom ?? null,
      })
    })
  }

  async schedules(): Promise<DutySchedule[]> {
    const rows = await this.read.all<{ body: string }[]>(
      'SELECT body FROM duty_rotas ORDER BY station_id, valid_from',
    )
    return rows.map((r) => JSON.parse(r.body) as DutySchedule)
  }

  requestCorrection(c: Omit<Correction, 'id' | 'status' | 'decidedBy' | 'decidedAt'>): Promise<number> {
    return this.db.transaction(async (db) => {
      const r = await db.run(
        `INSERT INTO duty_corrections (station_id, person_id, direction, at, reason, requested_by, requested_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
        c.stationId,
        c.personId,
        c.direction,
        c.at,
        c.reason,
        c.requestedBy,
        c.requestedAt,
      )
      await this.auditIn(db, c.requestedBy, 'duty.correction.request', { id: r.lastID, ...c })
      return r.lastID as number
    })
  }

  decideCorrection(id: number, approve: boolean, by: string, at: number): Promise<Correction> {
    return this.db.transaction(async (db) => {
      const r = await db.run(
        "UPDATE duty_corrections SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
        approve ? 'approved' : 'rejected',
        by,
        at,
        id,
      )
      const row = await db.get<Record<string, unknown>>('SELECT * FROM duty_corrections WHERE id = ?', id)
      if (!row) throw new WorkError('notFound', `no correction ${id}`)
      if ((r.changes ?? 0) === 0)
        throw new WorkError('alreadyDecided', `correction ${id} was already decided`)
      await this.auditIn(db, by, approve ? 'duty.correction.approve' : 'duty.correction.reject', { id })
      return toCorrection(row)
    })
  }

  async corrections(
    filter: { stationId?: string; status?: Correction['status'] } = {},
  ): Promise<Correction[]> {
    const rows = await this.read.all<Record<string, unknown>[]>(
      `SELECT * FROM duty_corrections WHERE (?1 IS NULL OR station_id = ?1) AND (?2 IS NULL OR status = ?2) ORDER BY id`,
      filter.stationId ?? null,
      filter.status ?? null,
    )
    return rows.map(toCorrection)
  }

  savePlan(plan: ActivityPlan, actor: string): Promise<void> {
    return this.db.transaction(async (db) => {
      await db.run(
        `INSERT INTO activity_plans (activity_id, station_id, date, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (activity_id) DO UPDATE SET station_id = excluded.station_id, date = excluded.date, body = excluded.body`,
        plan.activityId,
        plan.stationId,
        plan.date,
        JSON.stringify(plan),
      )
      await this.auditIn(db, actor, 'activity.plan', { activityId: plan.activityId })
    })
  }

  async plans(filter: { from: string; to: string }): Promise<ActivityPlan[]> {
    const rows = await this.read.all<{ body: string }[]>(
      'SELECT body FROM activity_plans WHERE date >= ? AND date <= ? ORDER BY date, activity_id',
      filter.from,
      filter.to,
    )
    return rows.map((r) => JSON.parse(r.body) as ActivityPlan)
  }

  async plan(activityId: string): Promise<ActivityPlan | undefined> {
    const row = await this.read.get<{ body: string }>(
      'SELECT body FROM activity_plans WHERE activity_id = ?',
      activityId,
    )
    return row ? (JSON.parse(row.body) as ActivityPlan) : undefined
  }

  addStudyEntry(e: StudyEntry, actor: string): Promise<void> {
    return this.db.transaction(async (db) => {
      await db.run(
        'INSERT INTO study_entries (person_id, hours, source, ref, date) VALUES (?, ?, ?, ?, ?)',
        e.personId,
        e.hours,
        e.source,
        e.ref,
        e.date,
      )
      await this.auditIn(db, actor, 'study.entry', e)
    })
  }

  async studyEntries(year: number): Promise<StudyEntry[]> {
    return this.read.all<StudyEntry[]>(
      "SELECT person_id AS personId, hours, source, ref, date FROM study_entries WHERE date LIKE ? || '-%' ORDER BY id",
      String(year),
    )
  }

  saveInspection(
    month: string,
    seed: number,
    stations: readonly string[],
    at: number,
    actor: string,
  ): Promise<void> {
    return this.db.transaction(async (db) => {
      // a sample, once drawn, is the record: it is never redrawn
      await db.run(
        'INSERT INTO inspections (month, seed, drawn_at, stations) VALUES (?, ?, ?, ?)',
        month,
        seed,
        at,
        JSON.stringify(stations),
      )
      await this.auditIn(db, actor, 'inspection.draw', { month, seed, stations })
    })
  }

  async inspection(month: string) {
    const r = await this.read.get<{ month: string; seed: number; drawn_at: number; stations: string }>(
      'SELECT * FROM inspections WHERE month = ?',
      month,
    )
    return r
      ? { month: r.month, seed: r.seed, drawnAt: r.drawn_at, stations: JSON.parse(r.stations) as string[] }
      : undefined
  }

  audit(actor: string, action: string, detail: unknown): Promise<void> {
    return this.db.transaction((db) => this.auditIn(db, actor, action, detail))
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = await this.read.all<
      { id: number; at: number; actor: string; action: string; detail: string }[]
    >('SELECT * FROM audit ORDER BY id DESC LIMIT ?', limit)
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }))
  }

  async dutyPunches(from: number, to: number): Promise<(Punch & { stationId: string })[]> {
    const fromIso = new Date(from).toISOString()
    const toIso = new Date(to).toISOString()
    const rows = await this.read.all<
      {
        station_id: string
        device_time: string
        received_at: number
        sent_skew_ms: number | null
        body: string
      }[]
    >(
      "SELECT station_id, device_time, received_at, sent_skew_ms, body FROM events WHERE type = 'duty.punch' AND device_time >= ? AND device_time < ? ORDER BY device_time",
      fromIso,
      toIso,
    )
    const device = rows.filter((r) =>
      punchTimeCredible(Date.parse(r.device_time), r.received_at, r.sent_skew_ms),
    )
    const corrected = await this.read.all<
      { station_id: string; person_id: string; direction: 'in' | 'out'; at: number }[]
    >(
      "SELECT station_id, person_id, direction, at FROM duty_corrections WHERE status = 'approved' AND at >= ? AND at < ?",
      from,
      to,
    )
    return [
      ...device.map((r) => {
        const b = JSON.parse(r.body) as { personId: string; direction: 'in' | 'out' }
        return {
          stationId: r.station_id,
          personId: b.personId,
          direction: b.direction,
          at: Date.parse(r.device_time),
          source: 'device' as const,
        }
      }),
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
    return activityEvents.signIns(this.read, activities)
  }

  activityPhotos(q: {
    activityIds?: readonly string[]
    photoIds?: readonly string[]
  }): Promise<ActivityPhoto[]> {
    return activityEvents.photos(this.read, q)
  }

  activityMarks(
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, ActivityMarks>> {
    return activityEvents.marks(this.read, activities)
  }

  private async auditIn(db: Database, actor: string, action: string, detail: unknown): Promise<void> {
    await db.run(
      'INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)',
      this.now(),
      actor,
      action,
      JSON.stringify(detail),
    )
  }
}

function toCorrection(r: Record<string, unknown>): Correction {
  return {
    id: r.id as number,
    stationId: r.station_id as string,
    personId: r.person_id as string,
    direction: r.direction as 'in' | 'out',
    at: r.at as number,
    reason: r.reason as string,
    requestedBy: r.requested_by as string,
    requestedAt: r.requested_at as number,
    status: r.status as Correction['status'],
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: (r.decided_at as number | null) ?? null,
  }
}
