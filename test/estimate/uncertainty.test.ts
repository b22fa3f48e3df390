import {afterAll, describe, expect, it} from 'vitest'

import type {Category} from '../../src/domain/inventory.js'
import {evaluate, plan} from '../../src/estimate/engine.js'
import {POOL_INDEX, POOLS, type SystemInput} from '../../src/estimate/model.js'
import {
  beta,
  gamma,
  generator,
  pertMoments,
  samplePert,
  sampleTriangular,
  streamFor,
  triangularMoments,
  type Sfc32,
} from '../../src/estimate/random.js'
import {buildResult} from '../../src/estimate/results.js'
import {parseScenario} from '../../src/estimate/scenario.js'
import {EvaluationPool} from '../../src/estimate/pool.js'
import {drawFor, nearestRank, outcomeOf, sensitivity, simulate, uncertainParameters} from '../../src/estimate/uncertainty.js'

/** One system of the register as the engine reads it, with its base-year costs per pool (yen). */
function system(index: number, costs: Partial<Record<(typeof POOLS)[number], number>>): SystemInput {
  const recurring = POOLS.map(() => 0)
  for (const [pool, amount] of Object.entries(costs)) recurring[POOL_INDEX[pool as (typeof POOLS)[number]]] = amount
  return {
    index,
    id: `SYS-${index}`,
    ministry: 'mic',
    category: 'lan' as Category,
    area: '',
    status: 'active',
    eligibility: 'eligible',
    tags: [],
    physicalServers: 0,
    virtualHosts: 0,
    osInstances: 0,
    utilisation: null,
    users: 0,
    centiHours: 0,
    lastYear: null,
    recurring,
    planned: new Map(),
  }
}

async function scenarioOf(yaml: string) {
  return (await parseScenario(yaml, 'test-scenario.yaml')).scenario
}

/**
 * One system with 10,000,000 yen of software a year; one measure cuts it by a
 * triangular(0.1, 0.2, 0.3) share from FY2009 after a one-time 7,000,000 yen;
 * no discounting. So NPV = 50,000,000 r − 7,000,000, between −2,000,000 and
 * 8,000,000, and the payback year is FY2008 + ⌈0.7 / r⌉ (never when r < 0.14).
 */
const HAND = `
name: hand
baseYear: 2008
horizon: [2009, 2013]
currency: JPY
moneyUnit: one
discount: {rate: 0}
measures:
  - id: licences
    type: pool-licences
    start: 2009
    reduction: {low: 0.1, base: 0.2, high: 0.3, distribution: triangular}
    oneTime: {fixed: 7000000}
`

/** Two uncertain reductions of very different weight, and an uncertain one-time cost whose high lowers NPV. */
const TWO = `
name: tornado
baseYear: 2008
horizon: [2009, 2009]
currency: JPY
moneyUnit: one
discount: {rate: 0}
measures:
  - id: licences
    type: pool-licences
    start: 2009
    reduction: {low: 0.1, base: 0.2, high: 0.3}
  - id: wan
    type: network
    start: 2009
    reduction: {low: 0.1, base: 0.2, high: 0.3}
    oneTime: {fixed: {low: 100000, base: 500000, high: 1000000}}
`

const pools: EvaluationPool[] = []
afterAll(async () => {
  for (const pool of pools) await pool.close()
})

function open(scenario: Awaited<ReturnType<typeof scenarioOf>>, systems: SystemInput[], size: number): EvaluationPool {
  const pool = EvaluationPool.open(scenario, systems, size)
  pools.push(pool)
  return pool
}

function moments(draw: () => number, n: number): {mean: number; variance: number; min: number; max: number} {
  let sum = 0
  let squares = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let index = 0; index < n; index++) {
    const value = draw()
    sum += value
    squares += value * value
    min = Math.min(min, value)
    max = Math.max(max, value)
  }
  const mean = sum / n
  return {mean, variance: squares / n - mean * mean, min, max}
}

