import { IN_WINDOW_BEFORE_MS, minutes, OUT_WINDOW_AFTER_MS } from '@ejia/protocol'
import type { DutySchedule, ShiftInstance } from './schedule.js'

export interface Punch {
  personId: string
  direction: 'in' | 'out'
  at: number
  /** device: read at the kiosk; correction: added later, with an approver. */
  source: 'device' | 'correction'
}

export type ShiftStatus =
  | 'onTime'
  | 'late'
  | 'leftEarly'
  | 'lateAndLeftEarly'
  | 'missingIn'
  | 'missingOut'
  | 'absent'
  | 'onDuty'
  | 'notYet'

export interface ShiftResult {
  stationId: string
  date: string
  personId: string
  status: ShiftStatus
  in: number | null
  out: number | null
  lateMin: number
  earlyMin: number
  /** Any punch of this result came from an approved correction. */
  corrected: boolean
}

/**
 * Drops punches that repeat the same person's same direction within `withinMin` of the
 * first of the run: a card held too long or tapped twice is one punch.
 */
export function collapseDuplicates(punches: readonly Punch[], withinMin: number): Punch[] {
  const sorted = [...punches].sort((a, b) => a.at - b.at)
  const lastKept = new Map<string, Punch>()
  const out: Punch[] = []
  for (const p of sorted) {
    const key = `${p.personId}:${p.direction}`
    const prev = lastKept.get(key)
    if (prev && p.at - prev.at < withinMin * 60_000) continue
    lastKept.set(key, p)
    out.push(p)
  }
  return out
}

/**
 * Judges one shift for each expected cadre:
 * - the "in" is their first in-punch from 2 h before the start until the end;
 * - the "out" is their last out-punch after that (or after the start) until 4 h after the end;
 * - late when the in is more than `graceLateMin` after the start; left early when the out
 *   is more than `graceEarlyMin` before the end;
 * - an in without an out is `missingOut` once the out window has closed (`onDuty` before);
 *   an out without an in is `missingIn`; neither is `absent` (or `notYet` before the start).
 */
export function evaluateShift(
  shift: ShiftInstance,
  punches: readonly Punch[],
  schedule: Pick<DutySchedule, 'graceLateMin' | 'graceEarlyMin' | 'duplicateWithinMin'>,
  now: number,
): ShiftResult[] {
  const clean = collapseDuplicates(punches, schedule.duplicateWithinMin)
  return shift.personIds.map((personId) => {
    const mine = clean.filter((p) => p.personId === personId)
    const firstIn = mine.find(
      (p) => p.direction === 'in' && p.at >= shift.start - IN_WINDOW_BEFORE_MS && p.at <= shift.end,
    )
    const outs = mine.filter(
      (p) =>
        p.direction === 'out' &&
        p.at >= (firstIn?.at ?? shift.start) &&
        p.at <= shift.end + OUT_WINDOW_AFTER_MS,
    )
    const lastOut = outs.at(-1)
    const lateMs = firstIn ? firstIn.at - shift.start : 0
    const earlyMs = lastOut ? shift.end - lastOut.at : 0
    const late = firstIn !== undefined && lateMs > schedule.graceLateMin * 60_000
    const early = lastOut !== undefined && earlyMs > schedule.graceEarlyMin * 60_000
    let status: ShiftStatus
    if (!firstIn && !lastOut) status = now < shift.start ? 'notYet' : 'absent'
    else if (!firstIn) status = 'missingIn'
    else if (!lastOut) status = now <= shift.end + OUT_WINDOW_AFTER_MS ? 'onDuty' : 'missingOut'
    else status = late && early ? 'lateAndLeftEarly' : late ? 'late' : early ? 'leftEarly' : 'onTime'
    return {
      stationId: shift.stationId,
      date: shift.date,
      personId,
      status,
      in: firstIn?.at ?? null,
      out: lastOut?.at ?? null,
      lateMin: late ? minutes(lateMs) : 0,
      earlyMin: early ? minutes(earlyMs) : 0,
      corrected: [firstIn, lastOut].some((p) => p?.source === 'correction'),
    }
  })
}

/** Who is on duty at a station now: in, and not out since, during a shift that is on. */
/**
 * Where each cadre of a shift that is on stands right now, for the duty board: `waiting`
 * (no punch yet, still within grace), `absent` (no punch past grace), `onDuty` (in, with how
 * late), `left` (in and out again, with how early).
 */
export interface OnDutyPerson {
  personId: string
  state: 'waiting' | 'absent' | 'onDuty' | 'left'
  shiftStart: number
  shiftEnd: number
  in: number | null
  out: number | null
  lateMin: number
  earlyMin: number
}

export function onDutyNow(
  shifts: readonly ShiftInstance[],
  punches: readonly Punch[],
  schedule: Pick<DutySchedule, 'graceLateMin' | 'graceEarlyMin' | 'duplicateWithinMin'>,
  now: number,
): { inShift: boolean; onDuty: string[]; expected: string[]; unmanned: boolean; people: OnDutyPerson[] } {
  const current = shifts.filter((s) => now >= s.start && now < s.end)
  const people = current.flatMap((shift) =>
    evaluateShift(shift, punches, schedule, now).map((r): OnDutyPerson => {
      const withinGrace = now <= shift.start + schedule.graceLateMin * 60_000
      const state =
        r.in === null
          ? withinGrace
            ? 'waiting'
            : 'absent'
          : r.out !== null && r.out > r.in
            ? 'left'
            : 'onDuty'
      return {
        personId: r.personId,
        state,
        shiftStart: shift.start,
        shiftEnd: shift.end,
        in: r.in,
        out: r.out,
        lateMin: r.lateMin,
        earlyMin: r.earlyMin,
      }
    }),
  )
  const expected = [...new Set(current.flatMap((s) => s.personIds))]
  const clean = collapseDuplicates(punches, schedule.duplicateWithinMin).filter((p) => p.at <= now)
  const last = new Map<string, Punch>()
  for (const p of clean) last.set(p.personId, p)
  const earliest = Math.min(...current.map((s) => s.start))
  const onDuty = [...last.values()]
    .filter((p) => p.direction === 'in' && p.at >= earliest - IN_WINDOW_BEFORE_MS)
    .map((p) => p.personId)
    .sort()
  const pastGrace = current.some((s) => now > s.start + schedule.graceLateMin * 60_000)
  return {
    inShift: current.length > 0,
    onDuty,
    expected,
    unmanned: current.length > 0 && pastGrace && onDuty.length === 0,
    people,
  }
}
