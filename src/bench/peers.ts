import {Dec} from '../domain/money.js'
import {mul} from '../estimate/exact.js'
import type {Better} from './kpis.js'

/**
 * Peer statistics, exact throughout: Dec helpers for one set of values, and
 * a numeric core on integers for the peer groups (see peerStatsScaled),
 * which gives the same results and stays fast for 100 000 members.
 *
 * - Quantiles: Hyndman & Fan type 7 (linear interpolation; R's default,
 *   numpy's "linear", Excel's PERCENTILE.INC): for sorted x₁…xₙ and
 *   probability p, h = (n − 1)p, Q(p) = x⌊h⌋₊₁ + (h − ⌊h⌋)(x⌊h⌋₊₂ − x⌊h⌋₊₁).
 *   The median is Q(0.5), the interquartile range Q(0.75) − Q(0.25).
 * - Percentile rank of a value among the peers (mid-rank): 100 × (B + E/2) ÷ n,
 *   where B peers are below it and E are equal to it (itself included).
 *   It ranks values in ascending order, whatever direction is better.
 * - Robust outliers: MAD = median |xᵢ − median|; the robust z of x is
 *   (x − median) ÷ (1.4826 × MAD) (1.4826 makes the MAD estimate the standard
 *   deviation of a normal distribution); |z| above the threshold (default
 *   3.5, Iglewicz & Hoaglin) flags an outlier. When MAD is 0 (more than half
 *   the peers share one value) the scale is 1.253314 × the mean absolute
 *   deviation from the median instead; when that is 0 too, every value is
 *   the same and nothing is an outlier.
 * Values that are n/a take no part, and are listed apart.
 */

export const MAD_SCALE = new Dec('1.4826')
export const MEAN_AD_SCALE = new Dec('1.253314')
export const DEFAULT_OUTLIER_THRESHOLD = new Dec('3.5')
export const QUANTILE_METHOD = 'Hyndman-Fan type 7 (linear interpolation between order statistics)'

/** Sorts a copy ascending. */
export function sorted(values: readonly Dec[]): Dec[] {
  return [...values].sort((a, b) => a.comparedTo(b))
}

/** Type 7 quantile of values already sorted ascending; p in [0, 1]. */
export function quantileSorted(values: readonly Dec[], p: Dec | string | number): Dec {
  const n = values.length
  if (n === 0) throw new RangeError('quantile of no values')
  const h = new Dec(n - 1).times(p)
  const j = h.floor().toNumber()
  const g = h.minus(j)
  if (j + 1 >= n || g.isZero()) return values[Math.min(j, n - 1)]
  return values[j].plus(g.times(values[j + 1].minus(values[j])))
}

export function quantile(values: readonly Dec[], p: Dec | string | number): Dec {
  return quantileSorted(sorted(values), p)
}

export function median(values: readonly Dec[]): Dec {
  return quantile(values, '0.5')
}

/** Mid-rank percentile rank (0–100, exact) of `value` among `values` sorted ascending. */
export function percentileRankSorted(values: readonly Dec[], value: Dec): Dec {
  const n = values.length
  if (n === 0) throw new RangeError('percentile rank among no values')
  const below = countBelow(values, value, false)
  const equal = countBelow(values, value, true) - below
  return new Dec(below).plus(new Dec(equal).dividedBy(2)).times(100).dividedBy(n)
}

/** The number of sorted values below `value` (or, with `orEqual`, at or below it), by binary search. */
function countBelow(values: readonly Dec[], value: Dec, orEqual: boolean): number {
  let low = 0
  let high = values.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (orEqual ? values[middle].lessThanOrEqualTo(value) : values[middle].lessThan(value)) low = middle + 1
    else high = middle
  }
  return low
}

/** Median absolute deviation from the median (unscaled). */
export function mad(values: readonly Dec[], center: Dec = median(values)): Dec {
  return median(values.map((value) => value.minus(center).abs()))
}

/** What divides robust z-scores: 1.4826 × MAD, 1.253314 × the mean absolute deviation when MAD is 0, or nothing when all values are equal. */
export type SpreadBasis = 'mad' | 'mean-absolute-deviation' | 'none'

export interface PeerMember {
  key: string
  value: Dec | null
  /** Percentile rank 0–100 (mid-rank), or null for n/a. */
  percentile: Dec | null
  /** Robust z-score, or null (n/a value, or all peers equal). */
  z: Dec | null
  outlier: boolean
  /** Position in the league table (1 = best); ties share a rank; null for n/a. */
  rank: number | null
  /** value − peer median. */
  fromMedian: Dec | null
}

