import {basename, extname} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {parseFiscalYear, type Calendar} from '../domain/fiscal-year.js'
import type {Ministry} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import {Dec, canonical} from '../domain/money.js'
import {readCsv, type EncodingOption} from '../ingest/csv.js'
import {RowReader, columnLabel, resolveHeader, type FieldSpec} from '../ingest/table.js'
import {closest, matchKey} from '../domain/text-match.js'
import {isNoValue, normalizeCell, parseDecimal, type ParseOutcome} from '../ingest/values.js'

/**
 * Plans against actuals: realised cost reductions (and optionally hours) per
 * ministry or business area and fiscal year, read from CSV or XLSX with the
 * ingestion rules of the inventory (encodings, header aliases in English,
 * Japanese and Traditional Chinese, △ negatives, fiscal years in 平成/令和/
 * 民國/FY forms, located issues), and compared with the plan.
 *
 * The same shape reads a strategic-plan table of planned and achieved
 * savings per agency and fiscal year as OMB publishes for the US Data Center
 * Optimization Initiative: `Agency, Fiscal Year, Planned Savings ($M),
 * Achieved Savings ($M)`. A unit in a money header ($M, $K, 千円, 百万円…)
 * scales the column and may name the currency.
 *
 * Agencies: when every agency of the file is a ministry of the register, the
 * file is matched against the register; when none is, the file stands on its
 * own (e.g. DCOI agencies such as DOC or DHS) and agencies are kept as
 * written; when some are and some are not, the others are reported as
 * unknown ministries (typing errors, most likely), with suggestions. Planned
 * figures taken from an estimate always need register ministries. Business
 * areas follow the same rule against the register's business areas.
 */

