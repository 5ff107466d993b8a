import type { AttendanceFigures, DutyFigures, Level, Row, StudyFigures } from '../stats/figures.js'

export type Cell = string | number | null

/**
 * A report as an office prints it: a title, Chinese headers, one line per unit or person,
 * a total line, and a note on provisional lines. XLSX and CSV are two renderings of it.
 */
export interface Table {
  sheet: string
  title: string
  header: string[]
  rows: Cell[][]
  total: Cell[]
  /** 0-based columns holding a rate, shown as a percentage. */
  percent: number[]
}

const LEVEL_NAMES: Record<Level, string> = {
  district: '区县',
  town: '镇/街道',
  village: '村/社区',
  person: '人员',
}

const note = (r: Row<unknown>) =>
  r.provisional ? `临时数据：有记录未上传（最早 ${Math.round((r.oldestUnsentAgeS ?? 0) / 60)} 分钟前）` : ''

const sumOf =
  <F>(rows: readonly Row<F>[]) =>
  (k: keyof F) =>
    rows.reduce((n, r) => n + ((r.figures[k] as number | null) ?? 0), 0)

const rate = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 10_000) / 10_000 : null)

export function attendanceTable(title: string, level: Level, rows: readonly Row<AttendanceFigures>[]): Table {
  const sum = sumOf(rows)
  return {
    sheet: '活动出勤',
    title,
    header: [
      LEVEL_NAMES[level],
      '编码',
      '活动次数',
      '应到人数',
      '请假',
      '实到（本人）',
      '实到（代签）',
      '出勤率',
      '未达法定人数',
      '备注',
    ],
    rows: rows.map(({ name, code, figures: f, ...r }) => [
      name,
      code,
      f.activities,
      f.expected,
      f.onLeave,
      f.present,
      f.vouched,
      f.rate,
      f.quorumFailed,
      note(r as Row<unknown>),
    ]),
    total: [
      '合计',
      '',
      sum('activities'),
      sum('expected'),
      sum('onLeave'),
      sum('present'),
      sum('vouched'),
      rate(sum('present') + sum('vouched'), sum('expected') - sum('onLeave')),
      sum('quorumFailed'),
      '',
    ],
    percent: [7],
  }
}

export function dutyTable(title: string, level: Level, rows: readonly Row<DutyFigures>[]): Table {
  const sum = sumOf(rows)
  return {
    sheet: '值班考勤',
    title,
    header: [
      LEVEL_NAMES[level],
      '编码',
      '应值班次',
      '按时',
      '迟到',
      '早退',
      '缺卡',
      '缺勤',
      '补卡',
      '合规率',
      '备注',
    ],
    rows: rows.map(({ name, code, figures: f, ...r }) => [
      name,
      code,
      f.shifts,
      f.onTime,
      f.late,
      f.leftEarly,
      f.missingPunch,
      f.absent,
      f.corrected,
      f.compliance,
      note(r as Row<unknown>),
    ]),
    total: [
      '合计',
      '',
      sum('shifts'),
      sum('onTime'),
      sum('late'),
      sum('leftEarly'),
      sum('missingPunch'),
      sum('absent'),
      sum('corrected'),
      rate(sum('onTime'), sum('shifts')),
      '',
    ],
    percent: [9],
  }
}

const KINDS: [string, string][] = [
  ['themeDay', '主题党日'],
  ['branchAssembly', '支部党员大会'],
  ['committeeMeeting', '支委会'],
  ['groupMeeting', '党小组会'],
  ['partyLecture', '党课'],
  ['study', '集中学习'],
  ['makeUp', '补课'],
  ['other', '其他'],
]
const THEMES: [string, string][] = [
  ['education', '党员教育'],
  ['service', '为民服务'],
  ['deliberation', '民主议事'],
  ['harmony', '平安和谐'],
  ['x', '自选主题'],
]

export function activityTable(
  title: string,
  level: Level,
  rows: readonly Row<Record<string, number>>[],
): Table {
  const keys = ['total', 'held', ...KINDS.map(([k]) => `kind.${k}`), ...THEMES.map(([t]) => `theme.${t}`)]
  const sum = (k: string) => rows.reduce((n, r) => n + (r.figures[k] ?? 0), 0)
  return {
    sheet: '活动开展',
    title,
    header: [
      LEVEL_NAMES[level],
      '编码',
      '计划',
      '已开展',
      ...KINDS.map(([, n]) => n),
      ...THEMES.map(([, n]) => `主题党日·${n}`),
      '备注',
    ],
    rows: rows.map((r) => [r.name, r.code, ...keys.map((k) => r.figures[k] ?? 0), note(r)]),
    total: ['合计', '', ...keys.map(sum), ''],
    percent: [],
  }
}

export function studyTable(title: string, level: Level, rows: readonly Row<StudyFigures>[]): Table {
  const sum = sumOf(rows)
  const round2 = (n: number) => Math.round(n * 100) / 100
  return {
    sheet: '学时完成',
    title,
    header: [
      LEVEL_NAMES[level],
      '编码',
      '党员人数',
      '进度达标',
      '进度落后',
      '已完成学时',
      '应完成学时（截至当日）',
      '全年目标学时',
      '达标率',
      '全年完成率',
      '备注',
    ],
    rows: rows.map(({ name, code, figures: f, ...r }) => [
      name,
      code,
      f.members,
      f.onTrack,
      f.behind,
      f.done,
      f.dueByNow,
      f.target,
      f.onTrackRate,
      f.completion,
      note(r as Row<unknown>),
    ]),
    total: [
      '合计',
      '',
      sum('members'),
      sum('onTrack'),
      sum('behind'),
      round2(sum('done')),
      round2(sum('dueByNow')),
      sum('target'),
      rate(sum('onTrack'), sum('members')),
      // completion caps each member at their target, so the total is the members' weighted mean
      rate(
        rows.reduce((n, r) => n + (r.figures.completion ?? 0) * r.figures.target, 0),
        sum('target'),
      ),
      '',
    ],
    percent: [8, 9],
  }
}
