import {basename} from 'node:path'

import {InvalidInputError} from '../../domain/errors.js'
import {EMPTY_CELL, sheetCell, type SheetCell, type SheetRow, type SheetStart} from './cells.js'
import {inspectWorkbook, scanParts, type WorkbookInfo} from './container.js'
import {readLegacySheets} from './legacy.js'
import {readWorkbookParts, scanSheetRows, sheetPart} from './sheet-scan.js'

export type {SheetRow, SheetStart} from './cells.js'

/**
 * Streams the rows of the worksheets that `wanted` accepts, in order. A small
 * workbook is read whole by exceljs (loaded here, on the path that needs it
 * only); a large one is read from its worksheet XML as it expands
 * (`sheet-scan.ts`): memory holds the shared strings and number formats, and
 * one chunk of rows at a time. Formulas are never calculated (their cached
 * values are read), links and external workbooks never opened. Before a sheet's rows, `onSheetStart` learns
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
  // A workbook that expands to little is read whole by exceljs. Large workbooks are read from their XML as it
  // expands, so that memory does not grow with the sheet.
  if (info.uncompressedBytes <= WHOLE_READ_BYTES) {
    const ExcelJS = (await import('exceljs')).default
    return readWhole(ExcelJS, file, wanted, onRow, onSheetEnd, start)
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
    const parts = await readWorkbookParts(file)
    for (const sheet of info.sheets) {
      if (!wanted(sheet.name)) continue
      const part = sheetPart(info, sheet.name)
      if (part === undefined) throw new Error(`the workbook does not say where sheet ${sheet.name} is stored`)
      start(sheet.name)
      await scanSheetRows(file, part, parts, (row) => call(() => onRow(sheet.name, row)))
      if (onSheetEnd) await call(() => onSheetEnd(sheet.name))
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
