import {basename} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import {rateKey} from '../domain/currency.js'
import type {Ministry} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import {Dec, canonical} from '../domain/money.js'
import {closest, matchKey} from '../domain/text-match.js'
import {readActuals, type ActualsRecord, type ActualsTable} from '../ingest/actuals.js'
import type {EncodingOption} from '../ingest/csv.js'

/**
 * Plans against actuals: realised cost reductions (and optionally hours) per
 * ministry or business area and fiscal year, as src/ingest/actuals.ts reads
 * them from CSV or XLSX, compared with the plan.
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

/** How to compare actuals with their plan. */
export interface ActualsComparisonOptions {
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

/** How to read an actuals file, and how to compare it. */
export interface ActualsOptions extends ActualsComparisonOptions {
  encoding: EncodingOption
  calendar: Calendar
  allowUnknownColumns?: boolean
  /** A workbook's sheet, by name or position. */
  sheet?: string
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
  format: 'csv' | 'xlsx' | 'xls' | 'ods'
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

/* ---------- matching ---------- */

interface Resolver {
  matching: 'register' | 'external'
  ministry(raw: string): string
  area(raw: string): string
  label(ministry: string | null, area: string | null): string
}

function buildResolver(
  file: string,
  table: ActualsTable,
  options: ActualsComparisonOptions,
  requireRegister: boolean,
  issues: InputIssue[],
): Resolver {
  const index = new MinistryIndex(options.ministries)
  const areaByKey = new Map(options.areas.filter((area) => area !== '').map((area) => [matchKey(area), area]))
  const nameOf = new Map(options.ministries.map((ministry) => [ministry.code, ministry.nameJa ?? ministry.nameZh]))

  const check = (
    column: 'ministry' | 'area',
    find: (raw: string) => string | undefined,
    suggest: (raw: string) => string | undefined,
    known: string,
  ) => {
    const values = table.rows
      .map((row) => ({line: row.line, raw: column === 'ministry' ? row.ministry : row.area}))
      .filter((entry): entry is {line: number; raw: string} => entry.raw !== null)
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
        hint:
          requireRegister && unknown.length === values.length
            ? `planned figures from the estimate need the register's ${column === 'ministry' ? 'ministries' : 'business areas'}; give a planned column instead, or use ${known}`
            : suggestion
              ? `did you mean ${suggestion}?`
              : `unknown here: ${distinct.slice(0, 8).join(', ')}${distinct.length > 8 ? ' …' : ''}; known: ${known}`,
      })
    }
    return false
  }
  const codes = options.ministries.map((ministry) => ministry.code)
  const externalMinistries = table.columns.has('ministry')
    ? check(
        'ministry',
        (raw) => index.find(raw)?.code,
        (raw) => index.suggest(raw),
        `${codes.slice(0, 12).join(', ')}${codes.length > 12 ? ' …' : ''} (kasumi inventory list --kind ministries)`,
      )
    : false
  const externalAreas = table.columns.has('area')
    ? check(
        'area',
        (raw) => areaByKey.get(matchKey(raw)),
        (raw) => closest(raw, areaByKey.values()),
        'the business areas of kasumi inventory summary',
      )
    : false
  const matching = externalMinistries || externalAreas ? 'external' : 'register'
  return {
    matching,
    ministry: (raw) => (externalMinistries ? raw.trim() : (index.find(raw)?.code ?? raw)),
    area: (raw) => (externalAreas ? raw.trim() : (areaByKey.get(matchKey(raw)) ?? raw)),
    label: (ministry, area) =>
      [ministry === null ? null : externalMinistries ? ministry : (nameOf.get(ministry) ?? ministry), area]
        .filter((part) => part !== null)
        .join(' / '),
  }
}

/* ---------- computing ---------- */

const ratioText = (numerator: Dec, denominator: Dec) =>
  numerator.dividedBy(denominator).toDecimalPlaces(ACHIEVEMENT_DECIMALS, Dec.ROUND_HALF_UP).toFixed(ACHIEVEMENT_DECIMALS)

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

