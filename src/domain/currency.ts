import type {Dec} from './money.js'

/** ISO 4217 minor-unit digits for the currencies kasumi meets; others default to 2. */
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  TWD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  AUD: 2,
  CAD: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  KWD: 3,
  BHD: 3,
}

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2
}

/** How many minor units make one unit of the currency (JPY 1, USD 100). */
export function minorFactor(currency: string): number {
  return 10 ** minorDigits(currency)
}

/** Exchange rates: units of the reporting currency for one unit of another currency, by currency and fiscal year (`rateKey`). */
export type Rates = Map<string, Dec>

export const rateKey = (currency: string, year: number): string => `${currency}:${year}`
