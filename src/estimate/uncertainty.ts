import {InternalError} from '../domain/errors.js'
import {Dec} from '../domain/money.js'
import {M, cell, type Ledger} from './engine.js'
import {quantise} from './exact.js'
import {discountFactors, npv, paybackYear} from './finance.js'
import {MEASURES} from './measures/index.js'
import type {Scenario, SystemInput} from './model.js'
import {isUncertain, type Distribution, type Draw, type ParamKind, type ParamValue} from './params.js'
import {EvaluationPool, defaultWorkers, type Outcomes, type Progress} from './pool.js'
import {samplePert, sampleTriangular, streamFor} from './random.js'
import {money} from './results.js'

/**
 * Uncertainty of an estimate: a seeded Monte Carlo over the scenario's
 * uncertain parameters (`{low, base, high}`), and a tornado ranking of them.
 *
 * Every evaluation is the exact engine (its totals-only path, totals.ts, whose
 * totals equal the full ledger's to the minor unit): a draw is a set of decimal strings
 * (each sampled value rounded half-up to RATIO_DECIMALS = 6 places by the
 * engine's `quantise`), so each run is as exact and reproducible as the
 * deterministic estimate. Runs are spread over the worker threads of
 * pool.ts; each run's values depend only on (seed, run index, parameter
 * path), so the figures are the same with any number of workers and on any
 * machine. The terminal tables are in tables.ts.
 */

/** An uncertain parameter of a scenario, with what the sampler needs. */
export interface UncertainParameter {
  /** Key path in the scenario, e.g. `measures[1].reduction`; also the key of a draw. */
  path: string
  /** The measure it belongs to, if any. */
  measure?: string
  kind: ParamKind
  low: string
  base: string
  high: string
  distribution: Distribution
}

/** Default seed when --simulate is given without --seed. */
export const DEFAULT_SEED = 1

/** The percentile rule, in words for the JSON contract. */
export const PERCENTILE_RULE =
  'nearest rank: Pk is the value at rank ⌈k·n/100⌉ (1-based) of the n run values sorted in ascending order; a payback percentile that falls on a run that never pays back is null'

export const DISTRIBUTION_NOTE =
  "Each uncertain parameter is drawn independently (no correlation between parameters) from its distribution: PERT (Beta with λ = 4 on [low, high], mode = base: α = 1 + 4(base − low)/(high − low), β = 1 + 4(high − base)/(high − low); sampled as X/(X+Y) of Marsaglia–Tsang gamma variates) or triangular (inverse distribution function), as the scenario says (default PERT). Each value is rounded half-up to 6 decimals (to whole numbers for counts) and kept within [low, high], so every run is an exact engine evaluation. Run r with seed s draws each parameter from its own sfc32 generator seeded through splitmix32 from (s, r, parameter path): the figures do not depend on the number of workers; sampling uses only IEEE-exact arithmetic, sqrt, and V8's fdlibm log, so they are the same on every machine."

/**
 * Every uncertain parameter of a scenario, in a fixed order: inflation, hours
 * per FTE, hourly cost, discount rate or schedule, then each measure's own
 * parameters, ramp shares, one-time costs and months of parallel running.
 */
export function uncertainParameters(scenario: Scenario): UncertainParameter[] {
  const found: UncertainParameter[] = []
  const seen = new Set<string>()
  const take = (value: ParamValue | undefined, kind: ParamKind, measure?: string) => {
    // A value can serve several places (the scenario's hourlyCost serves bpr measures): one parameter per path.
    if (!value || !isUncertain(value) || seen.has(value.path)) return
    seen.add(value.path)
    found.push({path: value.path, measure, kind, low: value.low!, base: value.base, high: value.high!, distribution: value.distribution ?? 'pert'})
  }
  take(scenario.inflation, 'rate')
  take(scenario.hoursPerFte, 'hours')
  take(scenario.hourlyCost, 'money')
  if (scenario.discount.kind === 'rate') take(scenario.discount.rate, 'rate')
  else if (scenario.discount.kind === 'schedule') for (const rate of scenario.discount.rates) take(rate, 'rate')
  for (const measure of scenario.measures) {
    const specs = MEASURES[measure.type]?.params ?? {}
    for (const [name, value] of Object.entries(measure.params)) take(value, specs[name]?.kind ?? 'number', measure.id)
    for (const share of measure.ramp) take(share, 'fraction', measure.id)
    take(measure.oneTime.perSystem, 'money', measure.id)
    take(measure.oneTime.perHost, 'money', measure.id)
    take(measure.oneTime.fixed, 'money', measure.id)
    take(measure.parallelRunningMonths, 'months', measure.id)
  }
  return found
}