/** The reading options of an actuals file that depend on its comparison (a plan makes the planned column optional). */
function actualsReadOptions(options: ActualsOptions) {
  return {
    encoding: options.encoding,
    calendar: options.calendar,
    allowUnknownColumns: options.allowUnknownColumns,
    maxIssues: options.maxIssues,
    plannedFromEstimate: options.plan !== undefined,
    defaultCurrency: options.plan?.currency ?? 'JPY',
    sheet: options.sheet,
  }
}

/** Reads an actuals file through src/ingest and compares it with its plan. */
export async function loadActuals(file: string, options: ActualsOptions): Promise<ActualsResult> {
  return compareActuals(await readActuals(file, actualsReadOptions(options)), options)
}

type KeyedActual = Omit<ActualsRecord, 'ministry' | 'area'> & {ministry: string | null; area: string | null; key: string}

/** Names resolved to the register (or kept as written), and one row per key and fiscal year. */
function keyRows(file: string, table: ActualsTable, resolver: Resolver, issues: InputIssue[]): KeyedActual[] {
  const seen = new Map<string, number>()
  return table.rows.map((row) => {
    const ministry = row.ministry === null ? null : resolver.ministry(row.ministry)
    const area = row.area === null ? null : resolver.area(row.area)
    const key = [ministry, area].filter((part) => part !== null).join('/')
    const seenKey = `${resolver.matching === 'external' ? matchKey(key) : key}\u0000${row.fiscalYear}`
    const previous = seen.get(seenKey)
    if (previous !== undefined) {
      issues.push({
        file,
        line: row.line,
        column: 'fiscal_year',
        value: String(row.fiscalYear),
        message: `a second row for ${resolver.label(ministry, area)} in FY${row.fiscalYear} (line ${previous} has it too)`,
        hint: 'give one row per ministry (or area) and fiscal year; add the figures up if they are parts',
      })
    } else {
      seen.set(seenKey, row.line)
    }
    return {...row, ministry, area, key}
  })
}

/** One currency, or all convertible with rates; the issues name the rows that are not. */
function checkCurrencies(
  file: string,
  keyed: readonly KeyedActual[],
  reporting: string,
  plannedSource: 'file' | 'estimate',
  options: ActualsComparisonOptions,
  issues: InputIssue[],
): void {
  const currencies = new Map<string, number[]>()
  for (const row of keyed) currencies.set(row.currency, [...(currencies.get(row.currency) ?? []), row.line])
  if (currencies.size <= 1 && currencies.has(reporting)) return
  const lines = (list: number[]) => (list.length === 1 ? `line ${list[0]}` : `lines ${list.slice(0, 5).join(', ')}${list.length > 5 ? ' …' : ''}`)
  const described = [...currencies].map(([currency, list]) => `${currency} (${lines(list)})`).join(', ')
  if (!options.rates) {
    const other = keyed.find((row) => row.currency !== reporting)!
    issues.push({
      file,
      line: other.line,
      column: 'currency',
      value: other.currency,
      message:
        plannedSource === 'estimate' && currencies.size === 1
          ? `the actuals count ${other.currency}, the estimate's plan counts ${reporting}`
          : `mixed currencies without exchange rates: ${described}`,
      hint: 'give every figure in one currency, or pass --rates FILE (fiscal_year, currency, rate) to convert',
    })
    return
  }
  for (const row of keyed) {
    if (row.currency !== reporting && !options.rates.rates.has(rateKey(row.currency, row.fiscalYear))) {
      issues.push({
        file,
        line: row.line,
        column: 'currency',
        value: row.currency,
        message: `no exchange rate from ${row.currency} to ${reporting} for FY${row.fiscalYear}`,
        hint: `add it to ${options.rates.file}`,
      })
    }
  }
}

