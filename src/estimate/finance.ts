import {Dec, ZERO} from '../domain/money.js'
import {valueOf} from './engine.js'
import type {Discount} from './model.js'
import type {Draw} from './params.js'

/**
 * HM Treasury Green Book declining schedule: 3.5% for years 0–30, 3.0% for
 * 31–75, 2.5% for 76–125, 2.0% for 126–200, 1.5% for 201–300, 1.0% after.
 */
export const GREEN_BOOK: ReadonlyArray<{until: number; rate: string}> = [
  {until: 30, rate: '0.035'},
  {until: 75, rate: '0.03'},
  {until: 125, rate: '0.025'},
  {until: 200, rate: '0.02'},
  {until: 300, rate: '0.015'},
  {until: Number.POSITIVE_INFINITY, rate: '0.01'},
]

/** The rate that applies in year t (0 = the first horizon year). */
export function rateFor(discount: Discount, t: number, draw: Draw): Dec {
  if (discount.kind === 'rate') return new Dec(valueOf(discount.rate, draw))
  if (discount.kind === 'green-book') return new Dec(GREEN_BOOK.find((band) => t <= band.until)!.rate)
  return new Dec(valueOf(discount.rates[Math.min(t, discount.rates.length - 1)], draw))
}

/**
 * Discount factors for horizon years 0…n−1: DF(0) = 1 and
 * DF(t) = DF(t−1) ÷ (1 + r(t)), so a declining schedule compounds year by year.
 */
export function discountFactors(discount: Discount, years: number, draw: Draw = new Map()): Dec[] {
  const factors: Dec[] = []
  let factor = new Dec(1)
  for (let t = 0; t < years; t++) {
    if (t > 0) factor = factor.dividedBy(rateFor(discount, t, draw).plus(1))
    factors.push(factor)
  }
  return factors
}

/** Net present value of yearly nets (minor units), exact, rounded half-up to the minor unit. */
export function npv(nets: readonly number[], factors: readonly Dec[]): Dec {
  let total = ZERO
  nets.forEach((net, index) => {
    total = total.plus(new Dec(net).times(factors[index]))
  })
  return total.toDecimalPlaces(0, Dec.ROUND_HALF_UP)
}

/**
 * The payback year: counting from the first year the scenario changes
 * anything (a non-zero net), the first year from which the cumulative net
 * stays at or above zero to the end of the horizon; null if there is none.
 */
export function paybackYear(years: readonly number[], cumulative: readonly number[]): number | null {
  let first = 0
  while (first < years.length && cumulative[first] === 0) first++
  if (first === years.length) return null
  let payback: number | null = null
  for (let index = years.length - 1; index >= first; index--) {
    if (cumulative[index] < 0) break
    payback = years[index]
  }
  return payback
}