/** A sampled number as the decimal string the engine reads: 6 decimals (counts: whole), within [low, high]. */
function toParameterValue(parameter: UncertainParameter, value: number): string {
  const text = parameter.kind === 'count' ? new Dec(value).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed() : quantise(value)
  const decimal = new Dec(text)
  if (decimal.lessThan(parameter.low)) return parameter.low
  if (decimal.greaterThan(parameter.high)) return parameter.high
  return text
}

/** The value of one parameter in run `run` of seed `seed`. */
export function sampleParameter(parameter: UncertainParameter, seed: number, run: number): string {
  const rng = streamFor(seed, run, parameter.path)
  const low = Number(parameter.low)
  const mode = Number(parameter.base)
  const high = Number(parameter.high)
  const value = parameter.distribution === 'triangular' ? sampleTriangular(rng, low, mode, high) : samplePert(rng, low, mode, high)
  return toParameterValue(parameter, value)
}

/** The draw of run `run`: every uncertain parameter's value, keyed by path. */
export function drawFor(parameters: readonly UncertainParameter[], seed: number, run: number): Map<string, string> {
  return new Map(parameters.map((parameter) => [parameter.path, sampleParameter(parameter, seed, run)]))
}

/** What a run keeps: NPV and run-rate savings in minor units, and the payback year (null: never). */
export interface Outcome {
  npv: number
  runRateSavings: number
  paybackYear: number | null
}

/** NPV, run-rate savings and payback year of a ledger, by the same rules as the estimate's totals (results.ts). */
export function outcomeOf(scenario: Scenario, ledger: Pick<Ledger, 'years' | 'total'>, draw: Draw): Outcome {
  const {years, total} = ledger
  const Y = years.length
  const nets: number[] = []
  const cumulative: number[] = []
  let running = 0
  for (let y = 0; y < Y; y++) {
    const net = cell(total, y, M.savings) + cell(total, y, M.avoidance) - cell(total, y, M.oneTime)
    running += net
    nets.push(net)
    cumulative.push(running)
  }
  return {
    npv: npv(nets, discountFactors(scenario.discount, Y, draw)).toNumber(),
    runRateSavings: cell(total, Y - 1, M.savings),
    paybackYear: paybackYear(years, cumulative),
  }
}

/* ---------------------------------------------------------------------------
 * Summaries
 * ------------------------------------------------------------------------ */

/** Pk of ascending values by nearest rank (see PERCENTILE_RULE). */
export function nearestRank<T extends number>(sorted: ArrayLike<T>, k: number): T {
  const n = sorted.length
  if (n === 0) throw new InternalError('a percentile of no values')
  const rank = Math.max(1, Math.floor((k * n + 99) / 100))
  return sorted[rank - 1]
}

/** Exact mean of integer minor units, rounded half-up to the minor unit. */
function meanOf(values: Float64Array): number {
  let sum = 0n
  for (const value of values) sum += BigInt(value)
  return new Dec(sum.toString()).dividedBy(values.length).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
}

export interface AmountPercentiles {
  p10: string
  p50: string
  p90: string
  mean: string
}

export interface UncertaintySummary {
  simulations: number
  seed: number
  workers: number
  parameters: Array<Pick<UncertainParameter, 'path' | 'measure' | 'low' | 'base' | 'high' | 'distribution'>>
  distributionNote: string
  percentileRule: string
  /** Net present value over the horizon, in currency units. */
  npv: AmountPercentiles
  /** Savings in the last horizon year, in currency units per year. */
  runRateSavings: AmountPercentiles
  /** Fiscal years; null where the percentile falls on runs that never pay back. */
  paybackYear: {p10: number | null; p50: number | null; p90: number | null; never: number; neverShare: string}
}

function amountPercentiles(values: Float64Array, currency: string): AmountPercentiles {
  const sorted = Float64Array.from(values).sort()
  return {
    p10: money(nearestRank(sorted, 10), currency),
    p50: money(nearestRank(sorted, 50), currency),
    p90: money(nearestRank(sorted, 90), currency),
    mean: money(meanOf(values), currency),
  }
}

export function summarise(
  outcomes: Outcomes,
  options: {currency: string; seed: number; workers: number; parameters: readonly UncertainParameter[]},
): UncertaintySummary {
  const n = outcomes.npv.length
  // NaN (never) sorts after every year.
  const paybacks = Float64Array.from(outcomes.paybackYear).sort()
  const year = (k: number) => {
    const value = nearestRank(paybacks, k)
    return Number.isNaN(value) ? null : value
  }
  let never = 0
  for (const value of paybacks) if (Number.isNaN(value)) never++
  return {
    simulations: n,
    seed: options.seed,
    workers: options.workers,
    parameters: options.parameters.map(({path, measure, low, base, high, distribution}) => ({
      path,
      ...(measure ? {measure} : {}),
      low,
      base,
      high,
      distribution,
    })),
    distributionNote: DISTRIBUTION_NOTE,
    percentileRule: PERCENTILE_RULE,
    npv: amountPercentiles(outcomes.npv, options.currency),
    runRateSavings: amountPercentiles(outcomes.runRateSavings, options.currency),
    paybackYear: {
      p10: year(10),
      p50: year(50),
      p90: year(90),
      never,
      neverShare: new Dec(never).dividedBy(n).toDecimalPlaces(6, Dec.ROUND_HALF_UP).toFixed(),
    },
  }
}

