/**
 * Laws of the estimate on random small registers and scenarios:
 * totals equal the sum of their parts (by every dimension, exactly),
 * pure reductions never save less than nothing, and the same inputs give the
 * same result.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {CATEGORIES, type CostPool} from '../../src/domain/inventory.js'
import {Dec} from '../../src/domain/money.js'
import {DIMENSIONS, evaluate, plan, type Dimension} from '../../src/estimate/engine.js'
import {POOLS, type MeasureSpec, type Scenario, type SystemInput} from '../../src/estimate/model.js'
import type {ParamValue} from '../../src/estimate/params.js'
import {buildResult, type EstimateResult} from '../../src/estimate/results.js'
import {decSum, register, systemSeries, type SystemSpec} from './helpers.js'

const FIRST = 2009
const LAST = 2014

const value = (path: string, base: string | number): ParamValue => ({path, base: String(base)})

/* ---------- generators ---------- */

const decimalText = (max: number, places: number) =>
  fc.integer({min: 0, max: max * 10 ** places}).map((n) => new Dec(n).dividedBy(10 ** places).toFixed())
const fraction = decimalText(1, 3)

const pools = (min: number) =>
  fc.record(Object.fromEntries(POOLS.map((pool) => [pool, fc.integer({min, max: 2_000_000_000})])) as Record<CostPool, fc.Arbitrary<number>>, {
    requiredKeys: [],
  })

const systemSpec = (minPool: number): fc.Arbitrary<SystemSpec> =>
  fc.record({
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
    lastYear: fc.option(fc.integer({min: 2005, max: 2016}), {nil: null}),
    recurring: pools(minPool),
    planned: fc.dictionary(fc.integer({min: FIRST, max: LAST}).map(String), pools(0), {maxKeys: 2}),
  }) as fc.Arbitrary<SystemSpec>

const registerOf = (minPool: number) =>
  fc.array(systemSpec(minPool), {minLength: 1, maxLength: 6}).map((specs) => register(...specs.map((spec, index) => ({...spec, id: `S-${index}`}))))

interface Drawn {
  type: string
  params: Record<string, string>
  options?: Record<string, string>
}

const measureParams: Record<string, fc.Arbitrary<Drawn>> = {
  virtualize: fc
    .record({
      targetUtilisation: fc.integer({min: 10, max: 90}),
      platformCostPerHost: fc.integer({min: 0, max: 3_000_000}),
      wattsPerServer: fc.integer({min: 0, max: 800}),
    })
    .map((params) => ({type: 'virtualize', params: stringify(params)})),
  'pool-licences': fraction.map((reduction) => ({type: 'pool-licences', params: {reduction}})),
  'unified-operations': fraction.map((reduction) => ({type: 'unified-operations', params: {reduction}})),
  network: fraction.map((reduction) => ({type: 'network', params: {reduction}})),
  'security-policy': fc.record({share: fraction, reduction: fraction}).map((params) => ({type: 'security-policy', params})),
  'facilities-reduction': fraction.map((reduction) => ({type: 'facilities', params: {reduction}})),
  'facilities-energy': fc
    .record({
      wattsPerHost: fc.integer({min: 0, max: 800}),
      pueBefore: decimalText(1, 2).map((x) => new Dec(x).plus(1.5).toFixed()),
      pueAfter: decimalText(1, 2).map((x) => new Dec(x).plus(1).toFixed()),
      pricePerKwh: fc.integer({min: 0, max: 40}),
    })
    .map((params) => ({type: 'facilities', params: stringify(params)})),
  'shared-auth': fc
    .record({authCostPerSystem: fc.integer({min: 0, max: 5_000_000}), sharedServiceCost: fc.integer({min: 0, max: 50_000_000})})
    .map((params) => ({type: 'shared-auth', params: stringify(params)})),
  'joint-use': fc
    .record({perTenant: fc.integer({min: 0, max: 5_000_000}), groupBy: fc.constantFrom('area', 'none')})
    .map(({perTenant, groupBy}) => ({type: 'joint-use', params: {perTenant: String(perTenant)}, options: {groupBy}})),
  bpr: fc.record({reduction: fraction, hourlyCost: fc.integer({min: 0, max: 10_000})}).map((params) => ({type: 'bpr', params: stringify(params)})),
}

function stringify(params: Record<string, number | string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, raw]) => [key, String(raw)]))
}

const measureOf = (kinds: string[]) =>
  fc.record({
    drawn: fc.constantFrom(...kinds).chain((kind) => measureParams[kind]),
    start: fc.integer({min: FIRST, max: LAST + 1}),
    ramp: fc.array(fraction, {minLength: 1, maxLength: 3}),
    timing: fc.constantFrom('ramp', 'ramp', 'refresh') as fc.Arbitrary<'ramp' | 'refresh'>,
    perSystem: fc.option(fc.integer({min: 0, max: 1_000_000}), {nil: undefined}),
    perHost: fc.option(fc.integer({min: 0, max: 100_000}), {nil: undefined}),
    fixed: fc.option(fc.integer({min: 0, max: 50_000_000}), {nil: undefined}),
    months: fc.option(fc.integer({min: 0, max: 12}), {nil: undefined}),
    ministry: fc.option(fc.constantFrom('mic', 'mof', 'moj'), {nil: undefined}),
  })

