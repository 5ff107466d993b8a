import ExcelJS from 'exceljs'
import type { Table } from './tables.js'

/** A report as a workbook: landscape, fitted to the page width, a bold title and total. */
export async function tableWorkbook(table: Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'ejia'
  const ws = wb.addWorksheet(table.sheet, {
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1 },
  })
  ws.addRow([table.title])
  ws.mergeCells(1, 1, 1, table.header.length)
  const t = ws.getCell(1, 1)
  t.font = { bold: true, size: 16 }
  t.alignment = { horizontal: 'center' }
  const h = ws.addRow(table.header)
  h.font = { bold: true }
  h.eachCell((c) => {
    c.border = { bottom: { style: 'thin' } }
    c.alignment = { horizontal: 'center', wrapText: true }
  })
  ws.columns.forEach((c, i) => {
    c.width = i < 2 ? 18 : 11
  })
  for (const r of table.rows) ws.addRow(r)
  ws.addRow(table.total).font = { bold: true }
  for (const col of table.percent) ws.getColumn(col + 1).numFmt = '0.0%'
  return Buffer.from(await wb.xlsx.writeBuffer())
}
