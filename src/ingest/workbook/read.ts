import {stat} from 'node:fs/promises'
import {basename, extname} from 'node:path'

import {InvalidInputError, type InputIssue} from '../../domain/errors.js'
import type {CostLine, Ministry, SystemRecord} from '../../domain/inventory.js'
import {KINDS, TABLE_KINDS, systemColumnsInCosts, type Kind, type TableKind} from '../kinds.js'
import type {ServiceRow} from '../services.js'
import {buildContext, type ReadOptions, type StoreFacts} from '../read-state.js'
import {COST_BATCH, pushCostRow, type CostRows, type ReadOutcome, type RowSink} from '../rows.js'
import {RowReader, type ResolvedColumn} from '../table.js'
import {Dec, canonical} from '../../domain/money.js'
import {isNoValue, parseDecimal} from '../values.js'
import {EMPTY_CELL, cellReference, fiscalYearOfDate, parseDateText, rangeReference, serialDate, type CellRange, type SheetCell} from './cells.js'
import type {WorkbookInfo} from './container.js'
import {openSheetSource, type SheetSource} from './source.js'
import {MAPPING_KIND_ORDER, mappedFields, type Mapping} from '../mapping.js'
import {
  HEAD_ROWS,
  closestRow,
  describeCandidate,
  findHeader,
  headerNamesUnit,
  noteText,
  titleUnit,
  totalsLabel,
  unitName,
  type HeaderCandidate,
  type WideLayout,
} from './layout.js'
import {UNIT_FLAG} from './options.js'
import type {SheetRow} from './stream.js'

export const WORKBOOK_EXTENSIONS = ['.xlsx', '.xlsm', '.xls', '.ods'] as const

/** The kinds a mapping feeds, in the order they are read. */
export function mappingKinds(mapping: Mapping): Kind[] {
  return MAPPING_KIND_ORDER.filter((kind) => mapping.kinds[kind] !== undefined)
}

export function isWorkbook(file: string): boolean {
  return (WORKBOOK_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase())
}

export interface WorkbookFacts {
  sheet: string
  headerRows: number[]
  /** The money unit of amounts and where it was named. */
  unit?: {name: string; factor: number; source: string}
}

export type WorkbookOutcome = ReadOutcome & {workbook: WorkbookFacts}

const YEAR_FIELDS = new Set(['fiscalYear', 'firstYear', 'lastYear'])
const MAX_NOTES = 10

/** Issues of a workbook name the cell, with its value as displayed. */
class CellRowReader extends RowReader {
  sheetCells: SheetCell[] = []
  /** Columns whose issues belong to another cell (the amount of a wide layout: the cell it came from). */
  redirect = new Map<number, number>()

  constructor(
    file: string,
    columns: Map<string, ResolvedColumn>,
    issues: InputIssue[],
    fields: TableKind<unknown>['fields'],
    readonly sheet: string,
    readonly virtual: Set<number>,
  ) {
    super(file, columns, issues, fields)
  }

  override fail(key: string, value: string | undefined, message: string, hint?: string): void {
    super.fail(key, value, message, hint)
    const issue = this.issues[this.issues.length - 1]
    const column = this.columns.get(key)
    delete issue.line
    issue.column = column?.field.header ?? key
    const index = column ? (this.redirect.get(column.index) ?? column.index) : undefined
    if (index !== undefined && !this.virtual.has(index)) {
      issue.cell = cellReference(this.sheet, index, this.line)
      const shown = this.sheetCells[index]?.display
      if (shown !== undefined && shown !== '') issue.value = shown
    } else {
      issue.cell = `${this.sheet}!${this.line}:${this.line}`
      if (key === 'ministry') issue.hint = issue.hint ?? 'the value comes from --ministry'
    }
  }
}

function refuse(file: string, message: string, issues: InputIssue[]): never {
  throw new InvalidInputError(`${basename(file)}: ${message}; nothing was written`, issues)
}

