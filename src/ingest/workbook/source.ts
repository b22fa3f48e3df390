import {basename, extname} from 'node:path'

import type {InputIssue} from '../../domain/errors.js'
import {readCsv, type EncodingOption} from '../csv.js'
import type {SheetCell, SheetStart} from './cells.js'
import {inspectWorkbook, type WorkbookInfo} from './container.js'
import {streamSheets, type SheetRow} from './stream.js'

/**
 * Where the sheet reader takes its rows from: the sheets of an XLSX workbook,
 * or a CSV file read as a sheet of text cells (so that a CSV file with a title
 * row, a unit above its header or amounts across the columns is read by the
 * same rules as a workbook).
 */
export interface SheetSource {
  info: WorkbookInfo
  /** The workbook's format (`xlsx`, `xls`, `ods`), or the text encoding of a CSV file once it has been read. */
  encoding: string
  /** Structural problems of a CSV file (quotes, bytes, emptiness). */
  structural: InputIssue[]
  stream(
    wanted: (name: string) => boolean,
    onRow: (sheet: string, row: SheetRow) => Promise<void> | void,
    onSheetEnd?: (sheet: string) => Promise<void> | void,
    /** Before a sheet's rows: its merged cells (a CSV file has none). */
    onSheetStart?: (sheet: string, start: SheetStart) => void,
  ): Promise<void>
}

export function workbookSource(file: string, info: WorkbookInfo): SheetSource {
  return {
    info,
    encoding: info.format ?? 'xlsx',
    structural: [],
    stream: (wanted, onRow, onSheetEnd, onSheetStart) => streamSheets(file, wanted, onRow, onSheetEnd, onSheetStart),
  }
}

/** The one sheet of a CSV file, named after the file. */
export function csvSource(file: string, encoding: EncodingOption, maxIssues: number): SheetSource {
  const name = basename(file, extname(file))
  const source: SheetSource = {
    info: {sheets: [{name, position: 1, hidden: false}], externalLinks: 0, macros: false, uncompressedBytes: 0},
    encoding,
    structural: [],
    async stream(wanted, onRow, onSheetEnd) {
      if (!wanted(name)) return
      // Rows are handed on between chunks of the file, so that a slow consumer (the store) holds reading back.
      let pending: SheetRow[] = []
      const flush = async () => {
        const rows = pending
        pending = []
        for (const row of rows) await onRow(name, row)
      }
      const result = await readCsv(
        {file, encoding},
        {
          header() {},
          record(cells, line) {
            pending.push({row: line, cells: cells.map((text): SheetCell => ({text, display: text}))})
          },
          drain: flush,
        },
        {maxIssues, ragged: true},
      )
      await flush()
      source.encoding = result.encoding
      source.structural = result.issues
      if (result.issues.length === 0) await onSheetEnd?.(name)
    },
  }
  return source
}

export async function openSheetSource(file: string, workbook: boolean, encoding: EncodingOption, maxIssues: number): Promise<SheetSource> {
  return workbook ? workbookSource(file, await inspectWorkbook(file)) : csvSource(file, encoding, maxIssues)
}
