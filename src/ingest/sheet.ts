import type {InputIssue} from '../domain/errors.js'
import {readCsv, type EncodingOption} from './csv.js'
import type {FieldSpec} from './table.js'
import {readFieldTable, type FieldTableFacts} from './workbook/field-table.js'
import {isWorkbook} from './workbook/read.js'

/**
 * One way to read a table from a file, CSV or workbook alike: the header row,
 * then every data row, each with its line (row) number, in file order. In a
 * workbook the header is found (title rows passed over, two-row headers
 * joined) by the fields the reader knows, on the sheet asked for or the one
 * whose header matches; totals and note rows are skipped.
 */
export type SheetFormat = 'csv' | FieldTableFacts['format']

export interface SheetHandlers {
  header(cells: string[], line: number): void
  record(cells: string[], line: number): void
  /** A problem of a workbook cell (a merge inside the data, a formula without a cached value), reported in file order. */
  issue(issue: InputIssue): void
  /** A note on the reading: a skipped totals or note row. */
  warning?(issue: InputIssue): void
}

export interface SheetReadResult {
  format: SheetFormat
  /** Structural problems of a CSV file (quotes, field counts, bytes, emptiness). */
  issues: InputIssue[]
  /** For a workbook: the sheet and header rows read. */
  workbook?: {sheet: string; headerRows: number[]}
}

export interface SheetReadOptions {
  encoding: EncodingOption
  maxIssues?: number
  /** The columns the reader knows, to find the header of a workbook by. */
  fields: readonly FieldSpec[]
  /** Header names as the reader resolves them. */
  names?: (cells: string[]) => string[]
  /** A workbook's sheet, by name or position. */
  sheet?: string
  /** What the table holds, for messages. */
  what: string
}

/** Reads a CSV file (with its encoding) or a sheet of a workbook. */
export async function readSheet(file: string, handlers: SheetHandlers, options: SheetReadOptions): Promise<SheetReadResult> {
  if (!isWorkbook(file)) {
    const result = await readCsv(
      {file, encoding: options.encoding},
      {header: handlers.header, record: handlers.record},
      {maxIssues: options.maxIssues},
    )
    return {format: 'csv', issues: result.issues}
  }
  const facts = await readFieldTable(
    file,
    {fields: options.fields, names: options.names, sheet: options.sheet, what: options.what},
    {
      header: handlers.header,
      record: handlers.record,
      issue: handlers.issue,
      warning: (issue) => handlers.warning?.({...issue, severity: 'warning'}),
    },
  )
  return {format: facts.format, issues: [], workbook: {sheet: facts.sheet, headerRows: facts.headerRows}}
}
