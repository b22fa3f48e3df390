import {basename} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import {Dec} from '../domain/money.js'
import {matchKey} from '../domain/text-match.js'
import type {EncodingOption} from './csv.js'
import {readSheet, type SheetFormat} from './sheet.js'
import {locateIssues} from './workbook/field-table.js'
import {RowReader, resolveHeader, unknownColumnIssues, type FieldSpec} from './table.js'
import {currencyCode, fiscalYear, parseDecimal, text, type ParseOutcome} from './values.js'

/**
 * Reading an actuals file: realised cost reductions (and optionally hours) per
 * ministry or business area and fiscal year, from CSV or XLSX, with the
 * ingestion rules of the inventory (encodings, header aliases in English,
 * Japanese and Traditional Chinese, △ negatives, fiscal years in 平成/令和/
 * 民國/FY forms, located issues). A unit in a money header ($M, $K, 千円,
 * 百万円…) scales the column and may name the currency. Matching the names to
 * the register and comparing with the plan is src/bench/actuals.ts's job.
 */

export const ACTUALS_FIELDS: readonly FieldSpec[] = [
  {
    key: 'ministry',
    header: 'ministry',
    aliases: [
      'agency',
      'department',
      'ministry code',
      'agency code',
      'organization',
      '府省',
      '府省庁',
      '省庁',
      '部會',
      '部会',
      '機關',
      '機関',
      '負責單位',
    ],
  },
  {key: 'area', header: 'business_area', aliases: ['area', 'business area', '業務', '業務分野', '業務領域', '業務名', '業務名稱']},
  {key: 'fiscalYear', header: 'fiscal_year', aliases: ['fiscal year', 'fy', 'year', '年度', '會計年度', '会計年度'], required: true},
  {
    key: 'planned',
    header: 'planned',
    aliases: [
      'planned savings',
      'planned cost reduction',
      'planned reduction',
      'plan',
      'target savings',
      'cost savings goal',
      '計画',
      '計画削減額',
      '削減計画額',
      '削減目標額',
      '目標削減額',
      '計畫削減經費',
      '預定削減經費',
      '預計削減經費',
    ],
    scalable: true,
  },
  {
    key: 'achieved',
    header: 'achieved',
    aliases: [
      'achieved savings',
      'achieved cost reduction',
      'achieved reduction',
      'actual',
      'actual savings',
      'actual cost reduction',
      'realised savings',
      'realized savings',
      '実績',
      '削減実績',
      '削減実績額',
      '実績削減額',
      '實際削減經費',
      '實績削減經費',
      '達成削減經費',
      '削減實績',
    ],
    required: true,
    scalable: true,
  },
  {
    key: 'plannedHours',
    header: 'planned_hours',
    aliases: ['planned hours', 'planned hours saved', '計画削減時間', '削減時間計画', '預定削減時間', '計畫削減時間'],
  },
  {
    key: 'achievedHours',
    header: 'achieved_hours',
    aliases: ['achieved hours', 'achieved hours saved', 'actual hours saved', '実績削減時間', '削減時間実績', '實際削減時間', '實績削減時間'],
  },
  {key: 'currency', header: 'currency', aliases: ['通貨', '幣別', '貨幣']},
  {key: 'note', header: 'note', aliases: ['notes', 'memo', 'comment', 'comments', '備考', '備註', '摘要']},
]

