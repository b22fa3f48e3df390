import {UsageError} from '../domain/errors.js'
import {minorDigits, minorFactor} from '../domain/currency.js'
import {Dec} from '../domain/money.js'
import {DIMENSIONS, M, cell, slot, type Dimension, type Ledger} from './engine.js'
import {discountFactors, npv, paybackYear} from './finance.js'
import type {Scenario} from './model.js'
import type {Draw} from './params.js'
import {valueOf} from './engine.js'

/** The version of the estimate's JSON contract. */
export const ESTIMATE_FORMAT_VERSION = 1

/** Minor units → a decimal string in currency units (yen: as is; USD: 2 decimals). */
export function money(minor: number, currency: string): string {
  const digits = minorDigits(currency)
  return digits === 0 ? String(minor) : new Dec(minor).dividedBy(10 ** digits).toFixed(digits)
}

/** Minor units → thousands of the currency, exact (the 2009 table's 千円). */
export function thousands(minor: number, currency: string): string {
  return new Dec(minor).dividedBy(minorFactor(currency) * 1000).toFixed()
}

export function hours(centiHours: number): string {
  return new Dec(centiHours).dividedBy(100).toFixed()
}

export interface YearRow {
  year: number
  baseline: string
  scenario: string
  savings: string
  avoidance: string
  oneTime: string
  net: string
  cumulative: string
  nonCash: string
}

export interface HoursRow {
  year: number
  before: string
  saved: string
  after: string
  fte: string
}

export interface GroupRow {
  key: string
  baseline: string
  savings: string
  avoidance: string
  oneTime: string
  net: string
  runRateSavings: string
  hoursSaved: string
  fte: string
  byYear: Array<{year: number; baseline: string; savings: string; avoidance: string; oneTime: string; net: string}>
}

export interface EffectRow {
  kind: 'area' | 'joint-use'
  leadMinistry: string
  area: string
  costReductionThousandYen: string | null
  costYear: number | null
  hoursReduction: string | null
  hoursYear: number | null
  before?: string
  after?: string
}

export interface EstimateResult {
  formatVersion: number
  scenario: {name: string; title?: string; file?: string; baseYear: number; horizon: [number, number]; currency: string; moneyUnit: string}
  units: {money: string; thousands: string; hours: string; energy: string}
  window: [number, number]
  totals: {
    byYear: YearRow[]
    npv: string
    paybackYear: number | null
    runRateSavings: string
    runRateYear: number | null
    savings: string
    avoidance: string
    oneTime: string
    net: string
    nonCash: string
  }
  /** `missing` names the register field when no system records it: the hour figures are then unknown, not 0. */
  hours: {byYear: HoursRow[]; runRateSaved: string; runRateFte: string; missing?: string[]; services?: {staffHoursSaved: string; note: string}}
  energy: {byYear: Array<{year: number; kwhSaved: string}>}
  by: {dimension: Dimension | 'year'; rows: GroupRow[]}
  effects: {
    rows: EffectRow[]
    totals: {costReductionThousandYen: string; jointUseThousandYen: string; hoursReduction: string}
    jointUseSummary: {before: string; after: string; reduction: string}
  }
  measures: Array<{id: string; type: string; systems: number}>
  warnings: string[]
  /** The citizens' side (life events, procedures, documents; the Standard Cost Model), when the scenario has service measures. */
  services?: import('./services-result.js').ServicesResult
}

function sumRange(cells: Float64Array, metric: number, from: number, to: number): number {
  let total = 0
  for (let y = from; y <= to; y++) total += cell(cells, y, metric)
  return total
}

/** The first year (index) from which a series holds at least its final value; null when the final value is 0. */
function reachedAt(cells: Float64Array, metric: number, years: number): number | null {
  const final = cell(cells, years - 1, metric)
  if (final <= 0) return null
  for (let y = 0; y < years; y++) if (cell(cells, y, metric) >= final) return y
  return null
}

export interface ResultOptions {
  by: Dimension | 'year'
  from?: number
  to?: number
  draw?: Draw
  /** Display order of ministries (codes). */
  ministryOrder?: string[]
  /** Whether any system of the register records annual processing hours (default true): without them hours saved are unknown, not 0. */
  hoursRecorded?: boolean
}

