import {minorDigits} from '../domain/currency.js'
import {CATEGORY_LABELS, type Category, type Ministry} from '../domain/inventory.js'
import {Dec, canonical} from '../domain/money.js'
import type {Scenario} from '../estimate/model.js'
import {money} from '../estimate/results.js'
import type {ActualsResult} from './actuals.js'
import type {BenchCore} from './compute.js'
import {formatScaled, kpiDefinition, kpiUnit, type BenchDimension, type KpiId, type LocalText} from './kpis.js'
import {DEFAULT_OUTLIER_THRESHOLD, QUANTILE_METHOD, unscale, zText, type SpreadBasis} from './peers.js'
import type {ReferenceComparison} from './reference.js'
import type {DcoiFacilities} from './dcoi.js'

/**
 * The JSON contract of `kasumi bench`: its types, and the benchmark's numbers
 * (compute.ts) as decimal strings with units, per group and per KPI.
 */

/** The version of `kasumi bench --json`; bumped on any breaking change. */
export const BENCH_FORMAT_VERSION = 1

export interface KpiEntry {
  value: string | null
  unit: string
  peerMedian: string | null
  percentile: string | null
  z: string | null
  outlier: boolean
  rank: number | null
  /** Why the value is n/a. */
  reason?: string
  /** Register fields that would be needed. */
  missing?: string[]
}

export interface BenchGroup {
  key: string
  /** Names in the three languages (ministries, categories); the key otherwise. */
  names: LocalText
  registered: number
  systems: number
  kpis: Record<string, KpiEntry>
}

export interface PeerSummary {
  n: number
  excluded: string[]
  median: string | null
  q1: string | null
  q3: string | null
  iqr: string | null
  min: string | null
  max: string | null
  mad: string | null
  scale: string | null
  scaleBasis: SpreadBasis
  threshold: string
  outliers: string[]
  /** Group keys in league order (best first; n/a last). */
  league: string[]
}

export interface MedianGapRow {
  key: string
  savingsRatio: string | null
  savingsAtMedian: string | null
  moneyGap: string | null
  hoursRatio: string | null
  hoursAtMedian: string | null
  hoursGap: string | null
  reached: boolean
}

export interface BenchResult {
  formatVersion: number
  by: BenchDimension
  scenario: {name: string; title?: string; file?: string; baseYear: number; horizon: [number, number]; runRateYear: number; currency: string}
  currency: string
  definitions: Array<{id: KpiId; label: LocalText; unit: string; decimals: number; better: string; needs: string; source: string; definition: string}>
  kpis: KpiId[]
  groups: BenchGroup[]
  peers: Record<string, PeerSummary>
  atPeerMedian: {
    savingsRatioMedian: string | null
    hoursRatioMedian: string | null
    rows: MedianGapRow[]
    moneyGap: string
    hoursGap: string
    units: {money: string; hours: string}
  }
  method: {quantile: string; percentile: string; outliers: string; rounding: string}
  reference?: ReferenceComparison
  actuals?: ActualsResult
  /** The DCOI metrics of the register's facilities (when it has any with figures), per agency and in total, and the closures. */
  facilities?: DcoiFacilities
  /** Service KPIs of the citizens' side (per life event and for all procedures, before and after), when the scenario has service measures. */
  services?: {definitions: typeof import('./service-kpis.js').SERVICE_KPI_DEFINITIONS; rows: import('./service-kpis.js').ServiceKpiRow[]}
  notes: string[]
  warnings: string[]
}

const text = (value: Dec | null) => (value === null ? null : canonical(value))