describe('seeded generator', () => {
  it('gives the same stream for the same (seed, run, path), and unrelated streams otherwise', () => {
    const first = (rng: Sfc32) => Array.from({length: 4}, () => rng.nextUint32())
    expect(first(streamFor(42, 0, 'measures[0].reduction'))).toEqual(first(streamFor(42, 0, 'measures[0].reduction')))
    expect(first(streamFor(42, 0, 'measures[0].reduction'))).not.toEqual(first(streamFor(43, 0, 'measures[0].reduction')))
    expect(first(streamFor(42, 0, 'measures[0].reduction'))).not.toEqual(first(streamFor(42, 1, 'measures[0].reduction')))
    expect(first(streamFor(42, 0, 'measures[0].reduction'))).not.toEqual(first(streamFor(42, 0, 'measures[1].reduction')))
    // Seeds that differ only above bit 32 are different seeds.
    expect(first(streamFor(1, 0, 'x'))).not.toEqual(first(streamFor(1 + 2 ** 32, 0, 'x')))
  })

  it('is pinned: these outputs must not change, or every published simulation changes', () => {
    const rng = streamFor(42, 7, 'measures[1].reduction')
    expect(Array.from({length: 4}, () => rng.nextUint32())).toEqual(PINNED_UINT32)
    expect(samplePert(streamFor(42, 7, 'p'), 0.1, 0.2, 0.4)).toBe(PINNED_PERT)
  })

  it('draws uniform doubles in [0, 1) with mean ½ and variance 1/12', () => {
    const rng = generator([1])
    const {mean, variance, min, max} = moments(() => rng.nextDouble(), 200_000)
    expect(mean).toBeCloseTo(0.5, 2)
    expect(variance).toBeCloseTo(1 / 12, 3)
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThan(1)
  })
})

describe('samplers: sample means and variances near the analytic ones (fixed seed, 200,000 draws)', () => {
  const N = 200_000
  /** Mean within five standard errors (the seed is fixed, so this never flickers), variance within 2%, draws within [low, high]. */
  const expectNearAnalytic = (
    sample: {mean: number; variance: number; min: number; max: number},
    expected: {mean: number; variance: number},
    low: number,
    high: number,
  ) => {
    const sd = Math.sqrt(expected.variance)
    expect(Math.abs(sample.mean - expected.mean)).toBeLessThan((5 * sd) / Math.sqrt(N))
    expect(sample.variance / expected.variance).toBeGreaterThan(0.98)
    expect(sample.variance / expected.variance).toBeLessThan(1.02)
    expect(sample.min).toBeGreaterThanOrEqual(low)
    expect(sample.max).toBeLessThanOrEqual(high)
  }
  it.each([
    [0, 0.2, 1],
    [10, 60, 70],
    [0.1, 0.1, 0.3],
    [500, 1000, 2000],
  ])('PERT(%s, %s, %s)', (low, mode, high) => {
    const rng = generator([2, low, mode, high].map((value) => Math.round(value * 1000)))
    expectNearAnalytic(
      moments(() => samplePert(rng, low, mode, high), N),
      pertMoments(low, mode, high),
      low,
      high,
    )
  })

  it.each([
    [0, 0.2, 1],
    [0.1, 0.2, 0.3],
    [0.1, 0.1, 0.3],
    [0.1, 0.3, 0.3],
  ])('triangular(%s, %s, %s)', (low, mode, high) => {
    const rng = generator([3, low, mode, high].map((value) => Math.round(value * 1000)))
    expectNearAnalytic(
      moments(() => sampleTriangular(rng, low, mode, high), N),
      triangularMoments(low, mode, high),
      low,
      high,
    )
  })

  it('gamma(k) has mean k and variance k; beta(α, β) has mean α/(α+β)', () => {
    for (const shape of [1, 2.6, 5]) {
      const rng = generator([4, shape * 10])
      const sample = moments(() => gamma(rng, shape), N)
      expect(Math.abs(sample.mean - shape)).toBeLessThan((5 * Math.sqrt(shape)) / Math.sqrt(N))
      expect(sample.variance / shape).toBeGreaterThan(0.97)
      expect(sample.variance / shape).toBeLessThan(1.03)
    }
    const rng = generator([5])
    const sample = moments(() => beta(rng, 1.8, 4.2), N)
    expect(sample.mean).toBeCloseTo(1.8 / 6, 2)
  })
})

