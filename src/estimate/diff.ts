import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {Dec} from '../domain/money.js'
import type {Store} from '../store/open.js'
import {M, cell, type Dimension} from './engine.js'
import {discountFactors, npv, paybackYear} from './finance.js'
import type {Discount} from './model.js'
import {hours, money} from './results.js'
import {runEstimate, type EstimateRun} from './run.js'

/**
 * Two scenarios on the same register, side by side: per group (ministry,
 * measure, category or business area) and in total, each figure for A, for B,
 * B − A and the change in percent. Figures are computed from each run's
 * ledger exactly as `kasumi estimate` computes its totals, so the total row
 * of a diff equals the difference of the two estimates' totals. The
 * terminal tables are in tables.ts.
 */
export const DIFF_DIMENSIONS = ['ministry', 'measure', 'category', 'area'] as const
export type DiffDimension = (typeof DIFF_DIMENSIONS)[number] & Dimension

export const DIFF_METRICS = ['runRateSavings', 'savings', 'avoidance', 'oneTime', 'net', 'npv', 'paybackYear', 'hoursSaved'] as const
export type DiffMetric = (typeof DIFF_METRICS)[number]

/** One figure of A and B: decimal strings (money in currency units, hours), or fiscal years for payback. */
export interface Compared<T = string> {
  a: T
  b: T
  /** B − A (years for payback; null when either has none). */
  difference: T | null
  /** (B − A) ÷ |A| × 100, half-up to 2 decimals; null when A is 0 (or for payback). */
  changePercent: string | null
}

export interface DiffFigures {
  runRateSavings: Compared
  savings: Compared
  avoidance: Compared
  oneTime: Compared
  net: Compared
  npv: Compared
  paybackYear: Compared<number | null>
  hoursSaved: Compared
}

export interface DiffRow extends DiffFigures {
  key: string
}

export interface ScenarioRef {
  name: string
  title?: string
  file?: string
  baseYear: number
  horizon: [number, number]
  currency: string
  measures: number
}

/** The version of `kasumi estimate diff --json`; bumped on any breaking change. */
const DIFF_FORMAT_VERSION = 1

export interface EstimateDiff {
  formatVersion: typeof DIFF_FORMAT_VERSION
  a: ScenarioRef
  b: ScenarioRef
  currency: string
  units: Record<string, string>
  by: DiffDimension
  total: DiffFigures
  rows: DiffRow[]
  /**
   * NPV is rounded to the minor unit per row and for the total: the total
   * minus the sum of the rows, for A and B (every other figure adds up exactly).
   */
  npvRoundingResidue: {a: string; b: string}
  warnings: string[]
}

/** Exact figures of one group of one run: minor units, hundredths of an hour, a fiscal year. */
interface Raw {
  runRateSavings: number
  savings: number
  avoidance: number
  oneTime: number
  net: number
  npv: number
  paybackYear: number | null
  centiHoursSaved: number
}

const ZERO_RAW: Raw = {runRateSavings: 0, savings: 0, avoidance: 0, oneTime: 0, net: 0, npv: 0, paybackYear: null, centiHoursSaved: 0}

function rawOf(run: EstimateRun, cells: Float64Array): Raw {
  const {years} = run.ledger
  const Y = years.length
  const nets: number[] = []
  const cumulative: number[] = []
  let running = 0
  const raw = {...ZERO_RAW}
  for (let y = 0; y < Y; y++) {
    const savings = cell(cells, y, M.savings)
    const avoidance = cell(cells, y, M.avoidance)
    const oneTime = cell(cells, y, M.oneTime)
    raw.savings += savings
    raw.avoidance += avoidance
    raw.oneTime += oneTime
    nets.push(savings + avoidance - oneTime)
    running += savings + avoidance - oneTime
    cumulative.push(running)
  }
  raw.net = raw.savings + raw.avoidance - raw.oneTime
  raw.runRateSavings = cell(cells, Y - 1, M.savings)
  raw.centiHoursSaved = cell(cells, Y - 1, M.centiHoursSaved)
  raw.npv = npv(nets, discountFactors(run.scenario.discount, Y)).toNumber()
  raw.paybackYear = paybackYear(years, cumulative)
  return raw
}

function percent(a: number, b: number): string | null {
  if (a === 0) return null
  return new Dec(b - a).dividedBy(Math.abs(a)).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)
}

function compare(a: Raw, b: Raw, currency: string): DiffFigures {
  const amount = (pick: (raw: Raw) => number): Compared => ({
    a: money(pick(a), currency),
    b: money(pick(b), currency),
    difference: money(pick(b) - pick(a), currency),
    changePercent: percent(pick(a), pick(b)),
  })
  return {
    runRateSavings: amount((raw) => raw.runRateSavings),
    savings: amount((raw) => raw.savings),
    avoidance: amount((raw) => raw.avoidance),
    oneTime: amount((raw) => raw.oneTime),
    net: amount((raw) => raw.net),
    npv: amount((raw) => raw.npv),
    paybackYear: {
      a: a.paybackYear,
      b: b.paybackYear,
      difference: a.paybackYear === null || b.paybackYear === null ? null : b.paybackYear - a.paybackYear,
      changePercent: null,
    },
    hoursSaved: {
      a: hours(a.centiHoursSaved),
      b: hours(b.centiHoursSaved),
      difference: hours(b.centiHoursSaved - a.centiHoursSaved),
      changePercent: percent(a.centiHoursSaved, b.centiHoursSaved),
    },
  }
}

