import {Dec, groupDigits} from '../domain/money.js'
import type {Scenario} from '../estimate/model.js'
import type {ParamValue} from '../estimate/params.js'
import type {EstimateResult} from '../estimate/results.js'
import type {SensitivityRow} from '../estimate/uncertainty.js'
import {translator, type LabelKey} from './i18n.js'
import {defineColumns} from './columns.js'
import type {ChartSpec, ReportDocument, ReportTable, Section} from './model.js'
import type {Lang} from '../domain/lang.js'

/** Optional uncertainty results, as `kasumi estimate --simulate/--sensitivity` adds them to the estimate. */
export interface UncertaintyData {
  simulations?: number
  seed?: number
  npv?: {p10: string; p50: string; p90: string; mean?: string}
  runRateSavings?: {p10: string; p50: string; p90: string}
  paybackYear?: {p10: number | null; p50: number | null; p90: number | null; neverShare?: number}
  /** NPV of every run, currency units, for the distribution chart. */
  npvRuns?: string[]
}

export interface EstimateReportInput {
  scenario: Scenario
  /** The estimate rolled up by ministry (the primary result), measure and area. */
  byMinistry: EstimateResult
  byMeasure: EstimateResult
  byArea: EstimateResult
  ministryNames: Map<string, string>
  measureLabels?: Map<string, string>
  uncertainty?: UncertaintyData
  sensitivity?: SensitivityRow[]
  lang: Lang
}

const thousands = (value: string) => new Dec(value).dividedBy(1000).toNumber()

/** Every numeric parameter of a scenario, as the assumptions register lists it. */
export function scenarioParameters(scenario: Scenario): Array<{path: string; value: ParamValue}> {
  const out: Array<{path: string; value: ParamValue}> = []
  const push = (value: ParamValue | undefined) => value && out.push({path: value.path, value})
  if (scenario.discount.kind === 'rate') push(scenario.discount.rate)
  if (scenario.discount.kind === 'schedule') scenario.discount.rates.forEach(push)
  push(scenario.inflation)
  push(scenario.hoursPerFte)
  push(scenario.hourlyCost)
  for (const measure of scenario.measures) {
    Object.values(measure.params).forEach(push)
    measure.ramp.forEach(push)
    push(measure.oneTime.perSystem)
    push(measure.oneTime.perHost)
    push(measure.oneTime.fixed)
    push(measure.parallelRunningMonths)
  }
  return out
}

/** What every section of an estimate report needs. */
interface Context {
  input: EstimateReportInput
  t: (key: LabelKey) => string
  /** The estimate by ministry: the primary result. */
  result: EstimateResult
  /** The unit of amounts in thousands: 千円, or thousand USD. */
  unit: string
  /** A ministry's name by its code. */
  name: (code: string) => string
  /** n/a with the missing register field when no system records annual hours: hour figures are then unknown, not 0. */
  hoursUnknown?: string
}

/** The estimate report: summary, effects, cash flow, ministries, measures, areas, joint use, uncertainty, assumptions, method. */
export function buildEstimateReport(input: EstimateReportInput): ReportDocument {
  const t = translator(input.lang)
  const result = input.byMinistry
  const currency = result.scenario.currency
  const hoursUnknown = result.hours.missing ? `${t('notRecorded')} ${result.hours.missing.join(', ')}` : undefined
  const c: Context = {
    input,
    t,
    result,
    unit: currency === 'JPY' ? t('thousandYen') : `thousand ${currency}`,
    name: (code) => input.ministryNames.get(code) ?? code,
    hoursUnknown,
  }
  const uncertainty = uncertaintySection(c)
  const sections: Section[] = [
    summarySection(c),
    effectsSection(c),
    cashFlowSection(c),
    ministrySection(c),
    measureSection(c),
    areaSection(c),
    jointUseSection(c),
    ...(uncertainty ? [uncertainty] : []),
    assumptionsSection(c),
    methodSection(c),
  ]
  return {
    name: input.scenario.name,
    title: input.scenario.title ?? `${t('reportTitle')}: ${input.scenario.name}`,
    subtitle: `FY${input.scenario.horizon[0]}–FY${input.scenario.horizon[1]} · ${currency}`,
    lang: input.lang,
    currency,
    data: {...result, uncertainty: input.uncertainty, sensitivity: input.sensitivity},
    sections,
  }
}

