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
  const Table = loadTable()
  const drawn = new Table({
    head: table.head.map((cell) => painter.paint('bold', safe(cell))),
    colAligns: table.align ?? [],
    style: {head: [], border: [], compact: false, 'padding-left': 1, 'padding-right': 1},
    wordWrap: false,
  })
  for (const row of table.rows) drawn.push(row.map(safe))
  for (const row of table.footer ?? []) drawn.push(row.map((cell) => painter.paint('bold', safe(cell))))
  // cli-table3 rules off every row; keep only the rules under the head and above the footer.
  const lines = drawn.toString().split('\n')
  const rules = lines.map((line, index) => (line.startsWith('├') ? index : -1)).filter((index) => index >= 0)
  const keep = new Set([rules[0], table.footer?.length ? rules.at(-table.footer.length) : undefined])
  const body = lines.filter((line, index) => !line.startsWith('├') || keep.has(index)).join('\n')
  return table.title ? `${painter.paint('bold', safe(table.title))}\n${body}` : body
}

let tableClass: typeof TableConstructor | undefined

/**
 * cli-table3, loaded when the first table is drawn: commands answering with --json never load it.
 *
 * cli-table3 measures every cell several times (to size the column, to pad, to check truncation) through
 * string-width, which strips ANSI codes and runs a large emoji pattern on each call. Before cli-table3 is
 * loaded, its string-width is replaced in the module cache by the same function behind a printable-ASCII
 * fast path (width = length) and a cache of the widths of other strings, so CJK text keeps its
 * double-width measure from string-width itself.
 */
function loadTable(): typeof TableConstructor {
  if (tableClass) return tableClass
  const require = createRequire(import.meta.url)
  const tableRequire = createRequire(require.resolve('cli-table3'))
  const widthPath = tableRequire.resolve('string-width')
  if (!(widthPath in require.cache)) {
    const measure = tableRequire('string-width') as (text: string) => number
    const loaded = require.cache[widthPath]
    const width = cachedWidth(measure)
    if (loaded) loaded.exports = Object.assign(width, {default: width})
  }
  tableClass = require('cli-table3') as typeof TableConstructor
  return tableClass
}

const printableAscii = /^[\x20-\x7e]*$/

/** string-width with a printable-ASCII fast path and a bounded cache for everything else. */
function cachedWidth(measure: (text: string) => number): (text: string) => number {
  const widths = new Map<string, number>()
  return (text: string) => {
    if (typeof text !== 'string') return measure(text)
    if (printableAscii.test(text)) return text.length
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
