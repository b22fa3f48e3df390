import {createRequire} from 'node:module'

import type TableConstructor from 'cli-table3'

import type {TableData} from '../domain/table.js'
import {terminalLines} from '../domain/text-safety.js'

/** Colour is on only for a terminal, and off with NO_COLOR, --no-color or TERM=dumb. */
export function colourEnabled(noColorFlag = false, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (noColorFlag) return false
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true
  if (process.env.TERM === 'dumb') return false
  return Boolean(stream.isTTY)
}

const CODES = {bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39]} as const
export type Style = keyof typeof CODES

export class Painter {
  constructor(readonly enabled: boolean) {}

  paint(style: Style, text: string): string {
    if (!this.enabled) return text
    const [open, close] = CODES[style]
    return `\u001B[${open}m${text}\u001B[${close}m`
  }
}

/**
 * Draws a table for a terminal. Every cell, heading and title is user data as
 * far as the terminal is concerned: each of its lines goes through
 * `terminalText`, so a name holding a carriage return, an escape sequence or a
 * bidirectional override shows those as visible escapes and cannot move the
 * cursor or break the grid (a line feed starts a new line inside the cell).
 */
export function renderTable(table: TableData, painter: Painter): string {
  const safe = (cell: string) => terminalLines(String(cell ?? ''))
  const cells = [
    table.head.map((cell) => painter.paint('bold', safe(cell))),
    ...table.rows.map((row) => row.map(safe)),
    ...(table.footer ?? []).map((row) => row.map((cell) => painter.paint('bold', safe(cell)))),
  ]
  const align = table.align ?? []
  const lines = gridFits(cells) ? drawGrid(cells, align) : drawWithCliTable3(cells, align)
  // Every row is ruled off; keep only the rules under the head and above the footer.
  const rules = lines.map((line, index) => (line.startsWith('├') ? index : -1)).filter((index) => index >= 0)
  const keep = new Set([rules[0], table.footer?.length ? rules.at(-table.footer.length) : undefined])
  const body = lines.filter((line, index) => !line.startsWith('├') || keep.has(index)).join('\n')
  return table.title ? `${painter.paint('bold', safe(table.title))}\n${body}` : body
}

/**
 * Whether `drawGrid` draws these rows (the first one the head) as cli-table3 would: a head, every row as long as
 * it, and no painted cell of several lines (cli-table3 repaints each of its lines). Other tables go to cli-table3,
 * which lays out short rows as cells spanning the missing columns.
 */
export function gridFits(cells: readonly (readonly string[])[]): boolean {
  const columns = cells[0]?.length ?? 0
  if (columns === 0) return false
  for (const row of cells) {
    if (row.length !== columns) return false
    for (const cell of row) if (cell.includes('\u001B') && cell.includes('\n')) return false
  }
  return true
}

type Alignment = NonNullable<TableData['align']>