/** The key figures. */
function summarySection(c: Context): Section {
  const {input, t, result, unit} = c
  return {
    id: 'summary',
    title: t('summary'),
    paragraphs: [input.scenario.description ?? ''].filter(Boolean),
    figures: [
      {
        label: t('runRate'),
        value: `${money(result.totals.runRateSavings)} ${unit}${result.totals.runRateYear ? ` (FY${result.totals.runRateYear})` : ''}`,
      },
      {label: t('oneTime'), value: `${money(result.totals.oneTime)} ${unit}`},
      {label: t('npv'), value: `${money(result.totals.npv)} ${unit}`},
      {label: t('payback'), value: result.totals.paybackYear ? `FY${result.totals.paybackYear}` : '—'},
      {label: t('hoursSaved'), value: c.hoursUnknown ?? groupDigits(new Dec(result.hours.runRateSaved).toFixed(0))},
      {label: t('fte'), value: c.hoursUnknown ?? result.hours.runRateFte},
    ],
  }
}

/** The optimization effects in the layout of the 2009 table. */
function effectsSection(c: Context): Section {
  const {t, result, unit, name} = c
  const effects: ReportTable = {
    id: 'effects',
    title: t('effects'),
    columns: defineColumns(
      ['leadMinistry', t('leadMinistry'), 'text'],
      ['area', t('area'), 'text'],
      ['costReduction', `${t('costReduction')} (${unit})`, 'thousands'],
      ['costYear', t('year'), 'year'],
      ['hoursReduction', `${t('hoursReduction')} (${t('hours')})`, 'hours'],
      ['hoursYear', t('year'), 'year'],
    ),
    rows: result.effects.rows.map((row) => ({
      leadMinistry: row.kind === 'joint-use' ? '' : name(row.leadMinistry),
      area: row.kind === 'joint-use' ? `＊${t('jointUse')}（${row.area}）` : row.area,
      costReduction: row.costReductionThousandYen,
      costYear: row.costYear,
      hoursReduction: row.hoursReduction,
      hoursYear: row.hoursYear,
    })),
    totals: [
      {
        leadMinistry: t('total'),
        area: '',
        costReduction: result.effects.totals.costReductionThousandYen,
        costYear: null,
        hoursReduction: c.hoursUnknown ? null : result.effects.totals.hoursReduction,
        hoursYear: null,
      },
    ],
    note: `＊ ${t('jointUse')}: ${t('before')} ${wholeThousands(result.effects.jointUseSummary.before)}, ${t('after')} ${wholeThousands(result.effects.jointUseSummary.after)}, ${t('reduction')} ${wholeThousands(result.effects.jointUseSummary.reduction)} (${unit})`,
  }
  return {id: 'effects', title: t('effects'), tables: [effects]}
}

/** The yearly cash flow, with the cumulative net and the savings by measure. */
function cashFlowSection(c: Context): Section {
  const {input, t, result, unit} = c
  const cashFlow: ReportTable = {
    id: 'cash-flow',
    title: t('cashFlow'),
    columns: defineColumns(
      ['year', t('year'), 'year'],
      ['baseline', t('baseline'), 'money'],
      ['scenario', t('scenario'), 'money'],
      ['savings', t('savings'), 'money'],
      ['avoidance', t('avoidance'), 'money'],
      ['oneTime', t('oneTime'), 'money'],
      ['net', t('net'), 'money'],
      ['cumulative', t('cumulative'), 'money'],
    ),
    rows: result.totals.byYear.map((row) => ({
      year: row.year,
      baseline: row.baseline,
      scenario: row.scenario,
      savings: row.savings,
      avoidance: row.avoidance,
      oneTime: row.oneTime,
      net: row.net,
      cumulative: row.cumulative,
    })),
    totals: [
      {
        year: t('total'),
        baseline: null,
        scenario: null,
        savings: result.totals.savings,
        avoidance: result.totals.avoidance,
        oneTime: result.totals.oneTime,
        net: result.totals.net,
        cumulative: null,
      },
    ],
  }
  const measureYears = input.byMeasure.totals.byYear.map((row) => String(row.year))
  const cashCharts: ChartSpec[] = [
    {
      id: 'cumulative-net',
      kind: 'line',
      title: t('chartCumulative'),
      labels: measureYears,
      series: [{label: t('cumulative'), values: result.totals.byYear.map((row) => thousands(row.cumulative))}],
      yTitle: unit,
      markers: result.totals.paybackYear ? [{label: `${t('payback')} FY${result.totals.paybackYear}`, at: String(result.totals.paybackYear)}] : [],
    },
    {
      id: 'savings-by-measure',
      kind: 'stacked-bar',
      title: t('chartSavingsByMeasure'),
      labels: measureYears,
      series: input.byMeasure.by.rows.map((row) => ({
        label: input.measureLabels?.get(row.key) ?? row.key,
        values: row.byYear.map((year) => thousands(year.savings)),
      })),
      yTitle: unit,
    },
  ]
  return {id: 'cash-flow', title: t('cashFlow'), tables: [cashFlow], charts: cashCharts}
}