describe('uncertain parameters and draws', () => {
  it('collects every uncertain parameter once, in scenario order, with its measure', async () => {
    const scenario = await scenarioOf(`
name: all
baseYear: 2008
horizon: [2009, 2012]
moneyUnit: one
inflation: {low: 0, base: 0.01, high: 0.02}
hoursPerFte: {low: 1700, base: 1800, high: 1900, distribution: triangular}
hourlyCost: {low: 3, base: 4, high: 6}
discount: {schedule: [0.03, {low: 0.02, base: 0.03, high: 0.04}]}
measures:
  - id: licences
    type: pool-licences
    ramp: [{low: 0.3, base: 0.5, high: 0.6}, 1]
    reduction: 0.2
    oneTime: {perSystem: {low: 10, base: 20, high: 40}, fixed: 5}
    parallelRunning: {months: {low: 3, base: 6, high: 12}}
  - id: ops
    type: unified-operations
    reduction: {low: 0.2, base: 0.2, high: 0.2}
  - id: bpr
    type: bpr
    reduction: 0.1
`)
    expect(uncertainParameters(scenario).map(({path, measure, distribution}) => [path, measure, distribution])).toEqual([
      ['inflation', undefined, 'pert'],
      ['hoursPerFte', undefined, 'triangular'],
      ['hourlyCost', undefined, 'pert'],
      ['discount.schedule[1]', undefined, 'pert'],
      ['measures[0].ramp[0]', 'licences', 'pert'],
      ['measures[0].oneTime.perSystem', 'licences', 'pert'],
      ['measures[0].parallelRunning.months', 'licences', 'pert'],
    ])
  })

  it('draws decimal strings of at most 6 decimals within [low, high]', async () => {
    const parameters = uncertainParameters(await scenarioOf(HAND))
    for (let run = 0; run < 500; run++) {
      const value = drawFor(parameters, 9, run).get('measures[0].reduction')!
      expect(value).toMatch(/^0\.\d{1,6}$|^0$/)
      expect(Number(value)).toBeGreaterThanOrEqual(0.1)
      expect(Number(value)).toBeLessThanOrEqual(0.3)
    }
  })

  it('gives NPV, run-rate savings and payback exactly as the deterministic estimate does', async () => {
    const scenario = await scenarioOf(HAND)
    const ledger = evaluate(plan(scenario, [system(0, {software: 10_000_000})]))
    const result = buildResult(scenario, ledger, {by: 'year'})
    const outcome = outcomeOf(scenario, ledger, new Map())
    expect(String(outcome.npv)).toBe(result.totals.npv)
    expect(String(outcome.runRateSavings)).toBe(result.totals.runRateSavings)
    expect(outcome.paybackYear).toBe(result.totals.paybackYear)
    expect(outcome).toEqual({npv: 3_000_000, runRateSavings: 2_000_000, paybackYear: 2012})
  })
})

describe('percentiles', () => {
  it('are nearest-rank: Pk is the ⌈k·n/100⌉-th smallest value', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect([nearestRank(values, 10), nearestRank(values, 50), nearestRank(values, 90)]).toEqual([1, 5, 9])
    const eleven = Float64Array.from({length: 11}, (_, index) => index + 1)
    expect([nearestRank(eleven, 10), nearestRank(eleven, 50), nearestRank(eleven, 90)]).toEqual([2, 6, 10])
    expect(nearestRank(Float64Array.from([7]), 10)).toBe(7)
  })
})

