import {COST_POOLS, type Category, type CostPool, type Eligibility, type SystemStatus} from '../domain/inventory.js'
import type {Ratio} from './exact.js'
import type {ParamSpec, ParamValue} from './params.js'

/** The pools in engine order; a system's costs are one number per pool, in minor units. */
export const POOLS: readonly CostPool[] = COST_POOLS
export const POOL_INDEX: Readonly<Record<CostPool, number>> = Object.fromEntries(POOLS.map((pool, index) => [pool, index])) as Record<
  CostPool,
  number
>

/** Register counts that may be empty (not recorded), as opposed to recorded as 0. */
export type RegisterCount = 'physicalServers' | 'osInstances' | 'users' | 'annualHours'

/** One system as the engine sees it: register fields plus its baseline, in the scenario's currency. */
export interface SystemInput {
  index: number
  id: string
  ministry: string
  category: Category
  area: string
  status: SystemStatus
  eligibility: Eligibility
  tags: readonly string[]
  physicalServers: number
  virtualHosts: number
  osInstances: number
  /** Average utilisation as a ratio of 1 (35.5% → 355/1000), or null when unknown. */
  utilisation: Ratio | null
  users: number
  /** Annual processing hours, in hundredths of an hour. */
  centiHours: number
  lastYear: number | null
  /** Base-year recurring cost per pool (POOLS order), minor units. */
  recurring: number[]
  /** Register fields this system leaves empty: the engine counts them as 0, benchmarks leave the system out of what needs them. Absent: all recorded. */
  unrecorded?: readonly RegisterCount[]
  /** Planned one-time costs after the base year: year → per pool, minor units. */
  planned: Map<number, number[]>
}

export interface Filter {
  category?: string[]
  ministry?: string[]
  systems?: string[]
  tags?: string[]
  area?: string[]
  eligibility?: Eligibility[]
  status?: SystemStatus[]
}

export interface OneTimeSpec {
  perSystem?: ParamValue
  perHost?: ParamValue
  fixed?: ParamValue
}

/** A measure as the scenario declares it, checked and with its parameters kept as written. */
export interface MeasureSpec {
  id: string
  type: string
  label?: string
  description?: string
  /** Where the measure's figures come from. */
  source?: string
  path: string
  appliesTo: Filter
  start: number
  ramp: ParamValue[]
  timing: 'ramp' | 'refresh'
  oneTime: OneTimeSpec
  parallelRunningMonths?: ParamValue
  params: Record<string, ParamValue>
  /** Non-numeric settings of the measure (e.g. joint-use's groupBy). */
  options: Record<string, string>
}

/** The working state of one system while the measures are applied in order. */
export interface SystemState {
  input: SystemInput
  /**
   * Recurring cost per pool after the measures applied so far (full run-rate), minor units (safe integers, so
   * exact in a double): the engine's own small array per system, or, for the totals-only evaluation, a view on one
   * block that holds every system's pools side by side (reset from a copy for each draw).
   */
  pools: Float64Array | number[]
  /** Servers (hosts) after the measures so far. */
  hosts: number
  /** Hundredths of an hour per year after the measures so far. */
  centiHours: number
}

/** What a measure reports for one system at full run-rate, beyond the change of its pools. */
export interface Effect {
  /** Hundredths of an hour saved per year. */
  centiHoursSaved?: number
  /** kWh saved per year. */
  kwhSaved?: number
  /** A monetised non-cash benefit per year (e.g. staff time), minor units; never part of cash savings. */
  nonCash?: number
  /** Joint-use bookkeeping: this system's cost before and after the shared system. */
  jointUse?: {group: string; before: number; after: number; host: boolean}
}

/** Values a measure reads, resolved for one evaluation (base case, a draw, a sensitivity case). */
export interface Resolved {
  ratio(name: string): Ratio
  /** A money parameter in minor units of the scenario currency, rounded half-up to a whole minor unit. */
  money(name: string): number
  /** A money parameter in minor units, exact (e.g. a price per kWh of 17.46 yen), for products taken before rounding. */
  exactMoney(name: string): import('../domain/money.js').Dec
  number(name: string): number
  has(name: string): boolean
}

export interface MeasureModule<Prepared = unknown> {
  type: string
  summary: string
  /** The parameters besides the common ones (appliesTo, start, ramp, timing, oneTime, parallelRunning). */
  params: Record<string, ParamSpec>
  /** Non-numeric settings with their allowed values (a free string where the list is empty) and defaults. */
  options?: Record<string, {description: string; values: readonly string[]; default: string}>
  /**
   * Runs once per evaluation over the systems the measure applies to, before
   * any apply: pooled platform costs, joint-use groups, allocations.
   */
  prepare?(systems: readonly SystemState[], values: Resolved, options: Record<string, string>): Prepared
  /**
   * Changes one system's state to its state after the measure, at full run-rate.
   * `position` is the system's place in the list `prepare` was given.
   */
  apply(system: SystemState, values: Resolved, prepared: Prepared, position: number): Effect | void
}

export const MONEY_UNITS = {one: 1, thousand: 1000, million: 1_000_000} as const
export type MoneyUnit = keyof typeof MONEY_UNITS

export type Discount = {kind: 'rate'; rate: ParamValue} | {kind: 'green-book'} | {kind: 'schedule'; rates: ParamValue[]}

/** One line of the assumptions register: what a figure is, where it comes from, who owns it. */
export interface Assumption {
  id: string
  description: string
  value?: string
  source?: string
  owner?: string
  date?: string
}

export interface Scenario {
  name: string
  title?: string
  description?: string
  /** The file it was read from, if any. */
  file?: string
  baseYear: number
  horizon: [number, number]
  currency: string
  /** The unit of money parameters in the scenario (the 2009 table counts in thousands). */
  moneyUnit: MoneyUnit
  discount: Discount
  inflation: ParamValue
  hoursPerFte: ParamValue
  /** Cost of an hour of staff time, in the money unit; monetises hours saved as a non-cash benefit. */
  hourlyCost?: ParamValue
  /** Path of a dated exchange-rate CSV, relative to the scenario file. */
  exchangeRates?: string
  assumptions: Assumption[]
  measures: MeasureSpec[]
  /** The citizens' side: service measures (in the same measures list of the file) and the value of a citizen's hour. */
  services?: {measures: import('./services-model.js').ServiceMeasureSpec[]; citizenHourValue?: ParamValue}
  /** Line of each key path in the file, for messages raised after loading. */
  lines?: Record<string, number>
}