/** Savings, avoidance, one-time costs, net, run-rate, hours and FTE by group, the estimate's totals at the foot. */
function groupTable(
  c: Context,
  id: string,
  title: string,
  keyLabel: string,
  rows: EstimateResult['by']['rows'],
  labelOf: (key: string) => string,
): ReportTable {
  const {t, result} = c
  return {
    id,
    title,
    columns: defineColumns(
      ['key', keyLabel, 'text'],
      ['savings', t('savings'), 'money'],
      ['avoidance', t('avoidance'), 'money'],
      ['oneTime', t('oneTime'), 'money'],
      ['net', t('net'), 'money'],
      ['runRate', t('runRate'), 'money'],
      ['hoursSaved', t('hoursSaved'), 'hours'],
      ['fte', t('fte'), 'fte'],
    ),
    rows: rows.map((row) => ({
      key: labelOf(row.key),
      savings: row.savings,
      avoidance: row.avoidance,
      oneTime: row.oneTime,
      net: row.net,
      runRate: row.runRateSavings,
      hoursSaved: c.hoursUnknown ? null : row.hoursSaved,
      fte: c.hoursUnknown ? null : row.fte,
    })),
    totals: [
      {
        key: t('total'),
        savings: result.totals.savings,
        avoidance: result.totals.avoidance,
        oneTime: result.totals.oneTime,
        net: result.totals.net,
        runRate: result.totals.runRateSavings,
        hoursSaved: c.hoursUnknown ? null : result.hours.runRateSaved,
        fte: c.hoursUnknown ? null : result.hours.runRateFte,
      },
    ],
  }
}

/** By ministry: the table, savings by ministry and run-rate before and after. */
function ministrySection(c: Context): Section {
  const {t, result, unit, name} = c
  const ministryRows = result.by.rows
  const sortedBySavings = [...ministryRows].sort((a, b) => new Dec(b.runRateSavings).comparedTo(a.runRateSavings))
  return {
    id: 'by-ministry',
    title: t('byMinistry'),
    tables: [groupTable(c, 'by-ministry', t('byMinistry'), t('ministry'), ministryRows, name)],
    charts: [
      {
        id: 'savings-by-ministry',
        kind: 'horizontal-bar',
        title: `${t('chartSavingsByMinistry')} (${t('runRate')})`,
        labels: sortedBySavings.map((row) => name(row.key)),
        series: [{label: t('runRate'), values: sortedBySavings.map((row) => thousands(row.runRateSavings))}],
        xTitle: unit,
      },
      {
        id: 'run-rate-before-after',
        kind: 'grouped-bar',
        title: t('chartRunRate'),
        labels: ministryRows.map((row) => name(row.key)),
        series: [
          {label: t('before'), values: ministryRows.map((row) => thousands(row.byYear.at(-1)?.baseline ?? '0'))},
          {
            label: t('after'),
            values: ministryRows.map((row) => thousands(new Dec(row.byYear.at(-1)?.baseline ?? '0').minus(row.runRateSavings).toFixed())),
          },
        ],
        yTitle: unit,
      },
    ],
  }
}

