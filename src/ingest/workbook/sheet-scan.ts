import {createRequire} from 'node:module'

import {EMPTY_CELL, sheetCell, type SheetCell, type SheetRow} from './cells.js'
import {partChunks, type WorkbookInfo} from './container.js'
import {attribute, eachAttribute, XmlScanner, xmlDecode, type XmlHandler} from './xml-scan.js'

/**
 * Reads the rows of an XLSX worksheet straight from its XML, as it expands:
 * `<row>` and `<c r t s>` with their `<v>`, `<f>` and inline `<is>` strings,
 * the shared strings and the cells' number formats resolved as exceljs
 * resolves them, each cell then typed by `sheetCell` like every other
 * workbook cell. No row or cell objects are built, and reading stops at the
 * end of `<sheetData>`.
 */

/** What the cells of every sheet refer to: the shared strings, each cell style's number format, the date system. */
export interface WorkbookParts {
  sharedStrings: string[]
  /** The number format of each cell style (`s`), when it has one. */
  formats: Array<string | undefined>
  date1904: boolean
}

/** Reads xl/sharedStrings.xml, xl/styles.xml and the date system of xl/workbook.xml. */
export async function readWorkbookParts(file: string): Promise<WorkbookParts> {
  const sharedStrings = await readSharedStrings(file)
  const formats = await readFormats(file)
  let date1904 = false
  await readPart(file, 'xl/workbook.xml', {
    open(name, tag) {
      if (name === 'workbookPr') {
        const value = attribute(tag, 'date1904')
        date1904 = value === '1' || value === 'true'
      }
    },
    close() {},
    text() {},
  })
  return {sharedStrings, formats, date1904}
}

async function readPart(file: string, part: string, handler: XmlHandler): Promise<void> {
  const scanner = new XmlScanner(handler)
  for await (const chunk of partChunks(file, part)) {
    scanner.write(chunk)
    if (scanner.stopped) return
  }
  scanner.end()
}

/** The text of each `<si>`: its `<t>`, or the `<t>` of its rich-text runs joined; phonetic readings (`<rPh>`) left out. */
async function readSharedStrings(file: string): Promise<string[]> {
  const strings: string[] = []
  let text: string | undefined
  let inText = false
  let phonetic = 0
  let inItem = false
  await readPart(file, 'xl/sharedStrings.xml', {
    open(name) {
      if (name === 'si') {
        inItem = true
        text = undefined
      } else if (name === 'rPh') phonetic++
      else if (name === 't' && inItem && phonetic === 0) {
        inText = true
        text ??= ''
      }
    },
    close(name) {
      if (name === 't') inText = false
      else if (name === 'rPh') phonetic--
      else if (name === 'si') {
        strings.push(text ?? '')
        inItem = false
      }
    },
    text(raw, start, end) {
      if (inText) text += xmlDecode(raw.slice(start, end))
    },
    cdata(content) {
      if (inText) text += content
    },
  })
  return strings
}

/** Excel's built-in number formats by id, as exceljs knows them (so that both XLSX readers agree). */
function builtInFormat(id: number): string | undefined {
  builtIn ??= createRequire(import.meta.url)('exceljs/lib/xlsx/defaultnumformats.js') as Record<number, {f?: string} | undefined>
  return builtIn[id]?.f
}

let builtIn: Record<number, {f?: string} | undefined> | undefined

/** The number format of each cell style of `<cellXfs>`: its `numFmtId`, custom (`<numFmts>`) or built in. */
async function readFormats(file: string): Promise<Array<string | undefined>> {
  const custom = new Map<number, string>()
  const ids: number[] = []
  let inCellXfs = false
  await readPart(file, 'xl/styles.xml', {
    open(name, tag) {
      if (name === 'numFmt') {
        const id = Number.parseInt(attribute(tag, 'numFmtId') ?? '', 10)
        const code = attribute(tag, 'formatCode')
        if (Number.isInteger(id) && code !== undefined) custom.set(id, code)
      } else if (name === 'cellXfs') inCellXfs = true
      else if (name === 'xf' && inCellXfs) ids.push(Number.parseInt(attribute(tag, 'numFmtId') ?? '0', 10))
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false
    },
    text() {},
  })
  // numFmtId 0 (General) gives no format, as with exceljs.
  return ids.map((id) => (id ? (custom.get(id) ?? builtInFormat(id)) : undefined))
}

/** exceljs's rule for a date format (letters of a date or time outside quotes and brackets): such a cell is a date. */
function isExcelDateFormat(format: string | undefined): boolean {
  if (!format) return false
  return /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''))
}

/** Column index (0-based) of a cell reference's letters: A1 → 0, AA7 → 26; -1 when it has none. */
function columnOf(ref: string): number {
  let column = 0
  let index = 0
  for (; index < ref.length; index++) {
    const char = ref.charCodeAt(index) | 0x20
    if (char < 0x61 || char > 0x7a) break
    column = column * 26 + char - 0x60
  }
  return index === 0 ? -1 : column - 1
}

/**
 * The rows of one worksheet part, handed to `onRow` a chunk of XML at a time
 * (a slow consumer holds reading back). Every `<row>` is handed on, an empty
 * one with no cells; cells without a value are left out of a row (the cells
 * before a later one are padded with empty cells).
 */
