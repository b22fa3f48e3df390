/**
 * The totals-only path (totals.ts), which the Monte Carlo and the sensitivity
 * cases run, against the full engine (engine.ts): on the bundled sample
 * register with every bundled scenario, and on random registers and
 * scenarios, every cell of the ledger total (every year, every metric) is
 * the same to the minor unit, draw after draw on one evaluator. The worker
 * pool gives the full engine's outcomes with one worker and with two.
 */
import {join} from 'node:path'

import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CATEGORIES, type CostPool} from '../../src/domain/inventory.js'
import {Dec} from '../../src/domain/money.js'
import {evaluate, METRICS, plan, WIDTH, type Plan} from '../../src/estimate/engine.js'
import {POOLS, type MeasureSpec, type Scenario, type SystemInput} from '../../src/estimate/model.js'
import type {Draw, ParamValue} from '../../src/estimate/params.js'
import {EvaluationPool} from '../../src/estimate/pool.js'
import {loadRegister} from '../../src/estimate/register.js'
import {loadNamedScenario} from '../../src/estimate/scenario.js'
import {totalsEvaluator} from '../../src/estimate/totals.js'
import {drawFor, outcomeOf, uncertainParameters} from '../../src/estimate/uncertainty.js'
import {openStore, type Store} from '../../src/store/open.js'
import {ROOT, kasumi, tempDir} from '../support/cli.js'
import {register, type SystemSpec} from './helpers.js'

/** Every cell of the full engine's total and the totals-only path's, named by year and metric where they differ. */
function expectSameTotals(planned: Plan, evaluator: ReturnType<typeof totalsEvaluator>, draw: Draw, label: string): void {
  const full = evaluate(planned, draw).total
  const fast = evaluator.total(draw)
  expect(fast.length).toBe(full.length)
  const differences: string[] = []
  for (let index = 0; index < full.length; index++)
    if (!Object.is(fast[index], full[index]))
      differences.push(`${planned.scenario.horizon[0] + Math.floor(index / WIDTH)} ${METRICS[index % WIDTH]}: ${fast[index]} ≠ ${full[index]}`)
  expect(differences, label).toEqual([])
}

/** The draws an evaluator sees in practice: the base case, Monte Carlo runs and every sensitivity case. */
function drawsOf(scenario: Scenario, seed: number, runs: number): Draw[] {
  const parameters = uncertainParameters(scenario)
  return [
    new Map(),
    ...Array.from({length: runs}, (_, run) => drawFor(parameters, seed, run)),
    ...parameters.flatMap((parameter) => [new Map([[parameter.path, parameter.low]]), new Map([[parameter.path, parameter.high]])]),
  ]
}

/** The scenario with an uncertain inflation rate, so that every draw takes the year-by-year path. */
const inflated = (scenario: Scenario): Scenario => ({...scenario, inflation: {path: 'inflation', low: '-0.01', base: '0.01', high: '0.03'}})

