/**
 * allocate() takes a double-precision path when every product is a safe
 * integer, and a selection of the largest remainders instead of a sort; it
 * must split exactly as the plain method does: BigInt products, remainders
 * sorted largest first (ties to the earlier weight), one more unit each.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {allocate} from '../../src/estimate/exact.js'

function plainAllocate(total: number, weights: readonly number[]): number[] {
  const n = weights.length
  if (n === 0) return []
  const positive = weights.map((weight) => Math.max(0, weight))
  const sum = positive.reduce((a, b) => a + b, 0)
  const effective = sum > 0 ? positive : weights.map(() => 1)
  const denominator = BigInt(sum > 0 ? sum : n)
  const magnitude = BigInt(Math.abs(total))
  const parts = effective.map((weight) => (magnitude * BigInt(weight)) / denominator)
  const remainders = effective.map((weight, index) => ({index, remainder: magnitude * BigInt(weight) - parts[index] * denominator}))
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  let left = magnitude - parts.reduce((a, b) => a + b, 0n)
  for (let k = 0; left > 0n; k++, left--) parts[remainders[k % n].index]++
  return parts.map((part) => (total < 0 ? -Number(part) : Number(part)))
}

describe('allocate', () => {
  it('splits exactly as BigInt arithmetic with a full sort does, small and large amounts, ties and credits included', () => {
    const weight = fc.oneof(fc.integer({min: -50, max: 50}), fc.integer({min: 0, max: 3}), fc.integer({min: -2_000_000_000, max: 2_000_000_000}))
    const total = fc.oneof(fc.integer({min: -1000, max: 1000}), fc.integer({min: -(2 ** 40), max: 2 ** 40}), fc.maxSafeInteger())
    fc.assert(
      fc.property(total, fc.array(weight, {maxLength: 60}), (amount, weights) => {
        expect(allocate(amount, weights)).toEqual(plainAllocate(amount, weights))
      }),
      {numRuns: 3000},
    )
  })

  it('on ten thousand weights as the engine meets them', () => {
    const weights = Array.from({length: 10_000}, (_, index) => ((index * 7919) % 5000) + (index % 3 === 0 ? 0 : 1))
    for (const amount of [0, 1, 9_999, 10_001, 123_456_789, 987_654_321_012, -55_555])
      expect(allocate(amount, weights)).toEqual(plainAllocate(amount, weights))
  })
})