type MeasureDraw = typeof measureOf extends (kinds: string[]) => fc.Arbitrary<infer T> ? T : never

function scenarioFrom(draws: MeasureDraw[], extra: {currency: string; inflation: string; rate: string}): Scenario {
  const measures: MeasureSpec[] = draws.map((draw, index) => {
    const path = `measures[${index}]`
    return {
      id: `m${index}`,
      type: draw.drawn.type,
      path,
      appliesTo: draw.ministry ? {ministry: [draw.ministry]} : {},
      start: draw.start,
      ramp: draw.ramp.map((share, position) => value(`${path}.ramp[${position}]`, share)),
      timing: draw.timing,
      oneTime: {
        perSystem: draw.perSystem === undefined ? undefined : value(`${path}.oneTime.perSystem`, draw.perSystem),
        perHost: draw.perHost === undefined ? undefined : value(`${path}.oneTime.perHost`, draw.perHost),
        fixed: draw.fixed === undefined ? undefined : value(`${path}.oneTime.fixed`, draw.fixed),
      },
      parallelRunningMonths: draw.months === undefined ? undefined : value(`${path}.parallelRunning.months`, draw.months),
      params: Object.fromEntries(Object.entries(draw.drawn.params).map(([name, base]) => [name, value(`${path}.${name}`, base)])),
      options: draw.drawn.options ?? {},
    }
  })
  return {
    name: 'random',
    baseYear: 2008,
    horizon: [FIRST, LAST],
    currency: extra.currency,
    moneyUnit: 'one',
    discount: {kind: 'rate', rate: value('discount.rate', extra.rate)},
    inflation: value('inflation', extra.inflation),
    hoursPerFte: value('hoursPerFte', 1800),
    assumptions: [],
    measures,
  }
}

const ALL_KINDS = Object.keys(measureParams)
const REDUCTIONS = ['pool-licences', 'unified-operations', 'network', 'security-policy', 'facilities-reduction']

const scenarioArb = (kinds: string[]) =>
  fc
    .record({
      draws: fc.array(measureOf(kinds), {minLength: 1, maxLength: 5}),
      currency: fc.constantFrom('JPY', 'USD'),
      inflation: fc.constantFrom('0', '0', '0.02', '-0.01'),
      rate: fc.constantFrom('0', '0.035', '0.1'),
    })
    .map(({draws, ...extra}) => scenarioFrom(draws, extra))

const windowArb = fc
  .tuple(fc.integer({min: FIRST, max: LAST}), fc.integer({min: FIRST, max: LAST}))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)

/* ---------- the laws ---------- */

const same = (actual: string, expected: string, label: string) =>
  expect(new Dec(actual).equals(expected), `${label}: ${actual} ≠ ${expected}`).toBe(true)

function checkTotals(result: EstimateResult, dimension: Dimension | 'year'): void {
  const {totals} = result
  const years = totals.byYear
  const rows = result.by.rows
  // The yearly rows in the window add up to the window's totals.
  for (const field of ['savings', 'avoidance', 'oneTime', 'net', 'nonCash'] as const)
    same(decSum(years.map((row) => row[field])), totals[field], `Σ byYear.${field}`)
  for (const row of years) {
    same(row.net, new Dec(row.savings).plus(row.avoidance).minus(row.oneTime).toFixed(), `net ${row.year}`)
    same(row.scenario, new Dec(row.baseline).minus(row.savings).minus(row.avoidance).plus(row.oneTime).toFixed(), `scenario ${row.year}`)
  }
  for (let index = 1; index < years.length; index++)
    same(years[index].cumulative, new Dec(years[index - 1].cumulative).plus(years[index].net).toFixed(), `cumulative ${years[index].year}`)
  // The groups add up to the totals, exactly.
  for (const field of ['savings', 'avoidance', 'oneTime', 'net'] as const)
    same(decSum(rows.map((row) => row[field])), totals[field], `Σ by ${dimension}.${field}`)
  if (dimension === 'year') {
    expect(rows.map((row) => row.key)).toEqual(years.map((row) => String(row.year)))
    rows.forEach((row, index) => same(row.baseline, years[index].baseline, `baseline ${row.key}`))
    return
  }
  if (dimension !== 'measure') same(decSum(rows.map((row) => row.baseline)), decSum(years.map((row) => row.baseline)), `Σ by ${dimension}.baseline`)
  same(decSum(rows.map((row) => row.runRateSavings)), totals.runRateSavings, `Σ by ${dimension}.runRateSavings`)
  same(decSum(rows.map((row) => row.hoursSaved)), result.hours.runRateSaved, `Σ by ${dimension}.hoursSaved`)
  // Each group's yearly rows add up to the group.
  for (const row of rows)
    for (const field of ['savings', 'avoidance', 'oneTime', 'net'] as const)
      same(decSum(row.byYear.map((year) => year[field])), row[field], `${row.key} Σ byYear.${field}`)
}

