import {Dec, canonical} from '../domain/money.js'
import type {ActualsResult} from '../bench/actuals.js'
import {kpiDefinition, type KpiId} from '../bench/kpis.js'
import type {ReferenceComparison} from '../bench/reference.js'
import {DCOI_METRICS, type DcoiFacilities} from '../bench/dcoi.js'
import {METHOD, type BenchGroup, type BenchResult} from '../bench/result.js'
import {dcoiCell} from '../bench/tables.js'
import {labelsFor, type Labels} from '../domain/labels/index.js'
import {label} from './i18n.js'
import {defineColumns} from './columns.js'
import type {ChartSpec, ColumnKind, ReportColumn, ReportTable, Section} from './model.js'
import type {Lang} from '../domain/lang.js'

/**
 * The benchmark section of a report: peer statistics, the league table of
 * the savings ratio, every KPI by group, the gaps to the peer median, KPI
 * definitions and method notes; the estimate against the reference table
 * and planned against achieved savings when the benchmark has them. Charts:
 * a KPI by group with the peer median as a reference line, planned and
 * achieved savings by fiscal year, estimate and reference by business area.
 * A pure function of the benchmark result; it computes nothing new.
 */

type Key = keyof Labels['bench']
const tr = (lang: Lang) => {
  const labels = labelsFor(lang).bench
  return (key: Key) => labels[key]
}

/** How a report shows each KPI's values. */
const KPI_KIND: Record<KpiId, ColumnKind> = {
  baseline: 'money',
  savings: 'money',
  'savings-ratio': 'ratio',
  'cost-per-system': 'money',
  'cost-per-user': 'money',
  'hours-per-system': 'hours',
  'hours-per-user': 'hours',
  'hours-ratio': 'ratio',
  fte: 'fte',
  'onetime-per-saving': 'ratio',
  payback: 'count',
  virtualisation: 'ratio',
  utilisation: 'percent',
  'underutilised-servers': 'count',
  'underutilised-share': 'ratio',
  'energy-metering': 'ratio',
  pue: 'ratio',
  availability: 'ratio',
}

const PERCENT_CHART: ReadonlySet<KpiId> = new Set(['savings-ratio', 'hours-ratio', 'underutilised-share', 'energy-metering', 'availability'])

/** A KPI value as a chart plots it: ratios in percent, money totals in thousands, others as they are. */
function plotted(id: KpiId, value: string): number {
  const number = new Dec(value)
  if (PERCENT_CHART.has(id)) return number.times(100).toNumber()
  if (id === 'baseline' || id === 'savings') return number.dividedBy(1000).toNumber()
  return number.toNumber()
}

function plottedUnit(id: KpiId, currency: string, lang: Lang): string {
  if (PERCENT_CHART.has(id)) return '%'
  if (id === 'baseline' || id === 'savings') return currency === 'JPY' ? labelsFor(lang).bench.thousandYen : `thousand ${currency}`
  return kpiDefinition(id).unit.replaceAll('{currency}', currency)
}

function groupName(group: BenchGroup, lang: Lang): string {
  return group.names[lang] || group.key
}

/** The KPI charted by default: savings ratio when there is one, else the first KPI with values. */
function chartedKpi(bench: BenchResult): KpiId | undefined {
  if (bench.kpis.includes('savings-ratio') && bench.peers['savings-ratio']?.n) return 'savings-ratio'
  return bench.kpis.find((id) => (bench.peers[id]?.n ?? 0) > 0)
}

