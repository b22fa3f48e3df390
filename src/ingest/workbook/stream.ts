import {basename} from 'node:path'

import {InvalidInputError} from '../../domain/errors.js'
import {EMPTY_CELL, sheetCell, type SheetCell} from './cells.js'
import {inspectWorkbook} from './container.js'

/** One row of a worksheet: its number and its cells by 0-based column. */
export interface SheetRow {
  row: number
  cells: SheetCell[]
}

/**
 * Streams the rows of the worksheets that `wanted` accepts, in order, with
 * exceljs' streaming reader: memory holds the shared strings and styles, and
 * one row at a time. Formulas are never calculated (their cached values are
 * read), links and external workbooks never opened. exceljs is loaded here,
 * on the path that needs it only.
 */
export async function streamSheets(
  file: string,
  wanted: (name: string) => boolean,
  onRow: (sheet: string, row: SheetRow) => Promise<void> | void,
  onSheetEnd?: (sheet: string) => Promise<void> | void,
): Promise<void> {
  const ExcelJS = (await import('exceljs')).default
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
      for await (const row of worksheet) {
        if (!take) continue
        const cells: SheetCell[] = []
        row.eachCell({includeEmpty: false}, (cell, column) => {
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
