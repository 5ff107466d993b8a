import type { Event } from '@ejia/protocol'
import { v7 as uuidv7 } from 'uuid'
import { seededRandom, seedOf } from '../fleet/random.js'
import { personName } from './personDetails.js'

/**
 * A month of a town's work, generated with its ground truth: what each cadre really did on
 * each shift, who really came to each activity. Tests compute the expected figures from the
 * truth, independently of the hub's rules, and compare.
 */

export type ShiftTruth =
  | 'onTime'
  | 'late'
  | 'leftEarly'
  | 'lateAndLeftEarly'
  | 'missingIn'
  | 'missingOut'
  | 'absent'

export interface ScenarioPerson {
  personId: string
  stationId: string
  name: string
  roles: ('member' | 'cadre' | 'villager')[]
}

export interface ScenarioShift {
  stationId: string
  personId: string
  date: string
  /** Local HH:MM. */
  start: string
  end: string
  truth: ShiftTruth
  /** What the rules should find after corrections: an approved correction repairs a missing punch. */
  expected: ShiftTruth
  corrected: boolean
  lateMin: number
  earlyMin: number
}

export interface ScenarioActivity {
  activityId: string
  stationId: string
  kind: 'themeDay' | 'branchAssembly'
  theme?: 'education' | 'service' | 'deliberation' | 'harmony' | 'x'
  title: string
  date: string
  expected: string[]
  leave: string[]
  /** Came and signed in themselves. */
  present: string[]
  /** Came and were vouched for by a cadre. */
  vouched: string[]
  guests: string[]
  hours: number
}

export interface ScenarioCorrection {
  stationId: string
  personId: string
  direction: 'in' | 'out'
  /** Local date and HH:MM of the missing punch. */
  date: string
  time: string
  decision: 'approved' | 'rejected' | 'pending'
}

export interface MonthScenario {
  month: string
  stations: { stationId: string; name: string }[]
  people: ScenarioPerson[]
  schedules: {
    stationId: string
    patterns: { weekday: number; start: string; end: string; personIds: string[] }[]
    holidays: string[]
  }[]
  shifts: ScenarioShift[]
  activities: ScenarioActivity[]
  corrections: ScenarioCorrection[]
  /** Every event the kiosks journalled, in per-station sequence. */
  events: Event[]
}

const GRACE = 5