/** Turns a ledger into the estimate's JSON contract. */
export function buildResult(scenario: Scenario, ledger: Ledger, options: ResultOptions): EstimateResult {
  const {years, currency} = ledger
  const Y = years.length
  const from = Math.max(0, (options.from ?? years[0]) - years[0])
  const to = Math.min(Y - 1, (options.to ?? years[Y - 1]) - years[0])
  if (from > to) {
    throw new UsageError(
      `the years FY${options.from ?? years[0]}–FY${options.to ?? years[Y - 1]} leave nothing of the horizon FY${years[0]}–FY${years[Y - 1]}`,
      {suggestion: `give --from and --to between ${years[0]} and ${years[Y - 1]}, --from not after --to`},
    )
  }
  const draw = options.draw ?? new Map()
  const hoursPerFte = new Dec(valueOf(scenario.hoursPerFte, draw))
  const fte = (centi: number) => new Dec(centi).dividedBy(100).dividedBy(hoursPerFte).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1)
  const t = ledger.total
  const nets: number[] = []
  const cumulative: number[] = []
  let running = 0
  const byYear: YearRow[] = years.map((year, y) => {
    const baseline = cell(t, y, M.baseline)
    const savings = cell(t, y, M.savings)
    const avoidance = cell(t, y, M.avoidance)
    const oneTime = cell(t, y, M.oneTime)
    const net = savings + avoidance - oneTime
    running += net
    nets.push(net)
    cumulative.push(running)
    return {
      year,
      baseline: money(baseline, currency),
      scenario: money(baseline - savings - avoidance + oneTime, currency),
      savings: money(savings, currency),
      avoidance: money(avoidance, currency),
      oneTime: money(oneTime, currency),
      net: money(net, currency),
      cumulative: money(running, currency),
      nonCash: money(cell(t, y, M.nonCash), currency),
    }
  })
  const factors = discountFactors(scenario.discount, Y, draw)
  const runRateIndex = reachedAt(t, M.savings, Y)
  const hoursRows: HoursRow[] = years.map((year, y) => {
    const before = cell(t, y, M.centiHoursBefore)
    const saved = cell(t, y, M.centiHoursSaved)
    return {year, before: hours(before), saved: hours(saved), after: hours(before - saved), fte: fte(saved)}
  })

  const rows: GroupRow[] = []
  if (options.by === 'year') {
    // The yearly table is totals.byYear; `by` repeats it in the group shape for uniform consumers.
    for (let y = from; y <= to; y++) rows.push(groupRow(String(years[y]), t, y, y, Y, currency, fte))
  } else {
    const rollup = ledger.rollups[options.by]
    const keys = [...rollup.keys()]
    if (options.by === 'ministry' && options.ministryOrder) keys.sort((a, b) => options.ministryOrder!.indexOf(a) - options.ministryOrder!.indexOf(b))
    else if (options.by === 'measure')
      keys.sort((a, b) => scenario.measures.findIndex((m) => m.id === a) - scenario.measures.findIndex((m) => m.id === b))
    else keys.sort()
    for (const key of keys) rows.push(groupRow(key, rollup.get(key)!, from, to, Y, currency, fte, years))
  }

  return {
    formatVersion: ESTIMATE_FORMAT_VERSION,
    scenario: {
      name: scenario.name,
      title: scenario.title,
      file: scenario.file,
      baseYear: scenario.baseYear,
      horizon: scenario.horizon,
      currency,
      moneyUnit: scenario.moneyUnit,
    },
    units: {
      money: `${currency} (decimal strings in currency units)`,
      thousands: `thousand ${currency} (千${currency === 'JPY' ? '円' : currency})`,
      hours: 'hours per year',
      energy: 'kWh per year',
    },
    window: [years[from], years[to]],
    totals: {
      byYear: byYear.slice(from, to + 1),
      npv: money(npv(nets, factors).toNumber(), currency),
      paybackYear: paybackYear(years, cumulative),
      runRateSavings: money(cell(t, Y - 1, M.savings), currency),
      runRateYear: runRateIndex === null ? null : years[runRateIndex],
      savings: money(sumRange(t, M.savings, from, to), currency),
      avoidance: money(sumRange(t, M.avoidance, from, to), currency),
      oneTime: money(sumRange(t, M.oneTime, from, to), currency),
      net: money(sumRange(t, M.savings, from, to) + sumRange(t, M.avoidance, from, to) - sumRange(t, M.oneTime, from, to), currency),
      nonCash: money(sumRange(t, M.nonCash, from, to), currency),
    },
    hours: {
      byYear: hoursRows.slice(from, to + 1),
      runRateSaved: hours(cell(t, Y - 1, M.centiHoursSaved)),
      runRateFte: fte(cell(t, Y - 1, M.centiHoursSaved)),
      ...(options.hoursRecorded === false ? {missing: ['annual_hours']} : {}),
    },
    energy: {byYear: years.slice(from, to + 1).map((year, index) => ({year, kwhSaved: String(cell(t, index + from, M.kwhSaved))}))},
    by: {dimension: options.by, rows},
    effects: effectsView(ledger, options.ministryOrder ?? []),
    measures: scenario.measures.map((measure) => ({id: measure.id, type: measure.type, systems: ledger.applied[measure.id] ?? 0})),
    warnings: ledger.unused.map(({measure, filter}) => `measure ${measure} applies to no system (filter ${JSON.stringify(filter)})`),
  }
}

