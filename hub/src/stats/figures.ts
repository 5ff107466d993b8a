import type { ActivityPlan, AttendanceResult, SignIn } from '../domain/activities/attendance.js'
import type { StudyStatus } from '../domain/activities/studyHours.js'
import type { ShiftResult } from '../domain/duty/evaluate.js'

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

export type Level = 'district' | 'town' | 'village' | 'person'

/** Narrows figures to one town or one station, for drilling down from a row above. */
export interface Scope {
  town?: string
  station?: string
}

export interface Row<F> {
  level: Level
  code: string
  name: string
  figures: F
  provisional: boolean
  /** Age of the oldest unsent event among the stations behind this row. */
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

export interface StudyFigures {
  members: number
  /** Members with at least the hours due by today. */
  onTrack: number
  behind: number
  /** Hours done, due by today and the year's target, summed over the members. */
  done: number
  dueByNow: number
  target: number
  /** onTrack ÷ members; null without members. */
  onTrackRate: number | null
  /** done ÷ target, capped at 1 per member: how much of the year's study is done. */
  completion: number | null
}

export function dutyFigures(results: readonly ShiftResult[]): DutyFigures {
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

export function attendanceFigures(items: readonly { result: AttendanceResult }[]): AttendanceFigures {
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

/**
 * One activity from one expected person's side, shaped as a one-person result, so that the
 * person rows of the attendance figures follow exactly the rules of the rows above them.
 */
export function personAttendance(
  plan: ActivityPlan,
  signIns: readonly SignIn[],
): { personId: string; stationId: string; result: AttendanceResult }[] {
  const first = new Map<string, SignIn>()
  for (const s of [...signIns].sort((a, b) => a.at - b.at))
    if (!first.has(s.personId)) first.set(s.personId, s)
  const onLeave = new Set(plan.leave.map((l) => l.personId))
  return [...new Set(plan.expected)].map((personId) => {
    const came = first.get(personId)
    const vouched = came?.method === 'vouch' ? 1 : 0
    const present = came && !vouched ? 1 : 0
    const leave = !came && onLeave.has(personId) ? 1 : 0
    return {
      personId,
      stationId: plan.stationId,
      result: {
        activityId: plan.activityId,
        expected: 1,
        // someone on leave who comes anyway counts as present, and is required after all
        onLeave: leave,
        present,
        vouched,
        absent: came || leave ? [] : [personId],
        unexpected: [],
        attendanceRate: came ? 1 : 0,
        quorumMet: true,
      },
    }
  })
}

export function studyFigures(members: readonly StudyStatus[]): StudyFigures {
  const sum = (f: (s: StudyStatus) => number) => members.reduce((n, s) => n + f(s), 0)
  const behind = members.filter((s) => s.behind).length
  const target = sum((s) => s.target)
  return {
    members: members.length,
    onTrack: members.length - behind,
    behind,
    done: round2(sum((s) => s.done)),
    dueByNow: round2(sum((s) => s.dueByNow)),
    target,
    onTrackRate: members.length === 0 ? null : round((members.length - behind) / members.length),
    completion: target > 0 ? round(sum((s) => Math.min(s.done, s.target)) / target) : null,
  }
}

export const round = (n: number) => Math.round(n * 10_000) / 10_000
const round2 = (n: number) => Math.round(n * 100) / 100
