import {readFile, stat} from 'node:fs/promises'
import {basename} from 'node:path'

import {InvalidInputError} from '../../domain/errors.js'
import {EMPTY_CELL, sheetCell, type CellRange, type SheetCell, type SheetRow, type SheetStart} from './cells.js'

/**
 * Legacy workbooks: Excel 97–2003 (.xls, BIFF8 in an OLE compound file) and
 * OpenDocument spreadsheets (.ods), read with SheetJS Community Edition. The
 * cells it gives (values, number formats, cached formula results, merges) are
 * turned into the same sheet cells and rows as an XLSX workbook's, so that one
 * layout finder and one row pipeline read every format. SheetJS is loaded on
 * this path only. These formats are not streamed: an .xls holds at most 65 536
 * rows, and an .ods is checked as a ZIP container (declared and actual sizes)
 * before it is parsed.
 */

export type LegacyFormat = 'xls' | 'ods'

type SheetJS = typeof import('@e965/xlsx')
type Book = import('@e965/xlsx').WorkBook
type Cell = import('@e965/xlsx').CellObject

interface Parsed {
  file: string
  mtimeMs: number
  size: number
  book: Book
}

/** The last workbook parsed: a workbook is asked for its sheets, then read, in one command. */
let last: Parsed | undefined

function refuse(file: string, message: string, hint: string): never {
  throw new InvalidInputError(`${basename(file)}: ${message}; nothing was written`, [{file, message, hint}])
}

async function sheetJs(): Promise<SheetJS> {
  return (await import('@e965/xlsx')) as SheetJS
}

