import {matchKey} from '../../domain/text-match.js'
import {parseFiscalYear, type Calendar} from '../../domain/fiscal-year.js'
import type {SpendType} from '../../domain/inventory.js'
import {TABLE_KINDS, parseSpendType, type Kind} from '../kinds.js'
import {mappedFields, namesMatch, passedOver, type Mapping} from '../mapping.js'
import {HEADER_UNITS, resolveHeader, type HeaderResolution} from '../table.js'
import {cellReference, type SheetCell} from './cells.js'
import {UNIT_FLAG} from './options.js'
import type {SheetRow} from './stream.js'

/** How many rows at the top of a sheet are searched for the header. */
export const HEAD_ROWS = 40

export interface HeaderCandidate {
  kind: Kind
  /** The header's rows: one, or two for a two-row header. */
  rows: number[]
  /** The header name of each column (two-row headers joined). */
  names: string[]
  /** The cell each name came from, for messages. */
  origins: string[]
  resolution: HeaderResolution
  /** Known columns. */
  score: number
  /** Required fields without a column. */
  missing: string[]
  /** Cost lines laid out across the columns: fiscal years or spend types, maybe a 合計 column. */
  wide?: WideLayout
}

export interface WideColumn {
  index: number
  fiscalYear?: number
  spendType?: SpendType
  /** Values of other fields the column stands for (a mapping's amounts: pool, frequency, note), by field key. */
  values?: Record<string, string>
  /** The unit the column's header names, e.g. 運用等経費（千円）. */
  factor?: number
}

export interface WideLayout {
  /** Fiscal years, spend types, or both (a year over its spend types in a two-row header), or a mapping's columns. */
  across: 'years' | 'spend types' | 'years and spend types' | 'mapped columns'
  columns: WideColumn[]
  /** A 合計 column: checked against the sum of the others, not imported. */
  total?: number
  /** With years and spend types: each year's 合計 column, checked against that year's parts. */
  totals?: Array<{index: number; fiscalYear: number}>
}

export function cellName(cell: SheetCell | undefined): string {
  return cell ? cell.text.replace(/\s+/g, ' ').trim() : ''
}

function resolves(name: string, kind: Kind, mapping: Mapping | undefined): boolean {
  return name !== '' && resolveHeader('', 0, [name], mappedFields(kind, mapping)).columns.size === 1
}

function evaluate(
  file: string,
  sheet: string,
  kind: Kind,
  rows: SheetRow[],
  names: string[],
  origins: string[],
  defaults: ReadonlySet<string>,
  calendar: Calendar,
  mapping?: Mapping,
): HeaderCandidate {
  const resolution = resolveHeader(file, rows[rows.length - 1].row, names, mappedFields(kind, mapping))
  // Columns the mapping passes over (ignored, or another kind's) are no unknown columns.
  const over = passedOver(kind, mapping)
  if (over.size > 0) resolution.unknown = resolution.unknown.filter((column) => !over.has(matchKey(column.name)))
  const amounts = mapping?.kinds[kind]?.amounts
  const wide = amounts ? mappedLayout(kind, mapping!, resolution) : kind === 'costs' ? wideLayout(resolution, names, calendar) : undefined
  if (wide) {
    const taken = new Set([
      ...wide.columns.map((column) => column.index),
      ...(wide.total === undefined ? [] : [wide.total]),
      ...(wide.totals ?? []).map((total) => total.index),
    ])
    resolution.unknown = resolution.unknown.filter((column) => !taken.has(column.index))
    const years = wide.columns.length > 0 && wide.columns.every((column) => column.fiscalYear !== undefined)
    defaults = new Set([...defaults, 'amount', 'pool', ...(years ? ['fiscalYear'] : [])])
  }
  // A required column the options give a value for (--ministry) is not missing.
  const defaulted = TABLE_KINDS[kind].fields
    .filter((field) => defaults.has(field.key))
    .map((field) => `the required column "${field.header}" is missing`)
  resolution.issues = resolution.issues.filter((issue) => !defaulted.includes(issue.message))
  const missing = TABLE_KINDS[kind].fields
    .filter((field) => field.required && !resolution.columns.has(field.key) && !defaults.has(field.key))
    .map((field) => field.header)
  // Issues point at cells: the header row's cell of the column they name.
  for (const issue of resolution.issues) {
    const index = issue.column ? Number.parseInt(issue.column, 10) - 1 : Number.NaN
    if (!Number.isNaN(index)) issue.cell = origins[index] ?? cellReference(sheet, index, rows[0].row)
  }
  if (amounts) for (const issue of resolution.issues) if (issue.message.startsWith('the mapping')) missing.push(issue.value ?? '')
  return {
    kind,
    rows: rows.map((row) => row.row),
    names,
    origins,
    resolution,
    score: resolution.columns.size + (wide ? wide.columns.length : 0),
    missing,
    wide,
  }
}