/** By measure. */
function measureSection(c: Context): Section {
  const {input, t} = c
  return {
    id: 'by-measure',
    title: t('byMeasure'),
    tables: [groupTable(c, 'by-measure', t('byMeasure'), t('measure'), input.byMeasure.by.rows, (key) => input.measureLabels?.get(key) ?? key)],
  }
}

/** By business area, with the hours saved. */
function areaSection(c: Context): Section {
  const {input, t} = c
  const areaRows = input.byArea.by.rows
  const hoursSorted = [...areaRows]
    .filter((row) => new Dec(row.hoursSaved).isPositive())
    .sort((a, b) => new Dec(b.hoursSaved).comparedTo(a.hoursSaved))
  return {
    id: 'by-area',
    title: t('byArea'),
    tables: [groupTable(c, 'by-area', t('byArea'), t('area'), areaRows, (key) => key || '—')],
    // Without recorded hours there is nothing to chart: no bars rather than bars of 0.
    ...(c.hoursUnknown ? {paragraphs: [`${t('hoursSaved')}: ${c.hoursUnknown}`]} : {}),
    charts: c.hoursUnknown
      ? []
      : [
          {
            id: 'hours-by-area',
            kind: 'horizontal-bar',
            title: t('chartHoursByArea'),
            labels: hoursSorted.map((row) => row.key || '—'),
            series: [{label: t('hoursSaved'), values: hoursSorted.map((row) => new Dec(row.hoursSaved).toNumber())}],
            xTitle: t('hours'),
          },
        ],
  }
}

/** The joint-use (共同利用) effects and their summary. */
function jointUseSection(c: Context): Section {
  const {t, result, unit} = c
  const jointRows = result.effects.rows.filter((row) => row.kind === 'joint-use')
  return {
    id: 'joint-use',
    title: t('jointUse'),
    tables: [
      {
        id: 'joint-use',
        title: t('jointUse'),
        columns: defineColumns(
          ['area', t('area'), 'text'],
          ['before', `${t('before')} (${unit})`, 'thousands'],
          ['after', `${t('after')} (${unit})`, 'thousands'],
          ['reduction', `${t('reduction')} (${unit})`, 'thousands'],
          ['year', t('year'), 'year'],
        ),
        rows: jointRows.map((row) => ({
          area: row.area,
          before: row.before ?? null,
          after: row.after ?? null,
          reduction: row.costReductionThousandYen,
          year: row.costYear,
        })),
        totals: [
          {
            area: t('total'),
            before: result.effects.jointUseSummary.before,
            after: result.effects.jointUseSummary.after,
            reduction: result.effects.jointUseSummary.reduction,
            year: null,
          },
        ],
      },
    ],
  }
}

/** The Monte Carlo and the tornado, when the estimate has them. */
function uncertaintySection(c: Context): Section | undefined {
  const {input, t, result, unit} = c
  if (!input.uncertainty && !input.sensitivity?.length) return undefined
  const u = input.uncertainty
  const tables: ReportTable[] = []
  const charts: ChartSpec[] = []
  if (u?.npv) {
    tables.push({
      id: 'uncertainty',
      title: `${t('uncertainty')} (${u.simulations ?? ''} runs, seed ${u.seed ?? ''})`,
      columns: defineColumns(['figure', '', 'text'], ['p10', 'P10', 'money'], ['p50', 'P50', 'money'], ['p90', 'P90', 'money']),
      rows: [
        {figure: t('npv'), p10: u.npv.p10, p50: u.npv.p50, p90: u.npv.p90},
        ...(u.runRateSavings ? [{figure: t('runRate'), p10: u.runRateSavings.p10, p50: u.runRateSavings.p50, p90: u.runRateSavings.p90}] : []),
      ],
    })
    if (u.npvRuns?.length)
      charts.push({
        id: 'npv-distribution',
        kind: 'histogram',
        title: t('chartNpvDistribution'),
        labels: [],
        series: [{label: t('npv'), values: u.npvRuns.map(thousands)}],
        xTitle: unit,
        markers: [
          {label: 'P10', at: thousands(u.npv.p10)},
          {label: 'P50', at: thousands(u.npv.p50)},
          {label: 'P90', at: thousands(u.npv.p90)},
        ],
      })
  }
  if (input.sensitivity?.length) {
    const rows = input.sensitivity
    tables.push({
      id: 'sensitivity',
      title: t('chartTornado'),
      columns: defineColumns(
        ['path', t('parameter'), 'text'],
        ['low', 'low', 'text'],
        ['high', 'high', 'text'],
        ['npvLow', `${t('npv')} (low)`, 'money'],
        ['npvHigh', `${t('npv')} (high)`, 'money'],
        ['swing', 'swing', 'money'],
      ),
      rows: rows.map((row) => ({path: row.path, low: row.low, high: row.high, npvLow: row.npvLow, npvHigh: row.npvHigh, swing: row.swing})),
    })
    charts.push({
      id: 'tornado',
      kind: 'tornado',
      title: t('chartTornado'),
      labels: rows.map((row) => row.path),
      series: [
        {label: 'low', values: rows.map((row) => thousands(row.npvLow))},
        {label: 'high', values: rows.map((row) => thousands(row.npvHigh))},
      ],
      xTitle: unit,
      referenceLine: {label: t('npv'), value: thousands(result.totals.npv)},
    })
  }
  return {id: 'uncertainty', title: t('uncertainty'), tables, charts}
}

