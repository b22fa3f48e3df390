import type {TableData} from '../domain/table.js'
import {terminalLines} from '../domain/text-safety.js'
import {PLAIN_ASCII, displayWidth} from '../domain/text-width.js'

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
 * Draws a table for a terminal: a box of light lines, one space of padding in
 * each cell, a rule under the head and above the footer. Every cell, heading
 * and title is user data as far as the terminal is concerned: each of its
 * lines goes through `terminalText`, so a name holding a carriage return, an
 * escape sequence or a bidirectional override shows those as visible escapes
 * and cannot move the cursor or break the grid (a line feed starts a new line
 * inside the cell). Columns are as wide as their widest line in terminal
 * cells (see `displayWidth`), so CJK text stays aligned.
 */
export function renderTable(table: TableData, painter: Painter): string {
  const columns = Math.max(table.head.length, ...table.rows.map((row) => row.length), ...(table.footer ?? []).map((row) => row.length))
  // Each row as cells of lines, made safe; the head and the footer in bold, line by line.
  const prepare = (row: readonly string[], bold: boolean): string[][] =>
    Array.from({length: columns}, (_, column) =>
      terminalLines(String(row[column] ?? ''))
        .split('\n')
        .map((line) => (bold ? painter.paint('bold', line) : line)),
    )
  const head = prepare(table.head, true)
  const body = table.rows.map((row) => prepare(row, false))
  const footer = (table.footer ?? []).map((row) => prepare(row, true))
  const measure = widthMeasure()
  const widths = new Array<number>(columns).fill(0)
  for (const row of [head, ...body, ...footer]) {
    for (let column = 0; column < columns; column++) {
      for (const line of row[column]) widths[column] = Math.max(widths[column], measure(line))
    }
  }
  const align = table.align ?? []
  const rule = (left: string, middle: string, right: string) => `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`
  const lines: string[] = []
  const draw = (row: string[][]) => {
    const height = Math.max(1, ...row.map((cell) => cell.length))
    for (let index = 0; index < height; index++) {
      const cells = row.map((cell, column) => {
        const text = cell[index] ?? ''
        const room = widths[column] - measure(text)
        const side = align[column] ?? 'left'
        if (side === 'right') return ` ${' '.repeat(room)}${text} `
        if (side === 'center') return ` ${' '.repeat(room - Math.ceil(room / 2))}${text}${' '.repeat(Math.ceil(room / 2))} `
        return ` ${text}${' '.repeat(room)} `
      })
      lines.push(`│${cells.join('│')}│`)
    }
  }
  lines.push(rule('┌', '┬', '┐'))
  draw(head)
  if (body.length > 0 || footer.length > 0) lines.push(rule('├', '┼', '┤'))
  for (const row of body) draw(row)
  if (footer.length > 0 && body.length > 0) lines.push(rule('├', '┼', '┤'))
  for (const row of footer) draw(row)
  lines.push(rule('└', '┴', '┘'))
  const drawn = lines.join('\n')
  return table.title ? `${painter.paint('bold', terminalLines(table.title))}\n${drawn}` : drawn
}

/** A `displayWidth` that remembers the widths of text that is not plain ASCII (names, ministries repeat down a column). */
function widthMeasure(): (text: string) => number {
  const known = new Map<string, number>()
  return (text) => {
    if (PLAIN_ASCII.test(text)) return text.length
    let width = known.get(text)
    if (width === undefined) {
      width = displayWidth(text)
      known.set(text, width)
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
