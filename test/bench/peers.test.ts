import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {atPeerMedian, mad, median, peerStats, peerStatsScaled, percentileRankSorted, quantile, sorted, zText} from '../../src/bench/peers.js'

const decs = (...values: Array<number | string>) => values.map((value) => new Dec(value))
const entries = (...values: Array<number | string | null>) =>
  values.map((value, index) => ({key: `k${index}`, value: value === null ? null : new Dec(value)}))
const text = (value: Dec | null) => (value === null ? null : value.toFixed())

describe('quantiles (Hyndman & Fan type 7, as R quantile() and Excel PERCENTILE.INC)', () => {
  it('gives the textbook values on 1..4', () => {
    // R: quantile(1:4) → 1.00 1.75 2.50 3.25 4.00
    const values = decs(4, 1, 3, 2)
    expect(text(quantile(values, '0.25'))).toBe('1.75')
    expect(text(median(values))).toBe('2.5')
    expect(text(quantile(values, '0.75'))).toBe('3.25')
    expect(text(quantile(values, 0))).toBe('1')
    expect(text(quantile(values, 1))).toBe('4')
  })

  it('interpolates between order statistics on an unsorted set with ties', () => {
    // sorted: 1 1 2 3 4 5 6 9; h(¼) = 1.75 → 1 + 0.75 × (2 − 1); h(½) = 3.5 → 3 + 0.5 × 1; h(¾) = 5.25 → 5 + 0.25 × 1
    const values = decs(3, 1, 4, 1, 5, 9, 2, 6)
    expect(text(quantile(values, '0.25'))).toBe('1.75')
    expect(text(median(values))).toBe('3.5')
    expect(text(quantile(values, '0.75'))).toBe('5.25')
  })

  it('is the middle value of an odd set, and the value itself for one member', () => {
    expect(text(median(decs(7, 3, 5)))).toBe('5')
    expect(text(median(decs('0.123456')))).toBe('0.123456')
  })
})

describe('percentile rank (mid-rank: 100 × (below + equal ÷ 2) ÷ n)', () => {
  const values = sorted(decs(3, 1, 4, 1, 5, 9, 2, 6))
  it.each([
    [1, '12.5'], // 0 below, 2 equal → 1 ÷ 8
    [2, '31.25'], // 2 below, 1 equal → 2.5 ÷ 8
    [9, '93.75'], // 7 below → 7.5 ÷ 8
    [3, '43.75'],
  ])('%s → %s', (value, expected) => {
    expect(percentileRankSorted(values, new Dec(value)).toFixed()).toBe(expected)
  })
})

describe('robust outliers by the median absolute deviation', () => {
  it('computes MAD and robust z on a known set', () => {
    // median 3.5; |x − 3.5| = 2.5 2.5 1.5 0.5 0.5 1.5 2.5 5.5 → sorted .5 .5 1.5 1.5 2.5 2.5 2.5 5.5 → MAD 2
    const values = decs(3, 1, 4, 1, 5, 9, 2, 6)
    expect(mad(values).toFixed()).toBe('2')
    const stats = peerStats(entries(3, 1, 4, 1, 5, 9, 2, 6), {better: 'higher'})
    expect(text(stats.mad)).toBe('2')
    expect(text(stats.scale)).toBe('2.9652')
    const nine = stats.members.find((member) => member.key === 'k5')!
    // 5.5 ÷ 2.9652 = 1.8548496… → 1.8548 (4 decimals, half-up)
    expect(text(nine.z)).toBe(new Dec('5.5').dividedBy('2.9652').toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed())
    expect(text(nine.z)).toBe('1.8548')
    expect(stats.outliers).toEqual([])
  })

  it('flags a far value and only it', () => {
    // median 12.5; deviations .5 .5 1.5 1.5 2.5 87.5 → MAD 1.5; 87.5 ÷ (1.4826 × 1.5) = 39.35 > 3.5
    const stats = peerStats(entries(10, 11, 12, 13, 14, 100), {better: 'lower'})
    expect(text(stats.median)).toBe('12.5')
    expect(text(stats.mad)).toBe('1.5')
    expect(stats.outliers).toEqual(['k5'])
    expect(text(stats.members.find((member) => member.key === 'k0')!.z)).toBe('-1.1242')
  })

  it('tests the threshold exactly: z = 3.5 is not an outlier, a hair above is', () => {
    // median 0, MAD 1 → the limit is 3.5 × 1.4826 = 5.1891
    expect(peerStats(entries(-1, 0, 0, 1, '5.1891'), {better: 'higher'}).outliers).toEqual([])
    expect(peerStats(entries(-1, 0, 0, 1, '5.1892'), {better: 'higher'}).outliers).toEqual(['k4'])
    expect(text(peerStats(entries(-1, 0, 0, 1, '5.1891'), {better: 'higher'}).members[0].z)).toBe('3.5')
  })

  it('honours another threshold', () => {
    const stats = peerStats(entries(10, 11, 12, 13, 14, 20), {better: 'higher', threshold: new Dec(2)})
    // MAD 1.5, limit 2 × 2.2239 = 4.4478; 20 − 12.5 = 7.5 → outlier; 10 → 2.5 → not
    expect(stats.outliers).toEqual(['k5'])
  })

  it('uses the mean absolute deviation when MAD is 0', () => {
    // median 5, MAD 0; mean |x − 5| = 95 ÷ 5 = 19; scale 1.253314 × 19 = 23.812966; z(100) = 95 ÷ 23.812966 = 3.9894 > 3.5
    const stats = peerStats(entries(5, 5, 5, 5, 100), {better: 'higher'})
    expect(text(stats.mad)).toBe('0')
    expect(stats.scaleBasis).toBe('mean-absolute-deviation')
    expect(text(stats.scale)).toBe('23.812966')
    expect(text(stats.members[0].z)).toBe('3.9894')
    expect(stats.outliers).toEqual(['k4'])
  })

  it('flags nothing when every value is the same', () => {
    const stats = peerStats(entries(7, 7, 7), {better: 'higher'})
    expect(stats.scaleBasis).toBe('none')
    expect(stats.outliers).toEqual([])
    expect(stats.members.every((member) => member.z === null && member.rank === 1)).toBe(true)
    expect(stats.members.map((member) => text(member.percentile))).toEqual(['50', '50', '50'])
  })
})