/** Picks the sheet: --sheet, else the one whose header matches; several equally good ones are an error. */
async function chooseSheet(
  file: string,
  info: WorkbookInfo,
  options: ReadOptions,
  kinds: readonly Kind[],
  defaults: ReadonlySet<string>,
  source: SheetSource,
): Promise<string> {
  const names = info.sheets.map((sheet) => sheet.name)
  const list = info.sheets.map((sheet) => `${sheet.position}. ${sheet.name}${sheet.hidden ? ' (hidden)' : ''}`).join(', ')
  // A CSV file is one sheet: a sheet named by a mapping written for workbooks of the layout does not apply to it.
  if (options.sheet !== undefined && isWorkbook(file)) {
    const byName =
      info.sheets.find((sheet) => sheet.name === options.sheet) ??
      info.sheets.find((sheet) => sheet.name.normalize('NFKC').toLowerCase() === options.sheet!.normalize('NFKC').toLowerCase())
    const byPosition = /^\d+$/.test(options.sheet) ? info.sheets[Number(options.sheet) - 1] : undefined
    const found = byName ?? byPosition
    if (!found)
      refuse(file, `no sheet ${JSON.stringify(options.sheet)}`, [
        {file, value: options.sheet, message: 'the workbook has no sheet of this name or position', hint: `its sheets: ${list}`},
      ])
    return found.name
  }
  if (names.length === 1) return names[0]
  const heads = new Map<string, SheetRow[]>(names.map((name) => [name, []]))
  await source.stream(
    (name) => heads.has(name),
    (name, row) => {
      const head = heads.get(name)!
      if (head.length < HEAD_ROWS && row.cells.some((cell) => cell.text.trim() !== '')) head.push(row)
    },
  )
  const found = names.map((name) => ({
    name,
    candidate: findHeader(file, name, heads.get(name) ?? [], kinds, defaults, options.calendar, options.mapping),
    tried: heads.get(name)?.length ?? 0,
  }))
  const complete = found.filter((entry) => entry.candidate && entry.candidate.missing.length === 0)
  const lines = found.map((entry) => ({file, message: describeCandidate(entry.name, entry.candidate, entry.tried)}))
  if (complete.length === 1) return complete[0].name
  if (complete.length === 0)
    refuse(file, 'no sheet holds a table kasumi can read', [
      ...lines,
      {
        file,
        message: 'no sheet has a header with every required column',
        hint: 'name the sheet with --sheet and the kind with --kind, or rename the columns (see the README, "Reading spreadsheets")',
      },
    ])
  return refuse(file, `${complete.length} sheets hold tables kasumi can read`, [
    ...lines,
    {
      file,
      message: `the sheets ${complete.map((entry) => entry.name).join(', ')} all qualify`,
      hint: 'pass --sheet NAME (or its position) to say which one to read, or --kind',
    },
  ])
}

/**
 * Reads one sheet of an XLSX workbook with the rules of CSV files (the same
 * header aliases, value parsers and issues), after finding where its table is.
 * Cost lines stream to the sink in batches while no problem has been found.
 */