/** Units a money header may carry, e.g. `Planned Savings ($M)` or `実績（千円）`. */
export const MONEY_HEADER_UNITS: Record<string, {factor: number; currency?: string; label: string}> = {
  $: {factor: 1, currency: 'USD', label: '$'},
  usd: {factor: 1, currency: 'USD', label: 'USD'},
  us$: {factor: 1, currency: 'USD', label: 'US$'},
  $k: {factor: 1_000, currency: 'USD', label: '$K'},
  $000: {factor: 1_000, currency: 'USD', label: '$K'},
  $thousands: {factor: 1_000, currency: 'USD', label: '$K'},
  usdthousands: {factor: 1_000, currency: 'USD', label: '$K'},
  thousandusd: {factor: 1_000, currency: 'USD', label: '$K'},
  $m: {factor: 1_000_000, currency: 'USD', label: '$M'},
  $mil: {factor: 1_000_000, currency: 'USD', label: '$M'},
  $mm: {factor: 1_000_000, currency: 'USD', label: '$M'},
  $millions: {factor: 1_000_000, currency: 'USD', label: '$M'},
  usdm: {factor: 1_000_000, currency: 'USD', label: '$M'},
  us$m: {factor: 1_000_000, currency: 'USD', label: '$M'},
  usdmillions: {factor: 1_000_000, currency: 'USD', label: '$M'},
  millionusd: {factor: 1_000_000, currency: 'USD', label: '$M'},
  $b: {factor: 1_000_000_000, currency: 'USD', label: '$B'},
  円: {factor: 1, currency: 'JPY', label: '円'},
  yen: {factor: 1, currency: 'JPY', label: '円'},
  jpy: {factor: 1, currency: 'JPY', label: '円'},
  千円: {factor: 1_000, currency: 'JPY', label: '千円'},
  thousandyen: {factor: 1_000, currency: 'JPY', label: '千円'},
  百万円: {factor: 1_000_000, currency: 'JPY', label: '百万円'},
  millionyen: {factor: 1_000_000, currency: 'JPY', label: '百万円'},
  億円: {factor: 100_000_000, currency: 'JPY', label: '億円'},
  日圓: {factor: 1, currency: 'JPY', label: '円'},
  '元(日幣)': {factor: 1, currency: 'JPY', label: '円'},
  '千元(日幣)': {factor: 1_000, currency: 'JPY', label: '千円'},
  '百萬元(日幣)': {factor: 1_000_000, currency: 'JPY', label: '百万円'},
  '千元(新台幣)': {factor: 1_000, currency: 'TWD', label: '千元'},
  twd: {factor: 1, currency: 'TWD', label: 'TWD'},
  ntd: {factor: 1, currency: 'TWD', label: 'TWD'},
  nt$: {factor: 1, currency: 'TWD', label: 'NT$'},
  新台幣: {factor: 1, currency: 'TWD', label: 'TWD'},
  // Currency-neutral scales (the currency comes from a currency column or the default).
  元: {factor: 1, label: '元'},
  千元: {factor: 1_000, label: '千元'},
  百萬元: {factor: 1_000_000, label: '百萬元'},
  thousands: {factor: 1_000, label: 'thousands'},
  millions: {factor: 1_000_000, label: 'millions'},
}
const HOUR_HEADER_UNITS = new Set(['hours', 'hour', 'h', 'hrs', '時間', '小時', 'hoursperyear', '時間/年'])

/** One row of an actuals file, as read: figures scaled by the units in the headers, names as written. */
export interface ActualsRecord {
  line: number
  ministry: string | null
  area: string | null
  fiscalYear: number
  planned: Dec | null
  achieved: Dec | null
  plannedHours: Dec | null
  achievedHours: Dec | null
  currency: string
  note: string | null
}

interface HeaderUnits {
  cells: string[]
  money: Map<string, {factor: number; currency?: string; label: string; column: number}>
}

/** Takes units off money and hour headers (`Planned Savings ($M)` → `Planned Savings`, ×1,000,000 USD). */
function stripHeaderUnits(cells: readonly string[]): HeaderUnits {
  const byName = new Map<string, FieldSpec>()
  for (const field of ACTUALS_FIELDS) for (const name of [field.key, field.header, ...field.aliases]) byName.set(matchKey(name), field)
  const money = new Map<string, {factor: number; currency?: string; label: string; column: number}>()
  const out = cells.map((cell, index) => {
    const name = cell.trim().normalize('NFKC')
    if (byName.has(matchKey(name))) return cell
    // The unit in the last parentheses, which may hold parentheses of their own: 削減額（千元（日幣））.
    const match = /^(.*?)\s*[([]\s*(.+?)\s*[)\]]$/.exec(name)
    if (!match) return cell
    const field = byName.get(matchKey(match[1]))
    if (!field) return cell
    const unitKey = matchKey(match[2])
    if ((field.key === 'planned' || field.key === 'achieved') && MONEY_HEADER_UNITS[unitKey]) {
      money.set(field.key, {...MONEY_HEADER_UNITS[unitKey], column: index})
      return match[1]
    }
    if ((field.key === 'plannedHours' || field.key === 'achievedHours') && HOUR_HEADER_UNITS.has(unitKey)) return match[1]
    return cell
  })
  return {cells: out, money}
}

