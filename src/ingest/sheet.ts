import {basename, extname} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {readCsv, type EncodingOption} from './csv.js'

/**
 * One way to read a table from a file, CSV or XLSX alike: the header row, then
 * every data row, each with its line (row) number, in file order.
 */
export type SheetFormat = 'csv' | 'xlsx'

export interface SheetHandlers {
  header(cells: string[], line: number): void
  record(cells: string[], line: number): void
  /** A row of a workbook that does not fit the header, reported in file order. */
  issue(issue: InputIssue): void
}

export interface SheetReadResult {
  format: SheetFormat
  /** Structural problems of a CSV file (quotes, field counts, bytes, emptiness). */
  issues: InputIssue[]
}

function sheetFormat(file: string): SheetFormat {
  return extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv'
}

/** Reads a CSV file (with its encoding) or the first sheet of an XLSX workbook. */
export async function readSheet(file: string, handlers: SheetHandlers, options: {encoding: EncodingOption; maxIssues?: number}): Promise<SheetReadResult> {
  if (sheetFormat(file) === 'csv') {
    const result = await readCsv({file, encoding: options.encoding}, {header: handlers.header, record: handlers.record}, {maxIssues: options.maxIssues})
    return {format: 'csv', issues: result.issues}
  }
  const rows = await xlsxRows(file)
  if (rows.length === 0) throw new InvalidInputError(`${basename(file)}: 1 problem found`, [{file, message: 'the first sheet is empty', hint: 'put a header row and at least one data row on the first sheet'}])
  const [header, ...data] = rows
  const width = header.cells.length
  handlers.header(header.cells, header.line)
  for (const {cells, line} of data) {
    const padded = cells.length < width ? [...cells, ...Array<string>(width - cells.length).fill('')] : cells
    if (padded.length > width && padded.slice(width).some((cell) => cell.trim() !== '')) {
      handlers.issue({file, line, message: `the row has values beyond the ${width} columns of the header`, hint: 'give every value a header'})
      continue
    }
    handlers.record(padded.slice(0, width), line)
  }
  return {format: 'xlsx', issues: []}
}

/** Cell text of an exceljs value. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    const object = value as {richText?: Array<{text: string}>; result?: unknown; text?: unknown; error?: string}
    if (Array.isArray(object.richText)) return object.richText.map((part) => part.text).join('')
    if ('result' in object) return cellText(object.result)
    if (typeof object.text === 'string') return object.text
    if (object.error) return object.error
  }
  return String(value)
}

/** The first sheet of an XLSX workbook as rows of text cells, with their row numbers; empty rows are left out. */
async function xlsxRows(file: string): Promise<Array<{line: number; cells: string[]}>> {
  const ExcelJS = (await import('exceljs')).default
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.readFile(file)
  } catch (error) {
    throw new InvalidInputError(`${basename(file)}: not a readable XLSX workbook`, [{file, message: (error as Error).message, hint: 'save it again as .xlsx, or export the sheet as CSV'}])
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new InvalidInputError(`${basename(file)}: the workbook has no sheet`, [{file, message: 'the workbook has no sheet'}])
  const rows: Array<{line: number; cells: string[]}> = []
  sheet.eachRow({includeEmpty: false}, (row, rowNumber) => {
    const values = row.values as unknown[]
    const cells: string[] = []
    for (let column = 1; column < values.length; column++) cells.push(cellText(values[column]))
    if (cells.every((cell) => cell.trim() === '')) return
    rows.push({line: rowNumber, cells})
  })
  return rows
}
