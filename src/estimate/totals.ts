import {checked, mul, ONE, type Ratio} from './exact.js'
import {MEASURES} from './measures/index.js'
import {
  M,
  NO_EFFECT,
  WIDTH,
  YearMoney,
  horizonYears,
  inflationFactors,
  measureCosts,
  measureOptions,
  oneTimeCost,
  resolver,
  shareAt,
  startOf,
  systemStates,
  type Ledger,
  type Plan,
} from './engine.js'
import {POOLS, type Effect, type SystemState} from './model.js'
import type {Draw} from './params.js'

/**
 * The engine's totals alone, for the Monte Carlo and the sensitivity cases:
 * the same measures applied in the same order to the same states, with the
 * same rounding of every system's figures, but no per-system rows and no
 * roll-ups. Only `Ledger.total` comes out, equal cell for cell to what
 * `evaluate` gives for the same draw (test/estimate/totals.test.ts holds the
 * two side by side).
 *
 * What does not change between draws is fixed once, when the evaluator is
 * made: the system states (reset in place for each draw), every system's
 * start year per measure and the groups of systems that share one, the
 * baseline and hours before. In real terms (no inflation) a system adds its
 * saving at each distinct share of the ramp to its start-year group once,
 * instead of once per year: the group's sum then serves every year at that
 * share. Every figure is a safe integer of minor units (or hundredths of an
 * hour, kWh) and every sum is of such integers, so the order of the
 * additions does not change the result; totals are checked like the
 * engine's.
 */
export interface TotalsEvaluator {
  years: number[]
  /** The ledger total for a draw (years × metrics, the Ledger layout), equal to evaluate(plan, draw).total. */
  total(draw: Draw): Float64Array
}

interface MeasurePlan {
  selected: SystemState[]
  options: Record<string, string>
  /** Start year of each selected system, by position. */
  starts: Int32Array
  /** Start-year group of each selected system, by position. */
  groupOf: Int32Array
  /** The start year of each group. */
  groupStarts: number[]
}

