import {InternalError, InvalidInputError} from '../domain/errors.js'
import {Dec} from '../domain/money.js'

/**
 * Exact arithmetic for the estimate engine.
 *
 * Money is an integer count of the reporting currency's minor unit (1 yen for
 * JPY, 1 cent for USD) held in a JS number that is always a safe integer, so
 * additions and subtractions are exact. Multiplying by a ratio (a reduction, a
 * ramp share, a chargeback share) is exact rational arithmetic, rounded half
 * away from zero to the minor unit — the one rounding rule of the engine —
 * with a BigInt path where a product would leave the safe-integer range.
 * Totals are exact sums of ledger cells, so they always equal the sum of
 * their parts. Nothing here is a binary fraction.
 */
export interface Ratio {
  /** numerator / denominator, both safe integers, denominator > 0. */
  readonly num: number
  readonly den: number
}

export const ONE: Ratio = {num: 1, den: 1}

/** Ratios are carried with at most this many decimals (sampled values are quantised to it). */
export const RATIO_DECIMALS = 6

const PLAIN_DECIMAL = /^(-?)(\d{1,9})(?:\.(\d{1,6}))?$/

export function ratio(value: string | number): Ratio {
  // Plain short decimals (the usual case) need no decimal library.
  const plain = typeof value === 'string' ? PLAIN_DECIMAL.exec(value) : null
  if (plain) {
    const fraction = plain[3] ?? ''
    const num = Number(plain[2] + fraction) * (plain[1] ? -1 : 1)
    return reduce(num, 10 ** fraction.length)
  }
  const text = typeof value === 'number' ? quantise(value) : value
  const decimal = new Dec(text)
  const places = Math.min(decimal.decimalPlaces(), 12)
  const den = 10 ** places
  const num = decimal.times(den).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
  return reduce(num, den)
}

/** A percentage written as a decimal string (35.5) as a ratio of 1 (355/1000). */
export function percentRatio(text: string): Ratio {
  const r = ratio(text)
  return reduce(r.num, r.den * 100)
}

/** A number (a sampled parameter) as a decimal string of at most RATIO_DECIMALS places. */
export function quantise(value: number): string {
  return new Dec(value).toDecimalPlaces(RATIO_DECIMALS, Dec.ROUND_HALF_UP).toFixed()
}

function gcd(a: number, b: number): number {
  a = Math.abs(a)
  while (b) [a, b] = [b, a % b]
  return a || 1
}

function reduce(num: number, den: number): Ratio {
  const divisor = gcd(num, den)
  return {num: num / divisor, den: den / divisor}
}

export function ratioOf(num: number, den: number): Ratio {
  if (den === 0) throw new InternalError('ratio with a zero denominator')
  return den < 0 ? reduce(-num, -den) : reduce(num, den)
}

export function complement(r: Ratio): Ratio {
  return {num: r.den - r.num, den: r.den}
}

/** Integer division rounded half away from zero; exact for safe integers. */
function divRound(numerator: number, den: number): number {
  const quotient = Math.trunc(numerator / den)
  const remainder = numerator - quotient * den
  if (2 * Math.abs(remainder) >= den) return quotient + Math.sign(numerator)
  return quotient
}

/** amount × ratio, rounded half away from zero to the minor unit. */
export function mul(amount: number, r: Ratio): number {
  if (r.num === 0 || amount === 0) return 0
  if (r.den === 1) return checked(amount * r.num)
  const product = amount * r.num
  if (Number.isSafeInteger(product)) {
    // trunc(product / den) can be off by one in floating point near huge values; correct it exactly.
    let quotient = Math.trunc(product / r.den)
    let remainder = product - quotient * r.den
    if (Math.abs(remainder) >= r.den) {
      quotient += Math.trunc(remainder / r.den)
      remainder = product - quotient * r.den
    }
    if (2 * Math.abs(remainder) >= r.den) return quotient + Math.sign(product)
    return quotient
  }
  const big = BigInt(amount) * BigInt(r.num)
  const den = BigInt(r.den)
  let quotient = big / den
  const remainder = big - quotient * den
  const twice = 2n * (remainder < 0n ? -remainder : remainder)
  if (twice >= den) quotient += big < 0n ? -1n : 1n
  return checked(Number(quotient))
}

