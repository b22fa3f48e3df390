import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {groupDigits} from '../../src/domain/money.js'
import {isNoValue, normalizeCell, parseBoundedDecimal, parseDecimal, parseInteger} from '../../src/ingest/values.js'

const value = (raw: string) => {
  const outcome = parseDecimal(raw)
  if (!outcome.ok) throw new Error(`${JSON.stringify(raw)} was rejected: ${outcome.reason}`)
  return outcome.value
}

const rejection = (raw: string) => {
  const outcome = parseDecimal(raw)
  if (outcome.ok) throw new Error(`${JSON.stringify(raw)} was accepted as ${outcome.value}`)
  return outcome
}

describe('numbers as government tables write them', () => {
  it.each([
    ['1,189,160', '1189160'],
    ['1189160', '1189160'],
    ['１２３', '123'],
    ['１，１８９，１６０', '1189160'],
    ['12.5', '12.5'],
    ['１２．５０', '12.5'],
    ['0', '0'],
    ['+1,000', '1000'],
    ['¥1,000', '1000'],
    ['￥1,000', '1000'],
    ['1,000円', '1000'],
    ['  42  ', '42'],
    ['12345678901234567890123', '12345678901234567890123'],
  ])('reads %j as %s', (raw, expected) => {
    expect(value(raw)).toBe(expected)
  })

  it.each([
    ['△50,000', '-50000'],
    ['▲50,000', '-50000'],
    ['(50,000)', '-50000'],
    ['（50,000）', '-50000'],
    ['-50000', '-50000'],
    ['−50000', '-50000'],
    ['－50,000', '-50000'],
    ['△0.5', '-0.5'],
    ['-¥1,000', '-1000'],
  ])('reads the negative %j as %s', (raw, expected) => {
    expect(value(raw)).toBe(expected)
  })

  it.each(['', '   ', '-', '－', '—', '―', 'N/A', ' - '])('reads %j as "no value" (null), not zero', (raw) => {
    expect(value(raw)).toBeNull()
    expect(isNoValue(raw)).toBe(true)
  })

  it('keeps "no value" apart from zero', () => {
    expect(value('0')).toBe('0')
    expect(value('-')).toBeNull()
  })

  it.each(['1,18', '1,1890', '11,89,160', '1,,000', '35,5'])('rejects the misplaced separator in %j', (raw) => {
    expect(rejection(raw).reason).toBe('misplaced thousands separator')
    expect(rejection(raw).hint).toContain('1,189,160')
  })

  it.each(['abc', '12a', '1.2.3', '△', '¥', '1e5', '--5'])('rejects %j as not a number, with the accepted forms as a hint', (raw) => {
    const outcome = rejection(raw)
    expect(outcome.reason).toBe('not a number')
    expect(outcome.hint).toContain('△50,000')
  })
})

describe('counts and percentages', () => {
  it('reads whole numbers and refuses fractions and negatives', () => {
    expect(parseInteger('１，２００', {min: 0})).toEqual({ok: true, value: 1200})
    expect(parseInteger('-', {min: 0})).toEqual({ok: true, value: null})
    expect(parseInteger('1.5', {min: 0})).toMatchObject({ok: false, reason: 'must be a whole number'})
    expect(parseInteger('-1', {min: 0})).toMatchObject({ok: false, reason: 'must not be negative'})
    expect(parseInteger('△3', {min: 0})).toMatchObject({ok: false, reason: 'must not be negative'})
    expect(parseInteger('99999999999999999999', {min: 0})).toMatchObject({ok: false, reason: 'number too large'})
  })

  it('keeps a percentage within 0–100, with or without a % sign', () => {
    const percent = (raw: string) => parseBoundedDecimal(raw, 0, 100, 'utilisation')
    expect(percent('35.5%')).toEqual({ok: true, value: '35.5'})
    expect(percent('３５．５％')).toEqual({ok: true, value: '35.5'})
    expect(percent('0')).toEqual({ok: true, value: '0'})
    expect(percent('100')).toEqual({ok: true, value: '100'})
    expect(percent('')).toEqual({ok: true, value: null})
    expect(percent('100.01')).toMatchObject({ok: false, reason: 'utilisation must be between 0 and 100'})
    expect(percent('-1')).toMatchObject({ok: false, reason: 'utilisation must be between 0 and 100'})
  })
})

describe('laws of parseDecimal', () => {
  const amounts = fc.bigInt({min: 0n, max: 10n ** 30n})

  it('reads back any integer written with thousands separators', () => {
    fc.assert(
      fc.property(amounts, (n) => {
        expect(value(groupDigits(n.toString()))).toBe(n.toString())
      }),
    )
  })

  it('reads back any decimal written with separators, as its canonical form', () => {
    fc.assert(
      fc.property(amounts, fc.integer({min: 0, max: 999_999}), (whole, fraction) => {
        const text = `${groupDigits(whole.toString())}.${String(fraction).padStart(6, '0')}`
        const canonical = `${whole}.${String(fraction).padStart(6, '0')}`.replace(/\.?0+$/, '')
        expect(value(text)).toBe(canonical === '' ? '0' : canonical)
      }),
    )
  })

  it('agrees on every negative notation: -n, −n, △n, ▲n and (n)', () => {
    fc.assert(
      fc.property(amounts, (n) => {
        const grouped = groupDigits(n.toString())
        const expected = n === 0n ? '0' : `-${n}`
        for (const written of [`-${grouped}`, `−${grouped}`, `△${grouped}`, `▲${grouped}`, `(${grouped})`]) expect(value(written)).toBe(expected)
      }),
    )
  })

  it('reads full-width digits exactly as their ASCII forms', () => {
    const toFullWidth = (text: string) => text.replace(/[0-9,.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    fc.assert(
      fc.property(amounts, (n) => {
        const grouped = groupDigits(n.toString())
        expect(value(toFullWidth(grouped))).toBe(value(grouped))
      }),
    )
  })

  it('reads a "no value" mark as null whatever spaces surround it', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '-', '－', '—', '―'), fc.nat(4), fc.nat(4), (mark, before, after) => {
        expect(value(`${' '.repeat(before)}${mark}${' '.repeat(after)}`)).toBeNull()
      }),
    )
  })
})

describe('cell normalisation', () => {
  it('folds full-width letters and digits and trims', () => {
    expect(normalizeCell('  ＭＩＣ－０００１ ')).toBe('MIC-0001')
    expect(normalizeCell('平成２１年度')).toBe('平成21年度')
  })
})