export function buildBenchmarkSection(bench: BenchResult, lang: Lang): Section {
  const t = tr(lang)
  const currency = bench.currency
  const byKey = new Map(bench.groups.map((group) => [group.key, group]))
  const name = (key: string) => {
    const group = byKey.get(key)
    return group ? groupName(group, lang) : key
  }
  const tables: ReportTable[] = []
  const charts: ChartSpec[] = []
  const unitOf = (id: KpiId) => kpiDefinition(id).unit.replaceAll('{currency}', currency)

  tables.push({
    id: 'bench-peers',
    title: `${t('peers')} (${bench.by})`,
    columns: defineColumns(
      ['kpi', t('kpi'), 'text'],
      ['unit', t('unit'), 'text'],
      ['n', t('peersN'), 'count'],
      ['median', t('median'), 'text'],
      ['q1', t('q1'), 'text'],
      ['q3', t('q3'), 'text'],
      ['iqr', t('iqr'), 'text'],
      ['outliers', t('outliers'), 'text'],
    ),
    rows: bench.kpis.map((id) => {
      const peer = bench.peers[id]
      return {
        kpi: kpiDefinition(id).label[lang],
        unit: unitOf(id),
        n: peer.n,
        median: peer.median,
        q1: peer.q1,
        q3: peer.q3,
        iqr: peer.iqr,
        outliers: peer.outliers.map(name).join(', ') || null,
      }
    }),
    note: `${METHOD.quantile}. ${METHOD.outliers}.`,
  })

  const charted = chartedKpi(bench)
  if (charted) {
    const peer = bench.peers[charted]
    tables.push({
      id: `bench-league-${charted}`,
      title: `${t('league')}: ${kpiDefinition(charted).label[lang]} (${unitOf(charted)})`,
      columns: [
        {key: 'rank', label: t('rank'), kind: 'count'},
        {key: 'group', label: t('group'), kind: 'text'},
        {key: 'value', label: kpiDefinition(charted).label[lang], kind: KPI_KIND[charted]},
        {key: 'percentile', label: t('percentile'), kind: 'percent'},
        {key: 'z', label: t('robustZ'), kind: 'text'},
        {key: 'outlier', label: t('outlier'), kind: 'text'},
      ],
      rows: peer.league.map((key) => {
        const entry = byKey.get(key)!.kpis[charted]
        return {
          rank: entry.rank,
          group: name(key),
          value: entry.value,
          percentile: entry.percentile,
          z: entry.z,
          outlier: entry.outlier ? '⚑' : entry.value === null ? (entry.reason ?? t('naNote')) : null,
        }
      }),
      totals: [{rank: null, group: t('peerMedian'), value: peer.median, percentile: '50', z: null, outlier: null}],
    })
    const present = peer.league.filter((key) => byKey.get(key)!.kpis[charted].value !== null)
    charts.push({
      id: `bench-kpi-${charted}`,
      kind: 'bar',
      title: `${kpiDefinition(charted).label[lang]} ${t('chartKpi')}`,
      labels: present.map(name),
      series: [{label: kpiDefinition(charted).label[lang], values: present.map((key) => plotted(charted, byKey.get(key)!.kpis[charted].value!))}],
      yTitle: plottedUnit(charted, currency, lang),
      ...(peer.median === null ? {} : {referenceLine: {label: t('peerMedian'), value: plotted(charted, peer.median)}}),
    })
  }

  const shown = bench.kpis.filter((id) => (bench.peers[id]?.n ?? 0) > 0)
  tables.push({
    id: 'bench-kpis',
    title: t('kpisByGroup'),
    columns: [
      {key: 'group', label: t('group'), kind: 'text'},
      ...shown.map((id): ReportColumn => ({key: id, label: `${kpiDefinition(id).label[lang]} (${unitOf(id)})`, kind: KPI_KIND[id]})),
    ],
    rows: bench.groups.map((group) => ({group: groupName(group, lang), ...Object.fromEntries(shown.map((id) => [id, group.kpis[id].value]))})),
    totals: [{group: t('peerMedian'), ...Object.fromEntries(shown.map((id) => [id, bench.peers[id].median]))}],
  })

  const gap = bench.atPeerMedian
  tables.push({
    id: 'bench-peer-median-gap',
    title: t('gap'),
    columns: defineColumns(
      ['group', t('group'), 'text'],
      ['savingsRatio', t('savingsRatio'), 'ratio'],
      ['savingsAtMedian', t('savingsAtMedian'), 'money'],
      ['moneyGap', t('moneyGap'), 'money'],
      ['hoursRatio', t('hoursRatio'), 'ratio'],
      ['hoursGap', t('hoursGap'), 'hours'],
    ),
    rows: gap.rows.map((row) => ({
      group: name(row.key),
      savingsRatio: row.savingsRatio,
      savingsAtMedian: row.savingsAtMedian,
      moneyGap: row.moneyGap,
      hoursRatio: row.hoursRatio,
      hoursGap: row.hoursGap,
    })),
    totals: [
      {
        group: `${t('peerMedian')}`,
        savingsRatio: gap.savingsRatioMedian,
        savingsAtMedian: null,
        moneyGap: gap.moneyGap,
        hoursRatio: gap.hoursRatioMedian,
        hoursGap: gap.hoursGap,
      },
    ],
  })

  tables.push({
    id: 'bench-definitions',
    title: t('definitions'),
    columns: defineColumns(
      ['id', 'id', 'text'],
      ['kpi', t('kpi'), 'text'],
      ['unit', t('unit'), 'text'],
      ['definition', t('definition'), 'text'],
      ['source', t('source'), 'text'],
    ),
    rows: bench.definitions.map((kpi) => ({id: kpi.id, kpi: kpi.label[lang], unit: kpi.unit, definition: kpi.definition, source: kpi.source})),
  })

  if (bench.facilities) tables.push(...dcoiParts(bench.facilities, lang))

  if (bench.reference) {
    const {tables: referenceTables, chart} = referenceParts(bench.reference, lang)
    tables.push(...referenceTables)
    charts.push(chart)
  }
  if (bench.actuals) {
    const {tables: actualsTables, chart} = actualsParts(bench.actuals, lang)
    tables.push(...actualsTables)
    charts.push(chart)
  }

  const figures: Array<{label: string; value: string}> = [{label: t('peersN'), value: `${bench.groups.length} (${bench.by})`}]
  if (gap.savingsRatioMedian !== null)
    figures.push({
      label: `${t('peerMedian')}: ${t('savingsRatio')}`,
      value: `${new Dec(gap.savingsRatioMedian).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)}%`,
    })
  figures.push({label: `${t('gap')}: ${t('moneyGap')}`, value: `${gap.moneyGap} ${currency}`})
  if (bench.facilities)
    for (const id of ['energy-metering', 'pue', 'availability'] as const) {
      const definition = DCOI_METRICS.find((metric) => metric.id === id)!
      figures.push({
        label: `DCOI ${bench.facilities.period}: ${definition.label}`,
        value: `${dcoiCell(id, bench.facilities.total.metrics[id])} (${definition.target})`,
      })
    }
  if (bench.actuals)
    figures.push({
      label: t('achievement'),
      value:
        bench.actuals.total.achievement === null
          ? t('naNote')
          : `${new Dec(bench.actuals.total.achievement).times(100).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1)}%`,
    })

  return {
    id: 'benchmark',
    title: label('benchmark', lang),
    paragraphs: [
      ...bench.notes,
      `${METHOD.percentile}.`,
      `${METHOD.rounding}.`,
      ...(bench.facilities?.notes ?? []),
      ...(bench.reference?.notes ?? []),
      ...(bench.actuals?.notes ?? []),
    ],
    figures,
    tables,
    charts,
  }
}

