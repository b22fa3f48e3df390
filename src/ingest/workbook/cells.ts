import {JAPANESE_ERAS, ROC_OFFSET} from '../../domain/fiscal-year.js'
import {Dec, canonical} from '../../domain/money.js'

/**
 * Typed workbook cells turned into the text kasumi's value parsers read,
 * without a lossy round trip: numbers keep Excel's 15 significant digits,
 * percent-formatted cells are scaled to percent, a number shown with a △ / ▲
 * format is negative, dates are dates. Each cell keeps its value as displayed,
 * for issues.
 */
export interface SheetCell {
  /** What the value parsers read. */
  text: string
  /** The value as a spreadsheet would show it, for messages. */
  display: string
  /** The cell holds a formula (its cached value is used). */
  formula?: boolean
  /** The cell cannot be read (a formula without a cached value, an error value). */
  problem?: string
  /** A date (from a date cell or a date-formatted serial number). */
  date?: Date
  /** A plain number (no date format). */
  number?: number
}

export const EMPTY_CELL: SheetCell = {text: '', display: ''}

/** Column letters of a 0-based index: 0 → A, 26 → AA. */
export function columnLetters(index: number): string {
  let name = ''
  let rest = index + 1
  while (rest > 0) {
    const digit = (rest - 1) % 26
    name = String.fromCharCode(65 + digit) + name
    rest = Math.floor((rest - 1) / 26)
  }
  return name
}

/** A cell reference as Excel writes it: 経費内訳!E7, 'My sheet'!E7. */
export function cellReference(sheet: string, index: number, row: number): string {
  const quoted = /^[\p{L}\p{N}_]+$/u.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`
  return `${quoted}!${columnLetters(index)}${row}`
}

/** Format sections split at `;` outside quotes and brackets. */
function sections(format: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  let bracket = false
  for (let index = 0; index < format.length; index++) {
    const char = format[index]
    if (char === '\\' && index + 1 < format.length) {
      current += char + format[++index]
      continue
    }
    if (char === '"') quoted = !quoted
    else if (!quoted && char === '[') bracket = true
    else if (!quoted && char === ']') bracket = false
    if (char === ';' && !quoted && !bracket) {
      parts.push(current)
      current = ''
    } else {
      current += char
    }
  }
  parts.push(current)
  return parts
}

/** The format without quoted literals, escapes and bracketed codes: what is left are the placeholders. */
function codes(section: string): string {
  return section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/[_*]./g, '')
}

export function isDateFormat(format: string | undefined): boolean {
  if (!format || /^general$/i.test(format)) return false
  const first = codes(sections(format)[0]).replace(/AM\/PM|A\/P/gi, '')
  return !/[0#?]/.test(first) && /[ymdhseg]/i.test(first)
}

function sectionFor(format: string, value: number): {section: string; own: boolean} {
  const all = sections(format)
  if (value < 0 && all.length > 1) return {section: all[1], own: true}
  if (value === 0 && all.length > 2) return {section: all[2], own: true}
  return {section: all[0], own: false}
}

const NEGATIVE_MARKS = /[△▲]/

/** A finite double as Excel holds it: at most 15 significant digits, exactly as a decimal. */
export function numberDecimal(value: number): Dec {
  return new Dec(value.toPrecision(15))
}

/** The number a spreadsheet user reads in a numeric cell: percent scaled, △ shown means negative. */
export function numberText(value: number, format: string | undefined): string {
  let decimal = numberDecimal(value)
  if (format && !/^general$/i.test(format)) {
    const {section} = sectionFor(format, value)
    if (codes(section).includes('%')) decimal = decimal.times(100)
    // A positive value shown with a △ / ▲ in front is a negative amount as the sheet shows it.
    if (value > 0 && NEGATIVE_MARKS.test(section.replace(/\[[^\]]*\]/g, ''))) decimal = decimal.negated()
  }
  return canonical(decimal)
}

/** The value as the cell shows it (a close rendering of the common number formats). */
export function numberDisplay(value: number, format: string | undefined): string {
  if (!format || /^general$/i.test(format) || format === '@') return canonical(numberDecimal(value))
  const {section, own} = sectionFor(format, value)
  const placeholders = codes(section)
  const percent = placeholders.includes('%')
  const decimalsMatch = /\.([0#?]+)/.exec(placeholders)
  const decimals = decimalsMatch ? decimalsMatch[1].length : 0
  const grouped = /[0#?],[0#?]/.test(placeholders)
  let magnitude = numberDecimal(Math.abs(value))
  if (percent) magnitude = magnitude.times(100)
  let digits = magnitude.toFixed(decimals)
  if (grouped) {
    const [whole, fraction] = digits.split('.')
    digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction === undefined ? '' : `.${fraction}`)
  }
  let out = ''
  let placed = false
  for (let index = 0; index < section.length; index++) {
    const char = section[index]
    if (char === '"') {
      const end = section.indexOf('"', index + 1)
      out += section.slice(index + 1, end < 0 ? undefined : end)
      index = end < 0 ? section.length : end
    } else if (char === '\\') {
      out += section[++index] ?? ''
    } else if (char === '[') {
      index = Math.max(index, section.indexOf(']', index))
    } else if (char === '_' || char === '*') {
      index++
    } else if (/[0#?.,]/.test(char)) {
      if (!placed) {
        out += digits
        placed = true
      }
    } else {
      out += char
    }
  }
  if (!placed) out += digits
  return value < 0 && !own ? `-${out}` : out
}

export function dateDisplay(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** Excel's serial day number (1900 system) as a UTC date. */
export function serialDate(serial: number, date1904 = false): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30)
  return new Date(epoch + Math.round(serial * 86_400_000))
}

/**
 * The fiscal year a date falls in, named as the country names it: a year that
 * starts in January to June by the calendar year it starts in (Japan's April),
 * one that starts in July to December by the year it ends in (the US October).
 */
export function fiscalYearOfDate(date: Date, startMonth: number): number {
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + 1
  const startYear = month >= startMonth ? year : year - 1
  return startMonth === 1 ? year : startMonth <= 6 ? startYear : startYear + 1
}

/** A date written as text: 2022/4/1, 2022-04-01, 2022年4月1日, 令和4年4月1日, 民國111年4月1日. */
export function parseDateText(raw: string): Date | undefined {
  const text = raw.normalize('NFKC').replace(/\s+/g, '').replace(/現在$/, '')
  let match = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$/.exec(text) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text)
  if (match) return validDate(Number(match[1]), Number(match[2]), Number(match[3]))
  match = /^(明治|大正|昭和|平成|令和)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日$/.exec(text)
  if (match) {
    const era = JAPANESE_ERAS.find((candidate) => candidate.names.includes(match![1]))!
    return validDate(era.start + (match[2] === '元' ? 1 : Number(match[2])) - 1, Number(match[3]), Number(match[4]))
  }
  match = /^(?:民國|民国)(\d{1,3}|元)年(\d{1,2})月(\d{1,2})日$/.exec(text)
  if (match) return validDate(ROC_OFFSET + (match[1] === '元' ? 1 : Number(match[1])), Number(match[2]), Number(match[3]))
  return undefined
}

function validDate(year: number, month: number, day: number): Date | undefined {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined
}

/** Text of a rich-text or hyperlink value. */
function plainText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object') {
    const object = value as {richText?: Array<{text: string}>; text?: unknown}
    if (Array.isArray(object.richText)) return object.richText.map((part) => part.text).join('')
    if (typeof object.text === 'string') return object.text
    if (object.text !== undefined) return plainText(object.text)
  }
  return undefined
}

/** One exceljs cell value (with its number format) as a sheet cell. */
export function sheetCell(value: unknown, format: string | undefined, date1904 = false): SheetCell {
  if (value === null || value === undefined) return EMPTY_CELL
  if (typeof value === 'number') return numberCell(value, format, date1904)
  if (typeof value === 'string') return {text: value, display: value}
  if (typeof value === 'boolean') return {text: value ? 'TRUE' : 'FALSE', display: value ? 'TRUE' : 'FALSE'}
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return {text: '', display: '', problem: 'an invalid date'}
    return {text: dateDisplay(value), display: dateDisplay(value), date: value}
  }
  if (typeof value === 'object') {
    const object = value as {formula?: string; sharedFormula?: string; result?: unknown; error?: string}
    if ('formula' in object || 'sharedFormula' in object) {
      const result = object.result
      if (result === undefined || result === null || (typeof result === 'number' && Number.isNaN(result))) {
        return {
          text: '',
          display: `=${object.formula ?? ''}`,
          formula: true,
          problem: 'a formula without a cached value (the workbook was saved without calculating it, or the result is an error)',
        }
      }
      if (typeof result === 'object' && result !== null && 'error' in result) {
        return {
          text: '',
          display: String((result as {error: string}).error),
          formula: true,
          problem: `the formula's result is an error (${String((result as {error: string}).error)})`,
        }
      }
      return {...sheetCell(result, format, date1904), formula: true}
    }
    if (typeof object.error === 'string') return {text: '', display: object.error, problem: `an error value (${object.error})`}
    const text = plainText(value)
    if (text !== undefined) return {text, display: text}
  }
  return {text: String(value), display: String(value)}
}

