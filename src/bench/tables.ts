import type {TableData} from '../domain/table.js'
import {minorDigits} from '../domain/currency.js'
import {Dec, ZERO, canonical, formatAmount, groupDigits} from '../domain/money.js'
import type {ActualsResult} from './actuals.js'
import {DCOI_METRICS, type DcoiFacilities, type DcoiMetricDefinition, type DcoiMetricId, type DcoiValue} from './dcoi.js'
import {kpiDefinition, type KpiId} from './kpis.js'
import type {ReferenceComparison} from './reference.js'
import type {BenchGroup, BenchResult} from './result.js'

/**
 * Terminal tables of a benchmark: pure functions from the result to rows.
 * Display rounding is half-up, per cell; the JSON keeps the exact values.
 */

/** KPIs shown as percentages (their values are ratios of 1). */
export const PERCENT_KPIS: ReadonlySet<KpiId> = new Set(['savings-ratio', 'hours-ratio', 'underutilised-share', 'energy-metering', 'availability'])
/** Money totals, shown in thousands of the currency. */
const MONEY_TOTALS: ReadonlySet<KpiId> = new Set(['baseline', 'savings'])
const MONEY_PER_UNIT: ReadonlySet<KpiId> = new Set(['cost-per-system', 'cost-per-user'])

export const OUTLIER_MARK = '⚑'

export function thousandsLabel(currency: string): string {
  return currency === 'JPY' ? '千円' : `thousand ${currency}`
}

/** A KPI value as the terminal shows it (n/a when missing). */
export function formatKpi(id: KpiId, value: string | null, currency: string): string {
  if (value === null) return 'n/a'
  if (PERCENT_KPIS.has(id)) return `${formatAmount(new Dec(value).times(100), {decimals: 2})}%`
  if (MONEY_TOTALS.has(id)) return formatAmount(value, {unitFactor: 1000})
  if (MONEY_PER_UNIT.has(id)) return formatAmount(value, {decimals: minorDigits(currency)})
  const decimals = Math.min(kpiDefinition(id).decimals, 2)
  return formatAmount(value, {decimals})
}

/** The unit as the terminal shows it. */
export function displayUnit(id: KpiId, currency: string): string {
  if (PERCENT_KPIS.has(id)) return '%'
  if (MONEY_TOTALS.has(id)) return `${thousandsLabel(currency)} per year`
  return kpiDefinition(id).unit.replaceAll('{currency}', currency)
}

export function groupLabel(group: BenchGroup, by: BenchResult['by']): string {
  if (by === 'ministry') return `${group.key} ${group.names.ja}`
  if (by === 'category') return `${group.key} ${group.names.ja}`
  return group.names.ja
}

/** The league table of one KPI: rank, group, value, percentile rank, distance from the median, robust z, outlier mark. */
export function leagueTable(result: BenchResult, id: KpiId): TableData {
  const peer = result.peers[id]
  const byKey = new Map(result.groups.map((group) => [group.key, group]))
  const currency = result.currency
  const rows = peer.league.map((key) => {
    const group = byKey.get(key)!
    const entry = group.kpis[id]
    const diff =
      entry.value === null || peer.median === null ? '' : signed(formatKpi(id, new Dec(entry.value).minus(peer.median).toFixed(), currency))
    return [
      entry.rank === null ? '–' : String(entry.rank),
      groupLabel(group, result.by),
      formatKpi(id, entry.value, currency),
      entry.percentile === null ? '' : `P${new Dec(entry.percentile).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)}`,
      diff,
      entry.z ?? '',
      entry.outlier ? OUTLIER_MARK : entry.value === null ? (entry.reason ?? '') : '',
    ]
  })
  const definition = kpiDefinition(id)
  const order = definition.better === 'lower' ? 'lowest first' : definition.better === 'higher' ? 'highest first' : 'largest first'
  return {
    title: `${definition.label.en} (${displayUnit(id, currency)}) by ${result.by}, ${order}; ${OUTLIER_MARK} = outlier (|z| > ${peer.threshold})`,
    head: ['#', result.by, 'value', 'percentile', 'vs median', 'robust z', ''],
    rows,
    footer: [
      ['', `peer median (n = ${peer.n})`, formatKpi(id, peer.median, currency), 'P50', '', '', ''],
      ['', 'Q1 – Q3', peer.q1 === null ? 'n/a' : `${formatKpi(id, peer.q1, currency)} – ${formatKpi(id, peer.q3, currency)}`, '', '', '', ''],
    ],
    align: ['right', 'left', 'right', 'right', 'right', 'right', 'left'],
  }
}

