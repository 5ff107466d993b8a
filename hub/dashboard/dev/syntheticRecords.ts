import type {
  ActivityView,
  AuditView,
  FlagView,
  LedgerEvent,
  PersonRow,
  StationView,
} from '../src/api/types.js'
import { prng } from './syntheticFleet.js'

const MEMBERS = [
  '赵国庆',
  '钱玉兰',
  '孙志强',
  '李春梅',
  '周建华',
  '吴秀珍',
  '郑海涛',
  '王桂英',
  '冯立新',
  '陈淑芬',
]
const METHODS = ['card', 'card', 'face', 'face', 'qr', 'fingerprint', 'pin']
const KINDS = [
  ['themeDay', '主题党日', 2],
  ['branchAssembly', '支部党员大会', 1],
  ['partyLecture', '党课', 2],
  ['groupMeeting', '党小组会', 1],
] as const
const THEMES = ['education', 'service', 'deliberation', 'harmony'] as const
const DAY = 86_400_000

export interface SyntheticRecords {
  people: PersonRow[]
  events: LedgerEvent[]
  activities: ActivityView[]
  audit: AuditView[]
}

const iso = (ms: number) => new Date(ms).toISOString()
const localDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)

/**
 * The records behind the fake hub's record and statistics routes: a roster of a cadre and six
 * members per station, the last six weeks of check-ins and duty punches, four activities a
 * month per station with sign-ins, photos and now and then a reason to inspect, and an audit
 * trail. Deterministic, like the fleet.
 */
export function syntheticRecords(stations: readonly StationView[], now: number, seed = 5): SyntheticRecords {
  const rnd = prng(seed)
  const people: PersonRow[] = []
  const events: LedgerEvent[] = []
  const activities: ActivityView[] = []
  let ingest = 0
  const push = (s: StationView, type: string, at: number, body: object) => {
    ingest += 1
    events.push({
      ingestId: ingest,
      id: `fake-${ingest}`,
      stationId: s.id,
      seq: ingest,
      type,
      time: iso(at),
      receivedAt: iso(at + 2000),
      body,
    })
  }
  const start = now - 42 * DAY
  for (const [i, s] of stations.entries()) {
    const cadre = `${s.id}-c001`
    const members = Array.from({ length: 6 }, (_, k) => `${s.id}-m00${k + 1}`)
    people.push({ personId: cadre, stationId: s.id, name: '', roles: ['cadre'] })
    for (const [k, m] of members.entries())
      people.push({
        personId: m,
        stationId: s.id,
        name: MEMBERS[(i + k * 3) % MEMBERS.length] as string,
        roles: ['member'],
      })
    if (s.status === 'never') continue
    // a weekday duty shift 09:00-17:00 China time (01:00-09:00 UTC), and villagers' visits
    for (let day = Math.floor(start / DAY) * DAY; day < now; day += DAY) {
      const weekday = new Date(day).getUTCDay()
      if (weekday === 0 || weekday === 6) continue
      const inAt = day + 3600_000 - 20 * 60_000 + Math.floor(rnd() * (rnd() < 0.1 ? 40 : 24) * 60_000)
      if (rnd() < 0.95 && inAt < now)
        push(s, 'duty.punch', inAt, { personId: cadre, direction: 'in', method: 'card' })
      const outAt = day + 9 * 3600_000 - (rnd() < 0.08 ? 40 : 4) * 60_000 + Math.floor(rnd() * 30 * 60_000)
      if (rnd() < 0.9 && outAt < now)
        push(s, 'duty.punch', outAt, { personId: cadre, direction: 'out', method: 'card' })
      if (rnd() < 0.4) {
        const at = day + 2 * 3600_000 + Math.floor(rnd() * 6 * 3600_000)
        const who = members[Math.floor(rnd() * members.length)] as string
        if (at < now) push(s, 'checkin', at, { personId: who, method: METHODS[Math.floor(rnd() * 7)] })
      }
    }
    // four activities a month, on fixed days, this month and the last
    for (const monthsBack of [1, 0]) {
      const d = new Date(now + 8 * 3600_000)
      d.setUTCDate(1)
      d.setUTCMonth(d.getUTCMonth() - monthsBack)
      for (const [k, [kind, title, hours]] of KINDS.entries()) {
        const date = `${d.toISOString().slice(0, 8)}${String(5 + k * 6).padStart(2, '0')}`
        const at = Date.parse(`${date}T01:30:00Z`)
        if (at > now) continue
        activities.push(activity(s, { kind, title, hours, date, at, cadre, members, rnd, push }))
      }
    }
  }
  const names = ['王建国', '李秀英', '张伟', '刘芳', '陈明', '杨丽', '赵强', '黄敏', '周军', '吴静']
  for (const [i, p] of people.entries())
    if (p.name === '') p.name = names[Math.floor(i / 7) % names.length] as string
  return { people, events, activities, audit: auditTrail(stations, now) }
}

