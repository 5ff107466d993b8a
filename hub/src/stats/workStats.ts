import { addDays, atLocal, datesBetween, localDate } from '@ejia/protocol'
import { type StudyStatus, type StudyTargets, studyStatus } from '../domain/activities/studyHours.js'
import { evaluateShift, onDutyNow, type ShiftResult } from '../domain/duty/evaluate.js'
import { type DutySchedule, rotaInForce, shiftsOn } from '../domain/duty/schedule.js'
import type { PhotoStore } from '../storage/photoStore.js'
import type { WorkStore } from '../storage/workStore.js'
import { type ActivityRecord, activityRecord, photoCandidates } from './activityRecord.js'
import {
  type AttendanceFigures,
  attendanceFigures,
  type DutyFigures,
  dutyFigures,
  type Level,
  personAttendance,
  type Row,
  type Scope,
  type StationPlace,
  type StudyFigures,
  studyFigures,
} from './figures.js'
import { rollUp } from './rollUp.js'

export type {
  AttendanceFigures,
  DutyFigures,
  Level,
  Row,
  Scope,
  StationPlace,
  StudyFigures,
} from './figures.js'

export const DEFAULT_TARGETS: StudyTargets = { yearly: 32, byQuarter: [8, 16, 24, 32] }

/**
 * The figures offices ask for, computed from the ledger and the work data by the rules in
 * domain/: duty compliance, activity attendance, activity counts and study hours, each at
 * district, town, village or person level, with provisional figures marked.
 */
export class WorkStats {
  constructor(
    private readonly deps: {
      work: WorkStore
      places: () => StationPlace[]
      districtName: () => string
      now: () => number
      targets?: StudyTargets
      /** Where uploaded photos are; without it (figures only) no photo counts as uploaded. */
      photos?: Pick<PhotoStore, 'uploaded'>
    },
  ) {}

  stationIds(): string[] {
    return this.deps.places().map((p) => p.stationId)
  }

  place(stationId: string): StationPlace | undefined {
    return this.deps.places().find((p) => p.stationId === stationId)
  }

  /** Every judged shift between two local dates (inclusive). */
  async shiftResults(from: string, to: string): Promise<ShiftResult[]> {
    const rotas = byStation(await this.deps.work.schedules())
    const punches = await this.deps.work.dutyPunches(
      atLocal(from, '00:00') - 4 * 3600_000,
      atLocal(addDays(to, 2), '00:00'),
    )
    const now = this.deps.now()
    const out: ShiftResult[] = []
    // only days a rota is in force, and none after tomorrow (their shifts are all still to
    // come): a range of 0000-01-01 to 9999-12-31 was millions of days a station (found by
    // test/fuzz/hubApi.test.ts)
    const tomorrow = addDays(localDate(now), 1)
    for (const [stationId, versions] of rotas) {
      const mine = punches.filter((p) => p.stationId === stationId)
      // YYYY-MM-DD sorts as the days do; a rota without validFrom ('') is in force from the start
      const firstInForce = versions.map((v) => v.validFrom ?? '').sort()[0] ?? ''
      const [, first] = [from, firstInForce].sort() as [string, string]
      const [last] = [to, tomorrow].sort() as [string, string]
      for (const date of datesBetween(first, last)) {
        const rota = rotaInForce(versions, date)
        if (!rota) continue
        for (const shift of shiftsOn(rota, date)) out.push(...evaluateShift(shift, mine, rota, now))
      }
    }
    return out
  }

  async duty(from: string, to: string, level: Level, scope: Scope = {}): Promise<Row<DutyFigures>[]> {
    const results = (await this.shiftResults(from, to)).filter(
      (r) => r.status !== 'notYet' && r.status !== 'onDuty',
    )
    return rollUp(
      results,
      await this.at(level, scope),
      (r) => r.stationId,
      (r) => r.personId,
      dutyFigures,
    )
  }

  /**
   * The record of each activity planned in a date range: its attendance, sign-ins, photos
   * and photo check.
   */
  async activityResults(
    from: string,
    to: string,
    opts: { makeUps?: boolean } = {},
  ): Promise<ActivityRecord[]> {
    const plans = (await this.deps.work.plans({ from, to })).filter(
      (p) => opts.makeUps || p.kind !== 'makeUp',
    )
    const activityIds = plans.map((p) => p.activityId)
    const byActivity = await this.deps.work.signIns(plans)
    const witnessIds = [...byActivity.values()].flat().flatMap((s) => s.witnessPhotoId ?? [])
    const photos = await this.deps.work.activityPhotos({ activityIds, photoIds: witnessIds })
    const candidates = photoCandidates(photos)
    const marks = await this.deps.work.activityMarks(plans)
    const uploaded = new Map<string, ReadonlySet<string>>()
    for (const stationId of new Set(photos.map((p) => p.stationId)))
      uploaded.set(stationId, (await this.deps.photos?.uploaded(stationId)) ?? new Set())
    return plans.map((plan) => {
      const signIns = byActivity.get(plan.activityId) ?? []
      const own = uploaded.get(plan.stationId) ?? new Set<string>()
      return activityRecord(
        plan,
        signIns,
        candidates(plan.activityId, signIns),
        own,
        marks.get(plan.activityId),
      )
    })
  }

