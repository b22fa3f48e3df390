import type {InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import {minorDigits} from '../domain/currency.js'
import {CATEGORY_LABELS, type Category, type Ministry} from '../domain/inventory.js'
import {Dec, canonical} from '../domain/money.js'
import {M, cell, valueOf, type Ledger} from '../estimate/engine.js'
import {ONE, ratio, type Ratio} from '../estimate/exact.js'
import type {Scenario, SystemInput} from '../estimate/model.js'
import {money} from '../estimate/results.js'
import {estimateLoaded, type EstimateRun} from '../estimate/run.js'
import {loadNamedScenario} from '../estimate/scenario.js'
import type {EncodingOption} from '../ingest/csv.js'
import {DEFAULT_AREA_MAP, loadAreaMap} from '../reference/area-map.js'
import {readRates} from '../ingest/rates.js'
import type {Store} from '../store/open.js'
import {listMinistries} from '../store/register.js'
import {loadActuals, type ActualsLevel, type ActualsResult, type EstimatePlan} from './actuals.js'
import {KPI_DEFINITIONS, KPI_IDS, aggregate, formatScaled, kpiColumns, kpiDefinition, kpiUnit, type BenchDimension, type GroupTotals, type KpiColumn, type KpiId, type LocalText} from './kpis.js'
import {DEFAULT_OUTLIER_THRESHOLD, QUANTILE_METHOD, atPeerMedian, peerStatsScaled, unscale, zText, type ScaledPeerStats, type SpreadBasis} from './peers.js'
import {compareWithReference, type ReferenceComparison} from './reference.js'

/** The version of `kasumi bench --json`; bumped on any breaking change. */
export const BENCH_FORMAT_VERSION = 1
/** Savings KPIs need an estimate; without --scenario kasumi runs this bundled scenario. */
export const DEFAULT_BENCH_SCENARIO = 'kasumigaseki-cloud'

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
  notes: string[]
  warnings: string[]
}

/** (1 + inflation)^(run-rate year − base year), exact to 12 decimals, as the engine inflates. */
export function runRateFactor(scenario: Scenario): Ratio {
  const rate = new Dec(valueOf(scenario.inflation, new Map()))
  if (rate.isZero()) return ONE
  return ratio(rate.plus(1).pow(scenario.horizon[1] - scenario.baseYear).toDecimalPlaces(12, Dec.ROUND_HALF_UP).toFixed())
}

export interface ComputeOptions {
  by: BenchDimension
  currency: string
  hoursPerFte: Dec | null
  runRateFactor?: Ratio
  kpis?: readonly KpiId[]
  outlierThreshold?: Dec
  /** Display order of keys (ministries); others follow sorted. */
  order?: readonly string[]
}

/** The numeric result of a benchmark: exact scaled integers, before any text is made. */
export interface BenchCore {
  by: BenchDimension
  currency: string
  kpis: readonly KpiId[]
  keys: string[]
  groups: GroupTotals[]
  columns: Map<KpiId, KpiColumn>
  stats: Map<KpiId, ScaledPeerStats>
  gaps: ReturnType<typeof atPeerMedian>
}

/**
 * The pure, numeric part of a benchmark: group sums, every KPI of every
 * group, peer statistics per KPI across the groups, and the gaps to the peer
 * median. No input, output or text; this is what the 100 000-system
 * benchmark times.
 */