function activity(
  s: StationView,
  a: {
    kind: string
    title: string
    hours: number
    date: string
    at: number
    cadre: string
    members: string[]
    rnd: () => number
    push: (s: StationView, type: string, at: number, body: object) => void
  },
): ActivityView {
  const { rnd, members } = a
  const activityId = `${s.id}-${a.date}-${a.kind}`
  const theme = a.kind === 'themeDay' ? THEMES[Math.floor(rnd() * 4)] : undefined
  const leave =
    rnd() < 0.3 ? [{ personId: members[5] as string, reason: '外出务工', approvedBy: a.cadre }] : []
  const comes = members.filter((m) => rnd() < 0.8 && !leave.some((l) => l.personId === m))
  const vouched = comes.length > 2 && rnd() < 0.15 ? comes.slice(-1) : []
  const signIns = comes.map((personId, k) => {
    const at = iso(a.at + k * 40_000)
    const vouch = vouched.includes(personId)
    const method = vouch ? 'vouch' : (METHODS[Math.floor(rnd() * 7)] as string)
    a.push(s, 'checkin', a.at + k * 40_000, {
      personId,
      method,
      activityId,
      ...(vouch ? { vouchedBy: a.cadre } : {}),
    })
    return {
      personId,
      method,
      at,
      ...(vouch ? { vouchedBy: a.cadre, witness: { photoId: null, recorded: false, uploaded: false } } : {}),
    }
  })
  const hasPhoto = rnd() < 0.92
  const faces = hasPhoto ? Math.max(0, comes.length + Math.round((rnd() - 0.6) * 4)) : undefined
  const photoId = `${activityId
    .replace(/[^0-9a-z]/gi, '')
    .padEnd(64, '0')
    .slice(0, 64)}`
  const photos = hasPhoto
    ? [
        {
          photoId,
          stationId: s.id,
          purpose: 'evidence' as const,
          activityId,
          ...(faces === undefined ? {} : { faces }),
          width: 1280,
          height: 960,
          bytes: 180_000,
          takenBy: a.cadre,
          at: iso(a.at + 30 * 60_000),
          uploaded: true,
          url: `/api/photos/${photoId}`,
          thumbUrl: `/api/photos/${photoId}/thumb`,
        },
      ]
    : []
  const signedIn = comes.length
  const min = Math.ceil(signedIn * 0.5)
  const max = Math.floor(signedIn * 1.5) + 3
  const flags: ActivityView['photoCheck']['flags'] = []
  if (!hasPhoto) flags.push('noPhoto')
  else if ((faces ?? 0) < min) flags.push('tooFewFaces')
  if (vouched.length > 0) flags.push('witnessMissing')
  const expected = members.length
  const quorum =
    a.kind === 'branchAssembly' ? { fraction: 0.5, strictlyMore: true } : { fraction: 0, strictlyMore: false }
  const absent = members.filter((m) => !comes.includes(m) && !leave.some((l) => l.personId === m))
  return {
    plan: {
      activityId,
      stationId: s.id,
      kind: a.kind as ActivityView['plan']['kind'],
      ...(theme ? { theme } : {}),
      title: theme
        ? `${a.title}：${{ education: '学习党章', service: '为民办实事', deliberation: '村务议事', harmony: '平安巡逻' }[theme]}`
        : a.title,
      agenda: ['学习传达上级精神', '讨论本月村务', '党员发言'],
      date: a.date,
      expected: members,
      quorum,
      leave,
      hours: a.hours,
    },
    started: { at: iso(a.at - 5 * 60_000), by: a.cadre },
    ended: { at: iso(a.at + 90 * 60_000), by: a.cadre },
    result: {
      activityId,
      expected,
      onLeave: leave.length,
      present: comes.length - vouched.length,
      vouched: vouched.length,
      absent,
      unexpected: [],
      attendanceRate: Math.round((comes.length / Math.max(1, expected - leave.length)) * 10_000) / 10_000,
      quorumMet: quorum.strictlyMore ? comes.length > expected * quorum.fraction : true,
    },
    stillAbsent: absent,
    signIns,
    photos,
    photoCheck: {
      outcome: !hasPhoto ? 'noPhoto' : (faces ?? 0) < min ? 'tooFewFaces' : 'ok',
      signedIn,
      best: hasPhoto ? { photoId, faces: faces ?? 0 } : null,
      expectedFaces: { min, max },
      vouchedWithoutWitness: vouched,
      flags,
    },
  } as ActivityView
}

/** The records to inspect, as GET /api/activities/flags answers them. */
export function flagsOf(
  list: readonly ActivityView[],
  station: (id: string) => StationView | undefined,
): FlagView[] {
  return list
    .filter((a) => a.photoCheck.flags.length > 0)
    .map((a) => ({
      activityId: a.plan.activityId,
      stationId: a.plan.stationId,
      stationName: station(a.plan.stationId)?.name ?? null,
      townCode: station(a.plan.stationId)?.townCode ?? null,
      date: a.plan.date,
      kind: a.plan.kind,
      title: a.plan.title,
      flags: a.photoCheck.flags,
      photoCheck: a.photoCheck,
      photos: a.photos,
    }))
}

function auditTrail(stations: readonly StationView[], now: number): AuditView[] {
  const actions = [
    ['admin', 'people.upsert', (s: StationView) => ({ stationId: s.id, people: 7 })],
    [
      'town-339901001',
      'duty.schedule',
      (s: StationView) => ({ stationId: s.id, validFrom: localDay(now - 20 * DAY) }),
    ],
    ['admin', 'alarm.ack', (s: StationView) => ({ alarmId: 12, stationId: s.id })],
    ['town-339901002', 'activity.plan', (s: StationView) => ({ activityId: `${s.id}-day`, stationId: s.id })],
    [
      'cadre-339901001001',
      'duty.correction.request',
      (s: StationView) => ({ stationId: s.id, direction: 'in' }),
    ],
    ['admin', 'operator.add', () => ({ username: 'town-339901003', tier: 'town' })],
    ['ejia-operator', 'operator.password', () => ({ username: 'admin' })],
  ] as const
  return Array.from({ length: 240 }, (_, i) => {
    const [actor, action, detail] = actions[i % actions.length] as (typeof actions)[number]
    const s = stations[(i * 7) % stations.length] as StationView
    return { id: 240 - i, at: iso(now - i * 47 * 60_000), actor, action, detail: detail(s) }
  })
}