/** Key order: the register's order (ministries), then first appearance; years ascending. */
function sortRows(keyed: KeyedActual[], resolver: Resolver, ministries: readonly Ministry[]): void {
  const order = new Map(ministries.map((ministry, position) => [ministry.code, position]))
  const firstSeen = new Map<string, number>()
  keyed.forEach((row, position) => firstSeen.has(row.key) || firstSeen.set(row.key, position))
  const rank = (row: KeyedActual) =>
    resolver.matching === 'register' && row.ministry !== null ? (order.get(row.ministry) ?? Number.MAX_SAFE_INTEGER) : firstSeen.get(row.key)!
  keyed.sort((a, b) => rank(a) - rank(b) || firstSeen.get(a.key)! - firstSeen.get(b.key)! || a.fiscalYear - b.fiscalYear)
}

interface RowContext {
  reporting: string
  plannedSource: 'file' | 'estimate'
  level: ActualsLevel
  threshold: Dec
  resolver: Resolver
  options: ActualsComparisonOptions
}

/** Each row against its plan, in the reporting currency, with running totals per key. */
function compareRows(keyed: readonly KeyedActual[], context: RowContext): ActualsRow[] {
  const {reporting, plannedSource, level, threshold, resolver, options} = context
  const convert = (row: KeyedActual, value: Dec | null): Dec | null => {
    if (value === null || row.currency === reporting) return value
    const rate = options.rates?.rates.get(rateKey(row.currency, row.fiscalYear))
    return rate ? value.times(rate) : null
  }
  const rows: ActualsRow[] = []
  const running = new Map<string, {planned: Dec; achieved: Dec}>()
  for (const row of keyed) {
    let planned = convert(row, row.planned)
    let plannedHours = row.plannedHours
    let achievementNote: string | undefined
    if (plannedSource === 'estimate') {
      planned = options.plan!.planned(level, row.ministry, row.area, row.fiscalYear) ?? null
      plannedHours = options.plan!.plannedHours(level, row.ministry, row.area, row.fiscalYear) ?? null
      if (planned === null)
        achievementNote = `the estimate has no plan for FY${row.fiscalYear} (horizon FY${options.plan!.years[0]}–FY${options.plan!.years.at(-1)})`
    }
    const achieved = convert(row, row.achieved)
    if (planned === null && !achievementNote) achievementNote = 'no planned figure'
    else if (achieved === null && !achievementNote) achievementNote = 'no achieved figure'
    else if (planned !== null && !planned.greaterThan(0))
      achievementNote = planned.isZero() ? 'planned is 0' : 'planned is a cost increase (negative), not a saving'
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
      hoursAchievement:
        plannedHours !== null && row.achievedHours !== null && plannedHours.greaterThan(0) ? ratioText(row.achievedHours, plannedHours) : null,
      shortfall: both && planned!.greaterThan(0) && achieved!.lessThan(threshold.times(planned!)),
      note: row.note,
    })
  }
  return rows
}

/** Totals by year (with cumulative figures), by key and overall; they count the rows that have both a planned and an achieved figure. */
function totals(rows: readonly ActualsRow[], threshold: Dec): Pick<ActualsResult, 'byYear' | 'byKey' | 'total'> {
  const paired = rows.filter((row) => row.planned !== null && row.achieved !== null)
  const add = (list: readonly ActualsRow[], pick: (row: ActualsRow) => string | null) =>
    list.reduce((sum, row) => sum.plus(pick(row) ?? 0), new Dec(0))
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
    return {
      key,
      label: rows.find((row) => row.key === key)!.label,
      years: rows.filter((row) => row.key === key).map((row) => row.fiscalYear),
      ...summary(
        add(list, (row) => row.planned),
        add(list, (row) => row.achieved),
        threshold,
      ),
    }
  })
  return {
    byYear,
    byKey,
    total: summary(
      add(paired, (row) => row.planned),
      add(paired, (row) => row.achieved),
      threshold,
    ),
  }
}

