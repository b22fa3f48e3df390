import {Dec} from '../domain/money.js'
import {minorFactor} from '../domain/currency.js'
import {InternalError} from '../domain/errors.js'
import {allocate, checked, complement, mul, ONE, ratio, ratioOf, type Ratio} from './exact.js'
import {MEASURES} from './measures/index.js'
import {
  MONEY_UNITS,
  POOLS,
  type Effect,
  type Filter,
  type MeasureSpec,
  type Resolved,
  type Scenario,
  type SystemInput,
  type SystemState,
} from './model.js'
import type {Draw, ParamValue} from './params.js'

/** Ledger metrics, per year; all integers (minor units, hundredths of an hour, kWh). */
export const METRICS = [
  'baseline',
  'savings',
  'avoidance',
  'oneTime',
  'centiHoursBefore',
  'centiHoursSaved',
  'kwhSaved',
  'nonCash',
  'jointUseSavings',
] as const
export type Metric = (typeof METRICS)[number]
export const M = Object.fromEntries(METRICS.map((metric, index) => [metric, index])) as Record<Metric, number>
const WIDTH = METRICS.length

export const DIMENSIONS = ['ministry', 'category', 'area', 'measure', 'system', 'areaMinistry'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Sums per group key: one Float64Array of years × metrics (integers, exact below 2^53). */
export type Rollup = Map<string, Float64Array>

export interface JointUseGroup {
  measure: string
  group: string
  area: string
  ministries: string[]
  host: string
  tenants: number
  /** Full run-rate, minor units per year. */
  before: number
  after: number
  start: number
}

export interface Ledger {
  years: number[]
  currency: string
  total: Float64Array
  rollups: Record<Dimension, Rollup>
  jointUse: JointUseGroup[]
  /** Measures whose filter selected no system. */
  unused: Array<{measure: string; filter: Filter}>
  /** Systems each measure applies to. */
  applied: Record<string, number>
}

/** Which systems each measure applies to, and the roll-up groups; computed once and reused by every draw. */
export interface Plan {
  scenario: Scenario
  systems: readonly SystemInput[]
  selections: number[][]
  /**
   * Roll-up groups: systems of the same ministry, category and business area add into one row (every figure is a
   * whole number of minor units, so the order of the sums changes nothing). `groupOf` gives each system's group
   * (by index), `groupFirst` each group's first system, in the order the roll-ups list their keys.
   */
  groupOf: Int32Array
  groupFirst: SystemInput[]
}

const DEFAULT_ELIGIBILITY = ['eligible']
/** What a measure that reports nothing beyond its pools returns. */
export const NO_EFFECT: Effect = Object.freeze({})
const EXCLUDED_STATUSES = new Set(['retired', 'migrated'])

export function matches(system: SystemInput, filter: Filter): boolean {
  if (filter.category && !filter.category.includes(system.category)) return false
  if (filter.ministry && !filter.ministry.includes(system.ministry)) return false
  if (filter.systems && !filter.systems.includes(system.id)) return false
  if (filter.area && !filter.area.includes(system.area)) return false
  if (filter.tags && !filter.tags.some((tag) => system.tags.includes(tag))) return false
  if (!(filter.eligibility ?? DEFAULT_ELIGIBILITY).includes(system.eligibility)) return false
  if (filter.status ? !filter.status.includes(system.status) : EXCLUDED_STATUSES.has(system.status)) return false
  return true
}

export function plan(scenario: Scenario, systems: readonly SystemInput[]): Plan {
  // Measures with the same filter (most take the default) share one selection; a selection is never written to.
  const byFilter = new Map<string, number[]>()
  const selections = scenario.measures.map((measure) => {
    const key = JSON.stringify(measure.appliesTo)
    let selected = byFilter.get(key)
    if (!selected) {
      byFilter.set(key, (selected = []))
      for (const system of systems) if (matches(system, measure.appliesTo)) selected.push(system.index)
    }
    return selected
  })
  const groupOf = new Int32Array(systems.length)
  const groupFirst: SystemInput[] = []
  const groupIndex = new Map<string, number>()
  for (const input of systems) {
    const key = `${input.ministry}\u0000${input.category}\u0000${input.area}`
    let group = groupIndex.get(key)
    if (group === undefined) {
      groupIndex.set(key, (group = groupFirst.length))
      groupFirst.push(input)
    }
    groupOf[input.index] = group
  }
  return {scenario, systems, selections, groupOf, groupFirst}
}

/**
 * Every system's working state before the measures, its pools a view on one block of POOLS.length numbers per
 * system (returned too, so that all the pools can be reset at once).
 */
export function systemStates(systems: readonly SystemInput[]): {states: SystemState[]; block: Float64Array} {
  const P = POOLS.length
  const block = new Float64Array(systems.length * P)
  const states = systems.map((input, index) => {
    block.set(input.recurring, index * P)
    return {input, pools: block.subarray(index * P, (index + 1) * P), hosts: input.physicalServers, centiHours: input.centiHours}
  })
  return {states, block}
}

/**
 * The same states, each system's pools an array of its own: the engine goes system by system, measure after
 * measure, and reads and writes a small array of doubles faster than a view on a shared block.
 */
function ownStates(systems: readonly SystemInput[]): SystemState[] {
  const P = POOLS.length
  return systems.map((input) => {
    // Made from a double so that the array holds doubles from the start (amounts in minor units pass 2^31).
    const pools = new Array<number>(P).fill(0.5)
    for (let pool = 0; pool < P; pool++) pools[pool] = input.recurring[pool]
    return {input, pools, hosts: input.physicalServers, centiHours: input.centiHours}
  })
}

/**
 * Planned one-time costs of one year avoided by a measure: in each pool the measure shrinks (from `before` to
 * `after`), the planned cost still to be paid is avoided in the same proportion, times the ramp's share. The
 * avoided amounts are taken off `plannedYear`; their sum is returned.
 */
export function avoidPlanned(plannedYear: number[], after: ArrayLike<number>, before: ArrayLike<number>, share: Ratio): number {
  let avoidance = 0
  for (let pool = 0; pool < plannedYear.length; pool++) {
    if (plannedYear[pool] <= 0 || after[pool] >= before[pool]) continue
    const kept = before[pool] === 0 ? 0 : mul(plannedYear[pool], ratioOf(after[pool], before[pool]))
    const avoided = mul(plannedYear[pool] - kept, share)
    avoidance += avoided
    plannedYear[pool] -= avoided
  }
  return avoidance
}

/**
 * A measure's money for one system, year by year. Each year gives the saving at the ramp's share, the planned
 * one-time costs it avoids (taken off `plannedYear`, see avoidPlanned), the one-time cost and the non-cash benefit,
 * each then at the year's inflation factor, and the hours and energy saved at the share. The products by a share
 * are worked out once per share: after the ramp's last step every year has the same.
 */
export class YearMoney {
  savings = 0
  avoidance = 0
  cost = 0
  nonCash = 0
  centiHours = 0
  kwh = 0
  private fullSaving = 0
  private effect: Effect = NO_EFFECT
  private share: Ratio | undefined = undefined
  private savingsAtShare = 0
  private nonCashAtShare = 0

  /** Start a system: its full saving (pools before minus after) and the measure's effect on it. */
  begin(fullSaving: number, effect: Effect): void {
    this.fullSaving = fullSaving
    this.effect = effect
    this.share = undefined
  }

  year(share: Ratio, plannedYear: number[] | undefined, after: ArrayLike<number>, before: ArrayLike<number>, cost: number, factor: Ratio): void {
    const reached = share.num !== 0
    if (share !== this.share) {
      const effect = this.effect
      this.share = share
      this.savingsAtShare = reached && this.fullSaving !== 0 ? mul(this.fullSaving, share) : 0
      this.nonCashAtShare = reached && effect.nonCash ? mul(effect.nonCash, share) : 0
      this.centiHours = reached && effect.centiHoursSaved ? mul(effect.centiHoursSaved, share) : 0
      this.kwh = reached && effect.kwhSaved ? mul(effect.kwhSaved, share) : 0
    }
    let savings = this.savingsAtShare
    let avoidance = reached && plannedYear ? avoidPlanned(plannedYear, after, before, share) : 0
    let nonCash = this.nonCashAtShare
    if (factor !== ONE) {
      savings = mul(savings, factor)
      avoidance = mul(avoidance, factor)
      cost = mul(cost, factor)
      nonCash = mul(nonCash, factor)
    }
    this.savings = savings
    this.avoidance = avoidance
    this.cost = cost
    this.nonCash = nonCash
  }
}

/** Whether a measure left a system as it was: no pool changed, nothing paid, nothing else saved. */
export function noEffect(after: ArrayLike<number>, before: ArrayLike<number>, oneTime: number, effect: Effect): boolean {
  if (oneTime !== 0 || effect.nonCash || effect.centiHoursSaved || effect.kwhSaved) return false
  for (let pool = 0; pool < before.length; pool++) if (after[pool] !== before[pool]) return false
  return true
}

/** The fiscal years of the scenario's horizon, first to last. */
export function horizonYears(scenario: Scenario): number[] {
  const years: number[] = []
  for (let year = scenario.horizon[0]; year <= scenario.horizon[1]; year++) years.push(year)
  return years
}

/** A measure's start year for one system: its own start, or for `timing: refresh` the year after the system's last year if later. */
export function startOf(measure: MeasureSpec, input: SystemInput): number {
  return measure.timing === 'refresh' && input.lastYear !== null ? Math.max(measure.start, input.lastYear + 1) : measure.start
}

/** The value of a parameter in this evaluation: the draw's, or the base value. */
export function valueOf(param: ParamValue, draw: Draw): string {
  return draw.get(param.path) ?? param.base
}

export function resolver(scenario: Scenario, measure: MeasureSpec, draw: Draw): Resolved {
  const moneyFactor = MONEY_UNITS[scenario.moneyUnit] * minorFactor(scenario.currency)
  const module = MEASURES[measure.type]
  const get = (name: string): string => {
    const param = measure.params[name]
    if (param) return valueOf(param, draw)
    const fallback = module.params[name]?.default
    if (fallback === undefined) throw new InternalError(`measure ${measure.id}: parameter ${name} has no value`)
    return String(fallback)
  }
  // Measures read their parameters once per system; parse each once per evaluation.
  const ratios = new Map<string, Ratio>()
  const moneys = new Map<string, number>()
  return {
    ratio(name) {
      let value = ratios.get(name)
      if (value === undefined) ratios.set(name, (value = ratio(get(name))))
      return value
    },
    money(name) {
      let value = moneys.get(name)
      if (value === undefined)
        moneys.set(name, (value = checked(new Dec(get(name)).times(moneyFactor).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber())))
      return value
    },
    exactMoney: (name) => new Dec(get(name)).times(moneyFactor),
    number: (name) => Number(get(name)),
    has: (name) => name in measure.params || module.params[name]?.default !== undefined,
  }
}

export function moneyValue(scenario: Scenario, param: ParamValue | undefined, draw: Draw): number {
  if (!param) return 0
  const factor = MONEY_UNITS[scenario.moneyUnit] * minorFactor(scenario.currency)
  return checked(new Dec(valueOf(param, draw)).times(factor).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber())
}

/** A measure's ramp and one-time costs in one evaluation. */
export interface MeasureCosts {
  ramp: Ratio[]
  perSystemCost: number
  perHostCost: number
  /** The fixed one-time cost split over the systems (by position), by their recurring cost before the measure. */
  fixedParts?: number[]
  /** Months of parallel running as a share of a year. */
  parallelMonths?: Ratio
}

export function measureCosts(scenario: Scenario, measure: MeasureSpec, draw: Draw, selected: readonly SystemState[]): MeasureCosts {
  const fixed = moneyValue(scenario, measure.oneTime.fixed, draw)
  return {
    ramp: measure.ramp.map((param) => ratio(valueOf(param, draw))),
    perSystemCost: moneyValue(scenario, measure.oneTime.perSystem, draw),
    perHostCost: moneyValue(scenario, measure.oneTime.perHost, draw),
    fixedParts:
      fixed === 0
        ? undefined
        : allocate(
            fixed,
            selected.map((state) => {
              let sum = 0
              for (let pool = 0; pool < POOLS.length; pool++) sum += state.pools[pool]
              return sum
            }),
          ),
    parallelMonths: measure.parallelRunningMonths
      ? ratioOf(Math.round(Number(valueOf(measure.parallelRunningMonths, draw)) * 1000), 12_000)
      : undefined,
  }
}

/** A measure's non-numeric settings: the module's defaults, then the scenario's. */
export function measureOptions(measure: MeasureSpec): Record<string, string> {
  const module = MEASURES[measure.type]
  return {...Object.fromEntries(Object.entries(module.options ?? {}).map(([key, spec]) => [key, spec.default])), ...measure.options}
}

/** One system's one-time cost of a measure at full rate, paid in its start year; `before` is its pools before the measure. */
export function oneTimeCost(costs: MeasureCosts, state: SystemState, before: ArrayLike<number>, hostsBefore: number, position: number): number {
  let oneTime = costs.perSystemCost + checked(costs.perHostCost * hostsBefore) + (costs.fixedParts?.[position] ?? 0)
  if (costs.parallelMonths) {
    // During parallel running the old arrangement is paid as well: the pools the measure changes, at their cost before it.
    let changed = 0
    for (let pool = 0; pool < POOLS.length; pool++) if (state.pools[pool] !== before[pool]) changed += before[pool]
    oneTime += mul(changed, costs.parallelMonths)
  }
  return oneTime
}

/** The share of a measure's full effect reached `offset` years after it starts. */
export function shareAt(ramp: readonly Ratio[], offset: number): Ratio {
  if (offset < 0) return {num: 0, den: 1}
  return ramp[Math.min(offset, ramp.length - 1)] ?? ONE
}

/**
 * The engine: a pure function of (register, scenario, parameter values) to a
 * yearly ledger, rolled up by ministry, category, business area, measure and
 * system. Measures apply in the scenario's order, each to the cost left by
 * the ones before it (at full run-rate); a measure's saving in a year is its
 * full saving times the share of its ramp reached that year.
 */
export function evaluate(planned: Plan, draw: Draw = new Map(), options: {keepSystems?: boolean} = {}): Ledger {
  const {scenario, systems, selections} = planned
  const first = scenario.horizon[0]
  const years = horizonYears(scenario)
  const Y = years.length

  const states = ownStates(systems)
  /** Planned one-time costs still to be paid, after avoidance by the measures so far (full rate). */
  const plannedLeft = systems.map((input) =>
    input.planned.size === 0 ? undefined : new Map([...input.planned].map(([year, pools]) => [year, [...pools]])),
  )

  const rollups = Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, new Map()])) as Record<Dimension, Rollup>
  const total = new Float64Array(Y * WIDTH)
  // With keepSystems each system has a row of its own, which also feeds the by-system roll-up.
  const groupOf = options.keepSystems ? Int32Array.from(systems, (_, index) => index) : planned.groupOf
  const groupFirst = options.keepSystems ? systems : planned.groupFirst
  const perGroup = new Float64Array(groupFirst.length * Y * WIDTH)
  const inflation = inflationFactors(scenario, draw, years)
  const jointUse: JointUseGroup[] = []
  const unused: Ledger['unused'] = []
  const applied: Record<string, number> = {}
  /** One system's pools before the measure being applied (reused from system to system). */
  const before = new Float64Array(POOLS.length)
  /** One system's money year by year (reused from system to system). */
  const money = new YearMoney()
  /** The states of each selection (measures with the same filter share one). */
  const selectedStates = new Map<readonly number[], SystemState[]>()

  scenario.measures.forEach((measure, measureIndex) => {
    const module = MEASURES[measure.type]
    const values = resolver(scenario, measure, draw)
    let selected = selectedStates.get(selections[measureIndex])
    if (!selected) selectedStates.set(selections[measureIndex], (selected = selections[measureIndex].map((index) => states[index])))
    applied[measure.id] = selected.length
    if (selected.length === 0) {
      unused.push({measure: measure.id, filter: measure.appliesTo})
      return
    }
    const costs = measureCosts(scenario, measure, draw, selected)
    const {ramp} = costs
    const prepared = module.prepare?.(selected, values, measureOptions(measure))
    const measureRollup = rollups.measure
    let measureCells = measureRollup.get(measure.id)
    if (!measureCells) measureRollup.set(measure.id, (measureCells = new Float64Array(Y * WIDTH)))
    const groups = new Map<string, JointUseGroup>()
    const isJointUse = measure.type === 'joint-use'

    selected.forEach((state, position) => {
      const input = state.input
      for (let pool = 0; pool < POOLS.length; pool++) before[pool] = state.pools[pool]
      const hostsBefore = state.hosts
      const effect: Effect = module.apply(state, values, prepared, position) ?? NO_EFFECT
      let fullSaving = 0
      for (let pool = 0; pool < POOLS.length; pool++) fullSaving += before[pool] - state.pools[pool]
      const start = startOf(measure, input)

      const oneTime = oneTimeCost(costs, state, before, hostsBefore, position)

      if (effect.jointUse) {
        const key = effect.jointUse.group
        let group = groups.get(key)
        if (!group)
          groups.set(
            key,
            (group = {measure: measure.id, group: key, area: input.area, ministries: [], host: '', tenants: 0, before: 0, after: 0, start}),
          )
        group.before += effect.jointUse.before
        group.after += effect.jointUse.after
        if (effect.jointUse.host) {
          group.host = input.id
          // The host's ministry leads the shared system.
          group.ministries = [input.ministry, ...group.ministries.filter((ministry) => ministry !== input.ministry)]
        } else {
          group.tenants++
          if (!group.ministries.includes(input.ministry)) group.ministries.push(input.ministry)
        }
        group.start = Math.min(group.start, start)
      }

      // A system the measure leaves as it was adds nothing in any year.
      if (noEffect(state.pools, before, oneTime, effect)) return
      const left = plannedLeft[input.index]
      const base = groupOf[input.index] * Y * WIDTH
      money.begin(fullSaving, effect)
      // Before its start year a measure changes nothing: begin there.
      for (let y = Math.max(0, start - first); y < Y; y++) {
        const year = years[y]
        money.year(shareAt(ramp, year - start), left?.get(year), state.pools, before, year === start ? oneTime : 0, inflation[y])
        const savings = money.savings
        const avoidance = money.avoidance
        const cost = money.cost
        const nonCash = money.nonCash
        const hoursSaved = money.centiHours
        const kwh = money.kwh
        const cell = y * WIDTH
        measureCells![cell + M.savings] += savings
        measureCells![cell + M.avoidance] += avoidance
        measureCells![cell + M.oneTime] += cost
        measureCells![cell + M.centiHoursSaved] += hoursSaved
        measureCells![cell + M.kwhSaved] += kwh
        measureCells![cell + M.nonCash] += nonCash
        perGroup[base + cell + M.savings] += savings
        perGroup[base + cell + M.avoidance] += avoidance
        perGroup[base + cell + M.oneTime] += cost
        perGroup[base + cell + M.centiHoursSaved] += hoursSaved
        perGroup[base + cell + M.kwhSaved] += kwh
        perGroup[base + cell + M.nonCash] += nonCash
        if (isJointUse) {
          measureCells![cell + M.jointUseSavings] += savings
          perGroup[base + cell + M.jointUseSavings] += savings
        }
      }
    })
    jointUse.push(...groups.values())
  })

  // Baselines, into each system's group row.
  for (const input of systems) {
    const base = groupOf[input.index] * Y * WIDTH
    let recurring = 0
    for (const amount of input.recurring) recurring += amount
    // A retired system costs nothing after its last fiscal year (nothing at all when that is unknown).
    const lastCostYear = input.status === 'retired' ? (input.lastYear ?? Number.NEGATIVE_INFINITY) : Number.POSITIVE_INFINITY
    for (let y = 0; y < Y; y++) {
      let baseline = years[y] > lastCostYear ? 0 : recurring
      const plannedYear = input.planned.get(years[y])
      if (plannedYear) for (const amount of plannedYear) baseline += amount
      if (inflation[y] !== ONE) baseline = mul(baseline, inflation[y])
      perGroup[base + y * WIDTH + M.baseline] += baseline
      perGroup[base + y * WIDTH + M.centiHoursBefore] += input.centiHours
    }
  }
  // Every group's row into the roll-ups, in the order of the groups' first systems (the roll-ups' key order).
  groupFirst.forEach((input, group) => {
    const row = perGroup.subarray(group * Y * WIDTH, (group + 1) * Y * WIDTH)
    add(total, row)
    addTo(rollups.ministry, input.ministry, row, Y)
    addTo(rollups.category, input.category, row, Y)
    addTo(rollups.area, input.area, row, Y)
    addTo(rollups.areaMinistry, `${input.area}\u0000${input.ministry}`, row, Y)
    if (options.keepSystems) addTo(rollups.system, input.id, row, Y)
  })
  for (let index = 0; index < total.length; index++) checked(total[index])
  return {years, currency: scenario.currency, total, rollups, jointUse, unused, applied}
}

