import {describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {
  KPI_DEFINITIONS,
  KPI_IDS,
  aggregate,
  computeKpis,
  formatScaled,
  kpiColumns,
  kpiScaled,
  paybackYears,
  scaledQuotient,
  type KpiId,
} from '../../src/bench/kpis.js'
import {computeBench} from '../../src/bench/compute.js'
import {presentBench} from '../../src/bench/result.js'
import {ledgerOf, systems} from '../fixtures/bench/helpers.js'

/**
 * A tiny register, worked by hand.
 *
 * mic: A (4 servers, 10 OS, 5 %, 100 users, 1,000 h, 1,500,000 yen recurring),
 *      B (6 servers, 6 OS, 50 %, 300 users, 3,000 h, 2,500,000 yen),
 *      C (2 servers, no recurring cost: not in the baseline);
 * mof: D (no servers, no users, no hours, 800,000 yen).
 * Ledger, FY2009–FY2011: mic savings 0 / 300,000 / 1,500,000, avoidance 0 / 50,000 / 0,
 * one-time 1,200,000 / 600,000 / 0, hours saved 0 / 200 / 400, hours before 4,000 a year; mof nothing.
 */
const register = systems(
  {
    id: 'A',
    ministry: 'mic',
    category: 'common',
    area: 'x',
    servers: 4,
    os: 10,
    utilisation: '5',
    users: 100,
    hours: 1000,
    recurring: {hardware: 1_000_000, software: 500_000},
  },
  {
    id: 'B',
    ministry: 'mic',
    category: 'lan',
    area: 'y',
    servers: 6,
    os: 6,
    utilisation: '50',
    users: 300,
    hours: 3000,
    recurring: {'outside-services': 2_500_000},
  },
  {id: 'C', ministry: 'mic', category: 'lan', area: 'y', servers: 2, os: 2, utilisation: '1', users: 999},
  {id: 'D', ministry: 'mof', category: 'small-scale', area: 'y', recurring: {software: 800_000}},
)
const ledger = ledgerOf([2009, 2010, 2011], {
  ministry: {
    mic: {
      savings: [0, 300_000, 1_500_000],
      avoidance: [0, 50_000, 0],
      oneTime: [1_200_000, 600_000, 0],
      centiHoursSaved: [0, 20_000, 40_000],
      centiHoursBefore: [400_000, 400_000, 400_000],
    },
    mof: {},
  },
})
const context = {currency: 'JPY', hoursPerFte: new Dec(150), hasEstimate: true}
const groups = aggregate(register, ledger, 'ministry')
const text = (values: ReturnType<typeof computeKpis>) =>
  Object.fromEntries(
    Object.entries(values).map(([id, value]) => [
      id,
      value.value === null ? `n/a: ${value.reason}` : value.value.toFixed(KPI_DEFINITIONS.find((kpi) => kpi.id === id)!.decimals),
    ]),
  )

describe('KPIs, hand-computed on a tiny register', () => {
  it('sums the register over the systems in the baseline only', () => {
    const mic = groups.get('mic')!
    expect(mic).toMatchObject({
      registered: 3,
      systems: 2,
      users: 400,
      physicalServers: 10,
      osInstances: 16,
      serversWithUtilisation: 10,
      underutilisedServers: 4,
      baseline: 4_000_000,
    })
    expect(mic.estimate).toMatchObject({
      savings: 1_500_000,
      oneTime: 1_800_000,
      centiHoursSaved: 40_000,
      centiHoursBefore: 400_000,
      nets: [-1_200_000, -250_000, 1_500_000],
    })
  })

  it('gives every KPI of mic', () => {
    expect(text(computeKpis(groups.get('mic')!, context))).toEqual({
      baseline: '4000000.00', // 1,500,000 + 2,500,000 (C has no recurring cost)
      savings: '1500000.00', // the last horizon year
      'savings-ratio': '0.375000', // 1,500,000 ÷ 4,000,000
      'cost-per-system': '2000000.00', // 4,000,000 ÷ 2
      'cost-per-user': '10000.00', // 4,000,000 ÷ 400
      'hours-per-system': '200.00', // 400 h ÷ 2
      'hours-per-user': '1.0000', // 400 h ÷ 400
      'hours-ratio': '0.100000', // 400 h ÷ 4,000 h
      fte: '2.7', // 400 h ÷ 150 h = 2.666… → 2.7 (half-up)
      'onetime-per-saving': '1.2000', // 1,800,000 ÷ 1,500,000
      payback: '3', // cumulative −1,200,000, −1,450,000, +50,000: pays back in the third year
      virtualisation: '1.6000', // (10 + 6) OS ÷ (4 + 6) servers
      utilisation: '32.00', // (5 % × 4 + 50 % × 6) ÷ 10
      'underutilised-servers': '4', // A is below 10 %
      'underutilised-share': '0.400000', // 4 ÷ 10
      'energy-metering':
        'n/a: no facility of the register has figures for this group (facilities count by agency = ministry code, with --by ministry)',
      pue: 'n/a: no facility of the register has figures for this group (facilities count by agency = ministry code, with --by ministry)',
      availability: 'n/a: no facility of the register has figures for this group (facilities count by agency = ministry code, with --by ministry)',
    })
  })

  it('says why a KPI is n/a and which register field is missing', () => {
    const mof = computeKpis(groups.get('mof')!, context)
    expect(text(mof)).toMatchObject({
      baseline: '800000.00',
      savings: '0.00',
      'savings-ratio': '0.000000',
      'cost-per-system': '800000.00',
      'cost-per-user': 'n/a: no system records users',
      'hours-per-system': 'n/a: no system records annual processing hours',
      'hours-per-user': 'n/a: no system records annual processing hours',
      'hours-ratio': 'n/a: no system records annual processing hours',
      fte: 'n/a: no system records annual processing hours',
      'onetime-per-saving': 'n/a: no saving at full run-rate',
      payback: 'n/a: does not pay back within the horizon',
      virtualisation: 'n/a: no system records OS instances',
      utilisation: 'n/a: no system records both utilisation and physical servers',
    })
    expect(mof['cost-per-user'].missing).toEqual(['users'])
    expect(mof.virtualisation.missing).toEqual(['os_instances'])
    expect(mof.fte.missing).toEqual(['annual_hours'])
    expect(mof.pue.missing).toEqual(['facility avg_electricity_kwh', 'facility avg_it_electricity_kwh'])
    expect(mof.availability.missing).toEqual(['facility downtime_hours', 'facility planned_hours'])
  })

  it('an empty register field is not a zero: systems without it leave the KPIs that need it', () => {
    const partial = systems(
      {id: 'A', ministry: 'mic', servers: 4, os: 10, users: 100, hours: 1000, recurring: {hardware: 1_000_000}},
      {id: 'B', ministry: 'mic', servers: 6, recurring: {hardware: 3_000_000}},
      {id: 'C', ministry: 'mof', servers: 5, recurring: {hardware: 500_000}},
      {id: 'D', ministry: 'mod', servers: 5, os: 0, users: 0, hours: 0, recurring: {hardware: 500_000}},
    )
    const plain = aggregate(partial, undefined, 'ministry')
    const register = {currency: 'JPY', hoursPerFte: null, hasEstimate: true}
    const mic = computeKpis(plain.get('mic')!, register, ['virtualisation', 'cost-per-user'])
    // B records no OS instances and no users: A alone, 10 OS ÷ 4 servers, 1,000,000 ÷ 100 users
    expect(mic.virtualisation.value!.toFixed(4)).toBe('2.5000')
    expect(mic['cost-per-user'].value!.toFixed(2)).toBe('10000.00')
    const mof = computeKpis(plain.get('mof')!, register, ['virtualisation', 'cost-per-user'])
    expect(mof.virtualisation).toEqual({value: null, reason: 'no system records OS instances', missing: ['os_instances']})
    expect(mof['cost-per-user']).toEqual({value: null, reason: 'no system records users', missing: ['users']})
    // Recorded zeros are values (or a division by zero), not missing fields.
    const mod = computeKpis(plain.get('mod')!, register, ['virtualisation', 'cost-per-user'])
    expect(mod.virtualisation.value!.toFixed(4)).toBe('0.0000')
    expect(mod['cost-per-user'].missing).toBeUndefined()
  })

  it('without an estimate keeps the register KPIs and marks the others n/a', () => {
    const plain = aggregate(register, undefined, 'ministry')
    const values = computeKpis(plain.get('mic')!, {currency: 'JPY', hoursPerFte: null, hasEstimate: false})
    expect(values.savings).toEqual({value: null, reason: 'needs an estimate (--scenario)'})
    expect(values.virtualisation.value!.toFixed()).toBe('1.6')
  })

  it('counts money in the currency unit (USD cents → dollars) and scales the baseline to the run-rate year', () => {
    const inflated = aggregate(register, ledger, 'ministry', {runRateFactor: {num: 11, den: 10}})
    // 1,500,000 × 1.1 + 2,500,000 × 1.1, per system
    expect(inflated.get('mic')!.baseline).toBe(4_400_000)
    const usd = computeKpis(groups.get('mic')!, {currency: 'USD', hoursPerFte: new Dec(150), hasEstimate: true}, ['baseline', 'cost-per-user'])
    expect(usd.baseline.value!.toFixed(2)).toBe('40000.00')
    expect(usd['cost-per-user'].value!.toFixed(2)).toBe('100.00')
  })

  it('groups by category, area and system the same way', () => {
    const byCategory = aggregate(register, undefined, 'category')
    expect([...byCategory.keys()].sort()).toEqual(['common', 'lan', 'small-scale'])
    expect(byCategory.get('lan')).toMatchObject({registered: 2, systems: 1, physicalServers: 6})
    const bySystem = aggregate(register, undefined, 'system')
    expect(bySystem.get('C')!.systems).toBe(0)
    expect(kpiScaled('virtualisation', bySystem.get('A')!, {currency: 'JPY', hoursPerFte: null, hasEstimate: false})).toBe(25_000)
  })
})

describe('exact division and rounding', () => {
  it("rounds half away from zero, once, at the KPI's decimals", () => {
    expect(scaledQuotient(1, 3, 6)).toBe(333_333)
    expect(scaledQuotient(2, 3, 6)).toBe(666_667)
    expect(scaledQuotient(1, 8, 2)).toBe(13) // 0.125 → 0.13
    expect(scaledQuotient(-1, 8, 2)).toBe(-13)
    expect(scaledQuotient(5, 2, 0)).toBe(3)
  })

  it('stays exact where the product leaves the safe-integer range', () => {
    // (2^50 + 1) × 100 is beyond 2^53; the quotient ÷ 999 is not: the BigInt path, compared through decimal.js
    expect(scaledQuotient(2 ** 50 + 1, 999, 2)).toBe(new Dec(2 ** 50 + 1).times(100).dividedBy(999).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber())
    // A quotient beyond 2^53 is refused, never rounded silently.
    expect(() => scaledQuotient(2 ** 52 + 1, 3, 6)).toThrow(/too large/)
  })

  it('writes scaled integers as exact decimal strings', () => {
    expect(formatScaled(12_345, 2)).toBe('123.45')
    expect(formatScaled(5, 6)).toBe('0.000005')
    expect(formatScaled(-5, 2)).toBe('-0.05')
    expect(formatScaled(42, 0)).toBe('42')
  })

  it('counts payback years from the first year with a net', () => {
    expect(paybackYears([0, -100, 50, 60])).toBe(3)
    expect(paybackYears([0, 10, -20, 30])).toBe(3) // dips below 0 in the second year of change
    expect(paybackYears([5, 5])).toBe(1)
    expect(paybackYears([0, 0])).toBeNull()
    expect(paybackYears([-1, 0])).toBeNull()
  })
})

describe('the benchmark over the groups', () => {
  it('puts every KPI of every group with its peer median and percentile in the JSON view', () => {
    const core = computeBench(register, ledger, {by: 'ministry', currency: 'JPY', hoursPerFte: new Dec(150), order: ['mic', 'mof']})
    const view = presentBench(core)
    expect(view.groups.map((group) => group.key)).toEqual(['mic', 'mof'])
    const mic = view.groups[0].kpis['savings-ratio']
    // two peers: median (0.375 + 0) ÷ 2; mic: 1 below, 1 equal → (1 + ½) ÷ 2 = 75 %
    expect(mic).toEqual({value: '0.375000', unit: 'ratio', peerMedian: '0.1875', percentile: '75.00', z: '0.6745', outlier: false, rank: 1})
    expect(view.groups[1].kpis['cost-per-user']).toMatchObject({
      value: null,
      reason: 'no system records users',
      missing: ['users'],
      percentile: null,
      rank: null,
    })
    expect(Object.keys(view.groups[0].kpis)).toEqual([...KPI_IDS])
    expect(view.peers['savings-ratio']).toMatchObject({n: 2, median: '0.1875', q1: '0.09375', q3: '0.28125', iqr: '0.1875', league: ['mic', 'mof']})
    expect(view.peers.pue).toMatchObject({n: 0, median: null, excluded: ['mic', 'mof']})
    // mof at the median: 0.1875 × 800,000 = 150,000 more a year
    expect(view.atPeerMedian.rows[1]).toMatchObject({key: 'mof', savingsAtMedian: '150000', moneyGap: '150000', reached: false})
    expect(view.atPeerMedian.rows[0]).toMatchObject({key: 'mic', moneyGap: '0', reached: true})
    expect(view.atPeerMedian.moneyGap).toBe('150000')
  })

  it('computes only the KPIs asked for (and the two ratios the gaps need)', () => {
    const ids: KpiId[] = ['virtualisation']
    const columns = kpiColumns([...groups.values()], context, ids)
    expect([...columns.keys()]).toEqual(['virtualisation'])
    const core = computeBench(register, ledger, {by: 'ministry', currency: 'JPY', hoursPerFte: new Dec(150), kpis: ids})
    expect(Object.keys(presentBench(core).peers)).toEqual(['virtualisation'])
  })
})
