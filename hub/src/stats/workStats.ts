import type { AttendanceResult } from '../domain/activities/attendance.js'
import { type StudyStatus, type StudyTargets, studyStatus } from '../domain/activities/studyHours.js'
import { evaluateShift, onDutyNow, type ShiftResult } from '../domain/duty/evaluate.js'
import { shiftsOn } from '../domain/duty/schedule.js'
import { addDays, atLocal, datesBetween, localDate } from '../domain/localTime.js'
import type { PhotoStore } from '../storage/photoStore.js'
import type { WorkStore } from '../storage/workStore.js'
import { type ActivityRecord, activityRecord, photoCandidates } from './activityRecord.js'

/** Where a station sits, and whether its figures can still change. */
export interface StationPlace {
  stationId: string
  stationName: string
  townCode: string
  townName: string
  /** Events are waiting on the kiosk: figures involving it may still change. */
  provisional: boolean
  backlog: number
  oldestUnsentAgeS: number | null
}

export interface DutyFigures {
  shifts: number
  onTime: number
  late: number
  leftEarly: number
  missingPunch: number
  absent: number
  corrected: number
  /** onTime ÷ shifts judged; null when there were none. */
  compliance: number | null
}

export interface AttendanceFigures {
  activities: number
  expected: number
  onLeave: number
  present: number
  vouched: number
  /** (present + vouched) ÷ (expected − on leave). */
  rate: number | null
  quorumFailed: number
}

export type Level = 'district' | 'town' | 'village' | 'person'

export interface Row<F> {
  level: Level
  code: string
  name: string
  figures: F
  provisional: boolean
  /** Age of the oldest unsent event among the stations behind this row. */
  oldestUnsentAgeS: number | null
}

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
    const schedules = await this.deps.work.schedules()
    const punches = await this.deps.work.dutyPunches(
      atLocal(from, '00:00') - 4 * 3600_000,
      atLocal(addDays(to, 2), '00:00'),
    )
    const now = this.deps.now()
    const out: ShiftResult[] = []
    for (const schedule of schedules) {
      const mine = punches.filter((p) => p.stationId === schedule.stationId)
      for (const date of datesBetween(from, to)) {
        for (const shift of shiftsOn(schedule, date)) out.push(...evaluateShift(shift, mine, schedule, now))
      }
    }
    return out
  }

  async duty(from: string, to: string, level: Level): Promise<Row<DutyFigures>[]> {
    const results = (await this.shiftResults(from, to)).filter(
      (r) => r.status !== 'notYet' && r.status !== 'onDuty',
    )
    return this.rollUp(
      results,
      level,
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

  async attendance(
    from: string,
    to: string,
    level: Exclude<Level, 'person'>,
  ): Promise<Row<AttendanceFigures>[]> {
    const results = await this.activityResults(from, to)
    return this.rollUp(
      results,
      level,
      (r) => r.plan.stationId,
      () => '',
      attendanceFigures,
    )
  }

  /** Activities held, by kind and by theme, per row. */
  async activityCounts(
    from: string,
    to: string,
    level: Exclude<Level, 'person'>,
  ): Promise<Row<Record<string, number>>[]> {
    const plans = await this.deps.work.plans({ from, to })
    return this.rollUp(
      plans,
      level,
      (p) => p.stationId,
      () => '',
      (ps) => {
        const counts: Record<string, number> = { total: ps.length }
        for (const p of ps) {
          counts[`kind.${p.kind}`] = (counts[`kind.${p.kind}`] ?? 0) + 1
          if (p.theme) counts[`theme.${p.theme}`] = (counts[`theme.${p.theme}`] ?? 0) + 1
        }
        return counts
      },
    )
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
    const schedules = await this.deps.work.schedules()
    const punches = await this.deps.work.dutyPunches(now - 36 * 3600_000, now + 60_000)
    const places = new Map(this.deps.places().map((p) => [p.stationId, p]))
    return schedules.flatMap((s) => {
      const place = places.get(s.stationId)
      if (!place) return []
      const shifts = [...shiftsOn(s, addDays(today, -1)), ...shiftsOn(s, today)]
      const mine = punches.filter((p) => p.stationId === s.stationId)
      return [{ ...place, ...onDutyNow(shifts, mine, s, now) }]
    })
  }

  /** Groups items by the row they fall in at `level`, and computes each row's figures. */
  private rollUp<T, F>(
    items: readonly T[],
    level: Level,
    stationOf: (t: T) => string,
    personOf: (t: T) => string,
    figures: (ts: T[]) => F,
  ): Row<F>[] {
    const places = new Map(this.deps.places().map((p) => [p.stationId, p]))
    const groups = new Map<string, { name: string; items: T[]; stations: Set<string> }>()
    for (const item of items) {
      const place = places.get(stationOf(item))
      if (!place) continue
      const [code, name] =
        level === 'district'
          ? ['district', this.deps.districtName()]
          : level === 'town'
            ? [place.townCode, place.townName]
            : level === 'village'
              ? [place.stationId, place.stationName]
              : [personOf(item), personOf(item)]
      const g = groups.get(code) ?? { name, items: [], stations: new Set<string>() }
      g.items.push(item)
      g.stations.add(place.stationId)
      groups.set(code, g)
    }
    return [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, g]) => {
        const behind = [...g.stations]
          .map((s) => places.get(s))
          .filter((p): p is StationPlace => p?.provisional === true)
        const ages = behind.map((p) => p.oldestUnsentAgeS ?? 0)
        return {
          level,
          code,
          name: g.name,
          figures: figures(g.items),
          provisional: behind.length > 0,
          oldestUnsentAgeS: ages.length > 0 ? Math.max(...ages) : null,
        }
      })
  }
}

function dutyFigures(results: ShiftResult[]): DutyFigures {
  const count = (...s: ShiftResult['status'][]) => results.filter((r) => s.includes(r.status)).length
  const onTime = count('onTime')
  return {
    shifts: results.length,
    onTime,
    late: count('late', 'lateAndLeftEarly'),
    leftEarly: count('leftEarly', 'lateAndLeftEarly'),
    missingPunch: count('missingIn', 'missingOut'),
    absent: count('absent'),
    corrected: results.filter((r) => r.corrected).length,
    compliance: results.length === 0 ? null : round(onTime / results.length),
  }
}

function attendanceFigures(items: { result: AttendanceResult }[]): AttendanceFigures {
  const sum = (f: (r: AttendanceResult) => number) => items.reduce((n, i) => n + f(i.result), 0)
  const expected = sum((r) => r.expected)
  const onLeave = sum((r) => r.onLeave)
  const came = sum((r) => r.present + r.vouched)
  const required = expected - onLeave
  return {
    activities: items.length,
    expected,
    onLeave,
    present: sum((r) => r.present),
    vouched: sum((r) => r.vouched),
    rate: required > 0 ? round(came / required) : null,
    quorumFailed: items.filter((i) => !i.result.quorumMet).length,
  }
}

const round = (n: number) => Math.round(n * 10_000) / 10_000