/**
 * The DCOI metrics of the register's facilities as `kasumi bench` shows them:
 * each agency and the total beside OMB's target (✓/✗ where OMB sets one
 * figure, n/a naming the missing fields), the targets with the memorandum
 * and definition of each, and the closures by fiscal year.
 */
function dcoiParts(facilities: DcoiFacilities, lang: Lang): ReportTable[] {
  const t = tr(lang)
  const groups = [...facilities.agencies, facilities.total]
  const column = (index: number) => `agency${index}`
  const metrics: ReportTable = {
    id: 'bench-dcoi-metrics',
    title: `${t('dcoiMetrics')}, ${facilities.period}`,
    columns: [
      {key: 'metric', label: t('metric'), kind: 'text'},
      {key: 'target', label: t('target'), kind: 'text'},
      ...facilities.agencies.map((group, index): ReportColumn => ({key: column(index), label: group.agency, kind: 'text'})),
      {key: 'total', label: t('total'), kind: 'text'},
    ],
    rows: [
      {
        metric: t('dataCentres'),
        target: null,
        ...Object.fromEntries(
          groups.map((group, index) => [index < facilities.agencies.length ? column(index) : 'total', `${group.facilities} (${group.population})`]),
        ),
      },
      ...DCOI_METRICS.map((definition) => ({
        metric: definition.label,
        target: definition.target,
        ...Object.fromEntries(
          groups.map((group, index) => [
            index < facilities.agencies.length ? column(index) : 'total',
            dcoiCell(definition.id, group.metrics[definition.id]),
          ]),
        ),
      })),
    ],
    note: `${facilities.population}; ✓/✗ against OMB's target where OMB sets one figure.`,
  }
  const definitions: ReportTable = {
    id: 'bench-dcoi-definitions',
    title: t('dcoiDefinitions'),
    columns: defineColumns(
      ['id', 'id', 'text'],
      ['metric', t('metric'), 'text'],
      ['target', t('target'), 'text'],
      ['source', t('source'), 'text'],
      ['definition', t('definition'), 'text'],
    ),
    rows: facilities.definitions.map((definition) => ({
      id: definition.id,
      metric: definition.label,
      target: definition.target,
      source: definition.source,
      definition: definition.definition,
    })),
  }
  const closures: ReportTable = {
    id: 'bench-dcoi-closures',
    title: t('dcoiClosures'),
    columns: defineColumns(
      ['year', t('year'), 'text'],
      ['agency', t('agency'), 'text'],
      ['closed', t('closed'), 'count'],
      ['inMigration', t('inMigration'), 'count'],
      ['floorArea', t('floorAreaRemoved'), 'count'],
      ['servers', t('serversRemoved'), 'count'],
    ),
    rows: facilities.closures.map((row) => ({
      year: row.fiscalYear === null ? t('noYear') : `FY${row.fiscalYear}`,
      agency: row.agency,
      closed: row.closed,
      inMigration: row.inMigration,
      floorArea: row.floorAreaRemoved,
      servers: row.serversRemoved,
    })),
    totals: [
      {
        year: t('total'),
        agency: null,
        closed: facilities.closures.reduce((sum, row) => sum + row.closed, 0),
        inMigration: facilities.closures.reduce((sum, row) => sum + row.inMigration, 0),
        floorArea: canonical(facilities.closures.reduce((sum, row) => sum.plus(row.floorAreaRemoved), new Dec(0))),
        servers: facilities.closures.reduce((sum, row) => sum + row.serversRemoved, 0),
      },
    ],
  }
  return [metrics, definitions, closures]
}