function reference(run: EstimateRun): ScenarioRef {
  const {scenario} = run
  return {
    name: scenario.name,
    title: scenario.title,
    file: scenario.file,
    baseYear: scenario.baseYear,
    horizon: scenario.horizon,
    currency: scenario.currency,
    measures: scenario.measures.length,
  }
}

/** The order of group keys: ministries in the register's display order, measures in scenario order (A's, then B's), others sorted. */
function orderKeys(a: EstimateRun, b: EstimateRun, by: DiffDimension): string[] {
  const keys = new Set([...a.ledger.rollups[by].keys(), ...b.ledger.rollups[by].keys()])
  let order: string[]
  if (by === 'ministry') order = [...a.ministryOrder, ...b.ministryOrder]
  else if (by === 'measure') order = [...a.scenario.measures, ...b.scenario.measures].map((measure) => measure.id)
  else order = [...keys].sort((x, y) => x.localeCompare(y, 'ja'))
  const ordered = [...new Set(order)].filter((key) => keys.has(key))
  for (const key of [...keys].sort()) if (!ordered.includes(key)) ordered.push(key)
  return ordered
}

/** The discounting an NPV uses: the kind and the base rates (ranges do not change the estimate). */
function discountKey(discount: Discount): string {
  if (discount.kind === 'rate') return `rate ${new Dec(discount.rate.base).toFixed()}`
  if (discount.kind === 'green-book') return 'green-book'
  return `schedule ${discount.rates.map((rate) => new Dec(rate.base).toFixed()).join(' ')}`
}

/** Sets two estimates side by side. Both must report in the same currency. */
export function diffRuns(a: EstimateRun, b: EstimateRun, by: DiffDimension): EstimateDiff {
  if (a.scenario.currency !== b.scenario.currency) {
    throw new InvalidInputError(
      `the scenarios report in different currencies (${a.scenario.currency} and ${b.scenario.currency})`,
      [
        {
          file: b.scenario.file,
          column: 'currency',
          value: b.scenario.currency,
          message: `scenario ${b.scenario.name} reports in ${b.scenario.currency}, scenario ${a.scenario.name} in ${a.scenario.currency}`,
          hint: 'give both scenarios the same currency (with exchangeRates for cost lines in others)',
        },
      ],
      {suggestion: 'compare scenarios that report in one currency'},
    )
  }
  const currency = a.scenario.currency
  const warnings: string[] = []
  const [ha, hb] = [a.scenario.horizon, b.scenario.horizon]
  if (ha[0] !== hb[0] || ha[1] !== hb[1])
    warnings.push(`the horizons differ (A FY${ha[0]}–FY${ha[1]}, B FY${hb[0]}–FY${hb[1]}): totals, NPV and run-rate cover different years`)
  if (a.scenario.baseYear !== b.scenario.baseYear)
    warnings.push(`the base years differ (A FY${a.scenario.baseYear}, B FY${b.scenario.baseYear}): the scenarios start from different baselines`)
  if (discountKey(a.scenario.discount) !== discountKey(b.scenario.discount))
    warnings.push('the scenarios discount differently: NPV differences include the change of discount rate')

  const rows: DiffRow[] = []
  const sums = {a: 0, b: 0}
  for (const key of orderKeys(a, b, by)) {
    const cellsA = a.ledger.rollups[by].get(key)
    const cellsB = b.ledger.rollups[by].get(key)
    const rawA = cellsA ? rawOf(a, cellsA) : ZERO_RAW
    const rawB = cellsB ? rawOf(b, cellsB) : ZERO_RAW
    sums.a += rawA.npv
    sums.b += rawB.npv
    rows.push({key, ...compare(rawA, rawB, currency)})
  }
  const totalA = rawOf(a, a.ledger.total)
  const totalB = rawOf(b, b.ledger.total)
  return {
    formatVersion: DIFF_FORMAT_VERSION,
    a: reference(a),
    b: reference(b),
    currency,
    units: {
      money: `${currency} (decimal strings in currency units)`,
      hours: 'hours saved per year at run-rate (the last horizon year)',
      runRateSavings: `${currency} per year, the last horizon year`,
      paybackYear: 'fiscal year; the difference in years',
      changePercent: '(B − A) ÷ |A| × 100, rounded half-up to 2 decimals; null when A is 0',
    },
    by,
    total: compare(totalA, totalB, currency),
    rows,
    npvRoundingResidue: {a: money(totalA.npv - sums.a, currency), b: money(totalB.npv - sums.b, currency)},
    warnings,
  }
}

export interface DiffRun {
  a: EstimateRun
  b: EstimateRun
  diff: EstimateDiff
  /** Problems found while running either scenario (e.g. a measure that selects no system), marked A or B. */
  warnings: InputIssue[]
  /** What makes the two hard to compare (different horizons, base years, discounting). */
  comparison: string[]
}

/** Runs scenario A and scenario B (files or bundled names) on the register and compares them. */
export async function runDiff(store: Store, refA: string, refB: string, options: {by: DiffDimension}): Promise<DiffRun> {
  const a = await runEstimate(store, refA, {by: options.by})
  const b = await runEstimate(store, refB, {by: options.by})
  const diff = diffRuns(a, b, options.by)
  const comparison = [...diff.warnings]
  const warnings = [
    ...a.warnings.map((issue) => ({...issue, message: `A: ${issue.message}`})),
    ...b.warnings.map((issue) => ({...issue, message: `B: ${issue.message}`})),
  ]
  diff.warnings.push(...warnings.map((issue) => issue.message))
  return {a, b, diff, warnings, comparison}
}
