import { StationId } from '@ejia/protocol'
import { parse } from 'csv-parse/sync'
import { Compile } from 'typebox/compile'

/** One village (or town-centre) station as a county's spreadsheet lists it. */
export interface StationRow {
  line: number
  townName: string
  villageName: string
  stationId: string
  contactName: string
  contactPhone: string
}

export interface CsvProblem {
  line: number
  message: string
}

/**
 * Header names as county offices write them. The first of each list is what our sample
 * uses; the rest are spellings seen in real station lists (full-width brackets, 乡镇).
 */
const COLUMNS = {
  townName: ['镇/街道', '镇（街道）', '镇(街道)', '乡镇', '乡镇/街道'],
  villageName: ['村/社区', '村（社区）', '村(社区)', '村居', '村/居'],
  stationId: ['站点编码', '统计用区划代码', '区划代码', '编码'],
  contactName: ['联系人', '负责人'],
  contactPhone: ['联系电话', '电话', '手机'],
} as const
type Column = keyof typeof COLUMNS
const REQUIRED: Column[] = ['townName', 'villageName', 'stationId']

const stationIdValidator = Compile(StationId)

/**
 * Reads the station list. Every row is checked and every problem reported with its line
 * number, so a technician fixes the spreadsheet in one pass.
 */
export function parseStationCsv(text: string): { rows: StationRow[]; problems: CsvProblem[] } {
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true })
  } catch (err) {
    return {
      rows: [],
      problems: [{ line: 0, message: `not a readable CSV file: ${(err as Error).message}` }],
    }
  }
  const [header, ...body] = records
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] }
  const index = {} as Record<Column, number>
  const problems: CsvProblem[] = []
  for (const col of Object.keys(COLUMNS) as Column[]) {
    index[col] = header.findIndex((h) => (COLUMNS[col] as readonly string[]).includes(h))
    if (index[col] < 0 && REQUIRED.includes(col)) {
      problems.push({ line: 1, message: `missing column "${COLUMNS[col][0]}" (found: ${header.join(', ')})` })
    }
  }
  if (problems.length > 0) return { rows: [], problems }

  const rows: StationRow[] = []
  const seen = new Map<string, number>()
  body.forEach((record, i) => {
    const line = i + 2
    const cell = (col: Column) => (index[col] >= 0 ? (record[index[col]] ?? '') : '')
    const row: StationRow = {
      line,
      townName: cell('townName'),
      villageName: cell('villageName'),
      stationId: cell('stationId'),
      contactName: cell('contactName'),
      contactPhone: cell('contactPhone'),
    }
    const before = problems.length
    if (row.townName === '') problems.push({ line, message: 'town (镇/街道) is empty' })
    if (row.villageName === '') problems.push({ line, message: 'village (村/社区) is empty' })
    if (!stationIdValidator.Check(row.stationId)) {
      problems.push({ line, message: `station code "${row.stationId}" is not a 12-digit division code` })
    } else if (seen.has(row.stationId)) {
      problems.push({
        line,
        message: `station code ${row.stationId} is also on line ${seen.get(row.stationId)}`,
      })
    }
    seen.set(row.stationId, line)
    if (problems.length === before) rows.push(row)
  })
  return { rows, problems }
}
