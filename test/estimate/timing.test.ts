/**
 * When costs and savings fall: one-time costs, parallel running, ramps,
 * refresh timing, the order of measures, cost avoidance, the baseline and
 * inflation. Base year FY2008, horizon FY2009–FY2013, money in yen.
 */
import {describe, expect, it} from 'vitest'

import {estimate, measureSeries, register, scenarioOf, systemSeries, totalSeries} from './helpers.js'

describe('one-time costs', () => {
  // Three systems of recurring cost 100, 200 and 400 yen; measure starts FY2010.
  //   perSystem 1 000 each; perHost 200 × servers (2, 3, 0 → 400, 600, 0);
  //   fixed 10 000 allocated by recurring cost 100 : 200 : 400 = 1 428.57, 2 857.14, 5 714.29 →
  //   floors 1 428 + 2 857 + 5 714 = 9 999; the yen left goes to the largest remainder (A, .57) → 1 429, 2 857, 5 714.
  //   A 1 000 + 400 + 1 429 = 2 829; B 1 000 + 600 + 2 857 = 4 457; C 1 000 + 0 + 5 714 = 6 714; total 14 000.
  const systems = register(
    {id: 'A', servers: 2, recurring: {telecom: 100}},
    {id: 'B', servers: 3, recurring: {telecom: 200}},
    {id: 'C', servers: 0, recurring: {telecom: 400}},
  )

  it('perSystem, perHost and fixed fall in the start year; fixed parts sum exactly to the fixed cost', async () => {
    const scenario = await scenarioOf({
      measures: [{id: 'n', type: 'network', reduction: 0.1, start: 2010, oneTime: {perSystem: 1000, perHost: 200, fixed: 10_000}}],
    })
    const {ledger, result} = estimate(scenario, systems)
    expect(systemSeries(ledger, 'A', 'oneTime')).toEqual([0, 2829, 0, 0, 0])
    expect(systemSeries(ledger, 'B', 'oneTime')).toEqual([0, 4457, 0, 0, 0])
    expect(systemSeries(ledger, 'C', 'oneTime')).toEqual([0, 6714, 0, 0, 0])
    expect(totalSeries(ledger, 'oneTime')).toEqual([0, 14_000, 0, 0, 0])
    // Savings 10 + 20 + 40 = 70 a year from FY2010; net FY2010 = 70 − 14 000.
    expect(result.totals.byYear.map((row) => row.net)).toEqual(['0', '-13930', '70', '70', '70'])
    expect(result.totals.byYear.map((row) => row.cumulative)).toEqual(['0', '-13930', '-13860', '-13790', '-13720'])
    expect(result.totals.oneTime).toBe('14000')
  })

  it("money parameters are in the scenario's money unit (thousand yen)", async () => {
    const scenario = await scenarioOf({moneyUnit: 'thousand', measures: [{id: 'n', type: 'network', reduction: 0.1, oneTime: {perSystem: 1.5}}]})
    const {result} = estimate(scenario, systems)
    expect(result.totals.oneTime).toBe('4500')
  })

  // Joint use of one area from FY2011: host A (900 000) keeps its system; tenant B (500 000) moves onto it
  // for perTenant 40 000 a year. The ledger counts B's new charge from its start year; with six months of
  // parallel running B also still pays its old system for those months: 500 000 × 6/12 = 250 000, in its start year.
  const jointUse = () => scenarioOf({measures: [{id: 'ju', type: 'joint-use', start: 2011, perTenant: 40_000, parallelRunning: {months: 6}}]})
  const pair = register(
    {id: 'A', ministry: 'mic', area: 'X', recurring: {hardware: 900_000}},
    {id: 'B', ministry: 'mof', area: 'X', recurring: {hardware: 500_000}},
  )
  it('parallel running: a tenant pays months ÷ 12 of its old cost in its start year', async () => {
    const {ledger} = estimate(await jointUse(), pair)
    expect(systemSeries(ledger, 'B', 'oneTime')).toEqual([0, 0, 250_000, 0, 0])
  })

  // Parallel running is charged on the pools the measure changes: the host of a joint-use group moves nowhere and pays none.
  it('parallel running: the host of a joint-use group runs nothing twice and pays none', async () => {
    const {ledger} = estimate(await jointUse(), pair)
    expect(systemSeries(ledger, 'A', 'oneTime')).toEqual([0, 0, 0, 0, 0])
  })
})

describe('ramp', () => {
  // telecom 1 000 × 0.5 = 500 at full effect; ramp [0.25, 0.5, 1] from FY2010:
  //   FY2009 0, FY2010 125, FY2011 250, FY2012 500, FY2013 500 (the last share holds).
  it('applies the ramp share of the full saving year by year, the last share holding', async () => {
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5, start: 2010, ramp: [0.25, 0.5, 1]}]})
    const {ledger, result} = estimate(scenario, register({id: 'A', recurring: {telecom: 1000}}))
    expect(totalSeries(ledger, 'savings')).toEqual([0, 125, 250, 500, 500])
    expect(result.totals.runRateSavings).toBe('500')
    expect(result.totals.runRateYear).toBe(2012)
  })

  it('rounds each ramp year half away from zero: 333 × 0.5 = 166.5 → 167', async () => {
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 1, ramp: [0.5, 1]}]})
    const {ledger} = estimate(scenario, register({id: 'A', recurring: {telecom: 333}}))
    expect(totalSeries(ledger, 'savings')).toEqual([167, 333, 333, 333, 333])
  })

  it('a ramp that never reaches 1 holds its last share', async () => {
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 1, ramp: [0.2, 0.6]}]})
    const {ledger} = estimate(scenario, register({id: 'A', recurring: {telecom: 1000}}))
    expect(totalSeries(ledger, 'savings')).toEqual([200, 600, 600, 600, 600])
  })
})

