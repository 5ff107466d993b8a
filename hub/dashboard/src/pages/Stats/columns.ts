import type {
  ActivityCounts,
  AttendanceFigures,
  DutyFigures,
  StatRow,
  StudyFigures,
} from '../../api/types.js'
import { percent } from '../../format.js'
import { zh } from '../../strings/index.js'
import type { Metric } from './view.js'

export type AnyRow = StatRow<unknown>
export interface Column {
  key: string
  label: string
  cell: (r: AnyRow) => string | number
}

const c = zh.stats.columns
const of =
  <F>(f: (x: F) => string | number) =>
  (r: AnyRow) =>
    f(r.figures as F)
const KINDS = [
  'themeDay',
  'branchAssembly',
  'committeeMeeting',
  'groupMeeting',
  'partyLecture',
  'study',
  'other',
]
const THEMES = ['education', 'service', 'deliberation', 'harmony', 'x']

/** The figure columns of each metric, in the order of the reports (hub/src/reports/tables.ts). */
export const COLUMNS: Record<Metric, Column[]> = {
  duty: [
    { key: 'shifts', label: c.shifts, cell: of<DutyFigures>((f) => f.shifts) },
    { key: 'onTime', label: c.onTime, cell: of<DutyFigures>((f) => f.onTime) },
    { key: 'late', label: c.late, cell: of<DutyFigures>((f) => f.late) },
    { key: 'leftEarly', label: c.leftEarly, cell: of<DutyFigures>((f) => f.leftEarly) },
    { key: 'missingPunch', label: c.missingPunch, cell: of<DutyFigures>((f) => f.missingPunch) },
    { key: 'absent', label: c.absent, cell: of<DutyFigures>((f) => f.absent) },
    { key: 'corrected', label: c.corrected, cell: of<DutyFigures>((f) => f.corrected) },
    { key: 'compliance', label: c.compliance, cell: of<DutyFigures>((f) => percent(f.compliance)) },
  ],
  attendance: [
    { key: 'activities', label: c.activities, cell: of<AttendanceFigures>((f) => f.activities) },
    { key: 'expected', label: c.expected, cell: of<AttendanceFigures>((f) => f.expected) },
    { key: 'onLeave', label: c.onLeave, cell: of<AttendanceFigures>((f) => f.onLeave) },
    { key: 'present', label: c.present, cell: of<AttendanceFigures>((f) => f.present) },
    { key: 'vouched', label: c.vouched, cell: of<AttendanceFigures>((f) => f.vouched) },
    { key: 'rate', label: c.rate, cell: of<AttendanceFigures>((f) => percent(f.rate)) },
    { key: 'quorumFailed', label: c.quorumFailed, cell: of<AttendanceFigures>((f) => f.quorumFailed) },
  ],
  activities: [
    { key: 'total', label: c.total, cell: of<ActivityCounts>((f) => f.total ?? 0) },
    { key: 'held', label: c.held, cell: of<ActivityCounts>((f) => f.held ?? 0) },
    ...KINDS.map((k) => ({
      key: `kind.${k}`,
      label: zh.kinds[k] ?? k,
      cell: of<ActivityCounts>((f) => f[`kind.${k}`] ?? 0),
    })),
    ...THEMES.map((t) => ({
      key: `theme.${t}`,
      label: zh.themes[t] ?? t,
      cell: of<ActivityCounts>((f) => f[`theme.${t}`] ?? 0),
    })),
  ],
  study: [
    { key: 'members', label: c.members, cell: of<StudyFigures>((f) => f.members) },
    { key: 'onTrack', label: c.onTrack, cell: of<StudyFigures>((f) => f.onTrack) },
    { key: 'behind', label: c.behind, cell: of<StudyFigures>((f) => f.behind) },
    { key: 'done', label: c.done, cell: of<StudyFigures>((f) => f.done) },
    { key: 'dueByNow', label: c.dueByNow, cell: of<StudyFigures>((f) => f.dueByNow) },
    { key: 'target', label: c.target, cell: of<StudyFigures>((f) => f.target) },
    { key: 'completion', label: c.completion, cell: of<StudyFigures>((f) => percent(f.completion)) },
  ],
}

/** The rate each row's bar shows, 0..1. */
export function chartRate(metric: Exclude<Metric, 'activities'>, r: AnyRow): number | null {
  if (metric === 'duty') return (r.figures as DutyFigures).compliance
  if (metric === 'attendance') return (r.figures as AttendanceFigures).rate
  return (r.figures as StudyFigures).completion
}

/** Activities of a row by kind, and theme days by theme, for the breakdown charts. */
export function breakdown(f: ActivityCounts) {
  return {
    kinds: KINDS.map((k) => ({ label: zh.kinds[k] ?? k, value: f[`kind.${k}`] ?? 0 })),
    themes: THEMES.map((t) => ({ label: zh.themes[t] ?? t, value: f[`theme.${t}`] ?? 0 })),
  }
}