export interface PeerStats {
  /** Peers with a value. */
  n: number
  /** Peers whose value is n/a. */
  excluded: string[]
  median: Dec | null
  q1: Dec | null
  q3: Dec | null
  iqr: Dec | null
  min: Dec | null
  max: Dec | null
  mad: Dec | null
  scale: Dec | null
  scaleBasis: SpreadBasis
  threshold: Dec
  /** In league order: best first, n/a last. */
  members: PeerMember[]
  outliers: string[]
}

/* ---------- the numeric core: exact on integers ---------- */

/**
 * Peer statistics of values held as integers in units of 10^−decimals
 * (NaN for n/a): exact, because every step stays on integers or on their
 * halves and quarters (type-7 quantiles at p = ¼, ½, ¾ add at most a
 * quarter), which binary floating point holds exactly below 2^50; the
 * outlier test and the rounding of z fall back to BigInt where floating
 * point cannot decide. Per-member results are typed arrays, so that a peer
 * group of 100 000 systems costs a few sorts.
 */
export interface ScaledPeerStats {
  n: number
  /** Indices of n/a members, in input order. */
  excluded: number[]
  /** In scaled units (exact binary fractions); NaN when n = 0. */
  median: number
  q1: number
  q3: number
  min: number
  max: number
  mad: number
  scaleBasis: SpreadBasis
  /** The divisor of z in scaled units, exact; null when every value is the same (or n = 0). */
  scale: Dec | null
  threshold: Dec
  /** Percentile rank × 100 (0–10 000; 2 decimals exact, half-up); −1 for n/a. */
  percentile: Int32Array
  /** z × 10 000 (4 decimals exact, half-up); NaN for n/a or when scale is null. See zText. */
  z: Float64Array
  /** z × 10 000 where it is beyond the safe-integer range (absurdly far from the median), exact. */
  zLarge: Map<number, bigint>
  outlier: Uint8Array
  /** League rank (1 = best, ties share), 0 for n/a. */
  rank: Int32Array
  /** Member indices in league order: best first, ties in input order, then n/a in input order. */
  order: Int32Array
}

/** Values below this keep every intermediate of the numeric core exact. */
export const EXACT_LIMIT = 2 ** 50

const RADIX_BITS = 13
const RADIX_BUCKETS = 1 << RADIX_BITS

/**
 * Member indices ordered by value, ascending, ties in input order: an LSD
 * radix sort on the integers (value − minimum) < 2^52, split once into two
 * 26-bit halves, 13 bits a pass, only as many passes as the range needs.
 * Linear, and stable.
 */
function orderByValue(values: Float64Array, members: Uint32Array, minimum: number, maximum: number): Uint32Array {
  const n = members.length
  const size = values.length
  const low = new Uint32Array(size)
  const high = new Uint32Array(size)
  for (let k = 0; k < n; k++) {
    const index = members[k]
    const key = values[index] - minimum
    const upper = Math.floor(key / 67_108_864)
    high[index] = upper
    low[index] = key - upper * 67_108_864
  }
  const range = maximum - minimum
  const passes = range < 8192 ? 1 : range < 67_108_864 ? 2 : range < 549_755_813_888 ? 3 : 4
  let from: Uint32Array = members
  let to: Uint32Array = new Uint32Array(n)
  const counts = new Uint32Array(RADIX_BUCKETS)
  for (let pass = 0; pass < passes; pass++) {
    const half = pass < 2 ? low : high
    const shift = pass % 2 === 0 ? 0 : RADIX_BITS
    counts.fill(0)
    for (let k = 0; k < n; k++) counts[(half[from[k]] >>> shift) & (RADIX_BUCKETS - 1)]++
    let start = 0
    for (let bucket = 0; bucket < RADIX_BUCKETS; bucket++) {
      const count = counts[bucket]
      counts[bucket] = start
      start += count
    }
    for (let k = 0; k < n; k++) {
      const index = from[k]
      to[counts[(half[index] >>> shift) & (RADIX_BUCKETS - 1)]++] = index
    }
    const swap = from
    from = to
    to = swap
  }
  return from
}