describe('timing: refresh', () => {
  // Measure starts FY2010. A's hardware ends FY2011 → moves in FY2012; B's ended FY2005 → not before the
  // measure's start, FY2010; C has no last year → FY2010. One-time perSystem 100 falls in each system's own start year.
  const systems = register(
    {id: 'A', lastYear: 2011, recurring: {telecom: 1000}},
    {id: 'B', lastYear: 2005, recurring: {telecom: 1000}},
    {id: 'C', lastYear: null, recurring: {telecom: 1000}},
  )

  it('starts each system at its next hardware refresh (last year + 1), never before the measure starts', async () => {
    const scenario = await scenarioOf({
      measures: [{id: 'n', type: 'network', reduction: 0.5, start: 2010, timing: 'refresh', ramp: [0.5, 1], oneTime: {perSystem: 100}}],
    })
    const {ledger} = estimate(scenario, systems)
    expect(systemSeries(ledger, 'A', 'savings')).toEqual([0, 0, 0, 250, 500])
    expect(systemSeries(ledger, 'B', 'savings')).toEqual([0, 250, 500, 500, 500])
    expect(systemSeries(ledger, 'C', 'savings')).toEqual([0, 250, 500, 500, 500])
    expect(systemSeries(ledger, 'A', 'oneTime')).toEqual([0, 0, 0, 100, 0])
    expect(systemSeries(ledger, 'B', 'oneTime')).toEqual([0, 100, 0, 0, 0])
  })

  it('a system refreshed after the horizon never moves and pays nothing', async () => {
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5, timing: 'refresh', oneTime: {perSystem: 100}}]})
    const {ledger} = estimate(scenario, register({id: 'Z', lastYear: 2020, recurring: {telecom: 1000}}))
    expect(totalSeries(ledger, 'savings')).toEqual([0, 0, 0, 0, 0])
    expect(totalSeries(ledger, 'oneTime')).toEqual([0, 0, 0, 0, 0])
  })
})

describe('measures apply in order, each on the cost left by the ones before', () => {
  it('two 50 % reductions of one pool save 75 % in total', async () => {
    // software 1 000: the first saves 500, the second 50 % of the 500 left = 250.
    const scenario = await scenarioOf({
      measures: [
        {id: 'p1', type: 'pool-licences', reduction: 0.5},
        {id: 'p2', type: 'pool-licences', reduction: 0.5},
      ],
    })
    const {ledger} = estimate(scenario, register({id: 'A', recurring: {software: 1000}}))
    expect(measureSeries(ledger, 'p1', 'savings')[0]).toBe(500)
    expect(measureSeries(ledger, 'p2', 'savings')[0]).toBe(250)
    expect(totalSeries(ledger, 'savings')[0]).toBe(750)
  })

  it('security-policy after pool-licences takes its share of the reduced software cost', async () => {
    // software 10 000 → 8 000 after 20 %; security 0.1 × 0.5 = 0.05 of 8 000 = 400 (not 500).
    const scenario = await scenarioOf({
      measures: [
        {id: 'p', type: 'pool-licences', reduction: 0.2},
        {id: 's', type: 'security-policy', share: 0.1, reduction: 0.5},
      ],
    })
    const {ledger} = estimate(scenario, register({id: 'A', recurring: {software: 10_000}}))
    expect(measureSeries(ledger, 's', 'savings')[0]).toBe(400)
  })
})

