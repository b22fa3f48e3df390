/**
 * NPV, discount schedules and the payback year, against hand computations.
 * Year 0 is the first horizon year and is not discounted.
 */
import {describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {discountFactors, GREEN_BOOK, npv, paybackYear, rateFor} from '../../src/estimate/finance.js'
import type {Discount} from '../../src/estimate/model.js'
import {estimate, register, scenarioOf} from './helpers.js'

const flat = (rate: string): Discount => ({kind: 'rate', rate: {path: 'discount.rate', base: rate}})

describe('NPV at a flat rate', () => {
  it('discounts year t by (1 + r)^t: −1 000, +500, +500, +500 at 10 %', () => {
    // −1 000 + 500/1.1 + 500/1.21 + 500/1.331
    //   = −1 000 + 454.5454… + 413.2231… + 375.6574… = 243.4259… → 243
    const factors = discountFactors(flat('0.1'), 4)
    expect(factors.map((factor) => factor.toDecimalPlaces(10).toFixed())).toEqual(['1', '0.9090909091', '0.826446281', '0.7513148009'])
    expect(npv([-1000, 500, 500, 500], factors).toFixed()).toBe('243')
  })

  it('rounds the exact sum half up once, not year by year', () => {
    // 3, 3, 3 at 100 %: 3 + 1.5 + 0.75 = 5.25 → 5 (rounding each year first would give 3 + 2 + 1 = 6).
    expect(npv([3, 3, 3], discountFactors(flat('1'), 3)).toFixed()).toBe('5')
  })

  it('at a zero rate is the plain sum', () => {
    expect(npv([-7, 3, 5], discountFactors(flat('0'), 3)).toFixed()).toBe('1')
  })

  it("the estimate's NPV is the NPV of its yearly nets over the whole horizon, whatever the window", async () => {
    // Network 50 % of telecom 10 000 from FY2010 with a fixed one-time cost of 12 000 in FY2010:
    //   nets FY2009–FY2013 = 0, −7 000, 5 000, 5 000, 5 000.
    //   NPV at 5 %: −7 000/1.05 + 5 000/1.05² + 5 000/1.05³ + 5 000/1.05⁴
    //     = −6 666.667 + 4 535.147 + 4 319.188 + 4 113.512 = 6 301.180… → 6 301
    const scenario = await scenarioOf({
      discount: {rate: 0.05},
      measures: [{id: 'n', type: 'network', reduction: 0.5, start: 2010, oneTime: {fixed: 12_000}}],
    })
    const systems = register({id: 'A', recurring: {telecom: 10_000}})
    const whole = estimate(scenario, systems).result
    expect(whole.totals.byYear.map((row) => row.net)).toEqual(['0', '-7000', '5000', '5000', '5000'])
    expect(whole.totals.npv).toBe('6301')
    expect(estimate(scenario, systems, {from: 2012, to: 2013}).result.totals.npv).toBe('6301')
  })
})

describe('the Green Book schedule', () => {
  it('is 3.5 % to year 30 and 3.0 % from year 31', () => {
    const discount: Discount = {kind: 'green-book'}
    expect(rateFor(discount, 1, new Map()).toFixed()).toBe('0.035')
    expect(rateFor(discount, 30, new Map()).toFixed()).toBe('0.035')
    expect(rateFor(discount, 31, new Map()).toFixed()).toBe('0.03')
    expect(rateFor(discount, 75, new Map()).toFixed()).toBe('0.03')
    expect(rateFor(discount, 76, new Map()).toFixed()).toBe('0.025')
    expect(GREEN_BOOK[0]).toEqual({until: 30, rate: '0.035'})
  })

  it('compounds year by year: DF(30) = 1.035^−30, DF(31) = DF(30) ÷ 1.03, DF(32) = DF(30) ÷ 1.03²', () => {
    const factors = discountFactors({kind: 'green-book'}, 33)
    const df30 = new Dec(1).dividedBy(new Dec('1.035').pow(30))
    const close = (actual: Dec, expected: Dec) => expect(actual.minus(expected).abs().lessThan('1e-25'), `${actual} ≠ ${expected}`).toBe(true)
    close(factors[1], new Dec(1).dividedBy('1.035'))
    close(factors[30], df30)
    close(factors[31], df30.dividedBy('1.03'))
    close(factors[32], df30.dividedBy(new Dec('1.03').pow(2)))
    // 1.035^30 = 2.806794…, so DF(30) = 0.356278… and DF(31) = 0.345901…;
    // not the 3 % rate applied to every year from the start (1.03^−31 = 0.399987…).
    expect(factors[31].toDecimalPlaces(4).toFixed()).toBe('0.3459')
    expect(new Dec(1).dividedBy(new Dec('1.03').pow(31)).toDecimalPlaces(4).toFixed(4)).toBe('0.4000')
  })

  it('through a scenario: 1 000 a year for 33 years', async () => {
    // NPV = Σ_{t=0..32} 1 000 × DF(t), computed here independently.
    const scenario = await scenarioOf({
      horizon: [2009, 2041],
      discount: {schedule: 'green-book'},
      measures: [{id: 'n', type: 'network', reduction: 1}],
    })
    const {result} = estimate(scenario, register({id: 'A', recurring: {telecom: 1000}}))
    let factor = new Dec(1)
    let expected = new Dec(0)
    for (let t = 0; t < 33; t++) {
      if (t > 0) factor = factor.dividedBy(t <= 30 ? '1.035' : '1.03')
      expected = expected.plus(factor.times(1000))
    }
    expect(result.totals.npv).toBe(expected.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed())
    // Σ = 20 073.773… → 20 074.
    expect(result.totals.npv).toBe('20074')
  })
})

describe('a per-year schedule', () => {
  it('uses the rate of year t for the step from t − 1 to t; the last rate holds', () => {
    // rates [0.10, 0.05, 0.02]: DF1 = 1/1.05, DF2 = DF1/1.02, DF3 = DF2/1.02 (the rate of year 0 discounts nothing).
    const discount: Discount = {kind: 'schedule', rates: ['0.10', '0.05', '0.02'].map((base, index) => ({path: `discount.schedule[${index}]`, base}))}
    const factors = discountFactors(discount, 4)
    const expected = [
      new Dec(1),
      new Dec(1).dividedBy('1.05'),
      new Dec(1).dividedBy('1.05').dividedBy('1.02'),
      new Dec(1).dividedBy('1.05').dividedBy('1.0404'),
    ]
    factors.forEach((factor, index) => expect(factor.minus(expected[index]).abs().lessThan('1e-25')).toBe(true))
    // 1 000 a year: 1 000 + 952.381 + 933.707 + 915.399 = 3 801.487 → 3 801
    expect(npv([1000, 1000, 1000, 1000], factors).toFixed()).toBe('3801')
  })
})

describe('the payback year', () => {
  const years = [2009, 2010, 2011, 2012, 2013, 2014]

  it('is the first year from which the cumulative net stays at or above zero', () => {
    expect(paybackYear(years, [0, -100, -50, 10, 20, 30])).toBe(2012)
    // It dips below zero again in FY2012: payback is only FY2013.
    expect(paybackYear(years, [0, -100, 10, -5, 3, 8])).toBe(2013)
    // Reaching exactly zero counts.
    expect(paybackYear(years, [-5, 0, 0, 0, 0, 0])).toBe(2010)
  })

  it('counts from the first year that changes anything (leading zero years are not payback)', () => {
    expect(paybackYear(years, [0, 0, 5, 10, 15, 20])).toBe(2011)
    expect(paybackYear(years, [0, 0, 0, 0, 0, 1])).toBe(2014)
  })

  it('is null when the cumulative net ends below zero, or when nothing changes', () => {
    expect(paybackYear(years, [0, -1, -2, -3, -2, -1])).toBeNull()
    expect(paybackYear(years, [0, 10, 20, 30, 40, -1])).toBeNull()
    expect(paybackYear(years, [0, 0, 0, 0, 0, 0])).toBeNull()
  })

  it('through a scenario: one-time cost 12 000 in FY2010 repaid by 5 000 a year from FY2010', async () => {
    // cumulative: FY2009 0, FY2010 −7 000, FY2011 −2 000, FY2012 3 000, FY2013 8 000 → payback FY2012.
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5, start: 2010, oneTime: {fixed: 12_000}}]})
    const {result} = estimate(scenario, register({id: 'A', recurring: {telecom: 10_000}}))
    expect(result.totals.byYear.map((row) => row.cumulative)).toEqual(['0', '-7000', '-2000', '3000', '8000'])
    expect(result.totals.paybackYear).toBe(2012)
  })

  it('through a scenario that never pays back: null', async () => {
    const scenario = await scenarioOf({measures: [{id: 'n', type: 'network', reduction: 0.5, oneTime: {fixed: 1_000_000}}]})
    const {result} = estimate(scenario, register({id: 'A', recurring: {telecom: 10_000}}))
    expect(result.totals.paybackYear).toBeNull()
  })
})