/** A mapping's amounts across the columns: each named column a cost line with the values the mapping gives it. */
function mappedLayout(kind: Kind, mapping: Mapping, resolution: HeaderResolution): WideLayout {
  const section = mapping.kinds[kind]!
  const columns: WideColumn[] = []
  const find = (list: readonly string[]) =>
    resolution.unknown.find((column) => namesMatch(withoutUnit(column.name).base, list) || namesMatch(column.name, list))
  for (const amount of section.amounts ?? []) {
    const column = find(amount.names)
    if (!column) {
      resolution.issues.push({
        file: resolution.issues[0]?.file,
        message: `the mapping's ${amount.path} names the column ${amount.names.join(' / ')}, which the header does not have`,
        value: amount.names[0],
        hint: 'check the header row (mapping header.row) or the column name in the mapping',
      })
      continue
    }
    const values: Record<string, string> = {}
    if (amount.pool) values.pool = amount.pool
    if (amount.frequency) values.frequency = amount.frequency
    if (amount.note) values.note = amount.note
    columns.push({index: column.index, fiscalYear: amount.fiscalYear, spendType: amount.spendType, factor: withoutUnit(column.name).factor, values})
  }
  const total = section.total ? find(section.total)?.index : undefined
  return {across: 'mapped columns', columns, total}
}

const TOTAL_HEADERS = new Set(['合計', '計', '総計', '總計', '合計額', 'total', '小計'])

function withoutUnit(name: string): {base: string; factor?: number} {
  const match = /^(.*?)\s*[(（]([^()（）]+)[)）]$/.exec(name.normalize('NFKC'))
  if (match) {
    const factor = HEADER_UNITS[matchKey(match[2])]
    if (factor !== undefined) return {base: match[1], factor}
  }
  return {base: name}
}

/**
 * Cost lines laid out across the columns: fiscal years (令和2年度 | 令和3年度, 2020 | 2021)
 * or spend types (運用等経費 | 整備等経費, as the IT dashboard publishes), with a 合計
 * column beside them. Only when the sheet has no amount column of its own.
 */
function wideLayout(resolution: HeaderResolution, names: string[], calendar: Calendar): WideLayout | undefined {
  if (resolution.columns.has('amount')) return undefined
  const years: WideColumn[] = []
  const spends: WideColumn[] = []
  const grid: WideColumn[] = []
  const gridTotals: Array<{index: number; fiscalYear: number}> = []
  let total: number | undefined
  const byYear = !resolution.columns.has('fiscalYear') && !resolution.columns.has('spendType')
  for (const {index, name} of resolution.unknown) {
    const {base, factor} = withoutUnit(name)
    const cell = byYear ? gridCell(base, calendar) : undefined
    if (cell?.total) {
      gridTotals.push({index, fiscalYear: cell.fiscalYear})
      continue
    }
    if (cell) {
      grid.push({index, fiscalYear: cell.fiscalYear, spendType: cell.spendType, factor})
      continue
    }
    if (TOTAL_HEADERS.has(matchKey(base))) {
      total ??= index
      continue
    }
    const year = resolution.columns.has('fiscalYear') ? undefined : parseFiscalYear(base.normalize('NFKC').replace(/\s+/g, ''), calendar)
    if (year?.ok) {
      years.push({index, fiscalYear: year.year, factor})
      continue
    }
    const spend = resolution.columns.has('spendType') ? undefined : parseSpendType(base)
    if (spend?.ok && spend.value !== null) spends.push({index, spendType: spend.value, factor})
  }
  if (grid.length > 0) return {across: 'years and spend types', columns: grid, totals: gridTotals}
  if (years.length > 0 && years.length >= spends.length) return {across: 'years', columns: years, total}
  if (spends.length > 0) return {across: 'spend types', columns: spends, total}
  return undefined
}

/**
 * A column of a two-row header with a fiscal year over spend types, joined as
 * "令和2年度 運用等経費" (or "令和2年度 合計"): its year and spend type, or that it is the year's total.
 */
function gridCell(name: string, calendar: Calendar): {fiscalYear: number; spendType?: SpendType; total?: true} | undefined {
  const match = /^(.+?)\s+(\S+)$/.exec(name.normalize('NFKC').trim())
  if (!match) return undefined
  const year = parseFiscalYear(match[1].replace(/\s+/g, ''), calendar)
  if (!year.ok) return undefined
  if (TOTAL_HEADERS.has(matchKey(match[2]))) return {fiscalYear: year.year, total: true}
  const spend = parseSpendType(match[2])
  return spend.ok && spend.value !== null ? {fiscalYear: year.year, spendType: spend.value} : undefined
}

