import {createRequire} from 'node:module'

import type {Decimal as DecimalClass} from 'decimal.js'

// decimal.js ships CommonJS typings that NodeNext reads as a namespace; load the CommonJS build to keep one typed class.
const Decimal: typeof DecimalClass = createRequire(import.meta.url)('decimal.js')

/**
 * Exact decimal arithmetic for money and other quantities that must reconcile.
 * One Decimal constructor configured for kasumi: 40 significant digits and
 * ROUND_HALF_UP (四捨五入), the rounding rule of Japanese government tables.
 */
export const Dec = Decimal.clone({precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40})
export type Dec = InstanceType<typeof Dec>

export const ZERO = new Dec(0)

/** Display units for amounts. The factor is how many base currency units one display unit holds. */
export const DISPLAY_UNITS = {
  yen: {factor: 1, label: {en: 'yen', ja: '円', 'zh-TW': '圓'}},
  'thousand-yen': {factor: 1000, label: {en: 'thousand yen', ja: '千円', 'zh-TW': '千元（日幣）'}},
  'million-yen': {factor: 1_000_000, label: {en: 'million yen', ja: '百万円', 'zh-TW': '百萬元（日幣）'}},
} as const
export type DisplayUnit = keyof typeof DISPLAY_UNITS

export const CURRENCY_PATTERN = /^[A-Z]{3}$/

/** A canonical string for storage and JSON: no exponent, no trailing zeros after the point. */
export function canonical(value: Dec): string {
  if (value.isZero()) return '0'
  return value.toFixed()
}

export function sum(values: Iterable<Dec | string>): Dec {
  let total = ZERO
  for (const value of values) total = total.plus(value)
  return total
}

/** Round for display only (half up), with grouping: 1189160 → "1,189,160". */
export function formatAmount(value: Dec | string, options: {decimals?: number; unitFactor?: number} = {}): string {
  const {decimals = 0, unitFactor = 1} = options
  const scaled = new Dec(value).dividedBy(unitFactor).toDecimalPlaces(decimals, Dec.ROUND_HALF_UP)
  return groupDigits(scaled.toFixed(decimals))
}

export function groupDigits(text: string): string {
  const negative = text.startsWith('-')
  const body = negative ? text.slice(1) : text
  const [whole, fraction] = body.split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}
