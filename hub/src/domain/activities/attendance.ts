/** A planned activity: who is expected, what counts as a quorum, who asked for leave. */
export interface ActivityPlan {
  activityId: string
  stationId: string
  kind:
    | 'themeDay'
    | 'branchAssembly'
    | 'committeeMeeting'
    | 'groupMeeting'
    | 'partyLecture'
    | 'study'
    | 'makeUp'
    | 'other'
  theme?: 'education' | 'service' | 'deliberation' | 'harmony' | 'x'
  /** The branch's own theme, for theme "x". */
  themeTitle?: string
  title: string
  agenda: string[]
  date: string
  expected: string[]
  /** Present must be at least this fraction of the expected (`more`: strictly more than). */
  quorum: { fraction: number; strictlyMore: boolean }
  leave: { personId: string; reason: string; approvedBy: string }[]
  /** Study hours credited to each person who attends. */
  hours: number
  /** For a make-up session: the activity it makes up for. */
  makeUpOf?: string
}

export interface SignIn {
  personId: string
  method: string
  at: number
  vouchedBy?: string
  /** The witness photo a kiosk took of a vouched sign-in (its `activity.photo` event). */
  witnessPhotoId?: string
}

export interface AttendanceResult {
  activityId: string
  expected: number
  onLeave: number
  /** Signed in by their own credential. */
  present: number
  /** Signed in on a cadre's word: present, but counted apart. */
  vouched: number
  absent: string[]
  /** Signed in without being on the expected list (guests, members of other branches). */
  unexpected: string[]
  /** (present + vouched) ÷ (expected − on leave); 1 when nobody was required. */
  attendanceRate: number
  quorumMet: boolean
}

/**
 * Who came. Each person counts once, by their first sign-in; a vouched sign-in counts as
 * present but is reported apart. Approved leave excuses a person from the attendance rate
 * (someone on leave who comes anyway counts as present), but not from the quorum, whose
 * base is everyone expected (党章: a branch assembly needs more than half of its members).
 */
export function attendance(plan: ActivityPlan, signIns: readonly SignIn[]): AttendanceResult {
  const expected = new Set(plan.expected)
  const first = new Map<string, SignIn>()
  for (const s of [...signIns].sort((a, b) => a.at - b.at))
    if (!first.has(s.personId)) first.set(s.personId, s)
  // someone on leave who comes anyway is simply present
  const leave = new Set(plan.leave.map((l) => l.personId).filter((p) => expected.has(p) && !first.has(p)))
  let present = 0
  let vouched = 0
  for (const [personId, s] of first) {
    if (!expected.has(personId)) continue
    if (s.method === 'vouch') vouched++
    else present++
  }
  const came = present + vouched
  const required = expected.size - leave.size
  const absent = plan.expected.filter((p) => !first.has(p) && !leave.has(p))
  const need = plan.quorum.fraction * expected.size
  return {
    activityId: plan.activityId,
    expected: expected.size,
    onLeave: leave.size,
    present,
    vouched,
    absent,
    unexpected: [...first.keys()].filter((p) => !expected.has(p)).sort(),
    attendanceRate: required <= 0 ? 1 : round(came / required),
    quorumMet: plan.quorum.strictlyMore ? came > need : came >= need,
  }
}

/** Default quorum rules by kind of meeting. */
export function defaultQuorum(kind: ActivityPlan['kind']): ActivityPlan['quorum'] {
  return kind === 'branchAssembly' || kind === 'committeeMeeting'
    ? { fraction: 0.5, strictlyMore: true }
    : { fraction: 0, strictlyMore: false }
}

/**
 * After a make-up session, who still has not attended: absent from the original and from
 * every make-up of it.
 */
export function stillAbsent(original: AttendanceResult, makeUpSignIns: readonly SignIn[]): string[] {
  const madeUp = new Set(makeUpSignIns.map((s) => s.personId))
  return original.absent.filter((p) => !madeUp.has(p))
}

const round = (n: number) => Math.round(n * 10_000) / 10_000