/** amount × num / den for integer num, den (e.g. hosts after ÷ hosts before). */
export function scale(amount: number, num: number, den: number): number {
  return mul(amount, ratioOf(num, den))
}

export function checked(value: number): number {
  if (!Number.isSafeInteger(value)) {
    // Each parameter is bounded when the scenario is read; their products over many systems and years can still leave the range.
    throw new InvalidInputError('the estimate reaches amounts too large for exact arithmetic', [
      {
        value: String(value),
        message: `an amount of ${value} minor units is beyond ${Number.MAX_SAFE_INTEGER}`,
        hint: "check the scenario's money parameters, its money unit and inflation",
      },
    ])
  }
  return value
}

export {divRound}

/**
 * Splits `total` into integer parts proportional to `weights` (largest
 * remainder method), so that the parts always add up to `total` exactly.
 * With no positive weight the parts are as equal as possible.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const n = weights.length
  if (n === 0) return []
  let sumWeights = 0
  let largest = 0
  for (const weight of weights) {
    if (weight > 0) sumWeights += weight
    if (weight > largest) largest = weight
  }
  const weighted = sumWeights > 0
  const weightOf = (index: number) => (weighted ? Math.max(0, weights[index]) : 1)
  const denominator = weighted ? sumWeights : n
  const magnitude = Math.abs(total)
  const parts = new Array<number>(n)
  let assigned = 0
  // Each remainder is below the denominator: exact in a double whenever the denominator is a safe integer.
  const numeric = Number.isSafeInteger(denominator)
  const remainders = numeric ? new Float64Array(n) : new Array<bigint>(n)
  if (numeric && Number.isSafeInteger(magnitude * Math.max(1, largest))) {
    // Every product is a safe integer: the same division in doubles, the quotient corrected to the exact floor.
    for (let index = 0; index < n; index++) {
      const product = magnitude * weightOf(index)
      let share = Math.floor(product / denominator)
      let remainder = product - share * denominator
      while (remainder < 0) {
        share--
        remainder += denominator
      }
      while (remainder >= denominator) {
        share++
        remainder -= denominator
      }
      parts[index] = share
      assigned += share
      remainders[index] = remainder
    }
  } else {
    const bigTotal = BigInt(magnitude)
    const bigDen = BigInt(denominator)
    for (let index = 0; index < n; index++) {
      const product = bigTotal * BigInt(weightOf(index))
      const share = product / bigDen
      parts[index] = Number(share)
      assigned += parts[index]
      const remainder = product - share * bigDen
      remainders[index] = numeric ? Number(remainder) : remainder
    }
  }
  const left = magnitude - assigned
  if (left > 0) {
    // The largest remainders get one more each; ties go to the earlier weight.
    if (numeric && left < n) {
      // The `left` largest are those above the (n − left)-th smallest remainder, then the earliest of those equal to it.
      const exact = remainders as Float64Array
      const threshold = select(exact.slice(), n - left)
      let ties = left
      for (let index = 0; index < n; index++) if (exact[index] > threshold) ties--
      for (let index = 0; index < n; index++) {
        if (exact[index] > threshold) parts[index]++
        else if (exact[index] === threshold && ties > 0) {
          parts[index]++
          ties--
        }
      }
    } else {
      const order = Array.from({length: n}, (_, index) => index)
      order.sort((a, b) => {
        const ra = remainders[a]
        const rb = remainders[b]
        return ra === rb ? a - b : ra > rb ? -1 : 1
      })
      for (let k = 0; k < left; k++) parts[order[k % n]]++
    }
  }
  if (total < 0) for (let index = 0; index < n; index++) parts[index] = -parts[index]
  return parts
}

/** The k-th smallest (0-based) of the values, equal ones included, reordering them in place (Wirth's selection). */
function select(values: Float64Array, k: number): number {
  let low = 0
  let high = values.length - 1
  while (low < high) {
    const pivot = values[k]
    let i = low
    let j = high
    do {
      while (values[i] < pivot) i++
      while (pivot < values[j]) j--
      if (i <= j) {
        const swap = values[i]
        values[i] = values[j]
        values[j] = swap
        i++
        j--
      }
    } while (i <= j)
    if (j < k) low = i
    if (k < i) high = j
  }
  return values[k]
}