export function generateMonth(opts: {
  townCode: string
  stations: number
  month: string
  seed: number
}): MonthScenario {
  const rand = seededRandom(opts.seed)
  // event ids from their own stream: the same month gives the same ids, so the hub's ledger
  // (which dedups by id) takes a second run of the same scenario as duplicates
  const idRand = seededRandom(seedOf(`ids:${opts.townCode}:${opts.month}:${opts.seed}`))
  const idBytes = () => Uint8Array.from({ length: 16 }, () => Math.floor(idRand() * 256))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
  const [y, m] = opts.month.split('-').map(Number) as [number, number]
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  const date = (d: number) => `${opts.month}-${String(d).padStart(2, '0')}`
  const weekday = (d: number) => ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1
  const holiday = date(16)

  const scenario: MonthScenario = {
    month: opts.month,
    stations: [],
    people: [],
    schedules: [],
    shifts: [],
    activities: [],
    corrections: [],
    events: [],
  }
  const seqs = new Map<string, number>()
  const emit = (
    stationId: string,
    localDateStr: string,
    hhmm: string,
    plusSec: number,
    type: Event['type'],
    body: unknown,
  ) => {
    const seq = (seqs.get(stationId) ?? 0) + 1
    seqs.set(stationId, seq)
    const at = Date.parse(`${localDateStr}T${hhmm}:00.000+08:00`) + plusSec * 1000
    scenario.events.push({
      id: uuidv7({ msecs: at, random: idBytes() }),
      stationId,
      seq,
      time: new Date(at).toISOString(),
      type,
      body,
    } as Event)
  }

  for (let s = 1; s <= opts.stations; s++) {
    const stationId = `${opts.townCode}${String(s).padStart(3, '0')}`
    scenario.stations.push({ stationId, name: `测试${s}村` })
    const cadres = [`${stationId}-c1`, `${stationId}-c2`]
    const members = Array.from(
      { length: between(8, 16) },
      (_, i) => `${stationId}-m${String(i + 1).padStart(2, '0')}`,
    )
    for (const c of cadres)
      scenario.people.push({ personId: c, stationId, name: personName(c), roles: ['cadre', 'member'] })
    for (const mm of members)
      scenario.people.push({ personId: mm, stationId, name: personName(mm), roles: ['member'] })
    const night = s % 5 === 0 // some stations keep a Wednesday night watch, across midnight
    const patterns = [1, 2, 3, 4, 5].map((wd) => ({
      weekday: wd,
      start: '08:30',
      end: '17:30',
      personIds: [cadres[0] as string],
    }))
    if (night) patterns.push({ weekday: 3, start: '22:00', end: '06:00', personIds: [cadres[1] as string] })
    scenario.schedules.push({ stationId, patterns, holidays: [holiday] })

    // duty, day by day, in time order
    const punches: { date: string; time: string; sec: number; personId: string; direction: 'in' | 'out' }[] =
      []
    for (let d = 1; d <= days; d++) {
      if (date(d) === holiday) continue
      for (const p of patterns.filter((x) => x.weekday === weekday(d))) {
        const personId = p.personIds[0] as string
        const truth = pick<ShiftTruth>([
          'onTime',
          'onTime',
          'onTime',
          'onTime',
          'onTime',
          'onTime',
          'late',
          'leftEarly',
          'lateAndLeftEarly',
          'missingIn',
          'missingOut',
          'absent',
        ])
        const crosses = p.end < p.start
        const endDate = crosses ? date(d + 1 <= days ? d + 1 : d) : date(d)
        if (crosses && d === days) continue // keep every night shift inside the month
        const startMin = toMin(p.start)
        const endMin = toMin(p.end)
        const lateMin = truth === 'late' || truth === 'lateAndLeftEarly' ? between(GRACE + 1, 60) : 0
        const earlyMin = truth === 'leftEarly' || truth === 'lateAndLeftEarly' ? between(GRACE + 1, 90) : 0
        // on time means within the grace: anything from 10 min early to exactly 5 min late
        const inOffset = lateMin > 0 ? lateMin : between(-10, GRACE)
        const outOffset = earlyMin > 0 ? -earlyMin : between(-GRACE, 20)
        const shift: ScenarioShift = {
          stationId,
          personId,
          date: date(d),
          start: p.start,
          end: p.end,
          truth,
          expected: truth,
          corrected: false,
          lateMin,
          earlyMin,
        }
        if (truth !== 'missingIn' && truth !== 'absent') {
          punches.push({
            date: date(d),
            time: fromMin(startMin + inOffset),
            sec: 0,
            personId,
            direction: 'in',
          })
          if (rand() < 0.15)
            punches.push({
              date: date(d),
              time: fromMin(startMin + inOffset + 1),
              sec: between(0, 59),
              personId,
              direction: 'in',
            })
        }
        if (truth !== 'missingOut' && truth !== 'absent') {
          const out = endMin + outOffset
          punches.push({
            date: out < 0 ? date(d) : endDate,
            time: fromMin(out),
            sec: 0,
            personId,
            direction: 'out',
          })
          if (rand() < 0.15)
            punches.push({ date: endDate, time: fromMin(out + 2), sec: 0, personId, direction: 'out' })
        }
        if (truth === 'missingIn' || truth === 'missingOut') {
          const decision = pick<ScenarioCorrection['decision']>([
            'approved',
            'approved',
            'rejected',
            'pending',
          ])
          const direction = truth === 'missingIn' ? 'in' : 'out'
          scenario.corrections.push({
            stationId,
            personId,
            direction,
            date: direction === 'in' ? date(d) : endDate,
            time: direction === 'in' ? p.start : p.end,
            decision,
          })
          if (decision === 'approved') {
            // the repaired shift is judged like any other: on time, unless the other punch was off
            shift.expected = 'onTime'
            shift.corrected = true
          }
        }
        scenario.shifts.push(shift)
      }
    }
    punches.sort((a, b) => `${a.date}${a.time}${a.sec}`.localeCompare(`${b.date}${b.time}${b.sec}`))
    for (const p of punches)
      emit(stationId, p.date, p.time, p.sec, 'duty.punch', {
        personId: p.personId,
        direction: p.direction,
        method: pick(['face', 'card', 'fingerprint']),
      })

    // the activity day on the 25th, and one branch assembly
    const assemblyDay = pick([3, 8, 12, 19]) // never the 16th (holiday) or the 25th
    for (const [kind, d] of [
      ['themeDay', 25],
      ['branchAssembly', assemblyDay],
    ] as const) {
      const expected = [...cadres, ...members]
      const leave = expected.filter(() => rand() < 0.08)
      const present: string[] = []
      const vouched: string[] = []
      for (const p of expected) {
        if (leave.includes(p) && rand() < 0.8) continue
        const r = rand()
        if (r < 0.72) present.push(p)
        else if (r < 0.78) vouched.push(p)
      }
      const guests = rand() < 0.3 ? [`${stationId}-v01`] : []
      const activity: ScenarioActivity = {
        activityId: `${stationId}-${kind}-${date(d)}`,
        stationId,
        kind,
        ...(kind === 'themeDay'
          ? { theme: pick(['education', 'service', 'deliberation', 'harmony', 'x'] as const) }
          : {}),
        title: kind === 'themeDay' ? '主题党日' : '支部党员大会',
        date: date(d),
        expected,
        leave,
        present,
        vouched,
        guests,
        hours: kind === 'themeDay' ? 2 : 1,
      }
      scenario.activities.push(activity)
      emit(stationId, date(d), '19:00', 0, 'activity.start', {
        activityId: activity.activityId,
        kind,
        title: activity.title,
        startedBy: cadres[0],
        ...(activity.theme ? { theme: activity.theme } : {}),
      })
      let t = 1
      for (const p of [...present, ...guests]) {
        emit(stationId, date(d), '19:00', t++, 'checkin', {
          personId: p,
          method: pick(['face', 'card', 'qr']),
          activityId: activity.activityId,
        })
        if (rand() < 0.1)
          emit(stationId, date(d), '19:00', t++, 'checkin', {
            personId: p,
            method: 'card',
            activityId: activity.activityId,
          })
      }
      for (const p of vouched)
        emit(stationId, date(d), '19:00', t++, 'checkin', {
          personId: p,
          method: 'vouch',
          vouchedBy: cadres[0],
          activityId: activity.activityId,
        })
      emit(stationId, date(d), '21:00', 0, 'activity.end', {
        activityId: activity.activityId,
        endedBy: cadres[0],
      })
    }
  }
  // the kiosks journal in time order: give each station's events their sequence in that order
  scenario.events.sort((a, b) => a.stationId.localeCompare(b.stationId) || a.time.localeCompare(b.time))
  const next = new Map<string, number>()
  for (const e of scenario.events) {
    const n = (next.get(e.stationId) ?? 0) + 1
    next.set(e.stationId, n)
    e.seq = n
  }
  return scenario
}

const toMin = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return h * 60 + m
}
const fromMin = (min: number) => {
  const v = ((min % 1440) + 1440) % 1440
  return `${String(Math.floor(v / 60)).padStart(2, '0')}:${String(v % 60).padStart(2, '0')}`
}