/** Type 7 at p = ¼, ½ or ¾ on values sorted ascending (quarter × integer difference: exact). */
function quantileNumber(values: Float64Array, quarters: 1 | 2 | 3): number {
  const h = ((values.length - 1) * quarters) / 4
  const j = Math.floor(h)
  const g = h - j
  if (g === 0 || j + 1 >= values.length) return values[j]
  return values[j] + g * (values[j + 1] - values[j])
}

/** a ÷ b rounded half away from zero, for BigInts (b > 0). */
function bigDivRound(a: bigint, b: bigint): bigint {
  const negative = a < 0n
  const magnitude = negative ? -a : a
  let quotient = magnitude / b
  if (2n * (magnitude - quotient * b) >= b) quotient += 1n
  return negative ? -quotient : quotient
}

/** Decimal as an exact fraction of BigInts. */
function fraction(value: Dec): [bigint, bigint] {
  const [num, den] = value.toFraction()
  return [BigInt(num.toFixed()), BigInt(den.toFixed())]
}

const MAD_FRACTION = fraction(MAD_SCALE)
const MEAN_AD_FRACTION = fraction(MEAN_AD_SCALE)

export function peerStatsScaled(values: Float64Array, options: {better: Better; threshold?: Dec}): ScaledPeerStats {
  const threshold = options.threshold ?? DEFAULT_OUTLIER_THRESHOLD
  const size = values.length
  const excluded: number[] = []
  let n = 0
  for (let index = 0; index < size; index++) {
    const value = values[index]
    if (Number.isNaN(value)) excluded.push(index)
    else {
      if (!(Math.abs(value) < EXACT_LIMIT)) throw new RangeError(`a peer value (${value}) is too large for exact statistics`)
      n++
    }
  }
  const percentile = new Int32Array(size).fill(-1)
  const z = new Float64Array(size).fill(Number.NaN)
  const outlier = new Uint8Array(size)
  const rank = new Int32Array(size)
  const order = new Int32Array(size)
  const zLarge = new Map<number, bigint>()
  if (n === 0) {
    excluded.forEach((index, position) => (order[position] = index))
    return {
      n,
      excluded,
      median: Number.NaN,
      q1: Number.NaN,
      q3: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      mad: Number.NaN,
      scaleBasis: 'none',
      scale: null,
      threshold,
      percentile,
      z,
      zLarge,
      outlier,
      rank,
      order,
    }
  }
  const members = new Uint32Array(n)
  let minimum = Number.POSITIVE_INFINITY
  let maximum = Number.NEGATIVE_INFINITY
  for (let index = 0, at = 0; index < size; index++) {
    const value = values[index]
    if (Number.isNaN(value)) continue
    if (!Number.isInteger(value)) throw new RangeError(`peer values must be integers in scaled units, not ${value}`)
    members[at++] = index
    if (value < minimum) minimum = value
    if (value > maximum) maximum = value
  }
  const ascending = orderByValue(values, members, minimum, maximum)
  const sortedValues = new Float64Array(n)
  for (let k = 0; k < n; k++) sortedValues[k] = values[ascending[k]]
  const center = quantileNumber(sortedValues, 2)
  // |x − median| ascending: merge the values below the median (walking down) with those above it (walking up).
  const deviations = new Float64Array(n)
  let split = 0
  while (split < n && sortedValues[split] < center) split++
  for (let below = split - 1, above = split, at = 0; at < n; at++) {
    if (above >= n || (below >= 0 && center - sortedValues[below] <= sortedValues[above] - center)) deviations[at] = center - sortedValues[below--]
    else deviations[at] = sortedValues[above++] - center
  }
  const madValue = quantileNumber(deviations, 2)

  // The divisor of z, as an exact fraction of BigInts in scaled units × 4 (values are multiples of ¼ at most).
  let scaleBasis: SpreadBasis = 'mad'
  let divisorNum: bigint
  let divisorDen: bigint
  let scale: Dec | null
  if (madValue !== 0) {
    divisorNum = MAD_FRACTION[0] * BigInt(madValue * 4)
    divisorDen = MAD_FRACTION[1] * 4n
    scale = MAD_SCALE.times(madValue)
  } else {
    let total = 0n
    for (let index = 0; index < n; index++) total += BigInt(deviations[index] * 4)
    if (total === 0n) {
      scaleBasis = 'none'
      divisorNum = 0n
      divisorDen = 1n
      scale = null
    } else {
      scaleBasis = 'mean-absolute-deviation'
      divisorNum = MEAN_AD_FRACTION[0] * total
      divisorDen = MEAN_AD_FRACTION[1] * 4n * BigInt(n)
      scale = MEAN_AD_SCALE.times(new Dec(total.toString()).dividedBy(4 * n))
    }
  }
  const divisor = Number(divisorNum) / Number(divisorDen)
  const [thresholdNum, thresholdDen] = fraction(threshold)
  const limit = Number(thresholdNum) / Number(thresholdDen)

  const better = options.better
  // Tie blocks of the ascending order: members [start, end) share a value.
  let position = 0
  for (let start = 0; start < n;) {
    const value = sortedValues[start]
    let end = start + 1
    while (end < n && sortedValues[end] === value) end++
    // 100 × 100 × (B + E/2) ÷ n = 10 000 × (2B + E) ÷ 2n, half-up, with B = start, B + E = end
    const numerator = 10_000 * (start + end)
    const quotient = Math.floor(numerator / (2 * n))
    const percent = 2 * (numerator - quotient * 2 * n) >= 2 * n ? quotient + 1 : quotient
    const place = better === 'lower' ? start + 1 : n - end + 1
    for (let k = start; k < end; k++) {
      const index = ascending[k]
      percentile[index] = percent
      rank[index] = place
    }
    start = end
  }
  // League order: ascending for lower-is-better, else the tie blocks from the top, each in input order.
  if (better === 'lower') order.set(ascending)
  else {
    for (let end = n; end > 0;) {
      let start = end - 1
      while (start > 0 && sortedValues[start - 1] === sortedValues[end - 1]) start--
      for (let k = start; k < end; k++) order[position++] = ascending[k]
      end = start
    }
  }
  if (scale !== null) {
    for (let k = 0; k < n; k++) {
      const index = ascending[k]
      const deviation = values[index] - center
      // z = deviation ÷ divisor: floating point where it cannot be wrong by a rounding step (|z| < 10⁵, not near a half), else exact BigInt.
      const approximate = (deviation / divisor) * 10_000
      const magnitude = Math.abs(approximate)
      if (magnitude < 1e9 && Math.abs(magnitude - Math.floor(magnitude) - 0.5) > 1e-6) z[index] = Math.sign(approximate) * Math.round(magnitude)
      else {
        const exact = bigDivRound(BigInt(deviation * 4) * 10_000n * divisorDen, divisorNum * 4n)
        z[index] = Number(exact)
        if (!Number.isSafeInteger(z[index])) zLarge.set(index, exact)
      }
      // Outlier: |deviation| > threshold × divisor, exact where floating point is close.
      const left = Math.abs(deviation)
      const right = limit * divisor
      if (Math.abs(left - right) > 1e-9 * Math.max(left, right)) outlier[index] = left > right ? 1 : 0
      else outlier[index] = BigInt(left * 4) * thresholdDen * divisorDen > thresholdNum * divisorNum * 4n ? 1 : 0
    }
  }
  excluded.forEach((index, position) => (order[n + position] = index))
  return {
    n,
    excluded,
    median: center,
    q1: quantileNumber(sortedValues, 1),
    q3: quantileNumber(sortedValues, 3),
    min: sortedValues[0],
    max: sortedValues[n - 1],
    mad: madValue,
    scaleBasis,
    scale,
    threshold,
    percentile,
    z,
    zLarge,
    outlier,
    rank,
    order,
  }
}

