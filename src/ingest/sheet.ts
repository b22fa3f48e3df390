import {basename} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {readCsv, type EncodingOption} from './csv.js'
import {inspectWorkbook} from './workbook/container.js'
import {isWorkbook} from './workbook/read.js'
import {streamSheets} from './workbook/stream.js'

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
  return isWorkbook(file) ? 'xlsx' : 'csv'
}

/** Reads a CSV file (with its encoding) or the first sheet of an XLSX workbook. */
export async function readSheet(
  file: string,
  handlers: SheetHandlers,
  options: {encoding: EncodingOption; maxIssues?: number},
): Promise<SheetReadResult> {
  if (sheetFormat(file) === 'csv') {
    const result = await readCsv(
      {file, encoding: options.encoding},
      {header: handlers.header, record: handlers.record},
      {maxIssues: options.maxIssues},
    )
    return {format: 'csv', issues: result.issues}
  }
  // The first sheet, streamed; the container is checked first (sizes, encryption, not a workbook).
  const {sheets} = await inspectWorkbook(file)
  const first = sheets[0].name
  let width = -1
  await streamSheets(
    file,
    (name) => name === first,
    (_, row) => {
      const cells = row.cells.map((cell) => (cell.problem ? cell.display : cell.text))
      if (cells.every((cell) => cell.trim() === '')) return
      if (width < 0) {
        width = cells.length
        handlers.header(cells, row.row)
        return
      }
      const padded = cells.length < width ? [...cells, ...Array<string>(width - cells.length).fill('')] : cells
      if (padded.length > width && padded.slice(width).some((cell) => cell.trim() !== '')) {
        handlers.issue({
          file,
          line: row.row,
          message: `the row has values beyond the ${width} columns of the header`,
          hint: 'give every value a header',
        })
        return
      }
      handlers.record(padded.slice(0, width), row.row)
    },
  )
  if (width < 0)
    throw new InvalidInputError(`${basename(file)}: 1 problem found`, [
      {file, message: 'the first sheet is empty', hint: 'put a header row and at least one data row on the first sheet'},
    ])
  return {format: 'xlsx', issues: []}
}
