import type { AlarmView, DutyNowRow, StationView } from '../src/api/types.js'

const TOWNS = [
  '城关镇',
  '东坝镇',
  '西河镇',
  '南山镇',
  '北湖街道',
  '青石镇',
  '柳林镇',
  '桃源镇',
  '白沙镇',
  '清水镇',
  '红旗街道',
  '高桥镇',
  '新华街道',
  '长岭镇',
  '石门镇',
]
const FIRST = [
  '张家',
  '李家',
  '王庄',
  '马岭',
  '杨柳',
  '枣园',
  '上河',
  '下河',
  '前进',
  '和平',
  '红星',
  '向阳',
  '光明',
  '胜利',
  '团结',
  '兴隆',
  '永安',
  '富民',
  '新民',
  '太平',
]
const SECOND = ['村', '社区', '新村', '东村', '西村']
const CADRES = ['王建国', '李秀英', '张伟', '刘芳', '陈明', '杨丽', '赵强', '黄敏', '周军', '吴静']
const FAULTS = [
  { device: 'camera', code: 'unplugged', message: '摄像头未连接' },
  { device: 'serial:card', code: 'disconnected', message: '/dev/serial/by-id/usb-reader 无响应' },
  { device: 'disk', code: 'low', message: '剩余空间 3%' },
  { device: 'serial:fp', code: 'unplugged', message: '指纹仪已拔出' },
]

/** A small deterministic PRNG (mulberry32), so the fake district is the same on every start. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SyntheticDistrict {
  stations: StationView[]
  duty: DutyNowRow[]
  alarms: AlarmView[]
  people: { personId: string; stationId: string; name: string }[]
}

/**
 * A district of `n` stations in 15 towns, as the hub's API would show it at `now`: mostly
 * online, some offline for each reason, some never seen, backlogs, faults and skewed clocks.
 */
export function syntheticDistrict(n: number, now: number, seed = 7): SyntheticDistrict {
  const rnd = prng(seed)
  const stations: StationView[] = []
  const duty: DutyNowRow[] = []
  const alarms: AlarmView[] = []
  const people: SyntheticDistrict['people'] = []
  // today's shifts began at the last full hour, at least an hour ago
  const shiftStart = Math.floor(now / 3600_000) * 3600_000 - 3600_000
  for (let i = 0; i < n; i++) {
    const t = i % TOWNS.length
    const v = Math.floor(i / TOWNS.length) + 1
    const id = `339901${String(t + 1).padStart(3, '0')}${String(v).padStart(3, '0')}`
    const name = `${FIRST[(i * 7 + t) % FIRST.length]}${SECOND[(i * 3) % SECOND.length]}${v > 20 ? v : ''}`
    const r = rnd()
    const status: StationView['status'] = r < 0.88 ? 'online' : r < 0.96 ? 'offline' : 'never'
    const reasonPick = rnd()
    const offlineReason =
      status !== 'offline'
        ? null
        : reasonPick < 0.5
          ? 'connectionLost'
          : reasonPick < 0.8
            ? 'heartbeatTimeout'
            : 'shutdown'
    const ageS =
      status === 'online'
        ? Math.floor(rnd() * 30)
        : status === 'offline'
          ? 120 + Math.floor(rnd() * 86_400)
          : null
    const backlog =
      status === 'never'
        ? null
        : status === 'offline'
          ? Math.floor(rnd() * 300)
          : rnd() < 0.05
            ? Math.floor(rnd() * 40) + 1
            : 0
    const faulty = status !== 'never' && rnd() < 0.04
    const skew =
      status === 'never'
        ? null
        : rnd() < 0.02
          ? Math.round((rnd() - 0.5) * 900)
          : Math.round((rnd() - 0.5) * 40) / 10
    stations.push({
      id,
      name,
      tier: 'village',
      townCode: `339901${String(t + 1).padStart(3, '0')}`,
      townName: TOWNS[t] as string,
      status,
      offlineReason,
      lastSeen: ageS === null ? null : new Date(now - ageS * 1000).toISOString(),
      lastSeenAgeS: ageS,
      backlog,
      oldestUnsentAgeS: backlog ? Math.floor(rnd() * 7200) + 60 : null,
      deadLetters: status === 'never' ? null : 0,
      clockSkewS: skew,
      lastSeq: status === 'never' ? null : Math.floor(rnd() * 20_000),
      versions:
        status === 'never'
          ? null
          : {
              agent: rnd() < 0.9 ? '0.1.0' : '0.0.9',
              protocol: '1',
              config: `cfg-2026-11-${rnd() < 0.8 ? '20' : '02'}`,
              models: 'yunet-2023mar+sface-2021dec',
            },
      heartbeatIntervalS: status === 'never' ? null : 30,
      faults: faulty
        ? [
            {
              ...(FAULTS[i % FAULTS.length] as (typeof FAULTS)[number]),
              since: new Date(now - 3600_000).toISOString(),
            },
          ]
        : [],
    } as StationView)
    const cadre = `${id}-c001`
    people.push({ personId: cadre, stationId: id, name: CADRES[i % CADRES.length] as string })
    if (i % 3 === 0) {
      const unmanned = rnd() < 0.06
      duty.push({
        stationId: id,
        stationName: name,
        townCode: `339901${String(t + 1).padStart(3, '0')}`,
        townName: TOWNS[t] as string,
        provisional: (backlog ?? 0) > 0,
        backlog: backlog ?? 0,
        oldestUnsentAgeS: null,
        inShift: true,
        onDuty: unmanned ? [] : [cadre],
        expected: [cadre],
        unmanned,
        people: [
          {
            personId: cadre,
            state: unmanned ? 'absent' : 'onDuty',
            shiftStart: new Date(shiftStart).toISOString(),
            shiftEnd: new Date(shiftStart + 8 * 3600_000).toISOString(),
            in: unmanned ? null : new Date(shiftStart + Math.floor(rnd() * 20) * 60_000).toISOString(),
            out: null,
            lateMin: 0,
            earlyMin: 0,
          },
        ],
      })
      const last = duty.at(-1)?.people[0]
      if (last?.in) {
        // late as the hub counts it: the whole lateness, once past a 5-minute grace
        const late = Math.ceil((Date.parse(last.in) - shiftStart) / 60_000)
        last.lateMin = late > 5 ? late : 0
      }
      if (unmanned)
        alarms.push({
          id: alarms.length + 1,
          kind: 'unmanned',
          stationId: id,
          raisedAt: new Date(now - Math.floor(rnd() * 3600_000)).toISOString(),
          detail: {
            expected: [cadre],
            kioskOnline: status === 'online',
            backlog: backlog ?? 0,
            provisional: false,
          },
          clearedAt: null,
          clearReason: null,
          ackedBy: null,
          ackedAt: null,
        })
    }
  }
  return { stations, duty, alarms, people }
}