/** The robust z of a member as an exact decimal string with 4 places, or null. */
export function zText(core: ScaledPeerStats, index: number): string | null {
  const large = core.zLarge.get(index)
  if (large !== undefined) {
    const negative = large < 0n
    const digits = (negative ? -large : large).toString().padStart(5, '0')
    return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`
  }
  const value = core.z[index]
  if (Number.isNaN(value)) return null
  const negative = value < 0
  const digits = String(Math.abs(value)).padStart(5, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`
}

/** A scaled statistic (possibly with a binary fraction) as an exact Dec. */
export function unscale(value: number, decimals: number): Dec | null {
  return Number.isNaN(value) ? null : new Dec(value).dividedBy(new Dec(10).pow(decimals))
}

/**
 * Peer statistics of one KPI across a peer group, with each member's
 * percentile rank, robust z-score, outlier flag and league rank; values as
 * exact decimals (the numeric core does the work).
 */
export function peerStats(entries: ReadonlyArray<{key: string; value: Dec | null}>, options: {better: Better; threshold?: Dec}): PeerStats {
  const decimals = Math.max(0, ...entries.map((entry) => (entry.value === null ? 0 : entry.value.decimalPlaces())))
  const factor = new Dec(10).pow(decimals)
  const values = Float64Array.from(entries, (entry) => (entry.value === null ? Number.NaN : entry.value.times(factor).toNumber()))
  const core = peerStatsScaled(values, options)
  const median = unscale(core.median, decimals)
  const members: PeerMember[] = Array.from(core.order, (index) => {
    const value = entries[index].value
    const present = value !== null
    return {
      key: entries[index].key,
      value,
      percentile: present ? new Dec(core.percentile[index]).dividedBy(100) : null,
      z: present && zText(core, index) !== null ? new Dec(zText(core, index)!) : null,
      outlier: core.outlier[index] === 1,
      rank: present ? core.rank[index] : null,
      fromMedian: present && median !== null ? value.minus(median) : null,
    }
  })
  return {
    n: core.n,
    excluded: core.excluded.map((index) => entries[index].key),
    median,
    q1: unscale(core.q1, decimals),
    q3: unscale(core.q3, decimals),
    iqr: core.n === 0 ? null : unscale(core.q3 - core.q1, decimals),
    min: unscale(core.min, decimals),
    max: unscale(core.max, decimals),
    mad: unscale(core.mad, decimals),
    scale: core.scale === null ? null : core.scale.dividedBy(factor),
    scaleBasis: core.scaleBasis,
    threshold: core.threshold,
    members,
    outliers: members.filter((member) => member.outlier).map((member) => member.key),
  }
}

/* ---------- at the peer median ---------- */

export interface MedianGapInput {
  /** Baseline run-rate and savings at full run-rate, minor currency units. */
  baseline: number
  savings: number
  /** The savings ratio in units of 10^−ratioDecimals, NaN for n/a. */
  savingsRatio: number
  /** Processing hours before and saved per year, hundredths of an hour. */
  centiHoursBefore: number
  centiHoursSaved: number
  /** The hours-saved ratio in units of 10^−ratioDecimals, NaN for n/a. */
  hoursRatio: number
}

export interface MedianGap {
  /** Savings at the peer median ratio (median × baseline), minor units, rounded half away from zero; NaN when n/a. */
  savingsAtMedian: number
  /** max(0, savings at median − savings), minor units; NaN when n/a. */
  moneyGap: number
  /** Hours saved at the peer median share, hundredths of an hour; NaN when n/a. */
  hoursAtMedian: number
  hoursGap: number
  reached: boolean
}

/**
 * What each member would save if it reached the peer median savings ratio
 * (and the peer median share of processing hours saved): the median of the
 * whole peer group, as the league table shows it. Members at or above the
 * median have no gap. Exact: integers of the minor currency unit and of
 * hundredths of an hour, one rounding (half away from zero) per figure.
 */
export function atPeerMedian(
  inputs: readonly MedianGapInput[],
  medianSavingsRatio: number,
  medianHoursRatio: number,
  ratioDecimals: number,
): {rows: MedianGap[]; moneyGap: number; hoursGap: number} {
  // Medians are multiples of ½ in scaled units, so 2 × median is an integer.
  const den = 2 * 10 ** ratioDecimals
  let moneyTotal = 0
  let hoursTotal = 0
  const rows = inputs.map((input) => {
    let savingsAtMedian = Number.NaN
    let moneyGap = Number.NaN
    if (!Number.isNaN(medianSavingsRatio) && !Number.isNaN(input.savingsRatio)) {
      savingsAtMedian = mul(input.baseline, {num: 2 * medianSavingsRatio, den})
      moneyGap = Math.max(0, savingsAtMedian - input.savings)
      moneyTotal += moneyGap
    }
    let hoursAtMedian = Number.NaN
    let hoursGap = Number.NaN
    if (!Number.isNaN(medianHoursRatio) && !Number.isNaN(input.hoursRatio)) {
      hoursAtMedian = mul(input.centiHoursBefore, {num: 2 * medianHoursRatio, den})
      hoursGap = Math.max(0, hoursAtMedian - input.centiHoursSaved)
      hoursTotal += hoursGap
    }
    const reached = moneyGap === 0 && (Number.isNaN(hoursGap) || hoursGap === 0)
    return {savingsAtMedian, moneyGap, hoursAtMedian, hoursGap, reached}
  })
  return {rows, moneyGap: moneyTotal, hoursGap: hoursTotal}
}