function referenceParts(comparison: ReferenceComparison, lang: Lang): {tables: ReportTable[]; chart: ChartSpec} {
  const t = tr(lang)
  const unit = labelsFor(lang).bench.thousandYen
  const status = (value: 'matched' | 'reference-only' | 'estimate-only') =>
    value === 'reference-only' ? t('leftOut') : value === 'estimate-only' ? t('added') : null
  const byArea: ReportTable = {
    id: 'bench-reference-areas',
    title: `${t('reference')} (${comparison.reference.id})`,
    columns: defineColumns(
      ['referenceArea', t('referenceArea'), 'text'],
      ['area', t('area'), 'text'],
      ['estimate', `${t('estimate')} (${unit})`, 'thousands'],
      ['reference', `${t('referenceValue')} (${unit})`, 'thousands'],
      ['ratio', t('ratio'), 'ratio'],
      ['hoursEstimate', t('hoursEstimate'), 'hours'],
      ['hoursReference', t('hoursReference'), 'hours'],
      ['hoursRatio', t('ratio'), 'ratio'],
      ['status', t('status'), 'text'],
    ),
    rows: comparison.byArea.map((entry) => ({
      referenceArea: entry.referenceAreas.map((row) => row.area).join('、') || null,
      area: entry.areas.join('、') || null,
      estimate: entry.estimate.cost,
      reference: entry.reference.cost,
      ratio: entry.costRatio,
      hoursEstimate: entry.estimate.hours,
      hoursReference: entry.reference.hours,
      hoursRatio: entry.hoursRatio,
      status: status(entry.status),
    })),
    totals: [
      {
        referenceArea: null,
        area: null,
        estimate: comparison.totals.estimate.cost,
        reference: comparison.totals.reference.cost,
        ratio: comparison.totals.costRatio,
        hoursEstimate: comparison.totals.estimate.hours,
        hoursReference: comparison.totals.reference.hours,
        hoursRatio: comparison.totals.hoursRatio,
        status: null,
      },
    ],
    note: comparison.notes.join(' '),
  }
  const byMinistry: ReportTable = {
    id: 'bench-reference-ministries',
    title: t('referenceByMinistry'),
    columns: defineColumns(
      ['ministry', t('agency'), 'text'],
      ['estimate', `${t('estimate')} (${unit})`, 'thousands'],
      ['reference', `${t('referenceValue')} (${unit})`, 'thousands'],
      ['ratio', t('ratio'), 'ratio'],
      ['jointUseEstimate', `${t('jointUseEstimate')} (${unit})`, 'thousands'],
      ['jointUseReference', `${t('jointUseReference')} (${unit})`, 'thousands'],
      ['hoursEstimate', t('hoursEstimate'), 'hours'],
      ['hoursReference', t('hoursReference'), 'hours'],
      ['status', t('status'), 'text'],
    ),
    rows: comparison.byMinistry.map((entry) => ({
      ministry: entry.label,
      estimate: entry.estimate.cost,
      reference: entry.reference.cost,
      ratio: entry.costRatio,
      jointUseEstimate: entry.estimate.jointUse,
      jointUseReference: entry.reference.jointUse,
      hoursEstimate: entry.estimate.hours,
      hoursReference: entry.reference.hours,
      status: status(entry.status),
    })),
  }
  const areaLabel = (entry: ReferenceComparison['byArea'][number]) => entry.areas.join('・') || entry.referenceAreas.map((row) => row.area).join('・')
  // An area without a figure on one side is in the tables as n/a; a bar of 0 would read as a figure.
  const charted = comparison.byArea.filter((entry) => entry.estimate.cost !== null && entry.reference.cost !== null)
  const chart: ChartSpec = {
    id: 'bench-reference-by-area',
    kind: 'grouped-bar',
    title: t('chartReference'),
    labels: charted.map(areaLabel),
    series: [
      {label: t('estimate'), values: charted.map((entry) => new Dec(entry.estimate.cost!).toNumber())},
      {label: t('referenceValue'), values: charted.map((entry) => new Dec(entry.reference.cost!).toNumber())},
    ],
    yTitle: unit,
  }
  return {tables: [byArea, byMinistry], chart}
}