describe('Monte Carlo on a hand-checkable case', () => {
  const RUNS = 2000

  it('keeps every run within NPV(low)…NPV(high) and puts P10 < P50 < P90 around the analytic quantiles', async () => {
    const scenario = await scenarioOf(HAND)
    const {summary, outcomes} = await simulate(open(scenario, [system(0, {software: 10_000_000})], 2), scenario, {simulations: RUNS, seed: 42})
    for (const npv of outcomes.npv) {
      expect(npv).toBeGreaterThanOrEqual(-2_000_000)
      expect(npv).toBeLessThanOrEqual(8_000_000)
    }
    const p10 = Number(summary.npv.p10)
    const p50 = Number(summary.npv.p50)
    const p90 = Number(summary.npv.p90)
    expect(p10).toBeLessThan(p50)
    expect(p50).toBeLessThan(p90)
    // Triangular(0.1, 0.2, 0.3): r10 = 0.1 + √0.002, r50 = 0.2, r90 = 0.3 − √0.002; NPV = 50,000,000 r − 7,000,000.
    const npvAt = (r: number) => 50_000_000 * r - 7_000_000
    expect(Math.abs(p10 - npvAt(0.1 + Math.sqrt(0.002)))).toBeLessThan(250_000)
    expect(Math.abs(p50 - npvAt(0.2))).toBeLessThan(250_000)
    expect(Math.abs(p90 - npvAt(0.3 - Math.sqrt(0.002)))).toBeLessThan(250_000)
    expect(Math.abs(Number(summary.npv.mean) - 3_000_000)).toBeLessThan(100_000)
    expect(Math.abs(Number(summary.runRateSavings.p50) - 2_000_000)).toBeLessThan(50_000)
    // Payback FY2011 when r ≥ 0.2333 (22%), FY2012 when r ≥ 0.175 (50%), FY2013 when r ≥ 0.14 (20%), never below (8%).
    expect(summary.paybackYear).toMatchObject({p10: 2011, p50: 2012, p90: 2013})
    expect(Number(summary.paybackYear.neverShare)).toBeGreaterThan(0.06)
    expect(Number(summary.paybackYear.neverShare)).toBeLessThan(0.1)
    expect(summary.paybackYear.never).toBe(Math.round(Number(summary.paybackYear.neverShare) * RUNS))
    // Pinned figures: the same seed must give these on every machine.
    expect({npv: summary.npv, payback: summary.paybackYear}).toEqual(PINNED_HAND)
  })

  it('gives identical runs with one worker and with two', async () => {
    const scenario = await scenarioOf(HAND)
    const systems = [system(0, {software: 10_000_000}), system(1, {software: 3_000_000, telecom: 1_000_000})]
    const one = await simulate(open(scenario, systems, 1), scenario, {simulations: 300, seed: 7})
    const two = await simulate(open(scenario, systems, 2), scenario, {simulations: 300, seed: 7})
    expect(two.outcomes).toEqual(one.outcomes)
    expect({...two.summary, workers: 0}).toEqual({...one.summary, workers: 0})
    const other = await simulate(open(scenario, systems, 2), scenario, {simulations: 300, seed: 8})
    expect(other.outcomes.npv).not.toEqual(one.outcomes.npv)
  })
})

describe('sensitivity', () => {
  it('ranks parameters by |NPV(high) − NPV(low)|, with exact NPVs', async () => {
    const scenario = await scenarioOf(TWO)
    const rows = await sensitivity(open(scenario, [system(0, {software: 10_000_000, telecom: 1_000_000})], 2), scenario)
    expect(rows).toEqual([
      {
        path: 'measures[0].reduction',
        measure: 'licences',
        low: '0.1',
        base: '0.2',
        high: '0.3',
        npvLow: '700000',
        npvHigh: '2700000',
        swing: '2000000',
      },
      {
        path: 'measures[1].oneTime.fixed',
        measure: 'wan',
        low: '100000',
        base: '500000',
        high: '1000000',
        npvLow: '2100000',
        npvHigh: '1200000',
        swing: '900000',
      },
      {path: 'measures[1].reduction', measure: 'wan', low: '0.1', base: '0.2', high: '0.3', npvLow: '1600000', npvHigh: '1800000', swing: '200000'},
    ])
  })
})

const PINNED_UINT32 = [4145623958, 2783063263, 3555465789, 3634348599]
const PINNED_PERT = 0.22576634267611145
const PINNED_HAND = {
  npv: {p10: '338900', p50: '3080100', p90: '5959650', mean: '3090404'},
  payback: {p10: 2011, p50: 2012, p90: 2013, never: 147, neverShare: '0.0735'},
}