function add(target: Float64Array, row: Float64Array): void {
  for (let index = 0; index < row.length; index++) target[index] += row[index]
}

function addTo(rollup: Rollup, key: string, row: Float64Array, years: number): void {
  let cells = rollup.get(key)
  if (!cells) rollup.set(key, (cells = new Float64Array(years * WIDTH)))
  add(cells, row)
}

/** (1 + inflation)^(year − base year) per horizon year, as exact ratios (12 decimals); ONE in real terms. */
export function inflationFactors(scenario: Scenario, draw: Draw, years: number[]): Ratio[] {
  const rate = new Dec(valueOf(scenario.inflation, draw))
  if (rate.isZero()) return years.map(() => ONE)
  return years.map((year) =>
    ratio(
      rate
        .plus(1)
        .pow(year - scenario.baseYear)
        .toDecimalPlaces(12, Dec.ROUND_HALF_UP)
        .toFixed(),
    ),
  )
}

/**
 * The ledger's layout: a row (the total, a rollup's cells, one system's row)
 * holds years × metrics, year after year. Code outside the engine reads and
 * writes it through these two, never through the index arithmetic.
 */
/** Where metric `metric` (an index of M) of year index `year` sits in a ledger row. */
export function slot(year: number, metric: number): number {
  return year * WIDTH + metric
}

/** The value of metric `metric` (an index of M) in year index `year` of a ledger row. */
export function cell(cells: Float64Array, year: number, metric: number): number {
  return cells[year * WIDTH + metric]
}

export {WIDTH, complement}