describe('league table', () => {
  it('ranks the better direction first, ties share a rank, n/a comes last', () => {
    const higher = peerStats(entries(3, 5, null, 5, 1), {better: 'higher'})
    expect(higher.members.map((member) => [member.key, member.rank])).toEqual([
      ['k1', 1],
      ['k3', 1],
      ['k0', 3],
      ['k4', 4],
      ['k2', null],
    ])
    expect(higher.excluded).toEqual(['k2'])
    expect(higher.n).toBe(4)
    const lower = peerStats(entries(3, 5, null, 5, 1), {better: 'lower'})
    expect(lower.members.map((member) => [member.key, member.rank])).toEqual([
      ['k4', 1],
      ['k0', 2],
      ['k1', 3],
      ['k3', 3],
      ['k2', null],
    ])
  })

  it('has no statistics without values', () => {
    const stats = peerStats(entries(null, null), {better: 'higher'})
    expect(stats.n).toBe(0)
    expect(stats.median).toBeNull()
    expect(stats.members.map((member) => member.key)).toEqual(['k0', 'k1'])
  })
})

describe('at the peer median', () => {
  it('gives each member the money and hours it would add at the median ratios', () => {
    // ratios in millionths: median savings ratio 0.250000 (250000), hours ratio 0.100000
    const {rows, moneyGap, hoursGap} = atPeerMedian(
      [
        {baseline: 1_000_000, savings: 100_000, savingsRatio: 100_000, centiHoursBefore: 100_000, centiHoursSaved: 5_000, hoursRatio: 50_000},
        {baseline: 2_000_000, savings: 800_000, savingsRatio: 400_000, centiHoursBefore: 10_000, centiHoursSaved: 2_000, hoursRatio: 200_000},
        {baseline: 333, savings: 0, savingsRatio: 0, centiHoursBefore: 0, centiHoursSaved: 0, hoursRatio: Number.NaN},
      ],
      250_000,
      100_000,
      6,
    )
    // 0.25 × 1,000,000 = 250,000 → gap 150,000; hours 0.1 × 1,000.00 h = 100.00 h → gap 50.00 h (in hundredths)
    expect(rows[0]).toMatchObject({savingsAtMedian: 250_000, moneyGap: 150_000, hoursAtMedian: 10_000, hoursGap: 5_000, reached: false})
    expect(rows[1]).toMatchObject({savingsAtMedian: 500_000, moneyGap: 0, hoursGap: 0, reached: true})
    // 0.25 × 333 = 83.25 → 83 (half away from zero at the minor unit)
    expect(rows[2].savingsAtMedian).toBe(83)
    expect(rows[2].hoursGap).toBeNaN()
    expect(moneyGap).toBe(150_000 + 83)
    expect(hoursGap).toBe(5_000)
  })

  it('rounds half away from zero when the median has a half', () => {
    // median 0.0000005 (0.5 millionths): 0.0000005 × 3,000,000 = 1.5 → 2
    const {rows} = atPeerMedian(
      [{baseline: 3_000_000, savings: 0, savingsRatio: 0, centiHoursBefore: 0, centiHoursSaved: 0, hoursRatio: Number.NaN}],
      0.5,
      Number.NaN,
      6,
    )
    expect(rows[0].savingsAtMedian).toBe(2)
  })
})