export interface SimulationOptions {
  simulations: number
  seed: number
  onProgress?: Progress
}

/** The Monte Carlo: `simulations` runs of the seed on the pool; the summary and every run's outcome. */
export async function simulate(
  pool: EvaluationPool,
  scenario: Scenario,
  options: SimulationOptions,
): Promise<{summary: UncertaintySummary; outcomes: Outcomes}> {
  const parameters = uncertainParameters(scenario)
  if (parameters.length === 0) throw new InternalError('simulate() needs a scenario with uncertain parameters')
  const outcomes = await pool.runs(options.seed, options.simulations, options.onProgress)
  return {outcomes, summary: summarise(outcomes, {currency: scenario.currency, seed: options.seed, workers: pool.size, parameters})}
}

export interface AnalysisOptions {
  /** Monte Carlo runs; none when undefined. */
  simulate?: number
  seed?: number
  sensitivity?: boolean
  /** Worker threads (default: defaultWorkers()); never more than there are evaluations to share. */
  workers?: number
  onProgress?: (done: number, total: number, what: 'runs' | 'sensitivity cases') => void
}

/**
 * The Monte Carlo and/or the tornado of a scenario on the register, on one
 * pool of worker threads. `uncertainty` is null (and `sensitivity` empty) when
 * the scenario has no uncertain parameter; nothing is evaluated then.
 */
export async function analyseUncertainty(
  scenario: Scenario,
  systems: readonly SystemInput[],
  options: AnalysisOptions,
): Promise<{uncertainty?: UncertaintySummary | null; sensitivity?: SensitivityRow[]}> {
  const parameters = uncertainParameters(scenario)
  const out: {uncertainty?: UncertaintySummary | null; sensitivity?: SensitivityRow[]} = {}
  if (parameters.length === 0) {
    if (options.simulate !== undefined) out.uncertainty = null
    if (options.sensitivity) out.sensitivity = []
    return out
  }
  const evaluations = Math.max(options.simulate ?? 0, options.sensitivity ? 2 * parameters.length : 0)
  if (evaluations === 0) return out
  const pool = EvaluationPool.open(scenario, systems, Math.min(options.workers ?? defaultWorkers(), evaluations))
  try {
    if (options.simulate !== undefined) {
      const {summary} = await simulate(pool, scenario, {
        simulations: options.simulate,
        seed: options.seed ?? DEFAULT_SEED,
        onProgress: (done, total) => options.onProgress?.(done, total, 'runs'),
      })
      out.uncertainty = summary
    }
    if (options.sensitivity)
      out.sensitivity = await sensitivity(pool, scenario, (done, total) => options.onProgress?.(done, total, 'sensitivity cases'))
  } finally {
    await pool.close()
  }
  return out
}

/** One bar of the tornado. Values as the scenario writes them; NPVs in currency units. */
export interface SensitivityRow {
  path: string
  measure?: string
  low: string
  base: string
  high: string
  npvLow: string
  npvHigh: string
  /** |NPV(high) − NPV(low)|. */
  swing: string
}

/**
 * The tornado: NPV with each uncertain parameter at its low and at its high,
 * every other parameter at base; sorted by swing, largest first (ties keep
 * the scenario's order).
 */
export async function sensitivity(pool: EvaluationPool, scenario: Scenario, onProgress?: Progress): Promise<SensitivityRow[]> {
  const parameters = uncertainParameters(scenario)
  const draws: Draw[] = parameters.flatMap((parameter) => [new Map([[parameter.path, parameter.low]]), new Map([[parameter.path, parameter.high]])])
  const outcomes = await pool.draws(draws, onProgress)
  const rows = parameters.map((parameter, index) => {
    const low = outcomes.npv[2 * index]
    const high = outcomes.npv[2 * index + 1]
    return {parameter, index, low, high, swing: Math.abs(high - low)}
  })
  rows.sort((a, b) => b.swing - a.swing || a.index - b.index)
  return rows.map(({parameter, low, high, swing}) => ({
    path: parameter.path,
    ...(parameter.measure ? {measure: parameter.measure} : {}),
    low: parameter.low,
    base: parameter.base,
    high: parameter.high,
    npvLow: money(low, scenario.currency),
    npvHigh: money(high, scenario.currency),
    swing: money(swing, scenario.currency),
  }))
}
