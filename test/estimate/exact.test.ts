/**
 * The engine's one rounding rule (half away from zero to the minor unit), its
 * BigInt path beyond 2^53, allocation whose parts always add up, and money strings.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {allocate, mul, ratio, ratioOf, scale} from '../../src/estimate/exact.js'
import {hours, money, thousands} from '../../src/estimate/results.js'

/** amount × num ÷ den rounded half away from zero, in BigInt: the reference the engine must match. */
function reference(amount: bigint, num: bigint, den: bigint): bigint {
  const product = amount * num
  const negative = product < 0n
  const magnitude = negative ? -product : product
  let quotient = magnitude / den
  if (2n * (magnitude % den) >= den) quotient += 1n
  return negative ? -quotient : quotient
}

describe('mul rounds half away from zero', () => {
  it.each([
    [5, '0.5', 3],
    [-5, '0.5', -3],
    [7, '0.5', 4],
    [-7, '0.5', -4],
    [3, '0.5', 2],
    [-3, '0.5', -2],
    [1, '0.25', 0],
    [2, '0.25', 1],
    [-2, '0.25', -1],
    [6, '0.25', 2],
    [-6, '0.25', -2],
    [1_234_567, '0.5', 617_284],
    [1_000_003, '0.15', 150_000],
    [200_002, '0.25', 50_001],
    [-200_002, '0.25', -50_001],
    [999, '1', 999],
    [999, '0', 0],
  ])('%s × %s = %s', (amount, factor, expected) => {
    expect(mul(amount, ratio(factor))).toBe(expected)
  })

  it('thirds: 1/3 of 1 is 0, of 2 is 1, of −2 is −1', () => {
    expect(mul(1, ratioOf(1, 3))).toBe(0)
    expect(mul(2, ratioOf(1, 3))).toBe(1)
    expect(mul(-2, ratioOf(1, 3))).toBe(-1)
    expect(scale(20, 11, 20)).toBe(11)
    expect(scale(1, 1, 2)).toBe(1)
  })

  it('reads ratios exactly from decimal text (0.1 + 0.2 is not a binary fraction here)', () => {
    expect(ratio('0.3')).toEqual({num: 3, den: 10})
    expect(ratio('0.024')).toEqual({num: 3, den: 125})
    expect(ratio(0.1)).toEqual({num: 1, den: 10})
    expect(mul(10, ratio('0.35'))).toBe(4) // 3.5 → 4
    expect(mul(-10, ratio('0.35'))).toBe(-4)
  })
})

describe('mul beyond 2^53', () => {
  it('takes the BigInt path and gives what BigInt arithmetic gives', () => {
    // 9 007 199 254 740 991 × 999 999 / 1 000 000 leaves the safe range in the product, not in the result.
    const amount = Number.MAX_SAFE_INTEGER
    const r = ratioOf(999_999, 1_000_000)
    expect(Number.isSafeInteger(amount * r.num)).toBe(false)
    expect(BigInt(mul(amount, r))).toBe(reference(BigInt(amount), 999_999n, 1_000_000n))
    expect(mul(amount, r)).toBe(9_007_190_247_541_736)
    expect(mul(-amount, r)).toBe(-9_007_190_247_541_736)
    // A half exactly: (2^53 − 1) × 1/2 = 4 503 599 627 370 495.5 → …496, and −…496 for the negative.
    expect(mul(amount, ratioOf(1, 2))).toBe(4_503_599_627_370_496)
    expect(mul(-amount, ratioOf(1, 2))).toBe(-4_503_599_627_370_496)
  })

  it('matches BigInt arithmetic for any safe amount and any ratio of at most 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.integer({min: 1, max: 1_000_000_000_000}),
        fc.double({min: 0, max: 1, noNaN: true}),
        (amount, den, fraction) => {
          const num = Math.floor(fraction * den)
          expect(BigInt(mul(amount, {num, den}))).toBe(reference(BigInt(amount), BigInt(num), BigInt(den)))
        },
      ),
      {numRuns: 2000},
    )
  })

  it('matches BigInt arithmetic for small amounts and ratios too, on both sides of zero (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({min: -1_000_000_000, max: 1_000_000_000}),
        fc.integer({min: 1, max: 1000}),
        fc.integer({min: -1000, max: 1000}),
        (amount, den, num) => {
          expect(BigInt(mul(amount, {num, den}))).toBe(reference(BigInt(amount), BigInt(num), BigInt(den)))
        },
      ),
      {numRuns: 2000},
    )
  })

  it('refuses a result that is not a safe integer rather than lose a yen', () => {
    expect(() => mul(Number.MAX_SAFE_INTEGER, ratioOf(3, 2))).toThrow(/too large for exact arithmetic/)
  })
})

