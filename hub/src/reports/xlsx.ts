import ExcelJS from 'exceljs'
import type { AttendanceFigures, DutyFigures, Row } from '../stats/workStats.js'

const LEVEL_NAMES = { district: '区县', town: '镇/街道', village: '村/社区', person: '人员' } as const

function sheetWithTitle(
  wb: ExcelJS.Workbook,
  name: string,
  title: string,
  header: string[],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1 },
  })
  ws.addRow([title])
  ws.mergeCells(1, 1, 1, header.length)
  const t = ws.getCell(1, 1)
  t.font = { bold: true, size: 16 }
  t.alignment = { horizontal: 'center' }
  const h = ws.addRow(header)
  h.font = { bold: true }
  h.eachCell((c) => {
    c.border = { bottom: { style: 'thin' } }
    c.alignment = { horizontal: 'center', wrapText: true }
  })
  ws.columns.forEach((c, i) => {
    c.width = i < 2 ? 18 : 11
  })
  return ws
}

const note = (r: Row<unknown>) =>
  r.provisional ? `临时数据：有记录未上传（最早 ${Math.round((r.oldestUnsentAgeS ?? 0) / 60)} 分钟前）` : ''

/** The attendance report as an office prints it: one row per unit, a total, provisional rows noted. */
export async function attendanceWorkbook(
  title: string,
  rows: readonly Row<AttendanceFigures>[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'ejia'
  const level = rows[0]?.level ?? 'village'
  const ws = sheetWithTitle(wb, '活动出勤', title, [
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
  ])
  for (const r of rows) {
    const f = r.figures
    ws.addRow([
      r.name,
      r.code,
      f.activities,
      f.expected,
      f.onLeave,
      f.present,
      f.vouched,
      f.rate,
      f.quorumFailed,
      note(r),
    ])
  }
  const sum = (k: keyof AttendanceFigures) => rows.reduce((n, r) => n + ((r.figures[k] as number) ?? 0), 0)
  const required = sum('expected') - sum('onLeave')
  const total = ws.addRow([
    '合计',
    '',
    sum('activities'),
    sum('expected'),
    sum('onLeave'),
    sum('present'),
    sum('vouched'),
    required > 0 ? Math.round(((sum('present') + sum('vouched')) / required) * 10_000) / 10_000 : null,
    sum('quorumFailed'),
    '',
  ])
  total.font = { bold: true }
  ws.getColumn(8).numFmt = '0.0%'
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** Duty compliance, one row per unit or per cadre. */
export async function dutyWorkbook(title: string, rows: readonly Row<DutyFigures>[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'ejia'
  const level = rows[0]?.level ?? 'village'
  const ws = sheetWithTitle(wb, '值班考勤', title, [
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
  ])
  for (const r of rows) {
    const f = r.figures
    ws.addRow([
      r.name,
      r.code,
      f.shifts,
      f.onTime,
      f.late,
      f.leftEarly,
      f.missingPunch,
      f.absent,
      f.corrected,
      f.compliance,
      note(r),
    ])
  }
  const sum = (k: keyof DutyFigures) => rows.reduce((n, r) => n + ((r.figures[k] as number) ?? 0), 0)
  const shifts = sum('shifts')
  const total = ws.addRow([
    '合计',
    '',
    shifts,
    sum('onTime'),
    sum('late'),
    sum('leftEarly'),
    sum('missingPunch'),
    sum('absent'),
    sum('corrected'),
    shifts ? Math.round((sum('onTime') / shifts) * 10_000) / 10_000 : null,
    '',
  ])
  total.font = { bold: true }
  ws.getColumn(10).numFmt = '0.0%'
  return Buffer.from(await wb.xlsx.writeBuffer())
}
