import { stringify } from 'csv-stringify/sync'
import type { Cell, Table } from './tables.js'

/**
 * CSV as Excel on an office PC opens it: UTF-8 with a BOM (or the Chinese headers come out
 * garbled), CRLF line ends, and fields quoted only where needed.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return stringify([header, ...rows], { bom: true, record_delimiter: 'windows', cast: { number: String } })
}

/** A report as CSV: the header, the lines and the total, without the title (one table, one header). */
export function tableCsv(table: Table): string {
  return toCsv(table.header, [...table.rows, table.total])
}
