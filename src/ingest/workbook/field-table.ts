import {basename} from 'node:path'

import {InvalidInputError, type InputIssue} from '../../domain/errors.js'
import {resolveHeader, type FieldSpec} from '../table.js'
import {EMPTY_CELL, cellReference, rangeReference, type CellRange, type SheetRow} from './cells.js'
import {inspectWorkbook, type WorkbookFormat, type WorkbookInfo} from './container.js'
import {HEAD_ROWS, cellName, joinRows, noteText, totalsLabel} from './layout.js'
import {streamSheets} from './stream.js'

/**
 * A table of other files kasumi reads (actuals, exchange rates) from a
 * workbook, by the same rules as the register's sheets: the sheet picked by
 * its header or `--sheet`, the header found among the first rows (one row or
 * two with merged group cells), title rows above it passed over, totals and
 * note rows skipped, merged cells inside the data and unreadable cells (a
 * formula without a cached value) refused with their cell. The rows are handed
 * on as text cells, to the same field aliases and value parsers as a CSV file.
 */
export interface FieldTableSpec {
  fields: readonly FieldSpec[]
  /** Header names as the reader resolves them (e.g. units taken off money headers). */
  names?: (cells: string[]) => string[]
  /** A sheet's name or 1-based position. */
  sheet?: string
  /** What the table holds, for messages: "actuals", "exchange rates". */
  what: string
}

export interface FieldTableHandlers {
  header(cells: string[], line: number): void
  record(cells: string[], line: number): void
  issue(issue: InputIssue): void
  warning(issue: InputIssue): void
}

export interface FieldTableFacts {
  format: WorkbookFormat
  sheet: string
  headerRows: number[]
}

interface Candidate {
  rows: number[]
  names: string[]
  score: number
  missing: string[]
}

function refuse(file: string, message: string, issues: InputIssue[]): never {
  throw new InvalidInputError(`${basename(file)}: ${message}; nothing was written`, issues)
}

function evaluate(file: string, spec: FieldTableSpec, rows: number[], names: string[]): Candidate {
  const resolved = resolveHeader(file, rows[0], spec.names ? spec.names(names) : names, spec.fields)
  return {
    rows,
    names,
    score: resolved.columns.size,
    missing: spec.fields.filter((field) => field.required && !resolved.columns.has(field.key)).map((field) => field.header),
  }
}

/** The header among the first rows: the row (or pair of rows) naming the most known columns, complete ones first. */
function findFieldHeader(file: string, sheet: string, head: SheetRow[], spec: FieldTableSpec): Candidate | undefined {
  const resolves = (name: string) => evaluate(file, spec, [0], [name]).score === 1
  let best: Candidate | undefined
  const better = (candidate: Candidate): boolean => {
    if (!best) return true
    const complete = candidate.missing.length === 0
    if (complete !== (best.missing.length === 0)) return complete
    return candidate.score > best.score
  }
  for (let index = 0; index < head.length; index++) {
    const row = head[index]
    const names = Array.from({length: row.cells.length}, (_, column) => cellName(row.cells[column]))
    const single = evaluate(file, spec, [row.row], names)
    if (single.score >= 2 && better(single)) best = single
    const next = head[index + 1]
    if (!next || next.row !== row.row + 1) continue
    const lowerNames = Array.from({length: next.cells.length}, (_, column) => cellName(next.cells[column]))
    const lower = evaluate(file, spec, [next.row], lowerNames)
    const joined = evaluate(file, spec, [row.row, next.row], joinRows(sheet, row, next, resolves).names)
    if (joined.score > Math.max(single.score, lower.score) && joined.score >= 2 && better(joined)) best = joined
  }
  return best
}

function describe(sheet: string, candidate: Candidate | undefined, tried: number): string {
  if (!candidate) return `${sheet}: no header found (${tried} rows tried)`
  const rows = candidate.rows.length === 2 ? `rows ${candidate.rows[0]}–${candidate.rows[1]}` : `row ${candidate.rows[0]}`
  return `${sheet}: header at ${rows} (${candidate.names.filter(Boolean).join(', ')})${candidate.missing.length > 0 ? `; missing ${candidate.missing.join(', ')}` : ''}`
}

async function heads(file: string, names: string[]): Promise<Map<string, SheetRow[]>> {
  const found = new Map<string, SheetRow[]>(names.map((name) => [name, []]))
  await streamSheets(
    file,
    (name) => found.has(name),
    (name, row) => {
      const head = found.get(name)!
      if (head.length < HEAD_ROWS && row.cells.some((cell) => cell.text.trim() !== '')) head.push(row)
    },
  )
  return found
}

async function chooseSheet(file: string, info: WorkbookInfo, spec: FieldTableSpec): Promise<string> {
  const list = info.sheets.map((sheet) => `${sheet.position}. ${sheet.name}${sheet.hidden ? ' (hidden)' : ''}`).join(', ')
  if (spec.sheet !== undefined) {
    const wanted = spec.sheet
    const key = (name: string) => name.normalize('NFKC').toLowerCase()
    const found =
      info.sheets.find((sheet) => sheet.name === wanted) ??
      info.sheets.find((sheet) => key(sheet.name) === key(wanted)) ??
      (/^\d+$/.test(wanted) ? info.sheets[Number(wanted) - 1] : undefined)
    if (!found)
      refuse(file, `no sheet ${JSON.stringify(wanted)}`, [
        {file, value: wanted, message: 'the workbook has no sheet of this name or position', hint: `its sheets: ${list}`},
      ])
    return found.name
  }
  if (info.sheets.length === 1) return info.sheets[0].name
  const rows = await heads(
    file,
    info.sheets.map((sheet) => sheet.name),
  )
  const found = info.sheets.map((sheet) => ({
    name: sheet.name,
    candidate: findFieldHeader(file, sheet.name, rows.get(sheet.name) ?? [], spec),
    tried: rows.get(sheet.name)?.length ?? 0,
  }))
  const complete = found.filter((entry) => entry.candidate && entry.candidate.missing.length === 0)
  if (complete.length === 1) return complete[0].name
  const lines = found.map((entry) => ({file, message: describe(entry.name, entry.candidate, entry.tried)}))
  if (complete.length === 0)
    refuse(file, `no sheet holds a table of ${spec.what}`, [
      ...lines,
      {file, message: `no sheet has a header with every required column of ${spec.what}`, hint: 'name the sheet, or rename the columns'},
    ])
  return refuse(file, `${complete.length} sheets hold tables of ${spec.what}`, [
    ...lines,
    {file, message: `the sheets ${complete.map((entry) => entry.name).join(', ')} all qualify`, hint: 'name the sheet to read (by name or position)'},
  ])
}

