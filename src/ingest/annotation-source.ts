import {basename, extname} from 'node:path'

import type ExcelJS from 'exceljs'

import type {InputIssue} from '../domain/errors.js'
import {readCsv, type EncodingOption} from './csv.js'
import {inspectWorkbook} from './workbook/container.js'
import {isWorkbook} from './workbook/read.js'

/** Where an issue is in the copy: a sheet, a row and, when the issue names one, a column (1-based). */
export interface IssuePlace {
  sheet: string
  row: number
  column?: number
}

/** A checked file as a workbook to annotate, and where each of its issues is in it. */
export interface AnnotationSource {
  workbook: ExcelJS.Workbook
  /** The file was CSV: its records are the rows of one sheet, the header on row 1. */
  fromCsv: boolean
  locate(issue: InputIssue): IssuePlace | undefined
}

/**
 * Opens a checked file as a workbook to annotate: a workbook as it is (values,
 * formats, column widths, merged cells; formulas with their cached values,
 * never calculated), after the same container checks as a read (size, zip
 * bomb, encryption); a CSV file as one sheet of text cells, one record a row.
 * exceljs is loaded here, on the path that needs it only.
 */
export async function openForAnnotation(file: string, options: {encoding: EncodingOption}): Promise<AnnotationSource> {
  const ExcelJS = (await import('exceljs')).default
  const workbook = new ExcelJS.Workbook()
  if (isWorkbook(file)) {
    await inspectWorkbook(file)
    await workbook.xlsx.readFile(file)
    return {workbook, fromCsv: false, locate: (issue) => placeOfCell(issue.cell)}
  }
  const name = csvSheetName(file)
  const sheet = workbook.addWorksheet(name)
  const rows = new Map<number, number>()
  let header: string[] = []
  const widths: number[] = []
  const add = (cells: string[], line: number) => {
    const row = sheet.rowCount + 1
    rows.set(line, row)
    sheet.getRow(row).values = cells
    cells.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 8, Math.min(60, displayWidth(cell) + 2))))
  }
  await readCsv(
    {file, encoding: options.encoding},
    {
      header(cells, line) {
        header = cells
        add(cells, line)
      },
      record: add,
      malformed: add,
    },
    {maxIssues: Number.MAX_SAFE_INTEGER},
  )
  widths.forEach((width, index) => (sheet.getColumn(index + 1).width = width))
  if (sheet.rowCount > 0) sheet.views = [{state: 'frozen', ySplit: 1}]
  const headerLine = [...rows.entries()].find(([, row]) => row === 1)?.[0]
  return {
    workbook,
    fromCsv: true,
    locate(issue) {
      if (issue.line === undefined) return undefined
      const row = rows.get(issue.line) ?? (issue.line === headerLine ? 1 : undefined)
      if (row === undefined) return undefined
      return {sheet: name, row, column: csvColumn(issue.column, header)}
    },
  }
}

/** A CSV issue's column: `3 (name)` or `3` is the third; a bare header name (`code`) is looked up in the header. */
function csvColumn(column: string | undefined, header: readonly string[]): number | undefined {
  if (column === undefined) return undefined
  const numbered = /^(\d+)(?:\s|$|–)/.exec(column)
  if (numbered) return Number(numbered[1])
  const index = header.findIndex((cell) => cell.trim().toLowerCase() === column.trim().toLowerCase())
  return index >= 0 ? index + 1 : undefined
}

/** `経費内訳!E7`, `'Sheet name'!E7`, `経費内訳!7:7` (a whole row) as a place; anything else, undefined. */
export function placeOfCell(reference: string | undefined): IssuePlace | undefined {
  if (reference === undefined) return undefined
  const bang = reference.lastIndexOf('!')
  if (bang <= 0) return undefined
  let sheet = reference.slice(0, bang)
  if (sheet.length >= 2 && sheet.startsWith("'") && sheet.endsWith("'")) sheet = sheet.slice(1, -1).replace(/''/g, "'")
  const at = reference.slice(bang + 1)
  const cell = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(at)
  if (cell) return {sheet, row: Number(cell[2]), column: columnNumber(cell[1])}
  const row = /^(\d+):(\d+)$/.exec(at)
  if (row) return {sheet, row: Number(row[1])}
  return undefined
}

function columnNumber(letters: string): number {
  let number = 0
  for (const letter of letters) number = number * 26 + (letter.charCodeAt(0) - 64)
  return number
}

/** A sheet name from a file name: Excel's rules (at most 31 characters, none of : \ / ? * [ ], no quote at either end). */
export function csvSheetName(file: string): string {
  const name = basename(file, extname(file))
    .replace(/[:\\/?*[\]]/g, '_')
    .replace(/^'+|'+$/g, '')
    .slice(0, 31)
  return name.trim() === '' ? 'Sheet1' : name
}

/** Columns a text takes in a spreadsheet, counting wide (CJK) characters twice. */
function displayWidth(text: string): number {
  let width = 0
  for (const char of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 2 : 1
  return width
}