export interface ActualsReadOptions {
  encoding: EncodingOption
  calendar: Calendar
  allowUnknownColumns?: boolean
  maxIssues?: number
  /** Planned figures can come from an estimate, so the file need not have a planned column. */
  plannedFromEstimate: boolean
  /** The currency of rows whose headers and currency column name none. */
  defaultCurrency: string
  /** A workbook's sheet, by name or position; without it the sheet whose header matches. */
  sheet?: string
}

/** An actuals file as read: which columns it has, the units of its money headers, its rows and warnings. */
export interface ActualsTable {
  file: string
  format: SheetFormat
  columns: Set<string>
  units: HeaderUnits['money']
  rows: ActualsRecord[]
  warnings: InputIssue[]
}

interface HeaderState {
  columns: Set<string>
  units: HeaderUnits['money']
  row: RowReader
}

/** The header: units taken off money headers, columns resolved, and what an actuals file must have. */
function readHeader(
  file: string,
  raw: string[],
  line: number,
  options: ActualsReadOptions,
  issues: InputIssue[],
  warnings: InputIssue[],
): HeaderState {
  const stripped = stripHeaderUnits(raw)
  const units = stripped.money
  const header = resolveHeader(file, line, stripped.cells, ACTUALS_FIELDS)
  issues.push(...header.issues)
  const unknown = unknownColumnIssues(
    file,
    line,
    header.unknown,
    'kasumi does not know this actuals column',
    options.allowUnknownColumns
      ? 'its values are not read'
      : `rename it to one of: ${ACTUALS_FIELDS.map((field) => field.header).join(', ')}; or pass --allow-unknown-columns to leave it out`,
  )
  if (options.allowUnknownColumns) warnings.push(...unknown.map((issue) => ({...issue, severity: 'warning' as const})))
  else issues.push(...unknown)
  const columns = new Set(header.columns.keys())
  if (!columns.has('ministry') && !columns.has('area')) {
    issues.push({
      file,
      line,
      message: 'the file names neither a ministry (agency) nor a business area column',
      hint: 'add a column ministry (or agency, 府省, 部會) or business_area (業務分野)',
    })
  }
  if (!columns.has('planned') && !options.plannedFromEstimate) {
    issues.push({
      file,
      line,
      message: 'the required column "planned" is missing',
      hint: `name it one of: planned, ${ACTUALS_FIELDS.find((field) => field.key === 'planned')!
        .aliases.slice(0, 4)
        .join(', ')}…; or take planned figures from an estimate with --scenario`,
    })
  }
  const currencies = new Set([...units.values()].map((unit) => unit.currency).filter(Boolean))
  if (currencies.size > 1) {
    issues.push({
      file,
      line,
      message: `the money columns name different currencies (${[...currencies].join(', ')})`,
      hint: 'give planned and achieved in one currency',
    })
  }
  return {columns, units, row: new RowReader(file, header.columns, issues)}
}

const name = text(200)
const note = text(1000)