function signed(text: string): string {
  return text.startsWith('-') || text === 'n/a' || /^[0.,%]+$/.test(text) ? text : `+${text}`
}

/** Peer statistics of every KPI: median, quartiles, IQR, outliers, and n/a counts. */
export function peerSummaryTable(result: BenchResult): TableData {
  const currency = result.currency
  const rows = result.kpis.map((id) => {
    const peer = result.peers[id]
    const reason = peer.n === 0 ? (result.groups[0]?.kpis[id]?.reason ?? 'n/a') : ''
    return [
      kpiDefinition(id).label.en,
      displayUnit(id, currency),
      String(peer.n),
      formatKpi(id, peer.median, currency),
      formatKpi(id, peer.q1, currency),
      formatKpi(id, peer.q3, currency),
      formatKpi(id, peer.iqr, currency),
      peer.outliers.length === 0 ? reason || '–' : peer.outliers.join(', '),
    ]
  })
  return {
    title: `Peer statistics by ${result.by} (${result.groups.length} peers; type-7 quantiles; outliers |z| > ${result.peers[result.kpis[0]]?.threshold ?? '3.5'})`,
    head: ['KPI', 'unit', 'n', 'median', 'Q1', 'Q3', 'IQR', 'outliers'],
    rows,
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
  }
}

/** What each group would save at the peer median savings ratio (and hours share). */
export function medianGapTable(result: BenchResult): TableData {
  const gap = result.atPeerMedian
  const byKey = new Map(result.groups.map((group) => [group.key, group]))
  const thousand = (value: string | null) => (value === null ? 'n/a' : formatAmount(value, {unitFactor: 1000}))
  const hours = (value: string | null) => (value === null ? 'n/a' : formatAmount(value))
  const percent = (value: string | null) => (value === null ? 'n/a' : `${formatAmount(new Dec(value).times(100), {decimals: 2})}%`)
  const rows = gap.rows.map((row) => [
    groupLabel(byKey.get(row.key)!, result.by),
    percent(row.savingsRatio),
    thousand(row.savingsAtMedian),
    thousand(row.moneyGap),
    percent(row.hoursRatio),
    hours(row.hoursGap),
  ])
  return {
    title: `At the peer median (savings ratio ${percent(gap.savingsRatioMedian)}, hours saved ${percent(gap.hoursRatioMedian)}): what each ${result.by} would add (${thousandsLabel(result.currency)} and hours per year)`,
    head: [result.by, 'savings ratio', 'savings at median', 'gap', 'hours ratio', 'hours gap'],
    rows,
    footer: [['total', '', '', thousand(gap.moneyGap), '', hours(gap.hoursGap)]],
    align: ['left', 'right', 'right', 'right', 'right', 'right'],
  }
}

const thousandCell = (value: string | null) => (value === null ? '–' : groupDigits(new Dec(value).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)))
const ratioCell = (value: string | null) => (value === null ? 'n/a' : new Dec(value).toFixed(2))
const STATUS_TEXT = {matched: '', 'reference-only': 'left out', 'estimate-only': 'added'} as const