export function totalsEvaluator(planned: Plan): TotalsEvaluator {
  const {scenario, systems, selections} = planned
  const years = horizonYears(scenario)
  const Y = years.length
  const first = years[0]
  const last = years[Y - 1]
  const P = POOLS.length

  // The pools of every system side by side (states' views share one block), and their base-year values to reset them from.
  const {states, block} = systemStates(systems)
  const recurring = block.slice()
  const withPlanned = systems.filter((input) => input.planned.size > 0).map((input) => input.index)
  const plannedLeft = systems.map((input) =>
    input.planned.size === 0 ? undefined : new Map([...input.planned].map(([year, pools]) => [year, [...pools]])),
  )

  const measures: MeasurePlan[] = scenario.measures.map((measure, index) => {
    const selected = selections[index].map((systemIndex) => states[systemIndex])
    const starts = new Int32Array(selected.length)
    const groupOf = new Int32Array(selected.length)
    const groupStarts: number[] = []
    const groupByStart = new Map<number, number>()
    selected.forEach((state, position) => {
      const start = startOf(measure, state.input)
      let group = groupByStart.get(start)
      if (group === undefined) {
        groupByStart.set(start, (group = groupStarts.length))
        groupStarts.push(start)
      }
      starts[position] = start
      groupOf[position] = group
    })
    return {selected, options: measureOptions(measure), starts, groupOf, groupStarts}
  })

  // Baseline and hours before in real terms: the same for every draw.
  const realBaseline = new Float64Array(Y)
  let centiHoursBefore = 0
  for (const input of systems) {
    centiHoursBefore += input.centiHours
    for (let y = 0; y < Y; y++) realBaseline[y] += baselineOf(input, years[y])
  }

  const before = new Float64Array(P)
  /** One system's money year by year (reused from system to system). */
  const money = new YearMoney()

  function reset(): void {
    block.set(recurring)
    for (const state of states) {
      state.hosts = state.input.physicalServers
      state.centiHours = state.input.centiHours
    }
    for (const index of withPlanned) {
      const left = plannedLeft[index]!
      for (const [year, pools] of systems[index].planned) {
        const kept = left.get(year)!
        for (let pool = 0; pool < P; pool++) kept[pool] = pools[pool]
      }
    }
  }

  function total(draw: Draw): Float64Array {
    reset()
    const inflation = inflationFactors(scenario, draw, years)
    const real = inflation.every((factor) => factor === ONE)
    const out = new Float64Array(Y * WIDTH)

    scenario.measures.forEach((measure, measureIndex) => {
      const {selected, options, starts, groupOf, groupStarts} = measures[measureIndex]
      if (selected.length === 0) return
      const module = MEASURES[measure.type]
      const values = resolver(scenario, measure, draw)
      const costs = measureCosts(scenario, measure, draw, selected)
      const prepared = module.prepare?.(selected, values, options)
      const isJointUse = measure.type === 'joint-use'
      // The distinct shares of the ramp: offset k reaches shares[min(k, S − 1)].
      const shares: readonly Ratio[] = costs.ramp.length > 0 ? costs.ramp : [ONE]
      const S = shares.length
      const G = groupStarts.length
      // Sums per start-year group and share (real terms only): savings, non-cash, hours saved, kWh; one-time cost per group.
      const savings = new Float64Array(G * S)
      const nonCash = new Float64Array(G * S)
      const hours = new Float64Array(G * S)
      const kwh = new Float64Array(G * S)
      const oneTimes = new Float64Array(G)

      for (let position = 0; position < selected.length; position++) {
        const state = selected[position]
        const input = state.input
        for (let pool = 0; pool < P; pool++) before[pool] = state.pools[pool]
        const hostsBefore = state.hosts
        const effect: Effect = module.apply(state, values, prepared, position) ?? NO_EFFECT
        let fullSaving = 0
        for (let pool = 0; pool < P; pool++) fullSaving += before[pool] - state.pools[pool]
        const start = starts[position]
        const oneTime = oneTimeCost(costs, state, before, hostsBefore, position)
        if (start > last) continue
        const left = plannedLeft[input.index]

        if (real && !left) {
          const group = groupOf[position]
          if (start >= first) oneTimes[group] += oneTime
          // Offsets in the horizon run from max(0, first − start) to last − start; beyond S − 1 they share the last.
          const from = Math.min(Math.max(0, first - start), S - 1)
          const to = Math.min(last - start, S - 1)
          const row = group * S
          for (let k = from; k <= to; k++) {
            const share = shares[k]
            if (fullSaving !== 0) savings[row + k] += mul(fullSaving, share)
            if (effect.nonCash) nonCash[row + k] += mul(effect.nonCash, share)
            if (effect.centiHoursSaved) hours[row + k] += mul(effect.centiHoursSaved, share)
            if (effect.kwhSaved) kwh[row + k] += mul(effect.kwhSaved, share)
          }
          continue
        }

        // Planned one-time costs to avoid, or inflation: year by year, as the engine does.
        money.begin(fullSaving, effect)
        for (let y = Math.max(0, start - first); y < Y; y++) {
          const year = years[y]
          money.year(shareAt(costs.ramp, year - start), left?.get(year), state.pools, before, year === start ? oneTime : 0, inflation[y])
          const saving = money.savings
          const cell = y * WIDTH
          out[cell + M.savings] += saving
          out[cell + M.avoidance] += money.avoidance
          out[cell + M.oneTime] += money.cost
          out[cell + M.nonCash] += money.nonCash
          out[cell + M.centiHoursSaved] += money.centiHours
          out[cell + M.kwhSaved] += money.kwh
          if (isJointUse) out[cell + M.jointUseSavings] += saving
        }
      }

      // Each group's sums into the years it reaches.
      for (let group = 0; group < G; group++) {
        const start = groupStarts[group]
        if (start >= first && start <= last) out[(start - first) * WIDTH + M.oneTime] += oneTimes[group]
        for (let y = Math.max(0, start - first); y < Y; y++) {
          const k = group * S + Math.min(years[y] - start, S - 1)
          const cell = y * WIDTH
          out[cell + M.savings] += savings[k]
          out[cell + M.nonCash] += nonCash[k]
          out[cell + M.centiHoursSaved] += hours[k]
          out[cell + M.kwhSaved] += kwh[k]
          if (isJointUse) out[cell + M.jointUseSavings] += savings[k]
        }
      }
    })

    for (let y = 0; y < Y; y++) {
      out[y * WIDTH + M.centiHoursBefore] = centiHoursBefore
      if (inflation[y] === ONE) out[y * WIDTH + M.baseline] = realBaseline[y]
      else {
        // Each system's baseline is inflated and rounded on its own, as in the engine.
        let sum = 0
        for (const input of systems) sum += mul(baselineOf(input, years[y]), inflation[y])
        out[y * WIDTH + M.baseline] = sum
      }
    }
    for (let index = 0; index < out.length; index++) checked(out[index])
    return out
  }

  return {years, total}
}

/** A system's cost in a year in real terms: recurring (none after a retired system's last year) plus planned one-time costs. */
function baselineOf(input: Plan['systems'][number], year: number): number {
  let recurring = 0
  for (const amount of input.recurring) recurring += amount
  const lastCostYear = input.status === 'retired' ? (input.lastYear ?? Number.NEGATIVE_INFINITY) : Number.POSITIVE_INFINITY
  let baseline = year > lastCostYear ? 0 : recurring
  const plannedYear = input.planned.get(year)
  if (plannedYear) for (const amount of plannedYear) baseline += amount
  return baseline
}

/** The ledger's total for one draw through the totals-only path, in the shape outcome functions read. */
export function totalsLedger(evaluator: TotalsEvaluator, draw: Draw): Pick<Ledger, 'years' | 'total'> {
  return {years: evaluator.years, total: evaluator.total(draw)}
}