export async function scanSheetRows(file: string, part: string, parts: WorkbookParts, onRow: (row: SheetRow) => Promise<void> | void): Promise<void> {
  const {sharedStrings, formats, date1904} = parts
  const pending: SheetRow[] = []
  let inSheetData = false
  let rowNumber = 0
  let cells: SheetCell[] | undefined
  let column = -1
  // The cell being read.
  let type: string | undefined
  let style = 0
  let value: string | undefined
  let formula: string | undefined
  let inline: string | undefined
  let capture: 'v' | 'f' | 't' | undefined
  let phonetic = 0

  const place = (cell: SheetCell) => {
    const row = cells!
    while (row.length < column) row.push(EMPTY_CELL)
    row[column] = cell
  }
  const finishCell = () => {
    const format = style ? formats[style] : undefined
    if (formula !== undefined) {
      // A formula's cached value, typed by the cell's type; without one, the formula alone (read as a problem).
      let result: unknown
      if (value !== undefined) {
        if (type === 'str') result = value
        else if (type === 'b') result = Number.parseInt(value, 10) !== 0
        else if (type === 'e') result = {error: value}
        else result = Number.parseFloat(value)
      }
      place(sheetCell(result === undefined ? {formula} : {formula, result}, format, date1904))
      return
    }
    if (type === 'inlineStr' && inline !== undefined) {
      place(sheetCell(inline, format, date1904))
      return
    }
    if (value === undefined) return
    let cellValue: unknown
    switch (type) {
      case 's': {
        const index = Number.parseInt(value, 10)
        if (!(index >= 0 && index < sharedStrings.length))
          throw new Error(`a cell refers to shared string ${value}, which the workbook does not have`)
        // An empty shared string is an empty cell, as exceljs reads it.
        if (sharedStrings[index] === '') return
        cellValue = sharedStrings[index]
        break
      }
      case 'str':
      case 'inlineStr':
        cellValue = value
        break
      case 'e':
        cellValue = {error: value}
        break
      case 'b':
        cellValue = Number.parseInt(value, 10) !== 0
        break
      case 'd':
        cellValue = new Date(value)
        break
      default: {
        const number = Number.parseFloat(value)
        cellValue = isExcelDateFormat(format) ? excelDate(number, date1904) : number
      }
    }
    place(sheetCell(cellValue, format, date1904))
  }

  const handler: XmlHandler = {
    open(name, tag, selfClosing) {
      if (!inSheetData) {
        if (name === 'sheetData' && !selfClosing) inSheetData = true
        return
      }
      switch (name) {
        case 'row': {
          const r = attribute(tag, 'r')
          rowNumber = r === undefined ? rowNumber + 1 : Number.parseInt(r, 10)
          if (!(rowNumber > 0)) throw new Error(`a row numbered ${JSON.stringify(r)}`)
          cells = []
          column = -1
          break
        }
        case 'c': {
          if (!cells) throw new Error('a cell outside a row')
          let ref: string | undefined
          type = undefined
          style = 0
          eachAttribute(tag, (attributeName, attributeValue) => {
            if (attributeName === 'r') ref = attributeValue
            else if (attributeName === 't') type = attributeValue
            else if (attributeName === 's') style = Number.parseInt(attributeValue, 10) || 0
          })
          // A cell without a reference follows the one before it.
          if (ref === undefined) column++
          else {
            column = columnOf(ref)
            if (column < 0) throw new Error(`a cell reference ${JSON.stringify(ref)}`)
          }
          value = undefined
          formula = undefined
          inline = undefined
          phonetic = 0
          break
        }
        case 'v':
          value = ''
          capture = 'v'
          break
        case 'f':
          formula = ''
          capture = 'f'
          break
        case 'is':
          inline = ''
          break
        case 'rPh':
          phonetic++
          break
        case 't':
          if (inline !== undefined && phonetic === 0) capture = 't'
          break
        default:
          break
      }
    },
    close(name) {
      if (!inSheetData) return
      switch (name) {
        case 'v':
        case 'f':
        case 't':
          capture = undefined
          break
        case 'rPh':
          phonetic--
          break
        case 'c':
          if (cells) finishCell()
          break
        case 'row':
          if (cells) pending.push({row: rowNumber, cells})
          cells = undefined
          break
        case 'sheetData':
          inSheetData = false
          scanner.stopped = true
          break
        default:
          break
      }
    },
    text(raw, start, end) {
      if (capture === undefined) return
      const text = xmlDecode(raw.slice(start, end))
      if (capture === 'v') value += text
      else if (capture === 'f') formula += text
      else inline += text
    },
    cdata(content) {
      if (capture === 'v') value += content
      else if (capture === 'f') formula += content
      else if (capture === 't') inline += content
    },
  }
  const scanner = new XmlScanner(handler)
  const flush = async () => {
    for (const row of pending.splice(0)) await onRow(row)
  }
  let found = false
  for await (const chunk of partChunks(file, part)) {
    found = true
    scanner.write(chunk)
    await flush()
    if (scanner.stopped) break
  }
  if (!found) throw new Error(`the workbook has no part ${part}`)
  if (!scanner.stopped) scanner.end()
  await flush()
}

/** Excel's serial day number as a date, rounded to the millisecond as exceljs does. */
function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000))
}

/** The package path of a sheet's part (xl/worksheets/sheet1.xml), from the workbook's listing. */
export function sheetPart(info: WorkbookInfo, name: string): string | undefined {
  const part = info.sheets.find((sheet) => sheet.name === name)?.part
  return part === undefined ? undefined : `xl/${part}`
}