/* ---------- the numeric core against a naive, definition-by-definition implementation ---------- */

function naive(values: Array<number | null>, better: 'higher' | 'lower', threshold = new Dec('3.5')) {
  const present = values.map((value, index) => ({index, value})).filter((entry): entry is {index: number; value: number} => entry.value !== null)
  const xs = present.map((entry) => new Dec(entry.value)).sort((a, b) => a.comparedTo(b))
  const n = xs.length
  if (n === 0) return {median: new Dec(0), q1: new Dec(0), q3: new Dec(0), members: []}
  const q = (p: string) => {
    const h = new Dec(n - 1).times(p)
    const j = h.floor().toNumber()
    const g = h.minus(j)
    return j + 1 >= n ? xs[j] : xs[j].plus(g.times(xs[j + 1].minus(xs[j])))
  }
  const med = q('0.5')
  const devs = xs.map((x) => x.minus(med).abs()).sort((a, b) => a.comparedTo(b))
  const hm = new Dec(n - 1).times('0.5')
  const jm = hm.floor().toNumber()
  const madValue = jm + 1 >= n ? devs[jm] : devs[jm].plus(hm.minus(jm).times(devs[jm + 1].minus(devs[jm])))
  let scale: Dec | null = madValue.isZero() ? null : madValue.times('1.4826')
  if (scale === null) {
    const total = devs.reduce((sum, dev) => sum.plus(dev), new Dec(0))
    scale = total.isZero() ? null : total.dividedBy(n).times('1.253314')
  }
  return {
    median: med,
    q1: q('0.25'),
    q3: q('0.75'),
    members: present.map(({index, value}) => {
      const x = new Dec(value)
      const below = xs.filter((other) => other.lessThan(x)).length
      const equal = xs.filter((other) => other.equals(x)).length
      const above = n - below - equal
      return {
        index,
        percentile: new Dec(below).plus(new Dec(equal).dividedBy(2)).times(100).dividedBy(n).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(),
        rank: better === 'lower' ? below + 1 : above + 1,
        z: scale === null ? null : x.minus(med).dividedBy(scale).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toFixed(),
        outlier: scale !== null && x.minus(med).abs().greaterThan(threshold.times(scale)),
      }
    }),
  }
}

describe('the numeric core agrees with the definitions', () => {
  const value = fc.oneof(fc.integer({min: -50, max: 50}), fc.integer({min: -(2 ** 40), max: 2 ** 40}), fc.constant(7))
  it('on random sets with ties, negatives, large values and n/a', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(value, {freq: 6}), {minLength: 1, maxLength: 60}),
        fc.constantFrom<'higher' | 'lower'>('higher', 'lower'),
        (values, better) => {
          const expected = naive(values, better)
          const core = peerStatsScaled(
            Float64Array.from(values, (entry) => (entry === null ? Number.NaN : entry)),
            {better},
          )
          if (expected.members.length === 0) {
            expect(core.n).toBe(0)
            return
          }
          expect(new Dec(core.median).equals(expected.median)).toBe(true)
          expect(new Dec(core.q1).equals(expected.q1)).toBe(true)
          expect(new Dec(core.q3).equals(expected.q3)).toBe(true)
          for (const member of expected.members) {
            expect(new Dec(core.percentile[member.index]).dividedBy(100).toFixed()).toBe(member.percentile)
            expect(core.rank[member.index]).toBe(member.rank)
            expect(zText(core, member.index) === null ? null : new Dec(zText(core, member.index)!).toFixed()).toBe(member.z)
            expect(core.outlier[member.index] === 1).toBe(member.outlier)
          }
          // League order: non-decreasing rank, then the n/a members.
          const ranks = Array.from(core.order, (index) => core.rank[index]).filter((rank) => rank > 0)
          expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
        },
      ),
      {numRuns: 1000},
    )
  })

  it('ranks 100 000 members, each once (its speed is in npm run perf:bench)', () => {
    const values = Float64Array.from({length: 100_000}, (_, index) => (index * 7919) % 1_000_003)
    const core = peerStatsScaled(values, {better: 'higher'})
    expect(core.n).toBe(100_000)
    expect(new Set(core.order).size).toBe(100_000)
  })
})