// eslint-disable-next-line no-control-regex
const SGR_CODE = /\u001B\[(?:\d*;){0,5}\d*m/g

/**
 * Draws rows (the first one the head) as the lines cli-table3 draws for them with kasumi's options (one space of
 * padding each side, no colour of its own, no wrapping, a rule above every row), character for character, without
 * its per-cell layout work: each column as wide as its widest line, each row as tall as its tallest cell, text
 * aligned as `align` says. Only for rows `gridFits` accepts.
 */
export function drawGrid(cells: readonly (readonly string[])[], align: Alignment): string[] {
  const measure = widthMeasure()
  const columns = cells[0].length
  const split = cells.map((row) => row.map((cell) => cell.split('\n')))
  const widths = new Array<number>(columns).fill(1)
  const lineWidths = split.map((row) =>
    row.map((lines, column) => {
      const measured = lines.map((line) => measure(line.includes('\u001B') ? line.replace(SGR_CODE, '') : line))
      widths[column] = Math.max(widths[column], Math.max(...measured) + 2)
      return measured
    }),
  )
  const rule = (left: string, middle: string, right: string) => left + widths.map((width) => '─'.repeat(width)).join(middle) + right
  const out: string[] = []
  split.forEach((row, index) => {
    out.push(index === 0 ? rule('┌', '┬', '┐') : rule('├', '┼', '┤'))
    const height = Math.max(...row.map((lines) => lines.length))
    for (let lineNumber = 0; lineNumber < height; lineNumber++) {
      const parts = row.map((lines, column) => {
        if (lineNumber >= lines.length) return ' '.repeat(widths[column])
        const text = lines[lineNumber]
        const room = widths[column] - 2 - lineWidths[index][column][lineNumber]
        if (align[column] === 'right') return ` ${' '.repeat(room)}${text} `
        if (align[column] === 'center') {
          const right = Math.ceil(room / 2)
          return ` ${' '.repeat(room - right)}${text}${' '.repeat(right)} `
        }
        return ` ${text}${' '.repeat(room)} `
      })
      out.push(`│${parts.join('│')}│`)
    }
  })
  out.push(rule('└', '┴', '┘'))
  return out
}

/** The rows (the first one the head) as cli-table3 draws them with kasumi's options, line by line. */
export function drawWithCliTable3(cells: readonly (readonly string[])[], align: Alignment): string[] {
  const Table = loadTable()
  const drawn = new Table({
    head: [...(cells[0] ?? [])],
    colAligns: align,
    style: {head: [], border: [], compact: false, 'padding-left': 1, 'padding-right': 1},
    wordWrap: false,
  })
  for (const row of cells.slice(1)) drawn.push([...row])
  return drawn.toString().split('\n')
}

let tableClass: typeof TableConstructor | undefined
let stringWidth: ((text: string) => number) | undefined

/**
 * The string-width that cli-table3 measures with, behind the fast paths and cache below; loaded on the first text
 * that needs it, so that a table of ASCII and common Japanese text never loads it.
 */
function widthMeasure(): (text: string) => number {
  stringWidth ??= cachedWidth((text) => tableStringWidth()(text))
  return stringWidth
}

let tableStringWidthFunction: ((text: string) => number) | undefined

/** cli-table3's own string-width, loaded on first use. */
function tableStringWidth(): (text: string) => number {
  if (!tableStringWidthFunction) {
    const require = createRequire(import.meta.url)
    tableStringWidthFunction = createRequire(require.resolve('cli-table3'))('string-width') as (text: string) => number
  }
  return tableStringWidthFunction
}

/** The width of TEXT in a terminal table's cell, as cli-table3 measures it (string-width). */
export function cellWidth(text: string): number {
  return widthMeasure()(text)
}

/**
 * cli-table3, loaded when the first table `drawGrid` cannot draw is drawn: most commands never load it.
 *
 * cli-table3 measures every cell several times (to size the column, to pad, to check truncation) through
 * string-width, which strips ANSI codes and runs a large emoji pattern on each call. Before cli-table3 is
 * loaded, its string-width is replaced in the module cache by the same function behind the fast paths for
 * printable ASCII and common Japanese text and a cache of the widths of other strings, so all other text keeps
 * its measure from string-width itself.
 */
function loadTable(): typeof TableConstructor {
  if (tableClass) return tableClass
  const require = createRequire(import.meta.url)
  const tableRequire = createRequire(require.resolve('cli-table3'))
  const widthPath = tableRequire.resolve('string-width')
  const width = widthMeasure()
  // Loaded (and kept for the measure behind the fast paths) before its module's exports are replaced.
  tableStringWidth()
  const loaded = require.cache[widthPath]
  if (loaded && loaded.exports !== width) loaded.exports = Object.assign(width, {default: width})
  tableClass = require('cli-table3') as typeof TableConstructor
  return tableClass
}

const printableAscii = /^[\x20-\x7e]*$/
/**
 * Printable ASCII with the common Japanese scripts: CJK symbols and punctuation (but 〰 and 〽, which are emoji),
 * kana, the CJK unified ideographs and the fullwidth forms. string-width gives each of these characters two cells (a
 * test checks every one), and its emoji pattern matches none of them.
 */
const commonJapanese = /^[\x20-\x7e\u3000-\u302f\u3031-\u303c\u303e\u3041-\u3096\u30a0-\u30ff\u4e00-\u9fff\uff01-\uff60]*$/
const wide = /[^\x20-\x7e]/g

/** string-width with fast paths for printable ASCII and common Japanese text, and a bounded cache for everything else. */
function cachedWidth(measure: (text: string) => number): (text: string) => number {
  const widths = new Map<string, number>()
  return (text: string) => {
    if (typeof text !== 'string') return measure(text)
    if (printableAscii.test(text)) return text.length
    if (commonJapanese.test(text)) return text.length + (text.match(wide)?.length ?? 0)
    let width = widths.get(text)
    if (width === undefined) {
      width = measure(text)
      if (widths.size >= 50_000) widths.clear()
      widths.set(text, width)
    }
    return width
  }
}

/** Where a workbook's rows came from, for summaries: sheet, header rows, money unit. */
export function workbookSource(facts: {sheet: string; headerRows: number[]; unit?: {name: string; source: string}}, encoding?: string): string {
  const rows = facts.headerRows.length === 2 ? `header rows ${facts.headerRows[0]}–${facts.headerRows[1]}` : `header row ${facts.headerRows[0]}`
  const unit = facts.unit ? `, amounts in ${facts.unit.name === 'yen' ? 'yen' : `${facts.unit.name} yen`} (${facts.unit.source})` : ''
  // A CSV file read as a sheet (through a mapping) names its encoding instead of a sheet.
  return `${encoding && encoding !== 'xlsx' ? encoding : `sheet ${facts.sheet}`}, ${rows}${unit}`
}
