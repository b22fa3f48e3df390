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
