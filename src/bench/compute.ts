import {Dec} from '../domain/money.js'
import {M, cell, valueOf, type Ledger} from '../estimate/engine.js'
import {ONE, ratio, type Ratio} from '../estimate/exact.js'
import type {Scenario, SystemInput} from '../estimate/model.js'
import {money} from '../estimate/results.js'
import type {ActualsLevel, EstimatePlan} from './actuals.js'
import {KPI_IDS, aggregate, kpiColumns, kpiDefinition, type BenchDimension, type GroupTotals, type KpiColumn, type KpiId} from './kpis.js'
import {atPeerMedian, peerStatsScaled, type ScaledPeerStats} from './peers.js'
import type {DcoiTotals} from './dcoi.js'

/**
 * The numbers of a benchmark: group sums, KPIs, peer statistics and the gaps
 * to the peer median as exact scaled integers, and the estimate's plan that
 * actuals are compared with. No input, output or text: result.ts turns these
 * into the JSON contract, tables.ts into terminal tables.
 */

/** (1 + inflation)^(run-rate year − base year), exact to 12 decimals, as the engine inflates. */
export function runRateFactor(scenario: Scenario): Ratio {
  const rate = new Dec(valueOf(scenario.inflation, new Map()))
  if (rate.isZero()) return ONE
  return ratio(
    rate
      .plus(1)
      .pow(scenario.horizon[1] - scenario.baseYear)
      .toDecimalPlaces(12, Dec.ROUND_HALF_UP)
      .toFixed(),
  )
}

export interface ComputeOptions {
  by: BenchDimension
  currency: string
  hoursPerFte: Dec | null
  runRateFactor?: Ratio
  kpis?: readonly KpiId[]
  outlierThreshold?: Dec
  /** Display order of keys (ministries); others follow sorted. */
  order?: readonly string[]
  /** Sums of the facilities by agency, for the energy-metering, PUE and availability KPIs of ministries whose code is the agency. */
  facilities?: ReadonlyMap<string, DcoiTotals>
}

/** The numeric result of a benchmark: exact scaled integers, before any text is made. */
export interface BenchCore {
  by: BenchDimension
  currency: string
  kpis: readonly KpiId[]
  keys: string[]
  groups: GroupTotals[]
  columns: Map<KpiId, KpiColumn>
  stats: Map<KpiId, ScaledPeerStats>
  gaps: ReturnType<typeof atPeerMedian>
}

/**
 * The pure, numeric part of a benchmark: group sums, every KPI of every
 * group, peer statistics per KPI across the groups, and the gaps to the peer
 * median. No input, output or text; this is what the 100 000-system
 * benchmark times.
 */
export function computeBench(systems: readonly SystemInput[], ledger: Ledger | undefined, options: ComputeOptions): BenchCore {
  const ids = options.kpis ?? KPI_IDS
  const totals = aggregate(systems, ledger, options.by, {runRateFactor: options.runRateFactor})
  const order = new Map((options.order ?? []).map((key, index) => [key, index]))
  const keys = [...totals.keys()]
  if (options.by !== 'system')
    keys.sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b, 'ja'))
  const groups = keys.map((key) => totals.get(key)!)
  if (options.by === 'ministry' && options.facilities) {
    const byAgency = new Map([...options.facilities].map(([agency, sums]) => [agency.toLowerCase(), sums]))
    for (const group of groups) group.facilities = byAgency.get(group.key.toLowerCase())
  }
  const context = {currency: options.currency, hoursPerFte: options.hoursPerFte, hasEstimate: ledger !== undefined}
  // Savings ratio and hours ratio are always computed: the gaps to the peer median need them.
  const needed = [...new Set<KpiId>([...ids, 'savings-ratio', 'hours-ratio'])]
  const columns = kpiColumns(groups, context, needed)
  const stats = new Map<KpiId, ScaledPeerStats>()
  for (const id of needed)
    stats.set(id, peerStatsScaled(columns.get(id)!.values, {better: kpiDefinition(id).better, threshold: options.outlierThreshold}))
  const savingsRatio = columns.get('savings-ratio')!.values
  const hoursRatio = columns.get('hours-ratio')!.values
  const gaps = atPeerMedian(
    groups.map((group, index) => ({
      baseline: group.baseline,
      savings: group.estimate?.savings ?? 0,
      savingsRatio: savingsRatio[index],
      centiHoursBefore: group.estimate?.centiHoursBefore ?? 0,
      centiHoursSaved: group.estimate?.centiHoursSaved ?? 0,
      hoursRatio: hoursRatio[index],
    })),
    stats.get('savings-ratio')!.median,
    stats.get('hours-ratio')!.median,
    kpiDefinition('savings-ratio').decimals,
  )
  return {by: options.by, currency: options.currency, kpis: ids, keys, groups, columns, stats, gaps}
}

/** The estimate's savings and hours by ministry, area, or both, and fiscal year: the plan that actuals are compared with. */
export function estimatePlan(scenario: Scenario, ledger: Ledger): EstimatePlan {
  const years = ledger.years
  const valueAt = (level: ActualsLevel, ministry: string | null, area: string | null, year: number, metric: number): number | undefined => {
    const rollup = level === 'ministry' ? ledger.rollups.ministry : level === 'area' ? ledger.rollups.area : ledger.rollups.areaMinistry
    const key = level === 'ministry' ? ministry : level === 'area' ? area : `${area}\u0000${ministry}`
    const y = years.indexOf(year)
    const cells = key === null ? undefined : rollup.get(key)
    if (!cells || y < 0) return undefined
    return cell(cells, y, metric)
  }
  return {
    scenario: scenario.name,
    currency: ledger.currency,
    years,
    planned(level, ministry, area, year) {
      const value = valueAt(level, ministry, area, year, M.savings)
      return value === undefined ? undefined : new Dec(money(value, ledger.currency))
    },
    plannedHours(level, ministry, area, year) {
      const value = valueAt(level, ministry, area, year, M.centiHoursSaved)
      return value === undefined ? undefined : new Dec(value).dividedBy(100)
    },
  }
}