/** The assumptions register and every numeric parameter. */
function assumptionsSection(c: Context): Section {
  const {input, t} = c
  const parameters = scenarioParameters(input.scenario)
  return {
    id: 'assumptions',
    title: t('assumptions'),
    tables: [
      {
        id: 'assumptions',
        title: t('assumptions'),
        columns: defineColumns(
          ['id', 'id', 'text'],
          ['description', t('description'), 'text'],
          ['value', t('value'), 'text'],
          ['source', t('source'), 'text'],
          ['owner', t('owner'), 'text'],
          ['date', t('date'), 'text'],
        ),
        rows: input.scenario.assumptions.map((a) => ({
          id: a.id,
          description: a.description,
          value: a.value ?? null,
          source: a.source ?? null,
          owner: a.owner ?? null,
          date: a.date ?? null,
        })),
      },
      {
        id: 'parameters',
        title: t('parameter'),
        columns: defineColumns(
          ['path', t('parameter'), 'text'],
          ['base', t('value'), 'text'],
          ['low', 'low', 'text'],
          ['high', 'high', 'text'],
          ['distribution', 'distribution', 'text'],
        ),
        rows: parameters.map(({path, value}) => ({
          path,
          base: value.base,
          low: value.low ?? null,
          high: value.high ?? null,
          distribution: value.low === undefined ? null : (value.distribution ?? null),
        })),
      },
    ],
  }
}

/** How the figures are computed. */
function methodSection(c: Context): Section {
  const {input, t} = c
  return {
    id: 'method',
    title: t('method'),
    paragraphs: [
      `Baseline: the recurring costs of fiscal ${input.scenario.baseYear} held flat${new Dec(input.scenario.inflation.base).isZero() ? ' (real terms)' : `, with inflation ${input.scenario.inflation.base}`}, plus the one-time costs already planned in later years.`,
      "Measures apply in the order of the scenario, each to the cost left by the measures before it at full run-rate; a measure's saving in a year is its full saving times the share of its ramp reached that year. Savings on recurring costs are cash-releasing; planned one-time costs no longer needed are cost avoidance; hours saved and their monetised value are non-cash and never part of savings.",
      "Money is exact: integers of the currency's minor unit, ratios applied with half-away-from-zero rounding per system, measure and year; every total is the exact sum of those cells. Tables round half-up to the unit shown.",
      `Run-rate savings are the savings of the last horizon year (FY${input.scenario.horizon[1]}); the year shown is the first in which they are reached. NPV discounts each year's net ${input.scenario.discount.kind === 'rate' ? `at ${input.scenario.discount.rate.base}` : input.scenario.discount.kind === 'green-book' ? 'on the Green Book schedule (3.5% to year 30, 3.0% from year 31)' : "on the scenario's schedule"} from FY${input.scenario.horizon[0]} (year 0). Payback is the first year from which the cumulative net stays at or above zero.`,
    ],
  }
}
/** A figure already in thousands, rounded half-up for display. */
function wholeThousands(value: string): string {
  return groupDigits(new Dec(value).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0))
}

function money(value: string): string {
  return groupDigits(new Dec(value).dividedBy(1000).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0))
}