  /** Attendance per row; at person level, each member's own record over the activities they were expected at. */
  async attendance(
    from: string,
    to: string,
    level: Level,
    scope: Scope = {},
  ): Promise<Row<AttendanceFigures>[]> {
    const results = await this.activityResults(from, to)
    const at = await this.at(level, scope)
    if (level === 'person') {
      const perPerson = results.flatMap((r) => personAttendance(r.plan, r.signIns))
      return rollUp(
        perPerson,
        at,
        (r) => r.stationId,
        (r) => r.personId,
        attendanceFigures,
      )
    }
    return rollUp(
      results,
      at,
      (r) => r.plan.stationId,
      () => '',
      attendanceFigures,
    )
  }

  /**
   * Activities planned, by kind and by theme, per row, and how many of them were held: opened
   * at the kiosk or signed in to. A plan in the future is planned, not yet held or missed.
   */
  async activityCounts(
    from: string,
    to: string,
    level: Exclude<Level, 'person'>,
    scope: Scope = {},
  ): Promise<Row<Record<string, number>>[]> {
    const records = await this.activityResults(from, to)
    return rollUp(
      records,
      await this.at(level, scope),
      (r) => r.plan.stationId,
      () => '',
      (rs) => {
        const counts: Record<string, number> = { total: rs.length, held: 0 }
        for (const { plan, started, signIns } of rs) {
          counts[`kind.${plan.kind}`] = (counts[`kind.${plan.kind}`] ?? 0) + 1
          if (plan.theme) counts[`theme.${plan.theme}`] = (counts[`theme.${plan.theme}`] ?? 0) + 1
          if (started || signIns.length > 0) counts.held = (counts.held ?? 0) + 1
        }
        return counts
      },
    )
  }

  /** Study-hour completion per row: members on track and behind, hours done against the target. */
  async studyCompletion(today: string, level: Level, scope: Scope = {}): Promise<Row<StudyFigures>[]> {
    const members = await this.study(today)
    return rollUp(
      members,
      await this.at(level, scope),
      (m) => m.stationId,
      (m) => m.personId,
      studyFigures,
    )
  }

  /** Where rows are drawn: level, scope, the stations now, and people's names for person rows. */
  private async at(level: Level, scope: Scope) {
    return {
      level,
      scope,
      places: this.deps.places(),
      districtName: this.deps.districtName(),
      ...(level === 'person'
        ? { names: new Map((await this.deps.work.people()).map((p) => [p.personId, p.name])) }
        : {}),
    }
  }

  /**
   * Study hours of every member this year: hours from activities attended (credited per
   * plan), plus the ledger's study sessions and hours entered at the hub.
   */
  async study(today: string): Promise<(StudyStatus & { stationId: string; name: string })[]> {
    const year = Number(today.slice(0, 4))
    const people = (await this.deps.work.people()).filter((p) => p.roles.includes('member'))
    const entries = [...(await this.deps.work.studyEntries(year))]
    // everyone who signed in to an activity (make-ups included) earns its hours, once
    for (const { plan, signIns } of await this.activityResults(`${year}-01-01`, today, { makeUps: true })) {
      if (plan.hours <= 0) continue
      for (const personId of new Set(signIns.map((x) => x.personId))) {
        entries.push({
          personId,
          hours: plan.hours,
          source: 'activity',
          ref: plan.activityId,
          date: plan.date,
        })
      }
    }
    const targets = this.deps.targets ?? DEFAULT_TARGETS
    return people.map((p) => ({
      ...studyStatus(p.personId, entries, targets, today),
      stationId: p.stationId,
      name: p.name,
    }))
  }

  /** Every station with a rota: who is on duty now, and whether it is unmanned. */
  async onDutyNow(): Promise<(ReturnType<typeof onDutyNow> & StationPlace)[]> {
    const now = this.deps.now()
    const today = localDate(now)
    const rotas = byStation(await this.deps.work.schedules())
    const punches = await this.deps.work.dutyPunches(now - 36 * 3600_000, now + 60_000)
    const places = new Map(this.deps.places().map((p) => [p.stationId, p]))
    return [...rotas].flatMap(([stationId, versions]) => {
      const place = places.get(stationId)
      const yesterday = rotaInForce(versions, addDays(today, -1))
      const current = rotaInForce(versions, today)
      if (!place || !(current ?? yesterday)) return []
      // last night's shift still runs on yesterday's rota
      const shifts = [
        ...(yesterday ? shiftsOn(yesterday, addDays(today, -1)) : []),
        ...(current ? shiftsOn(current, today) : []),
      ]
      const mine = punches.filter((p) => p.stationId === stationId)
      return [{ ...place, ...onDutyNow(shifts, mine, (current ?? yesterday) as DutySchedule, now) }]
    })
  }
}

function byStation(versions: readonly DutySchedule[]): Map<string, DutySchedule[]> {
  const out = new Map<string, DutySchedule[]>()
  for (const v of versions) out.set(v.stationId, [...(out.get(v.stationId) ?? []), v])
  return out
}