export function computeBench(systems: readonly SystemInput[], ledger: Ledger | undefined, options: ComputeOptions): BenchCore {
  const ids = options.kpis ?? KPI_IDS
  const totals = aggregate(systems, ledger, options.by, {runRateFactor: options.runRateFactor})
  const order = new Map((options.order ?? []).map((key, index) => [key, index]))
  const keys = [...totals.keys()]
  if (options.by !== 'system') keys.sort((a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b, 'ja'))
  const groups = keys.map((key) => totals.get(key)!)
  const context = {currency: options.currency, hoursPerFte: options.hoursPerFte, hasEstimate: ledger !== undefined}
  // Savings ratio and hours ratio are always computed: the gaps to the peer median need them.
  const needed = [...new Set<KpiId>([...ids, 'savings-ratio', 'hours-ratio'])]
  const columns = kpiColumns(groups, context, needed)
  const stats = new Map<KpiId, ScaledPeerStats>()
  for (const id of needed) stats.set(id, peerStatsScaled(columns.get(id)!.values, {better: kpiDefinition(id).better, threshold: options.outlierThreshold}))
  const savingsRatio = columns.get('savings-ratio')!.values
  const hoursRatio = columns.get('hours-ratio')!.values
  const gaps = atPeerMedian(
    groups.map((group, index) => ({
      baseline: group.baseline,
      savings: group.estimate?.savings ?? 0,
      savingsRatio: savingsRatio[index],
      centiHoursBefore: group.estimate?.centiHoursBefore ?? 0,
      centiHoursSaved: group.estimate?.centiHoursSaved ?? 0,
      hoursRatio: hoursRatio[index],
    })),
    stats.get('savings-ratio')!.median,
    stats.get('hours-ratio')!.median,
    kpiDefinition('savings-ratio').decimals,
  )
  return {by: options.by, currency: options.currency, kpis: ids, keys, groups, columns, stats, gaps}
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

export interface BenchOptions {
  scenario?: string
  /** An estimate already run (by ministry) on this store, used instead of running the scenario again. */
  run?: EstimateRun
  by: BenchDimension
  kpis?: KpiId[]
  outlierThreshold?: Dec
  reference?: string
  referenceDir?: string
  areaMap?: string
  actuals?: {
    file: string
    encoding: EncodingOption
    calendar: Calendar
    allowUnknownColumns?: boolean
    maxIssues?: number
    threshold?: Dec
    rates?: string
  }
}

function namesFor(by: BenchDimension, ministries: readonly Ministry[]): (key: string) => LocalText {
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

/** The estimate's savings and hours by ministry, area, or both, and fiscal year: the plan that actuals are compared with. */
export function estimatePlan(scenario: Scenario, ledger: Ledger): EstimatePlan {
  const years = ledger.years
  const valueAt = (level: ActualsLevel, ministry: string | null, area: string | null, year: number, metric: number): number | undefined => {
    const rollup = level === 'ministry' ? ledger.rollups.ministry : level === 'area' ? ledger.rollups.area : ledger.rollups.areaMinistry
    const key = level === 'ministry' ? ministry : level === 'area' ? area : `${area}\u0000${ministry}`
    const y = years.indexOf(year)
    const cells = key === null ? undefined : rollup.get(key)
    if (!cells || y < 0) return undefined
    return cell(cells, y, metric)
  }
  return {
    scenario: scenario.name,
    currency: ledger.currency,
    years,
    planned(level, ministry, area, year) {
      const value = valueAt(level, ministry, area, year, M.savings)
      return value === undefined ? undefined : new Dec(money(value, ledger.currency))
    },
    plannedHours(level, ministry, area, year) {
      const value = valueAt(level, ministry, area, year, M.centiHoursSaved)
      return value === undefined ? undefined : new Dec(value).dividedBy(100)
    },
  }
}

/** Runs the scenario on the register and benchmarks the groups; adds the reference comparison and the actuals when asked. */
export async function runBench(store: Store, options: BenchOptions): Promise<{result: BenchResult; warnings: InputIssue[]}> {
  let run = options.run
  let warnings: InputIssue[] = []
  if (!run) {
    const loaded = await loadNamedScenario(options.scenario ?? DEFAULT_BENCH_SCENARIO)
    warnings = loaded.warnings
    run = await estimateLoaded(store, loaded.scenario, warnings, {by: options.by === 'system' ? 'system' : 'ministry'})
  }
  const scenario = run.scenario
  const ministries = await listMinistries(store)
  const kpis = options.kpis ?? [...KPI_IDS]
  const names = namesFor(options.by, ministries)
  const core = computeBench(run.systems, run.ledger, {
    by: options.by,
    currency: scenario.currency,
    hoursPerFte: new Dec(valueOf(scenario.hoursPerFte, new Map())),
    runRateFactor: runRateFactor(scenario),
    kpis,
    outlierThreshold: options.outlierThreshold,
    order: options.by === 'ministry' ? ministries.map((ministry) => ministry.code) : undefined,
  })
  const presented = presentBench(core, names)

  let reference: ReferenceComparison | undefined
  if (options.reference) {
    const {loadReferenceTable} = await import('../reference/jp2009.js')
    const table = options.referenceDir ? await loadReferenceTable(options.reference, options.referenceDir) : await loadReferenceTable(options.reference)
    const mapFile = options.areaMap ?? DEFAULT_AREA_MAP
    const map = await loadAreaMap(mapFile)
    reference = compareWithReference({effects: run.result.effects, currency: scenario.currency, table, map, mapFile, ministries, registerAreas: new Set(run.systems.map((system) => system.area))})
  }

  let actuals: ActualsResult | undefined
  if (options.actuals) {
    let rates: {file: string; currency: string; rates: Map<string, Dec>} | undefined
    if (options.actuals.rates) {
      rates = {file: options.actuals.rates, currency: scenario.currency, rates: await readRates(options.actuals.rates, scenario.currency)}
    }
    actuals = await loadActuals(options.actuals.file, {
      encoding: options.actuals.encoding,
      calendar: options.actuals.calendar,
      allowUnknownColumns: options.actuals.allowUnknownColumns,
      maxIssues: options.actuals.maxIssues,
      threshold: options.actuals.threshold,
      ministries,
      areas: [...new Set(run.systems.map((system) => system.area))],
      plan: estimatePlan(scenario, run.ledger),
      rates,
    })
    warnings.push(...actuals.warnings)
  }

  const result: BenchResult = {
    formatVersion: BENCH_FORMAT_VERSION,
    by: options.by,
    scenario: {name: scenario.name, title: scenario.title, file: scenario.file, baseYear: scenario.baseYear, horizon: scenario.horizon, runRateYear: scenario.horizon[1], currency: scenario.currency},
    currency: scenario.currency,
    definitions: KPI_DEFINITIONS.filter((kpi) => kpis.includes(kpi.id)).map((kpi) => ({id: kpi.id, label: kpi.label, unit: kpiUnit(kpi.id, scenario.currency), decimals: kpi.decimals, better: kpi.better, needs: kpi.needs, source: kpi.source, definition: kpi.definition})),
    kpis,
    groups: presented.groups,
    peers: presented.peers,
    atPeerMedian: presented.atPeerMedian,
    method: METHOD,
    ...(reference ? {reference} : {}),
    ...(actuals ? {actuals} : {}),
    notes: benchNotes(scenario),
    warnings: warnings.map((warning) => warning.message),
  }
  return {result, warnings}
}

export const METHOD = {
  quantile: `${QUANTILE_METHOD}: h = (n − 1)p, Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]); median = Q(0.5), IQR = Q(0.75) − Q(0.25)`,
  percentile: 'mid-rank percentile rank: 100 × (peers below + ½ × peers equal, itself included) ÷ peers with a value; ascending whatever direction is better; rounded half-up to 2 decimals',
  outliers: `robust z = (x − median) ÷ (1.4826 × MAD), MAD = median |x − median|; outlier when |z| > threshold (default ${DEFAULT_OUTLIER_THRESHOLD.toFixed()}); when MAD = 0 the divisor is 1.253314 × mean absolute deviation; z rounded half-up to 4 decimals, the test is exact`,
  rounding: 'KPIs are exact quotients of exact sums (integers of the minor currency unit, hundredths of an hour, counts), rounded once half-up (away from zero) to the decimals of each KPI; peer statistics are exact on those values; tables round again, half-up, for display only',
} as const

function benchNotes(scenario: Scenario): string[] {
  return [
    `Savings KPIs come from scenario ${scenario.name} (base year FY${scenario.baseYear}, run-rate year FY${scenario.horizon[1]}, ${scenario.currency}).`,
    'Per-unit KPIs count the systems in the baseline: those with a recurring cost in the base year.',
    'The register records physical_servers, virtual_hosts, os_instances, utilisation_pct, users and annual_hours; it records no energy metering, electricity use or downtime, so energy-metering coverage, PUE and availability are n/a.',
    'At the peer median: savings if the group reached the median savings ratio of the peer group (median × baseline), and hours if it reached the median share of processing hours saved; groups at or above the median have no gap.',
  ]
}