function groupRow(
  key: string,
  cells: Float64Array,
  from: number,
  to: number,
  Y: number,
  currency: string,
  fte: (centi: number) => string,
  years?: number[],
): GroupRow {
  const savings = sumRange(cells, M.savings, from, to)
  const avoidance = sumRange(cells, M.avoidance, from, to)
  const oneTime = sumRange(cells, M.oneTime, from, to)
  const runRate = cell(cells, Y - 1, M.savings)
  return {
    key,
    baseline: money(sumRange(cells, M.baseline, from, to), currency),
    savings: money(savings, currency),
    avoidance: money(avoidance, currency),
    oneTime: money(oneTime, currency),
    net: money(savings + avoidance - oneTime, currency),
    runRateSavings: money(runRate, currency),
    hoursSaved: hours(cell(cells, Y - 1, M.centiHoursSaved)),
    fte: fte(cell(cells, Y - 1, M.centiHoursSaved)),
    byYear: years
      ? years.slice(from, to + 1).map((year, index) => {
          const y = index + from
          const s = cell(cells, y, M.savings)
          const a = cell(cells, y, M.avoidance)
          const o = cell(cells, y, M.oneTime)
          return {
            year,
            baseline: money(cell(cells, y, M.baseline), currency),
            savings: money(s, currency),
            avoidance: money(a, currency),
            oneTime: money(o, currency),
            net: money(s + a - o, currency),
          }
        })
      : [],
  }
}

/**
 * The optimization-effects view, in the layout of the 2009 table: per business
 * area and ministry, the recurring cost reduction at full run-rate (thousands)
 * and the fiscal year it is first reached, the processing-time reduction
 * (hours per year) and its year; joint-use effects on their own rows after
 * their area, and the joint-use summary (before, after, reduction).
 */
export function effectsView(ledger: Ledger, ministryOrder: string[]): EstimateResult['effects'] {
  const {years, currency} = ledger
  const Y = years.length
  const entries = [...ledger.rollups.areaMinistry.entries()].map(([key, cells]) => {
    const [area, ministry] = key.split('\u0000')
    return {area, ministry, cells}
  })
  entries.sort((a, b) => ministryOrder.indexOf(a.ministry) - ministryOrder.indexOf(b.ministry) || a.area.localeCompare(b.area, 'ja'))
  const rows: EffectRow[] = []
  let costTotal = 0
  let hoursTotal = 0
  for (const {area, ministry, cells} of entries) {
    // Joint-use effects have rows of their own, as in the 2009 table; area rows leave them out.
    const areaOnly = new Float64Array(cells)
    for (let y = 0; y < Y; y++) areaOnly[slot(y, M.savings)] -= cell(cells, y, M.jointUseSavings)
    const saving = cell(areaOnly, Y - 1, M.savings)
    const saved = cell(cells, Y - 1, M.centiHoursSaved)
    if (saving === 0 && saved === 0) continue
    const costAt = reachedAt(areaOnly, M.savings, Y)
    const hoursAt = reachedAt(cells, M.centiHoursSaved, Y)
    costTotal += saving
    hoursTotal += saved
    rows.push({
      kind: 'area',
      leadMinistry: ministry,
      area,
      costReductionThousandYen: thousands(saving, currency),
      costYear: costAt === null ? null : years[costAt],
      hoursReduction: saved === 0 ? null : hours(saved),
      hoursYear: hoursAt === null ? null : years[hoursAt],
    })
  }
  let before = 0
  let after = 0
  for (const group of ledger.jointUse) {
    if (group.tenants === 0) continue
    before += group.before
    after += group.after
    const lead = ledger.jointUse.length ? group.ministries[0] : ''
    // The first year the measure's joint-use reduction is fully reached (after its ramp), as for the area rows.
    const measureCells = ledger.rollups.measure.get(group.measure)
    const reached = measureCells ? reachedAt(measureCells, M.jointUseSavings, Y) : null
    const row: EffectRow = {
      kind: 'joint-use',
      leadMinistry: lead,
      area: group.area || group.group,
      costReductionThousandYen: thousands(group.before - group.after, currency),
      costYear: group.start <= years[Y - 1] ? Math.max(group.start, years[0], reached === null ? years[0] : years[reached]) : null,
      hoursReduction: null,
      hoursYear: null,
      before: thousands(group.before, currency),
      after: thousands(group.after, currency),
    }
    // Under the lead ministry's row of its area (as the 2009 table's ＊ rows), else under any row of the area.
    let position = rows.findIndex(
      (candidate) => candidate.kind === 'area' && candidate.area === row.area && candidate.leadMinistry === row.leadMinistry,
    )
    if (position < 0) position = rows.findLastIndex((candidate) => candidate.kind === 'area' && candidate.area === row.area)
    while (position >= 0 && rows[position + 1]?.kind === 'joint-use') position++
    if (position >= 0) rows.splice(position + 1, 0, row)
    else rows.push(row)
  }
  return {
    rows,
    totals: {
      costReductionThousandYen: thousands(costTotal, currency),
      jointUseThousandYen: thousands(before - after, currency),
      hoursReduction: hours(hoursTotal),
    },
    jointUseSummary: {before: thousands(before, currency), after: thousands(after, currency), reduction: thousands(before - after, currency)},
  }
}

export {DIMENSIONS}