/** Estimate against the reference, by business area (connected sets of reference rows and kasumi areas). */
export function referenceAreaTable(comparison: ReferenceComparison): TableData {
  const rows = comparison.byArea.map((entry) => [
    entry.referenceAreas.length === 0
      ? '–'
      : entry.referenceAreas.length > 3
        ? `${entry.referenceAreas[0].area} … (${entry.referenceAreas.length} rows)`
        : entry.referenceAreas.map((row) => row.area).join('、'),
    entry.areas.join('、') || '–',
    thousandCell(entry.estimate.cost),
    thousandCell(entry.reference.cost),
    ratioCell(entry.costRatio),
    thousandCell(entry.estimate.hours),
    thousandCell(entry.reference.hours),
    ratioCell(entry.hoursRatio),
    STATUS_TEXT[entry.status],
  ])
  const t = comparison.totals
  return {
    title: `Estimate against ${comparison.reference.id} by business area (cost: 千円 per year; hours per year)`,
    head: ['reference area', 'kasumi area', 'estimate', 'reference', 'ratio', 'hours (est.)', 'hours (ref.)', 'ratio', ''],
    rows,
    footer: [
      [
        'total',
        '',
        thousandCell(t.estimate.cost),
        thousandCell(t.reference.cost),
        ratioCell(t.costRatio),
        thousandCell(t.estimate.hours),
        thousandCell(t.reference.hours),
        ratioCell(t.hoursRatio),
        '',
      ],
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  }
}

export function referenceMinistryTable(comparison: ReferenceComparison): TableData {
  const rows = comparison.byMinistry.map((entry) => [
    entry.label,
    thousandCell(entry.estimate.cost),
    thousandCell(entry.reference.cost),
    ratioCell(entry.costRatio),
    thousandCell(entry.estimate.jointUse),
    thousandCell(entry.reference.jointUse),
    thousandCell(entry.estimate.hours),
    thousandCell(entry.reference.hours),
    STATUS_TEXT[entry.status],
  ])
  return {
    title: `Estimate against ${comparison.reference.id} by ministry (千円 per year; hours per year)`,
    head: ['ministry', 'estimate', 'reference', 'ratio', 'joint use (est.)', 'joint use (ref.)', 'hours (est.)', 'hours (ref.)', ''],
    rows,
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  }
}

/** Decimals for amounts in the file's unit: 2 in millions, else the currency's minor digits (0 for yen). */
function displayDecimals(actuals: ActualsResult): number {
  if (actuals.unit.factor >= 1_000_000) return 2
  return actuals.unit.factor === 1
    ? minorDigits(actuals.currency)
    : Math.max(0, minorDigits(actuals.currency) - Math.round(Math.log10(actuals.unit.factor)))
}

/** Planned against achieved, per ministry (or area) and fiscal year, in the file's unit. */
export function actualsTable(actuals: ActualsResult): TableData {
  const {factor, label} = actuals.unit
  const decimals = displayDecimals(actuals)
  const amount = (value: string | null) => (value === null ? 'n/a' : formatAmount(value, {unitFactor: factor, decimals}))
  const percent = (value: string | null) => (value === null ? 'n/a' : `${formatAmount(new Dec(value).times(100), {decimals: 1})}%`)
  const rows = actuals.rows.map((row) => [
    row.label,
    `FY${row.fiscalYear}`,
    amount(row.planned),
    amount(row.achieved),
    row.variance === null ? '' : signed(amount(row.variance)),
    percent(row.achievement),
    percent(row.cumulativeAchievement),
    row.shortfall ? OUTLIER_MARK : row.achievement === null ? (row.achievementNote ?? '') : '',
  ])
  return {
    title: `Planned against achieved savings (${label}; planned from the ${actuals.plannedSource}); ${OUTLIER_MARK} = below ${new Dec(actuals.threshold).times(100).toFixed()}% of plan`,
    head: [actuals.level === 'area' ? 'area' : 'agency', 'year', 'planned', 'achieved', 'variance', 'achievement', 'cumulative', ''],
    rows,
    footer: [
      [
        'total',
        '',
        amount(actuals.total.planned),
        amount(actuals.total.achieved),
        signed(amount(actuals.total.variance)),
        percent(actuals.total.achievement),
        '',
        actuals.total.shortfall ? OUTLIER_MARK : '',
      ],
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
  }
}

export function actualsYearTable(actuals: ActualsResult): TableData {
  const {factor, label} = actuals.unit
  const decimals = displayDecimals(actuals)
  const amount = (value: string) => formatAmount(value, {unitFactor: factor, decimals})
  const percent = (value: string | null) => (value === null ? 'n/a' : `${formatAmount(new Dec(value).times(100), {decimals: 1})}%`)
  return {
    title: `By fiscal year (${label})`,
    head: ['year', 'planned', 'achieved', 'achievement', 'cumulative planned', 'cumulative achieved', 'cumulative'],
    rows: actuals.byYear.map((year) => [
      `FY${year.fiscalYear}`,
      amount(year.planned),
      amount(year.achieved),
      percent(year.achievement),
      amount(year.cumulativePlanned),
      amount(year.cumulativeAchieved),
      percent(year.cumulativeAchievement),
    ]),
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  }
}

/* ---------- DCOI metrics from the facilities ---------- */

function shown(id: DcoiMetricId, value: DcoiValue): string {
  if (value.value === null) return 'n/a'
  const definition = DCOI_METRICS.find((metric) => metric.id === id)! as DcoiMetricDefinition
  const text =
    definition.unit === 'servers'
      ? Number(value.value).toLocaleString('en')
      : id === 'pue'
        ? new Dec(value.value).toFixed(2)
        : `${new Dec(value.value).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)}%`
  return value.meetsTarget === undefined ? text : `${text} ${value.meetsTarget ? '✓' : '✗'}`
}

/** A DCOI metric as `kasumi bench` shows it: 75.00% ✗, 1.35 ✓, 40, or n/a naming the missing fields. */
export function dcoiCell(id: DcoiMetricId, value: DcoiValue): string {
  return value.value === null ? `n/a: ${value.missing?.join(', ') ?? value.reason}` : shown(id, value)
}

export function dcoiMetricsTable(result: DcoiFacilities): TableData {
  const groups = [...result.agencies, result.total]
  return {
    title: `DCOI metrics from the facilities, ${result.period} (${result.population}); ✓/✗ against OMB's target`,
    head: ['metric', 'target', ...result.agencies.map((group) => group.agency), 'total'],
    rows: [
      ['data centres (in population)', '', ...groups.map((group) => `${group.facilities} (${group.population})`)],
      ...DCOI_METRICS.map((definition) => [
        definition.label,
        definition.target.replace(/ \(.*$/, ''),
        ...groups.map((group) => dcoiCell(definition.id, group.metrics[definition.id])),
      ]),
    ],
    align: ['left', 'left', ...groups.map(() => 'right' as const)],
  }
}

export function dcoiClosuresTable(result: DcoiFacilities): TableData {
  const floor = (text: string) => new Dec(text).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber().toLocaleString('en')
  return {
    title: 'Data-centre closures by fiscal year (closed, and in migration to close)',
    head: ['fiscal year', 'agency', 'closed', 'in migration', 'floor area removed (sq ft)', 'servers removed'],
    rows: result.closures.map((row) => [
      row.fiscalYear === null ? '(no year)' : `FY${row.fiscalYear}`,
      row.agency,
      String(row.closed),
      String(row.inMigration),
      floor(row.floorAreaRemoved),
      row.serversRemoved.toLocaleString('en'),
    ]),
    footer: [
      [
        'total',
        '',
        String(result.closures.reduce((sum, row) => sum + row.closed, 0)),
        String(result.closures.reduce((sum, row) => sum + row.inMigration, 0)),
        floor(canonical(result.closures.reduce((sum, row) => sum.plus(row.floorAreaRemoved), ZERO))),
        result.closures.reduce((sum, row) => sum + row.serversRemoved, 0).toLocaleString('en'),
      ],
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'right'],
  }
}

/** The service KPIs, before and after, per life event and for all procedures. */
export function serviceKpiTable(result: BenchResult): TableData {
  const services = result.services!
  const shown = services.definitions.filter((kpi) => kpi.id !== 'user-satisfaction' && kpi.id !== 'completion-rate')
  return {
    title: "Service KPIs (the citizens' side)",
    head: ['life event', 'when', ...shown.map((kpi) => `${kpi.label}\n${kpi.unit.replace('{currency}', result.currency)}`)],
    rows: services.rows.flatMap((row) => [
      [row.group, 'before', ...shown.map((kpi) => row.before[kpi.id] ?? 'n/a')],
      ['', 'after', ...shown.map((kpi) => row.after[kpi.id] ?? 'n/a')],
    ]),
    align: ['left', 'left', ...shown.map(() => 'right' as const)],
  }
}
