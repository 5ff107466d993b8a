import { StationId } from '@ejia/protocol'
import { type Info, parse } from 'csv-parse/sync'
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
const TEXT_LIMITS = [
  ['townName', 'town (镇/街道)', 64],
  ['villageName', 'village (村/社区)', 64],
  ['contactName', 'contact (联系人)', 32],
  ['contactPhone', 'phone (联系电话)', 32],
] as const

/**
 * Reads the station list. Every row is checked and every problem reported with its line
 * number, so a technician fixes the spreadsheet in one pass.
 */
export function parseStationCsv(text: string): { rows: StationRow[]; problems: CsvProblem[] } {
  let records: { cells: string[]; line: number }[]
  try {
    records = csvRecords(text)
  } catch (err) {
    return {
      rows: [],
      problems: [{ line: 0, message: `not a readable CSV file: ${(err as Error).message}` }],
    }
  }
  const [first, ...body] = records
  if (!first) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] }
  const header = first.cells
  const index = {} as Record<Column, number>
  const problems: CsvProblem[] = []
  for (const col of Object.keys(COLUMNS) as Column[]) {
    index[col] = header.findIndex((h) => (COLUMNS[col] as readonly string[]).includes(h))
    if (index[col] < 0 && REQUIRED.includes(col)) {
      problems.push({
        line: first.line,
        message: `missing column "${COLUMNS[col][0]}" (found: ${header.join(', ')})`,
      })
    }
  }
  if (problems.length > 0) return { rows: [], problems }

  const rows: StationRow[] = []
  const seen = new Map<string, number>()
  body.forEach(({ cells: record, line }) => {
    // trimmed here too: csv-parse keeps the blanks inside quotes, and "  " is no name
    const cell = (col: Column) => (index[col] >= 0 ? (record[index[col]] ?? '').trim() : '')
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
    // the registry's and the station config's limits, in code points as JSON Schema counts
    // them: caught here, not when the hub or the kiosk loads the bundle (found by
    // test/fuzz/csvImport.test.ts)
    for (const [field, what, max] of TEXT_LIMITS) {
      if ([...row[field]].length > max)
        problems.push({ line, message: `${what} is longer than ${max} characters` })
    }
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

/**
 * The records of a CSV file as offices write them (BOM, blank lines, cells trimmed), with
 * the line each starts on, as a text editor numbers them. Not `index + 2`:
 * blank lines are skipped and a quoted cell may span lines. Not csv-parse's `info.lines`
 * either: that is a record's last line, and counts a CRLF inside quotes twice. Found by
 * test/fuzz/csvImport.test.ts. Throws csv-parse's error on a file it cannot read.
 */
export function csvRecords(text: string): { cells: string[]; line: number }[] {
  const parsed = parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
    info: true,
  }) as unknown as { record: string[]; info: Info }[]
  let before = 0
  return parsed.map(({ record, info }) => {
    const line = 1 + before + info.empty_lines
    before += 1 + record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0)
    return { cells: record, line }
  })
}