describe('cost avoidance of planned one-time costs', () => {
  // One system: 4 servers at 30 % on a 60 % platform → ⌈12 000 ÷ 6 000⌉ = 2 hosts: hardware 1 000 000 → 500 000.
  // A one-time hardware refresh of 600 000 is planned for FY2012. Virtualize starts FY2011, ramp [0.5, 1]:
  //   FY2012 is at full effect; the refresh shrinks in the proportion of the pool: 600 000 × 500 000/1 000 000
  //   = 300 000 kept, 300 000 avoided. Avoidance is reported apart from savings.
  const systems = register({id: 'A', servers: 4, utilisation: '30', recurring: {hardware: 1_000_000}, planned: {2012: {hardware: 600_000}}})

  it('is reported as avoidance, not savings, and lowers the scenario cost', async () => {
    const scenario = await scenarioOf({measures: [{id: 'v', type: 'virtualize', start: 2011, ramp: [0.5, 1]}]})
    const {result} = estimate(scenario, systems)
    const year = (fy: number) => result.totals.byYear.find((row) => row.year === fy)!
    expect(year(2011)).toMatchObject({baseline: '1000000', savings: '250000', avoidance: '0', scenario: '750000'})
    expect(year(2012)).toMatchObject({baseline: '1600000', savings: '500000', avoidance: '300000', scenario: '800000', net: '800000'})
    expect(year(2013)).toMatchObject({baseline: '1000000', savings: '500000', avoidance: '0'})
    // Savings 250 000 + 500 000 + 500 000; net 1 250 000 + 300 000.
    expect(result.totals.savings).toBe('1250000')
    expect(result.totals.avoidance).toBe('300000')
    expect(result.totals.net).toBe('1550000')
  })

  it('during the ramp only the ramp share of the refresh is avoided', async () => {
    // Planned refresh moved to FY2011, the first ramp year (0.5): 300 000 × 0.5 = 150 000 avoided.
    const early = register({id: 'A', servers: 4, utilisation: '30', recurring: {hardware: 1_000_000}, planned: {2011: {hardware: 600_000}}})
    const scenario = await scenarioOf({measures: [{id: 'v', type: 'virtualize', start: 2011, ramp: [0.5, 1]}]})
    const {ledger} = estimate(scenario, early)
    expect(totalSeries(ledger, 'avoidance')).toEqual([0, 0, 150_000, 0, 0])
  })

  it('a refresh before the measure starts is not avoided', async () => {
    const scenario = await scenarioOf({measures: [{id: 'v', type: 'virtualize', start: 2013}]})
    const {ledger} = estimate(scenario, systems)
    expect(totalSeries(ledger, 'avoidance')).toEqual([0, 0, 0, 0, 0])
  })

  it('a later measure avoids part of what is still planned after the earlier ones', async () => {
    // Two network measures of 50 % on telecom 1 000 with a planned telecom line of 400 in FY2010:
    //   the first avoids 400 × (1 − 500/1 000) = 200; the second 200 × (1 − 250/500) = 100. Total 300.
    const scenario = await scenarioOf({
      measures: [
        {id: 'n1', type: 'network', reduction: 0.5},
        {id: 'n2', type: 'network', reduction: 0.5},
      ],
    })
    const {ledger} = estimate(scenario, register({id: 'A', recurring: {telecom: 1000}, planned: {2010: {telecom: 400}}}))
    expect(measureSeries(ledger, 'n1', 'avoidance')).toEqual([0, 200, 0, 0, 0])
    expect(measureSeries(ledger, 'n2', 'avoidance')).toEqual([0, 100, 0, 0, 0])
  })
})

describe('baseline', () => {
  it('is the base-year recurring cost held flat, plus the planned one-time lines of each year', async () => {
    // Recurring 1 000 + 2 000 = 3 000 a year; planned FY2010 500 (A) and FY2012 250 + 250 (A, B).
    const systems = register(
      {id: 'A', recurring: {hardware: 1000}, planned: {2010: {software: 500}, 2012: {hardware: 250}}},
      {id: 'B', recurring: {telecom: 2000}, planned: {2012: {telecom: 250}}},
    )
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0, appliesTo: {systems: ['B']}}]})
    const {result} = estimate(scenario, systems)
    expect(result.totals.byYear.map((row) => row.baseline)).toEqual(['3000', '3500', '3000', '3500', '3000'])
    expect(result.totals.byYear.map((row) => row.scenario)).toEqual(['3000', '3500', '3000', '3500', '3000'])
  })
})

describe('inflation (nominal terms)', () => {
  // inflation 10 %, base year FY2008: factors FY2009 1.1, FY2010 1.21, FY2011 1.331, FY2012 1.4641, FY2013 1.61051.
  // Baseline 1 000 → 1 100, 1 210, 1 331, 1 464.1 → 1 464, 1 610.51 → 1 611.
  // Network 50 % of telecom 1 000 = 500 → 550, 605, 665.5 → 666, 732.05 → 732, 805.255 → 805.
  // One-time fixed 100 in FY2010 → 121.
  it('inflates baseline, savings and one-time costs by (1 + rate)^(year − base year)', async () => {
    const scenario = await scenarioOf({
      inflation: 0.1,
      measures: [{id: 'n', type: 'network', reduction: 0.5, oneTime: {fixed: 100}, start: 2010, ramp: [1]}],
    })
    const {result} = estimate(scenario, register({id: 'A', recurring: {telecom: 1000}}))
    expect(result.totals.byYear.map((row) => row.baseline)).toEqual(['1100', '1210', '1331', '1464', '1611'])
    expect(result.totals.byYear.map((row) => row.savings)).toEqual(['0', '605', '666', '732', '805'])
    expect(result.totals.byYear.map((row) => row.oneTime)).toEqual(['0', '121', '0', '0', '0'])
  })

  it('in real terms (inflation 0, the default) every year is at base-year prices', async () => {
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5}]})
    const {result} = estimate(scenario, register({id: 'A', recurring: {telecom: 1000}}))
    expect(result.totals.byYear.map((row) => row.baseline)).toEqual(['1000', '1000', '1000', '1000', '1000'])
  })
})
