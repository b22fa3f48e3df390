import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {compareJa} from '../../src/domain/text-match.js'

const collator = new Intl.Collator('ja')
const sign = (value: number) => Math.sign(value)

/** Every string of at most LENGTH characters of ALPHABET. */
function allStrings(alphabet: string, length: number): string[] {
  let level = ['']
  const all = ['']
  for (let size = 1; size <= length; size++) {
    level = level.flatMap((prefix) => [...alphabet].map((char) => prefix + char))
    all.push(...level)
  }
  return all
}

describe('compareJa', () => {
  it('orders every identifier of up to three characters of one letter case as Japanese collation does', () => {
    for (const alphabet of ['0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .-', '0123456789abcdefghijklmnopqrstuvwxyz .-']) {
      const strings = allStrings(alphabet, 3)
      const collated = [...strings].sort(collator.compare)
      // Both are total orders: the same sequence, with no two strings collated as equal, means they agree on every pair.
      expect([...strings].sort(compareJa)).toEqual(collated)
      for (let index = 1; index < collated.length; index++) expect(collator.compare(collated[index - 1], collated[index])).toBe(-1)
    }
  })

  it('gives the sign localeCompare gives with the ja locale, on identifiers and on any text', () => {
    const identifier = fc.stringMatching(/^[A-Z]{2,4}-[0-9]{1,4}[.-]?[0-9A-Z]{0,3}$/)
    const mixed = fc.string({unit: fc.constantFrom(...'aAbBzZ09 .-_:/内閣府ｱアａ'), maxLength: 8})
    fc.assert(
      fc.property(fc.oneof(identifier, mixed, fc.string()), fc.oneof(identifier, mixed, fc.string()), (a, b) => {
        expect(sign(compareJa(a, b))).toBe(sign(a.localeCompare(b, 'ja')))
      }),
      {numRuns: 5000},
    )
  })
})