function checkEffects(result: EstimateResult): void {
  const {rows, totals, jointUseSummary} = result.effects
  const area = rows.filter((row) => row.kind === 'area')
  const joint = rows.filter((row) => row.kind === 'joint-use')
  same(decSum(area.map((row) => row.costReductionThousandYen ?? '0')), totals.costReductionThousandYen, 'effects cost')
  same(decSum(area.map((row) => row.hoursReduction ?? '0')), totals.hoursReduction, 'effects hours')
  same(decSum(joint.map((row) => row.costReductionThousandYen ?? '0')), totals.jointUseThousandYen, 'effects joint use')
  same(new Dec(jointUseSummary.before).minus(jointUseSummary.after).toFixed(), jointUseSummary.reduction, 'joint-use summary')
  for (const row of joint) {
    // A ＊ row follows a row of its own area (other ＊ rows between), its lead ministry's when there is one.
    const previous = rows
      .slice(0, rows.indexOf(row))
      .reverse()
      .find((candidate) => candidate.kind === 'area')
    if (area.some((candidate) => candidate.area === row.area)) expect(previous?.area).toBe(row.area)
    if (area.some((candidate) => candidate.area === row.area && candidate.leadMinistry === row.leadMinistry))
      expect(previous?.leadMinistry).toBe(row.leadMinistry)
  }
}

describe('totals equal the sum of their parts', () => {
  it('for every dimension and any window, every money field of the totals is the exact sum of the group rows', () => {
    fc.assert(
      fc.property(registerOf(0), scenarioArb(ALL_KINDS), windowArb, (systems, scenario, [from, to]) => {
        const ledger = evaluate(plan(scenario, systems), new Map(), {keepSystems: true})
        for (const dimension of [...DIMENSIONS.filter((d) => d !== 'areaMinistry'), 'year'] as const) {
          const result = buildResult(scenario, ledger, {by: dimension, from, to, ministryOrder: ['mic', 'mof', 'moj']})
          expect(result.window).toEqual([from, to])
          expect(result.totals.byYear.map((row) => row.year)[0]).toBe(from)
          checkTotals(result, dimension)
        }
        checkEffects(buildResult(scenario, ledger, {by: 'ministry', ministryOrder: ['mic', 'mof', 'moj']}))
      }),
      {numRuns: 150},
    )
  })
})

describe('pure reduction measures never save less than nothing', () => {
  it('pool-licences, unified-operations, network, security-policy and facilities (reduction) save ≥ 0 every year on any register, credits included', () => {
    fc.assert(
      fc.property(registerOf(-500_000_000), scenarioArb(REDUCTIONS), (systems, scenario) => {
        const ledger = evaluate(plan(scenario, systems), new Map(), {keepSystems: true})
        for (const system of systems) {
          const savings = systemSeries(ledger, system.id, 'savings')
          const avoidance = systemSeries(ledger, system.id, 'avoidance')
          // Never more than the positive cost there was to reduce (inflation 2 % at most on six years: ×1.13).
          const positive = system.recurring.reduce((total, amount) => total + Math.max(0, amount), 0)
          savings.forEach((amount, y) => {
            expect(amount, `${system.id} year ${y}`).toBeGreaterThanOrEqual(0)
            expect(amount).toBeLessThanOrEqual(Math.ceil(positive * 1.13))
          })
          for (const amount of avoidance) expect(amount).toBeGreaterThanOrEqual(0)
        }
        for (const metric of ['savings', 'avoidance'] as const) {
          const result = buildResult(scenario, ledger, {by: 'measure'})
          for (const row of result.by.rows) expect(new Dec(row[metric]).isNegative(), `${row.key} ${metric}`).toBe(false)
        }
      }),
      {numRuns: 300},
    )
  })
})

describe('results are deterministic', () => {
  it('the same register and scenario give identical JSON', () => {
    fc.assert(
      fc.property(registerOf(0), scenarioArb(ALL_KINDS), (systems, scenario) => {
        const once = (input: SystemInput[]) =>
          JSON.stringify(
            buildResult(scenario, evaluate(plan(scenario, input), new Map(), {keepSystems: true}), {
              by: 'system',
              ministryOrder: ['mic', 'mof', 'moj'],
            }),
          )
        const copy = systems.map((system) => ({
          ...system,
          recurring: [...system.recurring],
          planned: new Map([...system.planned].map(([year, amounts]) => [year, [...amounts]])),
        }))
        const first = once(systems)
        expect(once(systems)).toBe(first)
        expect(once(copy)).toBe(first)
        // The engine does not change its inputs.
        expect(systems).toEqual(copy)
      }),
      {numRuns: 100},
    )
  })
})