/** The benchmark as the JSON contract gives it: decimal strings, units, per-group entries. */
export function presentBench(core: BenchCore, names?: (key: string) => LocalText): Pick<BenchResult, 'groups' | 'peers' | 'atPeerMedian'> {
  const {currency, kpis: ids, keys} = core
  const statistic = (value: number, decimals: number) => text(unscale(value, decimals))
  const perKpi = ids.map((id) => {
    const column = core.columns.get(id)!
    const peer = core.stats.get(id)!
    return {id, column, peer, unit: kpiUnit(id, currency), median: statistic(peer.median, column.decimals)}
  })
  const groups: BenchGroup[] = keys.map((key, index) => {
    const group = core.groups[index]
    const kpis: Record<string, KpiEntry> = {}
    for (const {id, column, peer, unit, median} of perKpi) {
      const value = column.values[index]
      const present = !Number.isNaN(value)
      const na = column.na[index]
      const entry: KpiEntry = {
        value: present ? formatScaled(value, column.decimals) : null,
        unit,
        peerMedian: median,
        percentile: present ? formatScaled(peer.percentile[index], 2) : null,
        z: present ? zText(peer, index) : null,
        outlier: peer.outlier[index] === 1,
        rank: present ? peer.rank[index] : null,
      }
      if (na) {
        entry.reason = na.reason
        if (na.missing) entry.missing = na.missing
      }
      kpis[id] = entry
    }
    return {key, names: names?.(key) ?? {en: key, ja: key, 'zh-TW': key}, registered: group.registered, systems: group.systems, kpis}
  })

  const peers: Record<string, PeerSummary> = {}
  for (const id of ids) {
    const peer = core.stats.get(id)!
    const decimals = core.columns.get(id)!.decimals
    const outliers: string[] = []
    for (const index of peer.order) if (peer.outlier[index] === 1) outliers.push(keys[index])
    peers[id] = {
      n: peer.n,
      excluded: peer.excluded.map((index) => keys[index]),
      median: statistic(peer.median, decimals),
      q1: statistic(peer.q1, decimals),
      q3: statistic(peer.q3, decimals),
      iqr: peer.n === 0 ? null : statistic(peer.q3 - peer.q1, decimals),
      min: statistic(peer.min, decimals),
      max: statistic(peer.max, decimals),
      mad: statistic(peer.mad, decimals),
      scale: peer.scale === null ? null : canonical(peer.scale.dividedBy(new Dec(10).pow(decimals))),
      scaleBasis: peer.scaleBasis,
      threshold: canonical(peer.threshold),
      outliers,
      league: Array.from(peer.order, (index) => keys[index]),
    }
  }

  const digits = minorDigits(currency)
  const ratioDecimals = kpiDefinition('savings-ratio').decimals
  const moneyText = (minor: number) => (Number.isNaN(minor) ? null : money(minor, currency))
  const hoursText = (centi: number) => (Number.isNaN(centi) ? null : formatScaled(centi, 2))
  const savingsRatio = core.columns.get('savings-ratio')!.values
  const hoursRatio = core.columns.get('hours-ratio')!.values
  const rows: MedianGapRow[] = core.gaps.rows.map((row, index) => ({
    key: keys[index],
    savingsRatio: Number.isNaN(savingsRatio[index]) ? null : formatScaled(savingsRatio[index], ratioDecimals),
    savingsAtMedian: moneyText(row.savingsAtMedian),
    moneyGap: moneyText(row.moneyGap),
    hoursRatio: Number.isNaN(hoursRatio[index]) ? null : formatScaled(hoursRatio[index], ratioDecimals),
    hoursAtMedian: hoursText(row.hoursAtMedian),
    hoursGap: hoursText(row.hoursGap),
    reached: row.reached,
  }))
  return {
    groups,
    peers,
    atPeerMedian: {
      savingsRatioMedian: statistic(core.stats.get('savings-ratio')!.median, ratioDecimals),
      hoursRatioMedian: statistic(core.stats.get('hours-ratio')!.median, ratioDecimals),
      rows,
      moneyGap: new Dec(money(core.gaps.moneyGap, currency)).toFixed(digits),
      hoursGap: formatScaled(core.gaps.hoursGap, 2),
      units: {money: `${currency} per year`, hours: 'hours per year'},
    },
  }
}

export function namesFor(by: BenchDimension, ministries: readonly Ministry[]): (key: string) => LocalText {
  const byCode = new Map(ministries.map((ministry) => [ministry.code, ministry]))
  return (key) => {
    if (by === 'ministry') {
      const ministry = byCode.get(key)
      if (ministry) return {en: ministry.nameEn ?? ministry.code, ja: ministry.nameJa ?? ministry.nameZh, 'zh-TW': ministry.nameZh}
    }
    if (by === 'category' && key in CATEGORY_LABELS) return CATEGORY_LABELS[key as Category]
    if (by === 'area' && key === '') return {en: '(no business area)', ja: '（業務分野なし）', 'zh-TW': '（無業務領域）'}
    return {en: key, ja: key, 'zh-TW': key}
  }
}

export const METHOD = {
  quantile: `${QUANTILE_METHOD}: h = (n − 1)p, Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]); median = Q(0.5), IQR = Q(0.75) − Q(0.25)`,
  percentile:
    'mid-rank percentile rank: 100 × (peers below + ½ × peers equal, itself included) ÷ peers with a value; ascending whatever direction is better; rounded half-up to 2 decimals',
  outliers: `robust z = (x − median) ÷ (1.4826 × MAD), MAD = median |x − median|; outlier when |z| > threshold (default ${DEFAULT_OUTLIER_THRESHOLD.toFixed()}); when MAD = 0 the divisor is 1.253314 × mean absolute deviation; z rounded half-up to 4 decimals, the test is exact`,
  services:
    "service KPIs (kasumi bench with a scenario that has service measures): online availability after the EU eGovernment Benchmark's life-event method (share of procedures fully online); digital take-up and cost per transaction after the UK Government Digital Service's four performance indicators (user satisfaction and completion rate are n/a: the register holds no survey or analytics data); citizen hours per case after the Standard Cost Model; per life event and for all procedures, before and after, each an exact quotient rounded once half-up",
  rounding:
    'KPIs are exact quotients of exact sums (integers of the minor currency unit, hundredths of an hour, counts), rounded once half-up (away from zero) to the decimals of each KPI; peer statistics are exact on those values; tables round again, half-up, for display only',
} as const

export function benchNotes(scenario: Scenario, facilityPeriod?: string): string[] {
  return [
    `Savings KPIs come from scenario ${scenario.name} (base year FY${scenario.baseYear}, run-rate year FY${scenario.horizon[1]}, ${scenario.currency}).`,
    'Per-unit KPIs count the systems in the baseline: those with a recurring cost in the base year.',
    facilityPeriod === undefined
      ? 'Systems record physical_servers, virtual_hosts, os_instances, utilisation_pct, users and annual_hours; energy metering, electricity use and downtime are figures of facilities, and the register has none with figures, so energy-metering coverage, PUE and availability are n/a.'
      : `Energy-metering coverage, PUE and availability come from the facilities of each ministry (facility agency = ministry code), reporting period ${facilityPeriod}; the DCOI metrics of every agency's facilities follow the league tables.`,
    'At the peer median: savings if the group reached the median savings ratio of the peer group (median × baseline), and hours if it reached the median share of processing hours saved; groups at or above the median have no gap.',
  ]
}
