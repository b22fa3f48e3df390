/** CSV writing shared by exports and reports: RFC 4180 quoting, formula neutralising, optional BOM. */
export const UTF8_BOM = '\uFEFF'

// A leading run of apostrophes counts too, so that a value which itself starts with '= survives the round trip.
const FORMULA_START = /^'*[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
 * gets a leading apostrophe; kasumi's import removes it again.
 */
export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell
}

export function quoteCell(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}

export interface CsvColumn<T> {
  header: string
  value(row: T): string | number | null | undefined
  /** Text columns are neutralised; numeric ones are written as they are. */
  text?: boolean
}

export function csvHeader(columns: ReadonlyArray<CsvColumn<unknown>>): string {
  return `${columns.map((column) => quoteCell(column.header)).join(',')}\r\n`
}

export function csvRow<T>(columns: ReadonlyArray<CsvColumn<T>>, row: T): string {
  const cells = columns.map((column) => {
    const value = column.value(row)
    if (value === null || value === undefined) return ''
    const textValue = String(value)
    return quoteCell(column.text ? neutralise(textValue) : textValue)
  })
  return `${cells.join(',')}\r\n`
}

const WHITE_SPACE = /\s/
/** Whether a UTF-16 code unit is white space as `\s` has it. */
function whiteSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code >= 0x80 && WHITE_SPACE.test(String.fromCharCode(code)))
}

/** Whether the value of `text` from `start` to `end` starts like a formula, as FORMULA_START has it: apostrophes, then =, +, -, @, tab or CR. */
function formulaStart(text: string, start: number, end: number): boolean {
  let at = start
  while (at < end && text.charCodeAt(at) === 39) at++
  if (at === end) return false
  const code = text.charCodeAt(at)
  return code === 61 || code === 43 || code === 45 || code === 64 || code === 9 || code === 13
}

/**
 * Whether a text is already the CSV rows `csvRow` writes for `rows` rows of these columns, when it holds their values
 * joined by commas and the rows joined by CR LF: as many commas a row as between the columns (so no value holds one),
 * no quote or line break in a row, no value that starts or ends with white space and, in a text column, none that
 * starts like a formula. One pass over the characters; a line break inside a value makes more rows than `rows`.
 */
export function plainRows(text: string, rows: number, columns: ReadonlyArray<CsvColumn<never>>): boolean {
  const commas = columns.length - 1
  let ended = 0
  let value = 0
  let start = 0
  for (let at = 0; at <= text.length; at++) {
    // The end of the text ends the last row.
    const code = at < text.length ? text.charCodeAt(at) : 13
    if (code === 44 || code === 13) {
      if (at > start && (whiteSpace(text.charCodeAt(start)) || whiteSpace(text.charCodeAt(at - 1)))) return false
      if (columns[value].text && formulaStart(text, start, at)) return false
      if (code === 44) {
        if (++value > commas) return false
      } else {
        if (value !== commas) return false
        if (at < text.length && text.charCodeAt(++at) !== 10) return false
        ended++
        value = 0
      }
      start = at + 1
    } else if (code === 34 || code === 10) return false
  }
  return ended === rows
}