/**
 * Finds the header among the first rows of a sheet: the row (or pair of rows,
 * for a header whose group cells are merged over two rows) that names the most
 * known columns of a kind, preferring those that have every required column.
 * Title rows, dates and blank rows above it are passed over.
 */
export function findHeader(
  file: string,
  sheet: string,
  head: SheetRow[],
  kinds: readonly Kind[],
  defaults: ReadonlySet<string> = new Set(),
  calendar: Calendar = 'gregorian',
  mapping?: Mapping,
): HeaderCandidate | undefined {
  if (mapping?.header) return headerAt(file, sheet, head, kinds[0], mapping.header, defaults, calendar, mapping)
  let best: HeaderCandidate | undefined
  const better = (candidate: HeaderCandidate): boolean => {
    if (!best) return true
    const complete = candidate.missing.length === 0
    if (complete !== (best.missing.length === 0)) return complete
    return candidate.score > best.score
  }
  for (let index = 0; index < head.length; index++) {
    const row = head[index]
    for (const kind of kinds) {
      const single = evaluateRow(file, sheet, kind, row, defaults, calendar, mapping)
      if (single.score >= 2 && better(single)) best = single
      const next = head[index + 1]
      if (!next || next.row !== row.row + 1) continue
      // A year over its spend types ("令和2年度" over "運用等経費") joins as "令和2年度 運用等経費".
      const pair = joinRows(sheet, row, next, (name) => resolves(name, kind, mapping) || (kind === 'costs' && gridCell(name, calendar) !== undefined))
      const joined = evaluate(file, sheet, kind, [row, next], pair.names, pair.origins, defaults, calendar, mapping)
      // Two rows are one header only when together they name more than either does alone.
      const lower = evaluateRow(file, sheet, kind, next, defaults, calendar, mapping)
      if (joined.score > Math.max(single.score, lower.score) && joined.score >= 2 && better(joined)) best = joined
    }
  }
  return best
}

/** The header where a mapping says it is: its row, or it and the next for a two-row header. */
function headerAt(
  file: string,
  sheet: string,
  head: SheetRow[],
  kind: Kind,
  at: {row: number; rows: number},
  defaults: ReadonlySet<string>,
  calendar: Calendar,
  mapping: Mapping,
): HeaderCandidate | undefined {
  const row = head.find((candidate) => candidate.row === at.row)
  if (!row) return undefined
  if (at.rows === 2) {
    const next = head.find((candidate) => candidate.row === at.row + 1) ?? {row: at.row + 1, cells: []}
    const pair = joinRows(sheet, row, next, (name) => resolves(name, kind, mapping) || (kind === 'costs' && gridCell(name, calendar) !== undefined))
    return evaluate(file, sheet, kind, [row, next], pair.names, pair.origins, defaults, calendar, mapping)
  }
  return evaluateRow(file, sheet, kind, row, defaults, calendar, mapping)
}

/** The row that names the most known columns, however few: the best candidate, for the message when no header is found. */
export function closestRow(
  file: string,
  sheet: string,
  head: SheetRow[],
  kinds: readonly Kind[],
  defaults: ReadonlySet<string>,
  calendar: Calendar,
  mapping?: Mapping,
): HeaderCandidate | undefined {
  let best: HeaderCandidate | undefined
  for (const row of head) {
    for (const kind of kinds) {
      const candidate = evaluateRow(file, sheet, kind, row, defaults, calendar, mapping)
      if (candidate.score > 0 && (!best || candidate.score > best.score)) best = candidate
    }
  }
  return best
}

/** One row read as a header of a kind, each name with its cell. */
function evaluateRow(
  file: string,
  sheet: string,
  kind: Kind,
  row: SheetRow,
  defaults: ReadonlySet<string>,
  calendar: Calendar,
  mapping?: Mapping,
): HeaderCandidate {
  const names = Array.from({length: row.cells.length}, (_, column) => cellName(row.cells[column]))
  return evaluate(
    file,
    sheet,
    kind,
    [row],
    names,
    names.map((_, column) => cellReference(sheet, column, row.row)),
    defaults,
    calendar,
    mapping,
  )
}