/** Whether an OLE compound file holds a VBA project (macros). */
function hasVba(XLSX: SheetJS, bytes: Buffer): {macros: boolean; workbook: boolean} {
  const container = XLSX.CFB.read(bytes, {type: 'buffer'}) as {FullPaths: string[]}
  const paths = container.FullPaths.map((path) => path.toLowerCase())
  return {
    macros: paths.some((path) => /\/_vba_project_cur\//.test(path) || /\/_vba_project\//.test(path)),
    workbook: paths.some((path) => /\/(workbook|book)$/.test(path)),
  }
}

/** Parses a legacy workbook (or takes the one parsed last, when the file has not changed). */
export async function parseLegacy(file: string, format: LegacyFormat): Promise<Parsed> {
  const info = await stat(file)
  if (last && last.file === file && last.mtimeMs === info.mtimeMs && last.size === info.size) return last
  const XLSX = await sheetJs()
  const bytes = await readFile(file)
  if (format === 'xls') {
    let found: {macros: boolean; workbook: boolean}
    try {
      found = hasVba(XLSX, bytes)
    } catch {
      return refuse(
        file,
        'the workbook is damaged: its OLE container cannot be read (the file may be truncated)',
        'download or copy the file again, or open it in Excel or LibreOffice and save it again',
      )
    }
    if (!found.workbook)
      refuse(
        file,
        'an OLE document that is not an Excel workbook (it has no Workbook stream; it may be a Word or PowerPoint file)',
        'save the sheet from Excel as .xlsx, or export it as CSV',
      )
    if (found.macros)
      refuse(
        file,
        'the .xls workbook carries macros (a VBA project); kasumi does not read legacy workbooks with macros',
        'open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook, which leaves the macros out), then import that file',
      )
  }
  let book: Book
  try {
    book = XLSX.read(bytes, {
      type: 'buffer',
      dense: true,
      cellNF: true,
      cellFormula: true,
      cellDates: false,
      cellHTML: false,
      cellStyles: false,
      bookVBA: false,
      sheetStubs: false,
    })
  } catch (error) {
    const message = String((error as Error).message ?? error)
    if (/password|encrypt/i.test(message))
      refuse(
        file,
        'the workbook is password-protected (encrypted)',
        'open it in Excel or LibreOffice, remove the password and save it again; kasumi never asks for passwords',
      )
    return refuse(
      file,
      `the workbook is damaged or not an ${format === 'xls' ? 'Excel 97–2003 (.xls)' : 'OpenDocument (.ods)'} file (${message.slice(0, 160)})`,
      'open it in Excel or LibreOffice and save it again, as .xlsx if you can',
    )
  }
  if (book.SheetNames.length === 0) refuse(file, 'the workbook has no worksheet', 'put the table on a worksheet and save it again')
  last = {file, mtimeMs: info.mtimeMs, size: info.size, book}
  return last
}

/** The worksheets of a legacy workbook in tab order. */
export async function legacySheets(file: string, format: LegacyFormat): Promise<Array<{name: string; position: number; hidden: boolean}>> {
  const {book} = await parseLegacy(file, format)
  return book.SheetNames.map((name, index) => ({name, position: index + 1, hidden: Boolean(book.Workbook?.Sheets?.[index]?.Hidden)}))
}

/** One SheetJS cell as a sheet cell: the cached result of a formula, the number with its format, an error as a problem. */
function legacyCell(cell: Cell | undefined, date1904: boolean): SheetCell {
  if (!cell || cell.t === 'z') {
    if (cell?.f) return sheetCell({formula: cell.f}, undefined)
    return EMPTY_CELL
  }
  const format = typeof cell.z === 'string' ? cell.z : undefined
  let value: unknown
  if (cell.t === 'e') value = {error: cell.w ?? `#${String(cell.v)}`}
  else if (cell.t === 'd') value = cell.v instanceof Date ? cell.v : new Date(String(cell.v))
  else value = cell.v
  if (cell.f) {
    const result = cell.t === 'e' ? {error: (value as {error: string}).error} : value
    return sheetCell({formula: cell.f, result}, format, date1904)
  }
  return sheetCell(value, format, date1904)
}

/** Reads the wanted sheets of a legacy workbook row by row, as a streamed XLSX sheet is read. */
export async function readLegacySheets(
  file: string,
  format: LegacyFormat,
  wanted: (name: string) => boolean,
  onRow: (sheet: string, row: SheetRow) => Promise<void> | void,
  onSheetEnd?: (sheet: string) => Promise<void> | void,
  onSheetStart?: (sheet: string, start: SheetStart) => void,
): Promise<void> {
  const {book} = await parseLegacy(file, format)
  const date1904 = Boolean(book.Workbook?.WBProps?.date1904)
  for (const name of book.SheetNames) {
    if (!wanted(name)) continue
    const sheet = book.Sheets[name] as {
      '!data'?: Array<Array<Cell | undefined> | undefined>
      '!merges'?: Array<{s: {r: number; c: number}; e: {r: number; c: number}}>
    }
    const merges: CellRange[] = (sheet['!merges'] ?? []).map((range) => ({
      top: range.s.r + 1,
      left: range.s.c,
      bottom: range.e.r + 1,
      right: range.e.c,
    }))
    onSheetStart?.(name, {merges})
    const covered = coveredCells(merges)
    const data = sheet['!data'] ?? []
    for (let index = 0; index < data.length; index++) {
      const source = data[index]
      if (!source) continue
      const cells: SheetCell[] = []
      for (let column = 0; column < source.length; column++) {
        // Cells a merge covers (other than its first) are empty, as Excel shows them.
        const cell = covered.has(`${index + 1}:${column}`) ? EMPTY_CELL : legacyCell(source[column], date1904)
        if (cell === EMPTY_CELL) continue
        while (cells.length < column) cells.push(EMPTY_CELL)
        cells[column] = cell
      }
      if (cells.length > 0) await onRow(name, {row: index + 1, cells})
    }
    if (onSheetEnd) await onSheetEnd(name)
  }
}

function coveredCells(merges: readonly CellRange[]): Set<string> {
  const covered = new Set<string>()
  for (const range of merges) {
    // A merge is a few cells; one spanning a whole sheet is not worth expanding cell by cell.
    if ((range.bottom - range.top + 1) * (range.right - range.left + 1) > 100_000) continue
    for (let row = range.top; row <= range.bottom; row++)
      for (let column = range.left; column <= range.right; column++) if (row !== range.top || column !== range.left) covered.add(`${row}:${column}`)
  }
  return covered
}