function actualsParts(actuals: ActualsResult, lang: Lang): {tables: ReportTable[]; chart: ChartSpec} {
  const t = tr(lang)
  const unit = actuals.unit.factor === 1 ? actuals.currency : `${actuals.unit.label}`
  const rows: ReportTable = {
    id: 'bench-actuals',
    title: `${t('actuals')} (${actuals.currency})`,
    columns: defineColumns(
      ['agency', t('agency'), 'text'],
      ['year', t('year'), 'year'],
      ['planned', t('planned'), 'money'],
      ['achieved', t('achieved'), 'money'],
      ['variance', t('variance'), 'money'],
      ['achievement', t('achievement'), 'ratio'],
      ['cumulative', t('cumulative'), 'ratio'],
      ['shortfall', t('shortfall'), 'text'],
    ),
    rows: actuals.rows.map((row) => ({
      agency: row.label,
      year: row.fiscalYear,
      planned: row.planned,
      achieved: row.achieved,
      variance: row.variance,
      achievement: row.achievement,
      cumulative: row.cumulativeAchievement,
      shortfall: row.shortfall ? '⚑' : row.achievement === null ? (row.achievementNote ?? null) : null,
    })),
    totals: [
      {
        agency: null,
        year: null,
        planned: actuals.total.planned,
        achieved: actuals.total.achieved,
        variance: actuals.total.variance,
        achievement: actuals.total.achievement,
        cumulative: null,
        shortfall: actuals.total.shortfall ? '⚑' : null,
      },
    ],
    note: actuals.notes.join(' '),
  }
  const byYear: ReportTable = {
    id: 'bench-actuals-years',
    title: `${t('actualsByYear')} (${actuals.currency})`,
    columns: defineColumns(
      ['year', t('year'), 'year'],
      ['planned', t('planned'), 'money'],
      ['achieved', t('achieved'), 'money'],
      ['achievement', t('achievement'), 'ratio'],
      ['cumulative', t('cumulative'), 'ratio'],
    ),
    rows: actuals.byYear.map((year) => ({
      year: year.fiscalYear,
      planned: year.planned,
      achieved: year.achieved,
      achievement: year.achievement,
      cumulative: year.cumulativeAchievement,
    })),
  }
  const percent = (value: string | null) =>
    value === null ? t('naNote') : `${new Dec(value).times(100).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1)}%`
  const inUnit = (value: string) => new Dec(value).dividedBy(actuals.unit.factor).toNumber()
  const chart: ChartSpec = {
    id: 'bench-actuals-by-year',
    kind: 'grouped-bar',
    title: t('chartActuals'),
    labels: actuals.byYear.map((year) => `FY${year.fiscalYear} (${percent(year.achievement)})`),
    series: [
      {label: t('planned'), values: actuals.byYear.map((year) => inUnit(year.planned))},
      {label: t('achieved'), values: actuals.byYear.map((year) => inUnit(year.achieved))},
    ],
    xTitle: t('year'),
    yTitle: unit,
  }
  return {tables: [rows, byYear], chart}
}