export const ACTUALS_FIELDS: readonly FieldSpec[] = [
  {key: 'ministry', header: 'ministry', aliases: ['agency', 'department', 'ministry code', 'agency code', 'organization', '府省', '府省庁', '省庁', '部會', '部会', '機關', '機関', '負責單位']},
  {key: 'area', header: 'business_area', aliases: ['area', 'business area', '業務', '業務分野', '業務領域', '業務名', '業務名稱']},
  {key: 'fiscalYear', header: 'fiscal_year', aliases: ['fiscal year', 'fy', 'year', '年度', '會計年度', '会計年度'], required: true},
  {key: 'planned', header: 'planned', aliases: ['planned savings', 'planned cost reduction', 'planned reduction', 'plan', 'target savings', 'cost savings goal', '計画', '計画削減額', '削減計画額', '削減目標額', '目標削減額', '計畫削減經費', '預定削減經費', '預計削減經費'], scalable: true},
  {key: 'achieved', header: 'achieved', aliases: ['achieved savings', 'achieved cost reduction', 'achieved reduction', 'actual', 'actual savings', 'actual cost reduction', 'realised savings', 'realized savings', '実績', '削減実績', '削減実績額', '実績削減額', '實際削減經費', '實績削減經費', '達成削減經費', '削減實績'], required: true, scalable: true},
  {key: 'plannedHours', header: 'planned_hours', aliases: ['planned hours', 'planned hours saved', '計画削減時間', '削減時間計画', '預定削減時間', '計畫削減時間']},
  {key: 'achievedHours', header: 'achieved_hours', aliases: ['achieved hours', 'achieved hours saved', 'actual hours saved', '実績削減時間', '削減時間実績', '實際削減時間', '實績削減時間']},
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

/** Decimals of achievement rates (half-up). */
export const ACHIEVEMENT_DECIMALS = 4
export const DEFAULT_SHORTFALL_THRESHOLD = new Dec('0.8')

export type ActualsLevel = 'ministry' | 'area' | 'ministry-area'

/** Planned savings from an estimate: per key and fiscal year, in the estimate's currency. */
export interface EstimatePlan {
  scenario: string
  currency: string
  years: readonly number[]
  /** Currency units, or undefined when the estimate has no figure (the key is unknown, or the year is outside the horizon). */
  planned(level: ActualsLevel, ministry: string | null, area: string | null, year: number): Dec | undefined
  plannedHours(level: ActualsLevel, ministry: string | null, area: string | null, year: number): Dec | undefined
}

export interface ActualsOptions {
  encoding: EncodingOption
  calendar: Calendar
  allowUnknownColumns?: boolean
  maxIssues?: number
  threshold?: Dec
  /** The register's ministries and business areas, for matching. */
  ministries: readonly Ministry[]
  areas: readonly string[]
  /** Used for planned figures when the file has no planned column. */
  plan?: EstimatePlan
  /** Exchange rates (units of the reporting currency per unit, by `CUR:year`), for files in several currencies. */
  rates?: {file: string; currency: string; rates: ReadonlyMap<string, Dec>}
}

interface RawActual {
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

export interface ActualsRow {
  key: string
  label: string
  ministry: string | null
  area: string | null
  fiscalYear: number
  line: number
  currency: string
  plannedSource: 'file' | 'estimate'
  planned: string | null
  achieved: string | null
  variance: string | null
  achievement: string | null
  /** Why the achievement rate is n/a. */
  achievementNote?: string
  cumulativePlanned: string
  cumulativeAchieved: string
  cumulativeAchievement: string | null
  plannedHours: string | null
  achievedHours: string | null
  hoursAchievement: string | null
  shortfall: boolean
  note: string | null
}

export interface ActualsSummary {
  planned: string
  achieved: string
  variance: string
  achievement: string | null
  shortfall: boolean
}

export interface ActualsResult {
  file: string
  format: 'csv' | 'xlsx'
  level: ActualsLevel
  /** register: keys are the register's ministries / areas; external: as the file writes them. */
  matching: 'register' | 'external'
  currency: string
  /** The unit of the file's money headers (for display): factor in currency units and its label. */
  unit: {factor: number; label: string}
  plannedSource: 'file' | 'estimate'
  threshold: string
  rows: ActualsRow[]
  byYear: Array<{fiscalYear: number; cumulativePlanned: string; cumulativeAchieved: string; cumulativeAchievement: string | null} & ActualsSummary>
  byKey: Array<{key: string; label: string; years: number[]} & ActualsSummary>
  total: ActualsSummary
  shortfalls: Array<{key: string; label: string; fiscalYear: number; achievement: string}>
  warnings: InputIssue[]
  notes: string[]
}

/* ---------- reading ---------- */

const text = (maxLength: number) => (raw: string): ParseOutcome<string> => {
  const value = raw.trim()
  if (value === '') return {ok: true, value: null}
  if (value.length > maxLength) return {ok: false, reason: `longer than ${maxLength} characters`}
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) return {ok: false, reason: 'contains control characters'}
  return {ok: true, value}
}

function fiscalYear(calendar: Calendar) {
  return (raw: string): ParseOutcome<number> => {
    if (isNoValue(raw)) return {ok: true, value: null}
    const result = parseFiscalYear(normalizeCell(raw), calendar)
    return result.ok ? {ok: true, value: result.year} : {ok: false, reason: result.reason, hint: result.hint}
  }
}

function currencyCode(raw: string): ParseOutcome<string> {
  const value = normalizeCell(raw).toUpperCase()
  if (value === '') return {ok: true, value: null}
  const named: Record<string, string> = {円: 'JPY', 日圓: 'JPY', 日幣: 'JPY', 新台幣: 'TWD', 台幣: 'TWD', NT$: 'TWD', US$: 'USD', $: 'USD'}
  const code = named[value] ?? value
  if (!/^[A-Z]{3}$/.test(code)) return {ok: false, reason: 'not an ISO 4217 currency code', hint: 'e.g. JPY, TWD, USD'}
  return {ok: true, value: code}
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

/** Cell text of an exceljs value. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    const object = value as {richText?: Array<{text: string}>; result?: unknown; text?: unknown; error?: string}
    if (Array.isArray(object.richText)) return object.richText.map((part) => part.text).join('')
    if ('result' in object) return cellText(object.result)
    if (typeof object.text === 'string') return object.text
    if (object.error) return object.error
  }
  return String(value)
}

/** The first sheet of an XLSX workbook as rows of text cells, with their row numbers. */
async function xlsxRows(file: string): Promise<Array<{line: number; cells: string[]}>> {
  const ExcelJS = (await import('exceljs')).default
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.readFile(file)
  } catch (error) {
    throw new InvalidInputError(`${basename(file)}: not a readable XLSX workbook`, [{file, message: (error as Error).message, hint: 'save it again as .xlsx, or export the sheet as CSV'}])
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new InvalidInputError(`${basename(file)}: the workbook has no sheet`, [{file, message: 'the workbook has no sheet'}])
  const rows: Array<{line: number; cells: string[]}> = []
  sheet.eachRow({includeEmpty: false}, (row, rowNumber) => {
    const values = row.values as unknown[]
    const cells: string[] = []
    for (let column = 1; column < values.length; column++) cells.push(cellText(values[column]))
    if (cells.every((cell) => cell.trim() === '')) return
    rows.push({line: rowNumber, cells})
  })
  return rows
}

interface ReadTable {
  format: 'csv' | 'xlsx'
  columns: Set<string>
  units: HeaderUnits['money']
  rows: RawActual[]
  warnings: InputIssue[]
}

async function readTable(file: string, options: ActualsOptions, defaultCurrency: string): Promise<ReadTable> {
  const maxIssues = options.maxIssues ?? 100
  const issues: InputIssue[] = []
  const warnings: InputIssue[] = []
  const rows: RawActual[] = []
  let row: RowReader | undefined
  let units: HeaderUnits['money'] = new Map()
  let columns = new Set<string>()
  let halted = false
  let width = 0
  const year = fiscalYear(options.calendar)

  const onHeader = (raw: string[], line: number) => {
    width = raw.length
    const stripped = stripHeaderUnits(raw)
    units = stripped.money
    const header = resolveHeader(file, line, stripped.cells, ACTUALS_FIELDS)
    issues.push(...header.issues)
    for (const column of header.unknown) {
      const issue: InputIssue = {file, line, column: columnLabel(column.index, column.name), value: column.name, message: 'kasumi does not know this actuals column', hint: options.allowUnknownColumns ? 'its values are not read' : `rename it to one of: ${ACTUALS_FIELDS.map((field) => field.header).join(', ')}; or pass --allow-unknown-columns to leave it out`}
      if (options.allowUnknownColumns) warnings.push({...issue, severity: 'warning'})
      else issues.push(issue)
    }
    columns = new Set(header.columns.keys())
    if (!columns.has('ministry') && !columns.has('area')) {
      issues.push({file, line, message: 'the file names neither a ministry (agency) nor a business area column', hint: 'add a column ministry (or agency, 府省, 部會) or business_area (業務分野)'})
    }
    if (!columns.has('planned') && !options.plan) {
      issues.push({file, line, message: 'the required column "planned" is missing', hint: `name it one of: planned, ${ACTUALS_FIELDS.find((field) => field.key === 'planned')!.aliases.slice(0, 4).join(', ')}…; or take planned figures from an estimate with --scenario`})
    }
    const currencies = new Set([...units.values()].map((unit) => unit.currency).filter(Boolean))
    if (currencies.size > 1) {
      issues.push({file, line, message: `the money columns name different currencies (${[...currencies].join(', ')})`, hint: 'give planned and achieved in one currency'})
    }
    halted = issues.length > 0
    row = new RowReader(file, header.columns, issues)
  }

  const unitCurrency = () => [...units.values()].find((unit) => unit.currency)?.currency
  const onRecord = (cells: string[], line: number) => {
    if (!row || halted || issues.length >= maxIssues) return
    row.reset(cells, line)
    const ministry = row.get('ministry', text(200))
    const area = row.get('area', text(200))
    const fy = row.get('fiscalYear', year, {required: true})
    const money = (key: 'planned' | 'achieved') => {
      const value = row!.get(key, parseDecimal)
      if (value === null) return null
      const factor = units.get(key)?.factor ?? row!.factor(key)
      return factor === 1 ? new Dec(value) : new Dec(value).times(factor)
    }
    const planned = money('planned')
    const achieved = money('achieved')
    const hours = (key: 'plannedHours' | 'achievedHours') => {
      const value = row!.get(key, parseDecimal)
      return value === null ? null : new Dec(value)
    }
    const plannedHours = hours('plannedHours')
    const achievedHours = hours('achievedHours')
    const currencyCell = row.get('currency', currencyCode)
    const fromHeader = unitCurrency()
    if (currencyCell !== null && fromHeader !== undefined && currencyCell !== fromHeader) {
      row.fail('currency', row.raw('currency'), `the money headers count ${fromHeader}, this row says ${currencyCell}`, 'make the currency column agree with the unit in the headers')
    }
    const note = row.get('note', text(1000))
    const keyColumn = columns.has('ministry') ? 'ministry' : 'area'
    if (columns.has('ministry') && ministry === null) row.fail('ministry', row.raw('ministry') ?? '', 'a ministry (agency) is required here')
    if (columns.has('area') && area === null && !columns.has('ministry')) row.fail('area', row.raw('area') ?? '', 'a business area is required here')
    if (achieved === null && planned === null && plannedHours === null && achievedHours === null && !row.failed) {
      row.fail(columns.has('achieved') ? 'achieved' : keyColumn, row.raw('achieved') ?? '', 'the row has no figures', 'give at least a planned or an achieved figure')
    }
    if (row.failed || fy === null) return
    rows.push({line, ministry, area, fiscalYear: fy, planned, achieved, plannedHours, achievedHours, currency: currencyCell ?? fromHeader ?? defaultCurrency, note})
  }

  let format: 'csv' | 'xlsx' = 'csv'
  if (extname(file).toLowerCase() === '.xlsx') {
    format = 'xlsx'
    const sheetRows = await xlsxRows(file)
    if (sheetRows.length === 0) throw new InvalidInputError(`${basename(file)}: 1 problem found`, [{file, message: 'the first sheet is empty', hint: 'put a header row and at least one data row on the first sheet'}])
    const [header, ...data] = sheetRows
    onHeader(header.cells, header.line)
    for (const {cells, line} of data) {
      const padded = cells.length < width ? [...cells, ...Array<string>(width - cells.length).fill('')] : cells
      if (padded.length > width && padded.slice(width).some((cell) => cell.trim() !== '')) {
        issues.push({file, line, message: `the row has values beyond the ${width} columns of the header`, hint: 'give every value a header'})
        continue
      }
      onRecord(padded.slice(0, width), line)
    }
  } else {
    const result = await readCsv({file, encoding: options.encoding}, {header: onHeader, record: onRecord}, {maxIssues})
    issues.unshift(...result.issues)
  }
  if (issues.length > 0) throw new InvalidInputError(`${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues.slice(0, maxIssues), {totalIssues: issues.length})
  if (rows.length === 0) throw new InvalidInputError(`${basename(file)}: 1 problem found`, [{file, message: 'the file has a header but no rows', hint: 'add one row per ministry (or area) and fiscal year'}])
  return {format, columns, units, rows, warnings}
}

/* ---------- matching ---------- */

interface Resolver {
  matching: 'register' | 'external'
  ministry(raw: string): string
  area(raw: string): string
  label(ministry: string | null, area: string | null): string
}

function buildResolver(file: string, table: ReadTable, options: ActualsOptions, requireRegister: boolean, issues: InputIssue[]): Resolver {
  const index = new MinistryIndex(options.ministries)
  const areaByKey = new Map(options.areas.filter((area) => area !== '').map((area) => [matchKey(area), area]))
  const nameOf = new Map(options.ministries.map((ministry) => [ministry.code, ministry.nameJa ?? ministry.nameZh]))

  const check = (column: 'ministry' | 'area', find: (raw: string) => string | undefined, suggest: (raw: string) => string | undefined, known: string) => {
    const values = table.rows.map((row) => ({line: row.line, raw: column === 'ministry' ? row.ministry : row.area})).filter((entry): entry is {line: number; raw: string} => entry.raw !== null)
    const unknown = values.filter((entry) => find(entry.raw) === undefined)
    const external = !requireRegister && unknown.length === values.length && values.length > 0
    if (external || unknown.length === 0) return external
    const distinct = [...new Set(unknown.map((entry) => entry.raw))]
    for (const entry of unknown) {
      const suggestion = suggest(entry.raw)
      issues.push({
        file,
        line: entry.line,
        column: column === 'ministry' ? 'ministry' : 'business_area',
        value: entry.raw,
        message: column === 'ministry' ? 'kasumi does not know this ministry' : 'no system of the register has this business area',
        hint: requireRegister && unknown.length === values.length
          ? `planned figures from the estimate need the register's ${column === 'ministry' ? 'ministries' : 'business areas'}; give a planned column instead, or use ${known}`
          : suggestion ? `did you mean ${suggestion}?` : `unknown here: ${distinct.slice(0, 8).join(', ')}${distinct.length > 8 ? ' …' : ''}; known: ${known}`,
      })
    }
    return false
  }
  const codes = options.ministries.map((ministry) => ministry.code)
  const externalMinistries = table.columns.has('ministry') ? check('ministry', (raw) => index.find(raw)?.code, (raw) => index.suggest(raw), `${codes.slice(0, 12).join(', ')}${codes.length > 12 ? ' …' : ''} (kasumi inventory list --kind ministries)`) : false
  const externalAreas = table.columns.has('area') ? check('area', (raw) => areaByKey.get(matchKey(raw)), (raw) => closest(raw, areaByKey.values()), 'the business areas of kasumi inventory summary') : false
  const matching = externalMinistries || externalAreas ? 'external' : 'register'
  return {
    matching,
    ministry: (raw) => (externalMinistries ? raw.trim() : index.find(raw)?.code ?? raw),
    area: (raw) => (externalAreas ? raw.trim() : areaByKey.get(matchKey(raw)) ?? raw),
    label: (ministry, area) => [ministry === null ? null : externalMinistries ? ministry : nameOf.get(ministry) ?? ministry, area].filter((part) => part !== null).join(' / '),
  }
}