/** One data row: its cells parsed, money scaled by the header's unit; undefined (with issues on the row) when it does not read. */
function readRecord(
  header: HeaderState,
  cells: string[],
  line: number,
  options: ActualsReadOptions,
  parseYear: (raw: string) => ParseOutcome<number>,
): ActualsRecord | undefined {
  const {columns, units} = header
  const row = header.row.reset(cells, line)
  const ministry = row.get('ministry', name)
  const area = row.get('area', name)
  const fy = row.get('fiscalYear', parseYear, {required: true})
  const money = (key: 'planned' | 'achieved') => {
    const value = row.get(key, parseDecimal)
    if (value === null) return null
    const factor = units.get(key)?.factor ?? row.factor(key)
    return factor === 1 ? new Dec(value) : new Dec(value).times(factor)
  }
  const planned = money('planned')
  const achieved = money('achieved')
  const hours = (key: 'plannedHours' | 'achievedHours') => {
    const value = row.get(key, parseDecimal)
    return value === null ? null : new Dec(value)
  }
  const plannedHours = hours('plannedHours')
  const achievedHours = hours('achievedHours')
  const currencyCell = row.get('currency', currencyCode)
  const fromHeader = [...units.values()].find((unit) => unit.currency)?.currency
  if (currencyCell !== null && fromHeader !== undefined && currencyCell !== fromHeader) {
    row.fail(
      'currency',
      row.raw('currency'),
      `the money headers count ${fromHeader}, this row says ${currencyCell}`,
      'make the currency column agree with the unit in the headers',
    )
  }
  const remark = row.get('note', note)
  const keyColumn = columns.has('ministry') ? 'ministry' : 'area'
  if (columns.has('ministry') && ministry === null) row.fail('ministry', row.raw('ministry') ?? '', 'a ministry (agency) is required here')
  if (columns.has('area') && area === null && !columns.has('ministry')) row.fail('area', row.raw('area') ?? '', 'a business area is required here')
  if (achieved === null && planned === null && plannedHours === null && achievedHours === null && !row.failed) {
    row.fail(
      columns.has('achieved') ? 'achieved' : keyColumn,
      row.raw('achieved') ?? '',
      'the row has no figures',
      'give at least a planned or an achieved figure',
    )
  }
  if (row.failed || fy === null) return undefined
  return {
    line,
    ministry,
    area,
    fiscalYear: fy,
    planned,
    achieved,
    plannedHours,
    achievedHours,
    currency: currencyCell ?? fromHeader ?? options.defaultCurrency,
    note: remark,
  }
}

/**
 * Reads an actuals file (CSV, or a sheet of a workbook: the one named, else
 * the one whose header matches, its header found below any title rows): the
 * header, then every row. All problems are collected (up to maxIssues) and
 * thrown together as one InvalidInputError (exit 3).
 */
export async function readActuals(file: string, options: ActualsReadOptions): Promise<ActualsTable> {
  const maxIssues = options.maxIssues ?? 100
  const issues: InputIssue[] = []
  const warnings: InputIssue[] = []
  const rows: ActualsRecord[] = []
  const parseYear = fiscalYear(options.calendar)
  let header: HeaderState | undefined
  let halted = false
  const result = await readSheet(
    file,
    {
      header(cells, line) {
        header = readHeader(file, cells, line, options, issues, warnings)
        halted = issues.length > 0
      },
      record(cells, line) {
        if (!header || halted || issues.length >= maxIssues) return
        const record = readRecord(header, cells, line, options, parseYear)
        if (record) rows.push(record)
      },
      issue(issue) {
        issues.push(issue)
      },
      warning(issue) {
        warnings.push(issue)
      },
    },
    {
      encoding: options.encoding,
      maxIssues,
      fields: ACTUALS_FIELDS,
      names: (cells) => stripHeaderUnits(cells).cells,
      sheet: options.sheet,
      what: 'actuals',
    },
  )
  issues.unshift(...result.issues)
  if (result.workbook) {
    locateIssues(issues, result.workbook.sheet)
    locateIssues(warnings, result.workbook.sheet)
  }
  if (issues.length > 0)
    throw new InvalidInputError(`${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues.slice(0, maxIssues), {
      totalIssues: issues.length,
    })
  if (rows.length === 0)
    throw new InvalidInputError(`${basename(file)}: 1 problem found`, [
      {file, message: 'the file has a header but no rows', hint: 'add one row per ministry (or area) and fiscal year'},
    ])
  return {file, format: result.format, columns: header?.columns ?? new Set(), units: header?.units ?? new Map(), rows, warnings}
}