function actualsNotes(
  threshold: Dec,
  plannedSource: 'file' | 'estimate',
  level: ActualsLevel,
  matching: 'register' | 'external',
  plan: EstimatePlan | undefined,
): string[] {
  return [
    `Achievement rate = achieved ÷ planned, rounded half-up to ${ACHIEVEMENT_DECIMALS} decimals; n/a when planned is 0 or negative, or a figure is missing. Variance = achieved − planned, exact.`,
    'Cumulative figures and totals add the years (rows) that have both a planned and an achieved figure, so that like is compared with like.',
    `A shortfall is a row whose achieved saving is below ${canonical(threshold)} × planned (exact comparison, before rounding).`,
    plannedSource === 'estimate'
      ? `Planned figures are the estimate's cash-releasing savings by ${level === 'area' ? 'business area' : level === 'ministry' ? 'ministry' : 'ministry and business area'} and fiscal year (scenario ${plan!.scenario}), in ${plan!.currency}.`
      : "Planned figures are the file's.",
    matching === 'external'
      ? "None of the file's agencies (or areas) is in the register, so the file is read on its own: agencies as written, not matched to ministries."
      : 'Agencies (ministries) and areas are matched to the register.',
  ]
}

/**
 * Compares actuals with their plan: achievement rate (achieved ÷ planned;
 * n/a when planned is 0 or less, or either is missing), variance (achieved −
 * planned), cumulative achievement per ministry or area over the years, and
 * shortfalls (achieved below threshold × planned). Names that do not match,
 * duplicate rows and currencies that cannot be converted are collected and
 * thrown together as one InvalidInputError (exit 3).
 */
export function compareActuals(table: ActualsTable, options: ActualsComparisonOptions): ActualsResult {
  const {file} = table
  const threshold = options.threshold ?? DEFAULT_SHORTFALL_THRESHOLD
  const plannedSource: 'file' | 'estimate' = table.columns.has('planned') ? 'file' : 'estimate'
  const warnings = [...table.warnings]
  const issues: InputIssue[] = []
  const resolver = buildResolver(file, table, options, plannedSource === 'estimate', issues)
  const level: ActualsLevel =
    table.columns.has('ministry') && table.columns.has('area') ? 'ministry-area' : table.columns.has('ministry') ? 'ministry' : 'area'
  const keyed = keyRows(file, table, resolver, issues)
  const reporting = options.plan && plannedSource === 'estimate' ? options.plan.currency : (options.rates?.currency ?? keyed[0].currency)
  checkCurrencies(file, keyed, reporting, plannedSource, options, issues)
  if (issues.length > 0) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    const cap = options.maxIssues ?? 100
    throw new InvalidInputError(`${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues.slice(0, cap), {
      totalIssues: issues.length,
    })
  }
  sortRows(keyed, resolver, options.ministries)
  const rows = compareRows(keyed, {reporting, plannedSource, level, threshold, resolver, options})
  const moneyUnit = table.units.get('achieved') ?? table.units.get('planned')
  if (plannedSource === 'estimate' && table.columns.has('planned'))
    warnings.push({file, message: 'the planned column is used; --scenario is not', severity: 'warning'})
  return {
    file,
    format: table.format,
    level,
    matching: resolver.matching,
    currency: reporting,
    unit:
      moneyUnit && (moneyUnit.currency === undefined || moneyUnit.currency === reporting)
        ? {factor: moneyUnit.factor, label: moneyUnit.label}
        : {factor: 1, label: reporting},
    plannedSource,
    threshold: canonical(threshold),
    rows,
    ...totals(rows, threshold),
    shortfalls: rows
      .filter((row) => row.shortfall)
      .map((row) => ({key: row.key, label: row.label, fiscalYear: row.fiscalYear, achievement: row.achievement!})),
    warnings,
    notes: actualsNotes(threshold, plannedSource, level, resolver.matching, options.plan),
  }
}