/** Two header rows as one: a group cell (サーバ) over its columns (物理サーバ数, 利用率), other columns merged down. */
export function joinRows(sheet: string, upper: SheetRow, lower: SheetRow, resolves: (name: string) => boolean): {names: string[]; origins: string[]} {
  const width = Math.max(upper.cells.length, lower.cells.length)
  const names: string[] = []
  const origins: string[] = []
  let group = ''
  for (let column = 0; column < width; column++) {
    const top = cellName(upper.cells[column])
    const bottom = cellName(lower.cells[column])
    if (top !== '') group = top
    else if (bottom === '') group = ''
    if (bottom === '') {
      names.push(top)
      origins.push(cellReference(sheet, column, upper.row))
      continue
    }
    const options = [bottom, `${group}${bottom}`, `${group} ${bottom}`, top]
    const chosen = options.find((option) => option !== '' && resolves(option)) ?? bottom
    names.push(chosen)
    origins.push(cellReference(sheet, column, chosen === top ? upper.row : lower.row))
  }
  return {names, origins}
}

/** What a sheet looks like, for messages that list the sheets. */
export function describeCandidate(sheet: string, candidate: HeaderCandidate | undefined, rowsTried: number): string {
  if (!candidate) return `${sheet}: no header found (${rowsTried} rows tried)`
  const what = candidate.kind === 'costs' ? 'cost lines' : candidate.kind
  const known = [...candidate.resolution.columns.values()].map((column) => column.field.header)
  const rows = candidate.rows.length === 2 ? `rows ${candidate.rows[0]}–${candidate.rows[1]}` : `row ${candidate.rows[0]}`
  const missing = candidate.missing.length > 0 ? `; missing ${candidate.missing.join(', ')}` : ''
  const unknown =
    candidate.resolution.unknown.length > 0
      ? `; ${candidate.resolution.unknown.length} other column${candidate.resolution.unknown.length === 1 ? '' : 's'}`
      : ''
  return `${sheet}: ${what}, header at ${rows} (${known.join(', ')}${unknown}${missing})`
}

/* ---------- rows after and inside the table ---------- */

const TOTAL_LABELS = new Set([
  '合計',
  '小計',
  '計',
  '總計',
  '総計',
  '总计',
  '合计',
  '小计',
  'total',
  'subtotal',
  'grandtotal',
  'totals',
  '総合計',
  '総額',
])
const NOTE_START = /^(?:※|＊|\*|注\s*[\d０-９]*\s*[:：)）.．、]|注\s*$|\(注|（注|備考[:：]|note[s]?\s*[:：])/i

/** A totals row (合計, 小計, 計, Total …) by its label in one of its first text cells. */
const TOTAL_MARK = /[計计総總]|total|ｔｏｔａｌ/i

export function totalsLabel(cells: readonly SheetCell[]): string | undefined {
  for (const cell of cells.slice(0, 6)) {
    if (cell.text === '' || cell.number !== undefined || cell.text.length > 24 || !TOTAL_MARK.test(cell.text)) continue
    const key = matchKey(cell.text).replace(/[()（）[\]【】]/g, '')
    if (TOTAL_LABELS.has(key)) return cell.text.trim()
  }
  return undefined
}

/** A note row (※…, 注…, (注)…): text in its first filled cell and at most one other cell. */
export function noteText(cells: readonly SheetCell[]): string | undefined {
  const filled = cells.filter((cell) => cell.text.trim() !== '')
  if (filled.length === 0 || filled.length > 2) return undefined
  const first = filled[0].text.trim()
  return NOTE_START.test(first.normalize('NFKC')) ? first : undefined
}

/* ---------- money units ---------- */

export function unitName(factor: number): string {
  return (Object.entries(UNIT_FLAG).find(([, value]) => value === factor)?.[0] ?? `×${factor}`) as string
}

const TITLE_UNIT = /(?:単位|單位|unit)\s*[:：]?\s*([^\s)）\]】,，、]+)/i

/** A money unit named in a title row above the table: （単位：千円）, 単位：百万円, 單位：千元, (Unit: thousand yen). */
export function titleUnit(sheet: string, rows: readonly SheetRow[]): {factor: number; cell: string; text: string} | undefined {
  for (const row of rows) {
    for (let column = 0; column < row.cells.length; column++) {
      const text = row.cells[column].text.normalize('NFKC')
      const match = TITLE_UNIT.exec(text)
      if (!match) continue
      let unit = match[1]
      if (/^(thousand|million)$/i.test(unit)) unit = `${unit}yen`
      const factor = HEADER_UNITS[matchKey(unit)]
      if (factor !== undefined) return {factor, cell: cellReference(sheet, column, row.row), text: row.cells[column].text.trim()}
    }
  }
  return undefined
}

/** Whether a header cell names its unit in parentheses, e.g. 金額（千円）. */
export function headerNamesUnit(name: string): boolean {
  const match = /[(（]([^()（）]+)[)）]$/.exec(name.normalize('NFKC'))
  return match !== null && HEADER_UNITS[matchKey(match[1])] !== undefined
}