/* ---------- computing ---------- */

const ratioText = (numerator: Dec, denominator: Dec) => numerator.dividedBy(denominator).toDecimalPlaces(ACHIEVEMENT_DECIMALS, Dec.ROUND_HALF_UP).toFixed(ACHIEVEMENT_DECIMALS)

function summary(planned: Dec, achieved: Dec, threshold: Dec): ActualsSummary {
  const positive = planned.greaterThan(0)
  return {
    planned: canonical(planned),
    achieved: canonical(achieved),
    variance: canonical(achieved.minus(planned)),
    achievement: positive ? ratioText(achieved, planned) : null,
    shortfall: positive && achieved.lessThan(threshold.times(planned)),
  }
}

/**
 * Reads an actuals file and compares it with its plan: achievement rate
 * (achieved ÷ planned; n/a when planned is 0 or less, or either is missing),
 * variance (achieved − planned), cumulative achievement per ministry or area
 * over the years, and shortfalls (achieved below threshold × planned).
 * Problems are collected and thrown together as one InvalidInputError (exit 3).
 */
export async function loadActuals(file: string, options: ActualsOptions): Promise<ActualsResult> {
  const threshold = options.threshold ?? DEFAULT_SHORTFALL_THRESHOLD
  const defaultCurrency = options.plan?.currency ?? 'JPY'
  const table = await readTable(file, options, defaultCurrency)
  const plannedSource: 'file' | 'estimate' = table.columns.has('planned') ? 'file' : 'estimate'
  const warnings = [...table.warnings]
  const issues: InputIssue[] = []
  const resolver = buildResolver(file, table, options, plannedSource === 'estimate', issues)
  const level: ActualsLevel = table.columns.has('ministry') && table.columns.has('area') ? 'ministry-area' : table.columns.has('ministry') ? 'ministry' : 'area'

  // Duplicates: one row per key and fiscal year.
  const seen = new Map<string, number>()
  const keyed = table.rows.map((row) => {
    const ministry = row.ministry === null ? null : resolver.ministry(row.ministry)
    const area = row.area === null ? null : resolver.area(row.area)
    const key = [ministry, area].filter((part) => part !== null).join('/')
    const seenKey = `${resolver.matching === 'external' ? matchKey(key) : key}\u0000${row.fiscalYear}`
    const previous = seen.get(seenKey)
    if (previous !== undefined) {
      issues.push({file, line: row.line, column: 'fiscal_year', value: String(row.fiscalYear), message: `a second row for ${resolver.label(ministry, area)} in FY${row.fiscalYear} (line ${previous} has it too)`, hint: 'give one row per ministry (or area) and fiscal year; add the figures up if they are parts'})
    } else {
      seen.set(seenKey, row.line)
    }
    return {...row, ministry, area, key}
  })

  // Currencies: one, or all convertible with rates.
  const reporting = options.plan && plannedSource === 'estimate' ? options.plan.currency : options.rates?.currency ?? keyed[0].currency
  const currencies = new Map<string, number[]>()
  for (const row of keyed) currencies.set(row.currency, [...(currencies.get(row.currency) ?? []), row.line])
  const convert = (row: (typeof keyed)[number], value: Dec | null): Dec | null => {
    if (value === null || row.currency === reporting) return value
    const rate = options.rates?.rates.get(`${row.currency}:${row.fiscalYear}`)
    return rate ? value.times(rate) : null
  }
  if (currencies.size > 1 || !currencies.has(reporting)) {
    const lines = (list: number[]) => (list.length === 1 ? `line ${list[0]}` : `lines ${list.slice(0, 5).join(', ')}${list.length > 5 ? ' …' : ''}`)
    const described = [...currencies].map(([currency, list]) => `${currency} (${lines(list)})`).join(', ')
    if (!options.rates) {
      const other = keyed.find((row) => row.currency !== reporting)!
      issues.push({file, line: other.line, column: 'currency', value: other.currency, message: plannedSource === 'estimate' && currencies.size === 1 ? `the actuals count ${other.currency}, the estimate's plan counts ${reporting}` : `mixed currencies without exchange rates: ${described}`, hint: 'give every figure in one currency, or pass --rates FILE (fiscal_year, currency, rate) to convert'})
    } else {
      for (const row of keyed) {
        if (row.currency !== reporting && !options.rates.rates.has(`${row.currency}:${row.fiscalYear}`)) {
          issues.push({file, line: row.line, column: 'currency', value: row.currency, message: `no exchange rate from ${row.currency} to ${reporting} for FY${row.fiscalYear}`, hint: `add it to ${options.rates.file}`})
        }
      }
    }
  }
  if (issues.length > 0) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    const cap = options.maxIssues ?? 100
    throw new InvalidInputError(`${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues.slice(0, cap), {totalIssues: issues.length})
  }

  // Key order: the register's order (ministries), then first appearance; years ascending.
  const order = new Map(options.ministries.map((ministry, position) => [ministry.code, position]))
  const firstSeen = new Map<string, number>()
  keyed.forEach((row, position) => firstSeen.has(row.key) || firstSeen.set(row.key, position))
  const rank = (row: (typeof keyed)[number]) => (resolver.matching === 'register' && row.ministry !== null ? order.get(row.ministry) ?? Number.MAX_SAFE_INTEGER : firstSeen.get(row.key)!)
  keyed.sort((a, b) => rank(a) - rank(b) || firstSeen.get(a.key)! - firstSeen.get(b.key)! || a.fiscalYear - b.fiscalYear)

  const rows: ActualsRow[] = []
  const running = new Map<string, {planned: Dec; achieved: Dec}>()
  for (const row of keyed) {
    let planned = convert(row, row.planned)
    let plannedHours = row.plannedHours
    let achievementNote: string | undefined
    if (plannedSource === 'estimate') {
      planned = options.plan!.planned(level, row.ministry, row.area, row.fiscalYear) ?? null
      plannedHours = options.plan!.plannedHours(level, row.ministry, row.area, row.fiscalYear) ?? null
      if (planned === null) achievementNote = `the estimate has no plan for FY${row.fiscalYear} (horizon FY${options.plan!.years[0]}–FY${options.plan!.years.at(-1)})`
    }
    const achieved = convert(row, row.achieved)
    if (planned === null && !achievementNote) achievementNote = 'no planned figure'
    else if (achieved === null && !achievementNote) achievementNote = 'no achieved figure'
    else if (planned !== null && !planned.greaterThan(0)) achievementNote = planned.isZero() ? 'planned is 0' : 'planned is a cost increase (negative), not a saving'
    const both = planned !== null && achieved !== null
    const total = running.get(row.key) ?? {planned: new Dec(0), achieved: new Dec(0)}
    if (both) {
      total.planned = total.planned.plus(planned!)
      total.achieved = total.achieved.plus(achieved!)
    }
    running.set(row.key, total)
    const rate = both && planned!.greaterThan(0) ? ratioText(achieved!, planned!) : null
    rows.push({
      key: row.key,
      label: resolver.label(row.ministry, row.area),
      ministry: row.ministry,
      area: row.area,
      fiscalYear: row.fiscalYear,
      line: row.line,
      currency: reporting,
      plannedSource,
      planned: planned === null ? null : canonical(planned),
      achieved: achieved === null ? null : canonical(achieved),
      variance: both ? canonical(achieved!.minus(planned!)) : null,
      achievement: rate,
      ...(rate === null ? {achievementNote} : {}),
      cumulativePlanned: canonical(total.planned),
      cumulativeAchieved: canonical(total.achieved),
      cumulativeAchievement: total.planned.greaterThan(0) ? ratioText(total.achieved, total.planned) : null,
      plannedHours: plannedHours === null ? null : canonical(plannedHours),
      achievedHours: row.achievedHours === null ? null : canonical(row.achievedHours),
      hoursAchievement: plannedHours !== null && row.achievedHours !== null && plannedHours.greaterThan(0) ? ratioText(row.achievedHours, plannedHours) : null,
      shortfall: both && planned!.greaterThan(0) && achieved!.lessThan(threshold.times(planned!)),
      note: row.note,
    })
  }

  // Totals count the rows that have both a planned and an achieved figure.
  const paired = rows.filter((row) => row.planned !== null && row.achieved !== null)
  const add = (list: ActualsRow[], pick: (row: ActualsRow) => string | null) => list.reduce((sum, row) => sum.plus(pick(row) ?? 0), new Dec(0))
  const years = [...new Set(rows.map((row) => row.fiscalYear))].sort((a, b) => a - b)
  let cumulativePlanned = new Dec(0)
  let cumulativeAchieved = new Dec(0)
  const byYear = years.map((fiscalYear) => {
    const list = paired.filter((row) => row.fiscalYear === fiscalYear)
    const planned = add(list, (row) => row.planned)
    const achieved = add(list, (row) => row.achieved)
    cumulativePlanned = cumulativePlanned.plus(planned)
    cumulativeAchieved = cumulativeAchieved.plus(achieved)
    return {
      fiscalYear,
      ...summary(planned, achieved, threshold),
      cumulativePlanned: canonical(cumulativePlanned),
      cumulativeAchieved: canonical(cumulativeAchieved),
      cumulativeAchievement: cumulativePlanned.greaterThan(0) ? ratioText(cumulativeAchieved, cumulativePlanned) : null,
    }
  })
  const keys = [...new Set(rows.map((row) => row.key))]
  const byKey = keys.map((key) => {
    const list = paired.filter((row) => row.key === key)
    return {key, label: rows.find((row) => row.key === key)!.label, years: rows.filter((row) => row.key === key).map((row) => row.fiscalYear), ...summary(add(list, (row) => row.planned), add(list, (row) => row.achieved), threshold)}
  })
  const moneyUnit = table.units.get('achieved') ?? table.units.get('planned')
  if (plannedSource === 'estimate' && table.columns.has('planned')) warnings.push({file, message: 'the planned column is used; --scenario is not', severity: 'warning'})
  return {
    file,
    format: table.format,
    level,
    matching: resolver.matching,
    currency: reporting,
    unit: moneyUnit && (moneyUnit.currency === undefined || moneyUnit.currency === reporting) ? {factor: moneyUnit.factor, label: moneyUnit.label} : {factor: 1, label: reporting},
    plannedSource,
    threshold: canonical(threshold),
    rows,
    byYear,
    byKey,
    total: summary(add(paired, (row) => row.planned), add(paired, (row) => row.achieved), threshold),
    shortfalls: rows.filter((row) => row.shortfall).map((row) => ({key: row.key, label: row.label, fiscalYear: row.fiscalYear, achievement: row.achievement!})),
    warnings,
    notes: [
      `Achievement rate = achieved ÷ planned, rounded half-up to ${ACHIEVEMENT_DECIMALS} decimals; n/a when planned is 0 or negative, or a figure is missing. Variance = achieved − planned, exact.`,
      'Cumulative figures and totals add the years (rows) that have both a planned and an achieved figure, so that like is compared with like.',
      `A shortfall is a row whose achieved saving is below ${canonical(threshold)} × planned (exact comparison, before rounding).`,
      plannedSource === 'estimate'
        ? `Planned figures are the estimate's cash-releasing savings by ${level === 'area' ? 'business area' : level === 'ministry' ? 'ministry' : 'ministry and business area'} and fiscal year (scenario ${options.plan!.scenario}), in ${options.plan!.currency}.`
        : 'Planned figures are the file\'s.',
      resolver.matching === 'external'
        ? 'None of the file\'s agencies (or areas) is in the register, so the file is read on its own: agencies as written, not matched to ministries.'
        : 'Agencies (ministries) and areas are matched to the register.',
    ],
  }
}