export async function readWorkbookRows(file: string, options: ReadOptions, facts: StoreFacts, sink: RowSink): Promise<WorkbookOutcome> {
  const maxIssues = options.maxIssues ?? 100
  const source = await openSheetSource(file, isWorkbook(file), options.encoding, maxIssues)
  const info = source.info
  const {size} = await stat(file)
  const mapping = options.mapping
  const requested = options.kind ?? 'auto'
  const kinds: readonly Kind[] = requested !== 'auto' ? [requested] : mapping ? mappingKinds(mapping) : KINDS
  // Values every row takes when its column is absent or its cell empty: --ministry, and the mapping's defaults.
  const fillValues = new Map<string, string>(mapping?.defaults ?? [])
  if (options.ministry) fillValues.set('ministry', options.ministry)
  const defaults = new Set<string>(fillValues.keys())
  const sheet = await chooseSheet(file, info, options, kinds, defaults, source)
  const context = buildContext(file, options, facts)
  // A file that gives systems and their cost lines has a row per cost line: a system stands on several rows.
  if (mapping?.kinds.systems && mapping.kinds.costs) context.repeats = new Map()
  const issues: InputIssue[] = (context.issues = [])
  const warnings: InputIssue[] = []
  const note = (issue: InputIssue) => warnings.push({...issue, severity: 'warning'})
  if (info.externalLinks > 0)
    note({
      file,
      message: `the workbook links to ${info.externalLinks} other workbook${info.externalLinks === 1 ? '' : 's'}; links are not followed, the values saved in this file are read`,
    })
  if (info.macros) note({file, message: 'the workbook carries macros; they are not run'})

  const outcome: WorkbookOutcome = {
    kind: undefined,
    encoding: source.encoding,
    bytes: size,
    records: 0,
    structural: [],
    issues,
    issueCount: 0,
    warnings,
    records_: [],
    columns: [],
    workbook: {sheet, headerRows: []},
  }
  const head: SheetRow[] = []
  let header: HeaderCandidate | undefined
  let kind: TableKind<unknown> | undefined
  let reader: CellRowReader | undefined
  let width = 0
  /** Columns filled with a default value where their cell is empty (virtual columns past the sheet's own when it has none). */
  const filled: Array<{index: number; value: string}> = []
  /** The width of a row of texts: the sheet's columns and the virtual ones. */
  let textWidth = 0
  let batch: CostRows = []
  let count = 0
  let formulas = 0
  let notes = 0
  let beyond = false
  let serials = 0
  let halted = false
  const startMonth = options.fiscalYearStart ?? 4
  const yearColumns = new Set<number>()
  const virtualColumns = new Set<number>()
  /** Columns whose cells are read (a formula without a value elsewhere does not matter). */
  const readColumns = new Set<number>()

  let wide:
    {layout: WideLayout; amount: number; year?: number; spend?: number; pool?: number; poolValue: string; fields: Map<string, number>} | undefined
  let wideUnit: {factor: number; source: string; text: string} | undefined

  /** Cost lines across the columns: virtual columns for the amount, the year or spend type, and the pool. */
  const setUpWide = (found: HeaderCandidate): void => {
    const layout = found.wide!
    const fields = TABLE_KINDS.costs.fields
    const field = (key: string) => fields.find((candidate) => candidate.key === key)!
    const columns = found.resolution.columns
    let next = found.names.length
    const virtual = (key: string): number => {
      const index = next++
      columns.set(key, {index, field: field(key), factor: 1})
      virtualColumns.add(index)
      return index
    }
    const amount = next++
    columns.set('amount', {index: amount, field: field('amount'), factor: 1})
    wide = {layout, amount, poolValue: fillValues.get('pool') ?? 'other', fields: new Map()}
    if (layout.columns.some((column) => column.fiscalYear !== undefined)) wide.year = columns.get('fiscalYear')?.index ?? virtual('fiscalYear')
    if (layout.columns.some((column) => column.spendType !== undefined)) wide.spend = columns.get('spendType')?.index ?? virtual('spendType')
    // Other fields a mapping's amount columns give values for (pool, frequency, note).
    for (const key of new Set(layout.columns.flatMap((column) => Object.keys(column.values ?? {}))))
      wide.fields.set(key, columns.get(key)?.index ?? virtual(key))
    if (!columns.has('pool')) {
      wide.pool = virtual('pool')
      if (!fillValues.has('pool') && !layout.columns.every((column) => column.values?.pool !== undefined))
        note({
          file,
          message: 'the sheet has no cost-pool column: every cost line is given the pool "other"',
          hint: 'add a 費目 column to say hardware, software, outside-services …',
        })
    }
    const named = layout.columns.filter((column) => column.factor !== undefined)
    if (named.length > 0) {
      const first = named[0]
      wideUnit = {factor: first.factor!, source: `header ${found.origins[first.index]}`, text: found.names[first.index]}
      for (const column of named) {
        if (column.factor !== first.factor)
          issues.push({
            file,
            cell: found.origins[column.index],
            value: found.names[column.index],
            message: `the header names the unit ${unitName(column.factor!)} where ${found.origins[first.index]} names ${unitName(first.factor!)}`,
            hint: 'give every amount column the same unit',
          })
      }
    }
    const what = layout.columns.map((column) => found.names[column.index]).join(', ')
    const totals = [...(layout.total === undefined ? [] : [layout.total]), ...(layout.totals ?? []).map((total) => total.index)]
    note({
      file,
      message: `cost lines laid out across the columns (${layout.across}: ${what})${
        totals.length === 0
          ? ''
          : `; ${totals.map((index) => found.names[index]).join(', ')} ${totals.length === 1 ? 'is' : 'are'} checked against ${layout.totals ? "each year's parts" : 'them'} and not imported`
      }`,
    })
  }

  const start = (): void => {
    header = findHeader(file, sheet, head, kinds, defaults, options.calendar, mapping)
    if (!header && mapping?.header) {
      refuse(file, `no header at row ${mapping.header.row} of the sheet ${sheet}`, [
        {
          file,
          cell: `${sheet}!${mapping.header.row}:${mapping.header.row}`,
          message: `the mapping ${mapping.name} puts the header at row ${mapping.header.row}, and the sheet has no such row`,
          hint: 'check the sheet (sheet: in the mapping, or --sheet) and header.row',
        },
      ])
    }
    if (!header) {
      const closest = closestRow(file, sheet, head, kinds, defaults, options.calendar, mapping)
      const guess = closest
        ? ` The best candidate is row ${closest.rows[0]}: it names ${[...closest.resolution.columns.values()].map((column) => column.field.header).join(', ')}; kasumi does not know ${
            closest.resolution.unknown
              .slice(0, 8)
              .map((column) => JSON.stringify(column.name))
              .join(', ') || 'its other cells'
          }.`
        : ''
      refuse(file, `no header row found on the sheet ${sheet}`, [
        {
          file,
          message: `rows ${head[0]?.row ?? 1}–${head.at(-1)?.row ?? 1} of ${sheet} were tried; none names two or more columns kasumi knows.${guess}`,
          hint: 'check the sheet (--sheet) and the column names (see the README, "Reading spreadsheets"), or pass --kind',
        },
      ])
    }
    const found = header
    kind = {...(TABLE_KINDS[found.kind] as TableKind<unknown>), fields: mappedFields(found.kind, mapping)}
    outcome.kind = found.kind
    outcome.workbook.headerRows = found.rows
    const {resolution} = found
    width = found.names.length
    if (found.missing.length > 0) {
      issues.push(...resolution.issues.map((issue) => ({...issue, line: undefined, cell: issue.cell ?? cellReference(sheet, 0, found.rows.at(-1)!)})))
    } else {
      issues.push(...resolution.issues.map((issue) => ({...issue, line: undefined})))
    }
    if (found.kind === 'costs') {
      const describing = systemColumnsInCosts(resolution.unknown)
      if (describing.length > 0) {
        resolution.unknown = resolution.unknown.filter((column) => !describing.includes(column))
        note({
          file,
          message: `${describing.map((column) => column.name).join(', ')} describe${describing.length === 1 ? 's' : ''} the system, not the cost line; not imported with cost lines`,
          hint: 'import the systems from their own file, or with a mapping that feeds systems too',
        })
      }
    }
    for (const column of resolution.unknown) {
      const issue: InputIssue = {
        file,
        cell: found.origins[column.index],
        column: column.name,
        value: column.name,
        message: `kasumi does not know this ${found.kind} column`,
        hint: options.allowUnknownColumns
          ? 'its values are not imported'
          : `rename it to one of: ${kind.fields.map((field) => field.header).join(', ')}; or pass --allow-unknown-columns to leave it out`,
      }
      if (options.allowUnknownColumns) note(issue)
      else issues.push(issue)
    }
    for (const [key, column] of resolution.columns) if (YEAR_FIELDS.has(key)) yearColumns.add(column.index)
    if (found.wide) setUpWide(found)
    // A file without a ministry column: every row takes --ministry (and the mapping's other defaults likewise).
    let next = Math.max(width, ...[...resolution.columns.values()].map((column) => column.index + 1))
    for (const [key, value] of fillValues) {
      const field = kind.fields.find((candidate) => candidate.key === key)
      if (!field || (key === 'pool' && wide?.pool !== undefined)) continue
      const existing = resolution.columns.get(key)
      if (existing) filled.push({index: existing.index, value})
      else {
        const index = next++
        virtualColumns.add(index)
        resolution.columns.set(key, {index, field, factor: 1})
        filled.push({index, value})
      }
    }
    textWidth = next
    // The money unit: the header's, a title row's, or --unit; they must agree.
    const amount = resolution.columns.get('amount')
    if (amount) {
      const headerUnit =
        wideUnit ??
        (headerNamesUnit(found.names[amount.index] ?? '')
          ? {factor: amount.factor, source: `header ${found.origins[amount.index]}`, text: found.names[amount.index]}
          : undefined)
      const above = head.filter((row) => row.row < found.rows[0])
      const title = titleUnit(sheet, above)
      const byMapping = mapping !== undefined && options.unit === mapping.unit
      const flag = options.unit
        ? {
            factor: UNIT_FLAG[options.unit],
            source: byMapping ? `mapping ${mapping.name}` : '--unit',
            text: byMapping ? `unit: ${options.unit}` : `--unit ${options.unit}`,
          }
        : undefined
      if (headerUnit && title && headerUnit.factor !== title.factor) {
        issues.push({
          file,
          cell: title.cell,
          value: title.text,
          message: `the title names the unit ${unitName(title.factor)} but the header ${headerUnit.source.replace(/^header /, '')} (${headerUnit.text}) names ${unitName(headerUnit.factor)}`,
          hint: 'correct the title or the header so that they name the same unit',
        })
      }
      const named = headerUnit ?? (title ? {factor: title.factor, source: `title ${title.cell}`, text: title.text} : undefined)
      if (flag && named && flag.factor !== named.factor) {
        issues.push({
          file,
          cell: named.source.replace(/^\w+ /, ''),
          value: named.text,
          message: `${byMapping ? `the mapping ${mapping.name} assumes the unit ${options.unit}, which` : `--unit ${options.unit}`} disagrees with the unit the sheet names (${unitName(named.factor)})`,
          hint: byMapping
            ? "this file is not in the layout the mapping was written for: check the file, or correct the mapping's unit"
            : 'leave out --unit, or correct the sheet',
        })
      }
      const chosen = named ?? flag ?? {factor: 1, source: 'default (no unit named)', text: ''}
      amount.factor = chosen.factor
      outcome.workbook.unit = {name: unitName(chosen.factor), factor: chosen.factor, source: chosen.source}
    }
    outcome.columns = [...resolution.columns.keys()]
    const id = resolution.columns.get(found.kind === 'ministries' ? 'code' : 'id')
    outcome.idColumn = id ? `${found.names[id.index]}` : undefined
    if (id) outcome.idCell = {sheet, column: id.index}
    for (const column of resolution.columns.values()) readColumns.add(column.index)
    for (const column of found.wide?.columns ?? []) readColumns.add(column.index)
    if (found.wide?.total !== undefined) readColumns.add(found.wide.total)
    for (const total of found.wide?.totals ?? []) readColumns.add(total.index)
    reader = new CellRowReader(file, resolution.columns, issues, kind.fields, sheet, virtualColumns)
    reader.values = mapping?.kinds[found.kind]?.values
    indexMerges()
    if (issues.length > 0) {
      halted = true
      return
    }
    for (const row of head) if (row.row > found.rows.at(-1)!) dataRow(row)
  }

  const yearText = (cell: SheetCell, index: number, row: number): string => {
    if (cell.date) return String(fiscalYearOfDate(cell.date, startMonth))
    if (cell.number !== undefined && Number.isInteger(cell.number) && cell.number > 2200 && cell.number < 2_958_466) {
      serials++
      if (serials <= MAX_NOTES)
        note({
          file,
          cell: cellReference(sheet, index, row),
          value: cell.display,
          message: `read as an Excel serial date (${serialDate(cell.number).toISOString().slice(0, 10)}), fiscal year ${fiscalYearOfDate(serialDate(cell.number), startMonth)}`,
          hint: 'format the column as dates or years to make this explicit',
        })
      return String(fiscalYearOfDate(serialDate(cell.number), startMonth))
    }
    if (cell.number === undefined) {
      const date = parseDateText(cell.text)
      if (date) return String(fiscalYearOfDate(date, startMonth))
    }
    return cell.text
  }

  /** Merged cells below the header, by each row they cover; each is reported once, at its first data row. */
  let merges: CellRange[] = []
  const mergedRows = new Map<number, CellRange[]>()
  const reportedMerges = new Set<CellRange>()
  const indexMerges = (): void => {
    const last = header!.rows.at(-1)!
    for (const range of merges) {
      if (range.bottom <= last || range.left >= width) continue
      for (let row = Math.max(range.top, last + 1); row <= range.bottom && row - range.top < 100_000; row++) {
        const list = mergedRows.get(row)
        if (list) list.push(range)
        else mergedRows.set(row, [range])
      }
    }
  }
  const checkMerges = (row: SheetRow): void => {
    for (const range of mergedRows.get(row.row) ?? []) {
      if (reportedMerges.has(range)) continue
      reportedMerges.add(range)
      const first = range.top > header!.rows.at(-1)! ? row.cells[range.left]?.display : undefined
      issues.push({
        file,
        cell: `${cellReference(sheet, range.left, range.top).replace(/![A-Z]+\d+$/, '')}!${rangeReference(range)}`,
        column: header!.names[range.left],
        value: first === undefined || first === '' ? undefined : first,
        message: `merged cells inside the data (${rangeReference(range)}): a merged value belongs to one cell only, the rows it spans would be read without it`,
        hint: 'unmerge the cells and fill the value into every row (in Excel: Merge & Center › Unmerge Cells, then fill down); merged cells are fine in the header',
      })
    }
  }

  const skipped = (row: number, message: string, value: string): void => {
    notes++
    if (notes <= MAX_NOTES) note({file, cell: `${sheet}!${row}:${row}`, value, message})
  }

  const dataRow = (row: SheetRow): void => {
    const cells = row.cells
    const within = cells.slice(0, width)
    if (within.every((cell) => cell.text.trim() === '' && !cell.problem)) {
      if (cells.length > width && cells.slice(width).some((cell) => cell.text.trim() !== '') && !beyond) {
        beyond = true
        note({file, cell: `${sheet}!${row.row}:${row.row}`, message: 'text to the right of the table is not read'})
      }
      return
    }
    const total = totalsLabel(within)
    if (total !== undefined) return skipped(row.row, `a totals row (${total}) is not data; skipped`, total)
    const remark = noteText(within)
    if (remark !== undefined) return skipped(row.row, 'a note row is not data; skipped', remark)
    if (!beyond && cells.slice(width).some((cell) => cell.text.trim() !== '')) {
      beyond = true
      note({
        file,
        cell: cellReference(sheet, width, row.row),
        message: 'cells to the right of the table have no header and are not read',
        hint: 'give them a header if they are data',
      })
    }
    const texts: string[] = new Array<string>(Math.max(textWidth, width)).fill('')
    const before = issues.length
    if (mergedRows.size > 0) checkMerges(row)
    for (let index = 0; index < width; index++) {
      const cell = cells[index] ?? EMPTY_CELL
      if (cell.formula) formulas++
      if (cell.problem && readColumns.has(index)) {
        issues.push({
          file,
          cell: cellReference(sheet, index, row.row),
          column: header!.names[index],
          value: cell.display,
          message: cell.problem,
          hint: cell.formula
            ? 'open the workbook in Excel, let it calculate, and save it again; kasumi never calculates formulas'
            : 'correct the cell',
        })
      }
      texts[index] = yearColumns.has(index) ? yearText(cell, index, row.row) : cell.text
    }
    for (const {index, value} of filled) if ((texts[index] ?? '').trim() === '') texts[index] = value
    reader!.sheetCells = cells
    if (wide) {
      outcome.issueCount += issues.length - before
      wideRow(row, cells, texts)
      return
    }
    outcome.records++
    accept(kind!.build(reader!.reset(texts, row.row), context), row.row, before)
  }

  const accept = (record: unknown, line: number, before: number): void => {
    outcome.issueCount += issues.length - before
    if (issues.length > maxIssues) issues.length = maxIssues
    if (record === undefined || issues.length > 0) return
    if (kind!.kind === 'costs') {
      pushCostRow(batch, record as CostLine)
      count++
    } else {
      outcome.records_.push({line, record: record as SystemRecord | Ministry | ServiceRow})
    }
  }

  /** One row of a wide layout: a cost line per filled year or spend-type cell; the 合計 cell must equal their sum. */
  const wideRow = (row: SheetRow, cells: SheetCell[], texts: string[]): void => {
    const layout = wide!.layout
    if (wide!.pool !== undefined) texts[wide!.pool] = wide!.poolValue
    let sum = new Dec(0)
    let summable = true
    /** With years and spend types: each year's sum, and whether its parts all read. */
    const years = new Map<number, {sum: Dec; summable: boolean}>()
    for (const column of layout.columns) {
      const cell = cells[column.index] ?? EMPTY_CELL
      // An empty cell, or one that says "no value" (-, －, N/A), gives no cost line.
      if (isNoValue(cell.text) || cell.problem) continue
      const parsed = parseDecimal(cell.text)
      const year = years.get(column.fiscalYear ?? 0) ?? {sum: new Dec(0), summable: true}
      years.set(column.fiscalYear ?? 0, year)
      if (parsed.ok && parsed.value !== null) {
        sum = sum.plus(parsed.value)
        year.sum = year.sum.plus(parsed.value)
      } else {
        summable = false
        year.summable = false
      }
      texts[wide!.amount] = cell.text
      if (wide!.year !== undefined && column.fiscalYear !== undefined) texts[wide!.year] = String(column.fiscalYear)
      if (wide!.spend !== undefined && column.spendType !== undefined) texts[wide!.spend] = column.spendType
      for (const [key, index] of wide!.fields) texts[index] = column.values?.[key] ?? (key === 'pool' ? wide!.poolValue : '')
      reader!.redirect.set(wide!.amount, column.index)
      outcome.records++
      const start = issues.length
      const record = kind!.build(reader!.reset(texts, row.row), context)
      accept(record, row.row, start)
    }
    const checks = [
      ...(layout.total === undefined ? [] : [{index: layout.total, sum, summable}]),
      ...(layout.totals ?? []).map((total) => ({
        index: total.index,
        sum: years.get(total.fiscalYear)?.sum ?? new Dec(0),
        summable: years.get(total.fiscalYear)?.summable ?? true,
      })),
    ]
    for (const check of checks) {
      if (!check.summable) continue
      const cell = cells[check.index] ?? EMPTY_CELL
      const total = cell.problem ? undefined : parseDecimal(cell.text)
      if (total?.ok && total.value !== null && !new Dec(total.value).equals(check.sum)) {
        const issue: InputIssue = {
          file,
          cell: cellReference(sheet, check.index, row.row),
          column: header!.names[check.index],
          value: cell.display,
          message: `the total differs from the sum of its parts (${canonical(check.sum)})`,
          hint: 'correct the total or the amounts beside it',
        }
        issues.push(issue)
        outcome.issueCount++
        if (issues.length > maxIssues) issues.length = maxIssues
      }
    }
  }

  await source.stream(
    (name) => name === sheet,
    async (_, row) => {
      if (!header) {
        if (row.cells.every((cell) => cell.text.trim() === '')) return
        head.push(row)
        if (head.length >= HEAD_ROWS) start()
        return
      }
      if (halted) return
      dataRow(row)
      if (count >= COST_BATCH && issues.length === 0) {
        const full = batch
        const n = count
        batch = []
        count = 0
        await sink.costs(full, n)
      }
    },
    () => {
      if (!header) start()
    },
    (_, found) => {
      merges = found.merges
    },
  )
  if (source.structural.length > 0) {
    outcome.structural = source.structural
    outcome.encoding = source.encoding
    return outcome
  }
  outcome.encoding = source.encoding
  if (!header) {
    refuse(file, `the sheet ${sheet} is empty`, [
      {
        file,
        message: `the sheet ${sheet} has no rows`,
        hint: 'put a header row and at least one data row on it, or choose another sheet with --sheet',
      },
    ])
  }
  if (count > 0 && issues.length === 0) await sink.costs(batch, count)
  outcome.issueCount = Math.max(outcome.issueCount, issues.length)
  if (formulas > 0)
    note({
      file,
      message: `${formulas} formula cell${formulas === 1 ? ' was' : 's were'} read by the value saved with the workbook (formulas are never calculated)`,
    })
  if (notes > MAX_NOTES) note({file, message: `${notes - MAX_NOTES} more totals or note rows skipped`})
  return outcome
}