describe('allocate', () => {
  it('largest remainders: 10 000 by 100 : 200 : 400 is 1 429, 2 857, 5 714', () => {
    expect(allocate(10_000, [100, 200, 400])).toEqual([1429, 2857, 5714])
  })

  it('ties go to the earlier part; no weight means equal parts', () => {
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3])
    expect(allocate(10, [0, 0, 0])).toEqual([4, 3, 3])
    expect(allocate(-10, [1, 1, 1])).toEqual([-4, -3, -3])
    expect(allocate(5, [])).toEqual([])
  })

  it('negative weights count as nothing', () => {
    expect(allocate(100, [-50, 1, 3])).toEqual([0, 25, 75])
  })

  it('parts always sum to the total and each is within one of its exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({min: -1_000_000_000_000, max: 1_000_000_000_000}),
        fc.array(fc.integer({min: -1000, max: 1_000_000_000}), {minLength: 1, maxLength: 12}),
        (total, weights) => {
          const parts = allocate(total, weights)
          expect(parts).toHaveLength(weights.length)
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
          const effective = weights.map((weight) => Math.max(0, weight))
          const sum = effective.reduce((a, b) => a + b, 0)
          parts.forEach((part, index) => {
            expect(Number.isInteger(part)).toBe(true)
            // exact share = total × w ÷ Σw (equal shares when no weight is positive); |part − share| < 1
            const num = sum > 0 ? BigInt(total) * BigInt(effective[index]) : BigInt(total)
            const den = BigInt(sum > 0 ? sum : weights.length)
            const gap = BigInt(part) * den - num
            expect(gap < den && gap > -den).toBe(true)
          })
        },
      ),
      {numRuns: 1000},
    )
  })

  it('gives the parts of the plain largest-remainder rule, ties to the earlier part, at any size (property)', () => {
    /** The rule written out in BigInt: floor shares, then one more each for the largest remainders, earlier first on a tie. */
    const reference = (total: number, weights: number[]): number[] => {
      const effective = weights.map((weight) => BigInt(Math.max(0, weight)))
      const sum = effective.reduce((a, b) => a + b, 0n)
      const magnitude = BigInt(Math.abs(total))
      const shares = sum > 0n ? effective : weights.map(() => 1n)
      const den = sum > 0n ? sum : BigInt(weights.length)
      const parts = shares.map((weight) => (magnitude * weight) / den)
      const remainders = shares.map((weight, index) => magnitude * weight - parts[index] * den)
      let left = magnitude - parts.reduce((a, b) => a + b, 0n)
      const order = weights
        .map((_, index) => index)
        .sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a] > remainders[b] ? -1 : 1))
      for (const index of order) {
        if (left === 0n) break
        parts[index]++
        left--
      }
      return parts.map((part) => Number(total < 0 ? -part : part))
    }
    // Few distinct weights make many equal remainders; large weights and many parts leave the range where
    // remainder × parts is a safe integer, which once took a slower path.
    const weight = fc.oneof(fc.constantFrom(0, 1, 7, 1000, 3_000_000), fc.integer({min: -10, max: 20_000_000_000}))
    fc.assert(
      fc.property(
        fc.integer({min: -10_000_000_000_000, max: 10_000_000_000_000}),
        fc.array(weight, {minLength: 1, maxLength: 400}),
        (total, weights) => {
          // (a part of a negative total may be -0: the same amount as 0)
          expect(allocate(total, weights).map((part) => part + 0)).toEqual(reference(total, weights))
        },
      ),
      {numRuns: 500},
    )
  })
})

describe('money strings', () => {
  it('JPY has no minor digits: yen as an integer string', () => {
    expect(money(123_456, 'JPY')).toBe('123456')
    expect(money(-5, 'JPY')).toBe('-5')
    expect(money(0, 'JPY')).toBe('0')
  })

  it('USD has two: cents as a decimal string with two places', () => {
    expect(money(123_456, 'USD')).toBe('1234.56')
    expect(money(-5, 'USD')).toBe('-0.05')
    expect(money(0, 'USD')).toBe('0.00')
    expect(money(100, 'USD')).toBe('1.00')
  })

  it('thousands are exact, never rounded', () => {
    expect(thousands(1_234_567, 'JPY')).toBe('1234.567')
    expect(thousands(690_000, 'JPY')).toBe('690')
    expect(thousands(123_456, 'USD')).toBe('1.23456')
  })

  it('hours are kept in hundredths', () => {
    expect(hours(100_005)).toBe('1000.05')
    expect(hours(-50)).toBe('-0.5')
  })
})