function numberCell(value: number, format: string | undefined, date1904: boolean): SheetCell {
  // The common case, a whole number in the General format: its digits are exact as they are.
  if (Number.isSafeInteger(value) && (format === undefined || format === 'General' || format === '')) {
    const text = String(value)
    return {text, display: text, number: value}
  }
  if (!Number.isFinite(value)) return {text: '', display: String(value), problem: 'not a finite number'}
  if (isDateFormat(format)) {
    const date = serialDate(value, date1904)
    return {text: dateDisplay(date), display: dateDisplay(date), date}
  }
  return {text: numberText(value, format), display: numberDisplay(value, format), number: value}
}

/** A rectangle of cells: rows 1-based, columns 0-based, both ends included. */
export interface CellRange {
  top: number
  left: number
  bottom: number
  right: number
}

/** One row of a worksheet: its number and its cells by 0-based column. */
export interface SheetRow {
  row: number
  cells: SheetCell[]
}

/** What a reader knows of a sheet before its rows: its merged cells. */
export interface SheetStart {
  merges: CellRange[]
}

/** A1 or A1:C3 as a range. */
export function parseRange(ref: string): CellRange | undefined {
  const match = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/.exec(ref.toUpperCase())
  if (!match) return undefined
  const column = (letters: string) => [...letters].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0) - 1
  const left = column(match[1])
  const top = Number(match[2])
  return {top, left, bottom: match[4] ? Number(match[4]) : top, right: match[3] ? column(match[3]) : left}
}

/** A range as Excel writes it: A6:A7. */
export function rangeReference(range: CellRange): string {
  const first = `${columnLetters(range.left)}${range.top}`
  return range.top === range.bottom && range.left === range.right ? first : `${first}:${columnLetters(range.right)}${range.bottom}`
}