describe('the totals-only path on the bundled sample register', () => {
  let store: Store
  beforeAll(async () => {
    const database = join(tempDir(), 'kasumi.db')
    for (const argv of [
      ['init', '--database', database],
      ['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database],
      ['inventory', 'import', join(ROOT, 'data', 'samples', 'costs.csv'), '--database', database],
    ]) {
      const result = await kasumi(argv)
      expect(result.exitCode, result.stderr).toBe(0)
    }
    store = (await openStore(database, {create: false})).store
  }, 60_000)
  afterAll(async () => {
    await store?.close()
  })

  for (const name of ['kasumigaseki-cloud', 'joint-use', 'lan-consolidation', 'citizen-services']) {
    it(`${name}: every cell of the total, for the base case, 25 Monte Carlo runs and every sensitivity case, in real terms and with inflation`, async () => {
      const {scenario} = await loadNamedScenario(name)
      const systems = await loadRegister(store, scenario, new Map())
      for (const variant of [scenario, inflated(scenario)]) {
        const planned = plan(variant, systems)
        const evaluator = totalsEvaluator(planned)
        drawsOf(variant, 7, 25).forEach((draw, index) => expectSameTotals(planned, evaluator, draw, `${name} draw ${index}`))
      }
    })
  }

  it('the worker pool gives the full engine’s outcomes, with one worker and with two', async () => {
    const {scenario} = await loadNamedScenario('kasumigaseki-cloud')
    const systems = await loadRegister(store, scenario, new Map())
    const parameters = uncertainParameters(scenario)
    const planned = plan(scenario, systems)
    const runs = 60
    const expected = {npv: [] as number[], runRateSavings: [] as number[], paybackYear: [] as number[]}
    for (let run = 0; run < runs; run++) {
      const draw = drawFor(parameters, 11, run)
      const outcome = outcomeOf(scenario, evaluate(planned, draw), draw)
      expected.npv.push(outcome.npv)
      expected.runRateSavings.push(outcome.runRateSavings)
      expected.paybackYear.push(outcome.paybackYear ?? Number.NaN)
    }
    for (const workers of [1, 2]) {
      const pool = EvaluationPool.open(scenario, systems, workers)
      try {
        const outcomes = await pool.runs(11, runs)
        expect([...outcomes.npv], `${workers} workers`).toEqual(expected.npv)
        expect([...outcomes.runRateSavings], `${workers} workers`).toEqual(expected.runRateSavings)
        expect([...outcomes.paybackYear], `${workers} workers`).toEqual(expected.paybackYear)
      } finally {
        await pool.close()
      }
    }
  }, 60_000)
})

/* ---------- random registers and scenarios, every parameter uncertain ---------- */

const FIRST = 2009
const LAST = 2015

const decimalText = (max: number, places: number) =>
  fc.integer({min: 0, max: max * 10 ** places}).map((n) => new Dec(n).dividedBy(10 ** places).toFixed())

/** An uncertain value around a base: the sampler draws between low and high. */
const uncertain = (path: string, low: string, base: string, high: string): ParamValue => ({path, low, base, high})

const pools = (min: number) =>
  fc.record(Object.fromEntries(POOLS.map((pool) => [pool, fc.integer({min, max: 2_000_000_000})])) as Record<CostPool, fc.Arbitrary<number>>, {
    requiredKeys: [],
  })

const systemSpec: fc.Arbitrary<SystemSpec> = fc.record({
  ministry: fc.constantFrom('mic', 'mof', 'moj'),
  category: fc.constantFrom(...CATEGORIES),
  area: fc.constantFrom('受付', '統計', ''),
  status: fc.constantFrom('active', 'active', 'active', 'migrating', 'retired'),
  eligibility: fc.constantFrom('eligible', 'eligible', 'eligible', 'must-stay'),
  servers: fc.integer({min: 0, max: 40}),
  utilisation: fc.option(
    decimalText(100, 1).filter((text) => text !== '0'),
    {nil: null},
  ),
  users: fc.integer({min: 0, max: 5000}),
  hours: decimalText(100_000, 2),
  lastYear: fc.option(fc.integer({min: 2005, max: 2017}), {nil: null}),
  recurring: pools(-200_000_000),
  planned: fc.dictionary(fc.integer({min: FIRST, max: LAST}).map(String), pools(-1_000_000), {maxKeys: 3}),
}) as fc.Arbitrary<SystemSpec>

const registerArb = fc
  .array(systemSpec, {minLength: 1, maxLength: 12})
  .map((specs) => register(...specs.map((spec, index) => ({...spec, id: `S-${index}`}))))

/** A parameter as [low, base, high] texts. */
type Range = [string, string, string]
const fractionRange: fc.Arbitrary<Range> = fc
  .tuple(decimalText(1, 3), decimalText(1, 3), decimalText(1, 3))
  .map((values) => values.sort((a, b) => Number(a) - Number(b)) as Range)
const integerRange = (min: number, max: number): fc.Arbitrary<Range> =>
  fc.tuple(fc.integer({min, max}), fc.integer({min, max}), fc.integer({min, max})).map((values) => values.sort((a, b) => a - b).map(String) as Range)
const decimalRange = (min: number, max: number, places: number): fc.Arbitrary<Range> =>
  fc
    .tuple(decimalText(max - min, places), decimalText(max - min, places), decimalText(max - min, places))
    .map((values) => values.map((value) => new Dec(value).plus(min).toFixed()).sort((a, b) => Number(a) - Number(b)) as Range)

const MEASURE_PARAMS: Record<string, {type: string; params: Record<string, fc.Arbitrary<Range>>; options?: fc.Arbitrary<Record<string, string>>}> = {
  virtualize: {
    type: 'virtualize',
    params: {
      targetUtilisation: integerRange(10, 90),
      assumedUtilisation: integerRange(5, 40),
      platformCostPerHost: integerRange(0, 3_000_000),
      wattsPerServer: decimalRange(0, 800, 1),
      pue: decimalRange(1, 3, 6),
    },
  },
  'pool-licences': {type: 'pool-licences', params: {reduction: fractionRange}},
  'unified-operations': {type: 'unified-operations', params: {reduction: fractionRange}},
  network: {type: 'network', params: {reduction: fractionRange}},
  'security-policy': {type: 'security-policy', params: {share: fractionRange, reduction: fractionRange}},
  'facilities-reduction': {type: 'facilities', params: {reduction: fractionRange}},
  'facilities-energy': {
    type: 'facilities',
    params: {
      wattsPerHost: integerRange(0, 800),
      pueBefore: decimalRange(1.5, 2.5, 2),
      pueAfter: decimalRange(1, 1.5, 2),
      pricePerKwh: decimalRange(0, 40, 2),
    },
  },
  'shared-auth': {type: 'shared-auth', params: {authCostPerSystem: integerRange(0, 5_000_000), sharedServiceCost: integerRange(0, 50_000_000)}},
  'joint-use': {
    type: 'joint-use',
    params: {perTenant: integerRange(0, 5_000_000)},
    options: fc.record({groupBy: fc.constantFrom('area', 'none')}),
  },
  bpr: {type: 'bpr', params: {reduction: fractionRange, hourlyCost: integerRange(0, 10_000)}},
}

const measureArb = fc.constantFrom(...Object.keys(MEASURE_PARAMS)).chain((kind) => {
  const spec = MEASURE_PARAMS[kind]
  return fc.record({
    type: fc.constant(spec.type),
    params: fc.record(spec.params),
    options: spec.options ?? fc.constant({}),
    start: fc.integer({min: FIRST - 1, max: LAST + 1}),
    ramp: fc.array(fractionRange, {minLength: 0, maxLength: 4}),
    timing: fc.constantFrom('ramp', 'ramp', 'refresh') as fc.Arbitrary<'ramp' | 'refresh'>,
    perSystem: fc.option(integerRange(0, 1_000_000), {nil: undefined}),
    perHost: fc.option(integerRange(0, 100_000), {nil: undefined}),
    fixed: fc.option(integerRange(0, 50_000_000), {nil: undefined}),
    months: fc.option(integerRange(0, 12), {nil: undefined}),
    ministry: fc.option(fc.constantFrom('mic', 'mof', 'moj'), {nil: undefined}),
  })
})

type MeasureDraw = typeof measureArb extends fc.Arbitrary<infer T> ? T : never

function scenarioFrom(draws: MeasureDraw[], extra: {currency: string; inflation: Range | null; rate: Range}): Scenario {
  const measures: MeasureSpec[] = draws.map((draw, index) => {
    const path = `measures[${index}]`
    const param = (name: string, range: Range | undefined) => (range ? uncertain(`${path}.${name}`, ...range) : undefined)
    return {
      id: `m${index}`,
      type: draw.type,
      path,
      appliesTo: draw.ministry ? {ministry: [draw.ministry]} : {},
      start: draw.start,
      ramp: draw.ramp.map((range, position) => uncertain(`${path}.ramp[${position}]`, ...range)),
      timing: draw.timing,
      oneTime: {
        perSystem: param('oneTime.perSystem', draw.perSystem),
        perHost: param('oneTime.perHost', draw.perHost),
        fixed: param('oneTime.fixed', draw.fixed),
      },
      parallelRunningMonths: param('parallelRunning.months', draw.months),
      params: Object.fromEntries(Object.entries(draw.params).map(([name, range]) => [name, uncertain(`${path}.${name}`, ...range)])),
      options: draw.options,
    }
  })
  return {
    name: 'random',
    baseYear: 2008,
    horizon: [FIRST, LAST],
    currency: extra.currency,
    moneyUnit: 'one',
    discount: {kind: 'rate', rate: uncertain('discount.rate', ...extra.rate)},
    inflation: extra.inflation ? uncertain('inflation', ...extra.inflation) : {path: 'inflation', base: '0'},
    hoursPerFte: {path: 'hoursPerFte', base: '1800'},
    assumptions: [],
    measures,
  }
}

const scenarioArb = fc
  .record({
    draws: fc.array(measureArb, {minLength: 1, maxLength: 6}),
    currency: fc.constantFrom('JPY', 'USD'),
    inflation: fc.constantFrom<Range | null>(null, null, ['-0.01', '0.01', '0.03'], ['0', '0', '0.02']),
    rate: fc.constantFrom<Range>(['0', '0', '0'], ['0.02', '0.035', '0.05']),
  })
  .map(({draws, ...extra}) => scenarioFrom(draws, extra))

describe('the totals-only path on random registers', () => {
  it('every cell of the total equals the full engine’s, draw after draw on one evaluator', () => {
    fc.assert(
      fc.property(registerArb, scenarioArb, fc.integer({min: 1, max: 1000}), (systems: SystemInput[], scenario, seed) => {
        const planned = plan(scenario, systems)
        const evaluator = totalsEvaluator(planned)
        drawsOf(scenario, seed, 4).forEach((draw, index) => expectSameTotals(planned, evaluator, draw, `draw ${index}`))
      }),
      {numRuns: 300},
    )
  })
})
