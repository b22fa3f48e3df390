import {basename} from 'node:path'

import {InvalidInputError} from '../../domain/errors.js'
import {EMPTY_CELL, sheetCell, type SheetCell, type SheetRow, type SheetStart} from './cells.js'
import {inspectWorkbook, scanParts, type WorkbookInfo} from './container.js'
import {readLegacySheets} from './legacy.js'

export type {SheetRow, SheetStart} from './cells.js'

/**
 * Streams the rows of the worksheets that `wanted` accepts, in order, with
 * exceljs' streaming reader: memory holds the shared strings and styles, and
 * one row at a time. Formulas are never calculated (their cached values are
 * read), links and external workbooks never opened. exceljs is loaded here,
 * on the path that needs it only. Before a sheet's rows, `onSheetStart` learns
 * its merged cells. Legacy workbooks (.xls, .ods) give the same rows through
 * their own reader.
 */
export async function streamSheets(
  file: string,
  wanted: (name: string) => boolean,
  onRow: (sheet: string, row: SheetRow) => Promise<void> | void,
  onSheetEnd?: (sheet: string) => Promise<void> | void,
  onSheetStart?: (sheet: string, start: SheetStart) => void,
): Promise<void> {
  const info = await inspectWorkbook(file)
  if (info.format === 'xls' || info.format === 'ods') return readLegacySheets(file, info.format, wanted, onRow, onSheetEnd, onSheetStart)
  // Every part is expanded once with a running cap (a directory that lies about sizes is refused here),
  // which also finds each sheet's merged cells.
  const scan = await scanParts(file)
  const start = (name: string) => onSheetStart?.(name, {merges: mergesOf(info, scan.merges, name)})
  const ExcelJS = (await import('exceljs')).default
  // A workbook that expands to little is read whole: exceljs's streaming reader can meet a sheet before
  // its shared strings when the parts come in an unusual order or timing, and then gives cells it cannot
  // resolve. Large workbooks are streamed, so that memory does not grow with the sheet.
  if (info.uncompressedBytes <= WHOLE_READ_BYTES) return readWhole(ExcelJS, file, wanted, onRow, onSheetEnd, start)
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  })
  // exceljs names a worksheet from xl/workbook.xml; a package that stores that part after its sheets
  // (the zip format allows any order) would leave its model unset. The names then come from the
  // package's own directory.
  const model = reader as unknown as {model?: {sheets?: unknown[]}}
  model.model ??= {sheets: []}
  let partNames: Map<string, string> | undefined
  const nameOf = async (worksheet: {name?: string; id?: string | number}): Promise<string> => {
    // Until xl/workbook.xml is read, exceljs calls every sheet "Sheet<n>".
    if (worksheet.name !== undefined && (model.model?.sheets?.length ?? 0) > 0) return worksheet.name
    partNames ??= new Map((await inspectWorkbook(file)).sheets.map((sheet) => [sheet.part ?? '', sheet.name]))
    return partNames.get(`worksheets/sheet${worksheet.id}.xml`) ?? `sheet${worksheet.id}`
  }
  let callbackError: unknown
  const call = async (work: () => Promise<void> | void) => {
    try {
      await work()
    } catch (error) {
      callbackError = error
      throw error
    }
  }
  try {
    for await (const worksheet of reader) {
      const name = await nameOf(worksheet as unknown as {name?: string; id?: string | number})
      const take = wanted(name)
      if (take) start(name)
      for await (const row of worksheet) {
        if (!take) continue
        const cells: SheetCell[] = []
        row.eachCell({includeEmpty: false}, (cell, column) => {
          if (isUnresolvedString(cell.value)) throw new Error('a cell refers to a shared string that was not read before its sheet')
          while (cells.length < column - 1) cells.push(EMPTY_CELL)
          cells[column - 1] = sheetCell(cell.value, cell.numFmt)
        })
        await call(() => onRow(name, {row: row.number, cells}))
      }
      if (take && onSheetEnd) await call(() => onSheetEnd(name))
    }
  } catch (error) {
    if (error === callbackError || error instanceof InvalidInputError) throw error
    const message = (error as Error).message ?? String(error)
    throw new InvalidInputError(`${basename(file)}: the workbook cannot be read; nothing was written`, [
      {
        file,
        message: `the workbook is damaged or not an XLSX file (${message.slice(0, 200)})`,
        hint: 'open it in Excel or LibreOffice and save it again as .xlsx',
      },
    ])
  }
}

function mergesOf(info: WorkbookInfo, merges: Map<string, SheetStart['merges']>, name: string): SheetStart['merges'] {
  const part = info.sheets.find((sheet) => sheet.name === name)?.part
  return part === undefined ? [] : (merges.get(`xl/${part}`) ?? [])
}

/** Workbooks that expand to at most this many bytes are read whole rather than streamed. */
export const WHOLE_READ_BYTES = 16 * 1024 * 1024

const isUnresolvedString = (value: unknown): boolean => typeof value === 'object' && value !== null && 'sharedString' in value

type ExcelModule = typeof import('exceljs')

/** The rows of the wanted sheets of a small workbook, read whole; merged cells other than a merge's first are empty, as when streamed. */
async function readWhole(
  ExcelJS: ExcelModule,
  file: string,
  wanted: (name: string) => boolean,
  onRow: (sheet: string, row: SheetRow) => Promise<void> | void,
  onSheetEnd: ((sheet: string) => Promise<void> | void) | undefined,
  start: (sheet: string) => void,
): Promise<void> {
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.readFile(file)
  } catch (error) {
    const message = (error as Error).message ?? String(error)
    throw new InvalidInputError(`${basename(file)}: the workbook cannot be read; nothing was written`, [
      {
        file,
        message: `the workbook is damaged or not an XLSX file (${message.slice(0, 200)})`,
        hint: 'open it in Excel or LibreOffice and save it again as .xlsx',
      },
    ])
  }
  for (const worksheet of workbook.worksheets) {
    if (!wanted(worksheet.name)) continue
    start(worksheet.name)
    const rows: SheetRow[] = []
    worksheet.eachRow({includeEmpty: false}, (row, number) => {
      const cells: SheetCell[] = []
      row.eachCell({includeEmpty: false}, (cell, column) => {
        if (cell.type === ExcelJS.ValueType.Merge) return
        while (cells.length < column - 1) cells.push(EMPTY_CELL)
        cells[column - 1] = sheetCell(cell.value, cell.numFmt)
      })
      if (cells.length > 0) rows.push({row: number, cells})
    })
    for (const row of rows) await onRow(worksheet.name, row)
    if (onSheetEnd) await onSheetEnd(worksheet.name)
  }
}