/** Reads the table of a workbook: the header found, then every data row as text cells. */
export async function readFieldTable(file: string, spec: FieldTableSpec, handlers: FieldTableHandlers): Promise<FieldTableFacts> {
  const info = await inspectWorkbook(file)
  const sheet = await chooseSheet(file, info, spec)
  const facts: FieldTableFacts = {format: info.format ?? 'xlsx', sheet, headerRows: []}
  const head: SheetRow[] = []
  let header: Candidate | undefined
  let width = 0
  let merges: CellRange[] = []
  const reported = new Set<CellRange>()
  let skipped = 0

  const start = (): void => {
    header = findFieldHeader(file, sheet, head, spec)
    if (!header) {
      let closest: Candidate | undefined
      for (const row of head) {
        const candidate = evaluate(
          file,
          spec,
          [row.row],
          row.cells.map((cell) => cellName(cell)),
        )
        if (candidate.score > 0 && (!closest || candidate.score > closest.score)) closest = candidate
      }
      refuse(file, `no header row of ${spec.what} found on the sheet ${sheet}`, [
        {
          file,
          message: `rows ${head[0]?.row ?? 1}–${head.at(-1)?.row ?? 1} of ${sheet} were tried; none names two or more columns of ${spec.what}.${
            closest ? ` The best candidate is row ${closest.rows[0]} (${closest.names.filter(Boolean).join(', ')}).` : ''
          }`,
          hint: `name the columns ${spec.fields
            .filter((field) => field.required)
            .map((field) => field.header)
            .join(', ')} (or their aliases), or choose the sheet`,
        },
      ])
    }
    facts.headerRows = header.rows
    width = header.names.length
    handlers.header(header.names, header.rows.at(-1)!)
    for (const row of head) if (row.row > header.rows.at(-1)!) dataRow(row)
  }

  const dataRow = (row: SheetRow): void => {
    const within = row.cells.slice(0, width)
    if (within.every((cell) => cell.text.trim() === '' && !cell.problem)) return
    const label = totalsLabel(within) ?? noteText(within)
    if (label !== undefined) {
      skipped++
      if (skipped <= 10)
        handlers.warning({file, cell: `${sheet}!${row.row}:${row.row}`, value: label, message: 'a totals or note row is not data; skipped'})
      return
    }
    const last = header!.rows.at(-1)!
    for (const range of merges) {
      if (reported.has(range) || range.bottom <= last || range.left >= width || range.top > row.row || range.bottom < row.row) continue
      reported.add(range)
      handlers.issue({
        file,
        cell: `${cellReference(sheet, range.left, range.top).replace(/![A-Z]+\d+$/, '')}!${rangeReference(range)}`,
        column: header!.names[range.left],
        message: `merged cells inside the data (${rangeReference(range)}): a merged value belongs to one cell only`,
        hint: 'unmerge the cells and fill the value into every row',
      })
    }
    const texts: string[] = []
    for (let index = 0; index < width; index++) {
      const cell = row.cells[index] ?? EMPTY_CELL
      if (cell.problem && header!.names[index] !== '') {
        handlers.issue({
          file,
          cell: cellReference(sheet, index, row.row),
          column: header!.names[index],
          value: cell.display,
          message: cell.problem,
          hint: cell.formula ? 'open the workbook, let it calculate, and save it again; kasumi never calculates formulas' : 'correct the cell',
        })
      }
      texts.push(cell.text)
    }
    handlers.record(texts, row.row)
  }

  await streamSheets(
    file,
    (name) => name === sheet,
    (_, row) => {
      if (!header) {
        if (row.cells.every((cell) => cell.text.trim() === '')) return
        head.push(row)
        if (head.length >= HEAD_ROWS) start()
        return
      }
      dataRow(row)
    },
    () => {
      if (!header && head.length > 0) start()
    },
    (_, found) => {
      merges = found.merges
    },
  )
  if (!header)
    refuse(file, `the sheet ${sheet} is empty`, [{file, message: `the sheet ${sheet} has no rows`, hint: 'choose another sheet, or fill this one'}])
  if (skipped > 10) handlers.warning({file, message: `${skipped - 10} more totals or note rows skipped`})
  return facts
}

/** Issues a row reader gave by line and column number (`3 (planned)`), moved onto their cells: `実績!C7`. */
export function locateIssues(issues: InputIssue[], sheet: string): void {
  for (const issue of issues) {
    if (issue.cell !== undefined || issue.line === undefined || issue.column === undefined) continue
    const match = /^(\d+) \((.*)\)$/.exec(issue.column)
    if (!match) continue
    issue.cell = cellReference(sheet, Number(match[1]) - 1, issue.line)
    issue.column = match[2]
    delete issue.line
  }
}
