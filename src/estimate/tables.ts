import type {TableData} from '../domain/table.js'
import {DISPLAY_UNITS, Dec, formatAmount, groupDigits, type DisplayUnit} from '../domain/money.js'
import {SCENARIO_DIR} from '../platform/paths.js'
import {DIFF_METRICS, type Compared, type DiffMetric, type EstimateDiff} from './diff.js'
import type {Assumption, Discount, Filter, Scenario} from './model.js'
import type {ParamKind, ParamValue} from './params.js'
import type {EstimateResult} from './results.js'
import type {ListedScenario, ShownMeasure} from './scenario-view.js'
import type {SensitivityRow, UncertaintySummary} from './uncertainty.js'

/**
 * The terminal tables of estimates, uncertainty and diffs: pure builders of
 * rows (`renderTable` in src/cli draws them). Amounts are rounded half-up per cell; totals
 * are rounded from exact sums.
 */
const amount = (value: string, unit: DisplayUnit) => formatAmount(value, {unitFactor: DISPLAY_UNITS[unit].factor})

export function yearTable(result: EstimateResult, unit: DisplayUnit): TableData {
  const label = unitLabel(result.scenario.currency, unit)
  const rows = result.totals.byYear.map((row) => [
    `FY${row.year}`,
    amount(row.baseline, unit),
    amount(row.scenario, unit),
    amount(row.savings, unit),
    amount(row.avoidance, unit),
    amount(row.oneTime, unit),
    amount(row.net, unit),
    amount(row.cumulative, unit),
  ])
  const footer = [
    [
      'total',
      '',
      '',
      amount(result.totals.savings, unit),
      amount(result.totals.avoidance, unit),
      amount(result.totals.oneTime, unit),
      amount(result.totals.net, unit),
      '',
    ],
  ]
  return {
    title: `Yearly cash flow (${label})`,
    head: ['year', 'baseline', 'scenario', 'savings', 'avoidance', 'one-time', 'net', 'cumulative'],
    rows,
    footer,
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  }
}

export function groupTable(result: EstimateResult, unit: DisplayUnit, labels: Map<string, string> = new Map()): TableData {
  const label = unitLabel(result.scenario.currency, unit)
  const dimension = result.by.dimension
  // Hours no system records are unknown, not 0.
  const unknown = result.hours.missing !== undefined
  const rows = result.by.rows.map((row) => [
    labels.get(row.key) ?? row.key,
    amount(row.savings, unit),
    amount(row.avoidance, unit),
    amount(row.oneTime, unit),
    amount(row.net, unit),
    amount(row.runRateSavings, unit),
    unknown ? 'n/a' : groupDigits(new Dec(row.hoursSaved).toFixed(0)),
    unknown ? 'n/a' : row.fte,
  ])
  const sum = (pick: (row: EstimateResult['by']['rows'][number]) => string) =>
    result.by.rows.reduce((total, row) => total.plus(pick(row)), new Dec(0)).toFixed()
  const footer = [
    [
      'total',
      amount(
        sum((r) => r.savings),
        unit,
      ),
      amount(
        sum((r) => r.avoidance),
        unit,
      ),
      amount(
        sum((r) => r.oneTime),
        unit,
      ),
      amount(
        sum((r) => r.net),
        unit,
      ),
      amount(
        sum((r) => r.runRateSavings),
        unit,
      ),
      unknown ? 'n/a' : groupDigits(new Dec(sum((r) => r.hoursSaved)).toFixed(0)),
      unknown ? 'n/a' : new Dec(sum((r) => r.fte)).toFixed(1),
    ],
  ]
  return {
    title: `By ${dimension}, FY${result.window[0]}–FY${result.window[1]} (${label}; run-rate = FY${result.scenario.horizon[1]})`,
    head: [dimension, 'savings', 'avoidance', 'one-time', 'net', 'run-rate savings', 'hours saved/yr', 'FTE'],
    rows,
    footer: dimension === 'year' ? [] : footer,
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  }
}

/** The optimization-effects view in the 2009 table's columns. */
export function effectsTable(result: EstimateResult, ministryNames: Map<string, string>): TableData {
  let previous = ''
  const rows = result.effects.rows.map((row) => {
    // A ＊ row sits under its area row; it names its lead (the host's ministry) only where that differs.
    const lead = row.leadMinistry === previous ? '' : (ministryNames.get(row.leadMinistry) ?? row.leadMinistry)
    previous = row.leadMinistry
    const name =
      row.kind === 'joint-use'
        ? `＊共同利用化的效果：${row.area || '(no business area)'}（實施前 ${groupDigits(new Dec(row.before!).toFixed(0))}，實施後 ${groupDigits(new Dec(row.after!).toFixed(0))}）`
        : row.area || '(no business area)'
    return [
      lead,
      name,
      row.costReductionThousandYen === null
        ? '-'
        : groupDigits(new Dec(row.costReductionThousandYen).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
      row.costYear === null ? '-' : String(row.costYear),
      row.hoursReduction === null ? '-' : groupDigits(new Dec(row.hoursReduction).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
      row.hoursYear === null ? '-' : String(row.hoursYear),
    ]
  })
  const totals = result.effects.totals
  return {
    title: `Optimization effects (${result.scenario.name}), in the layout of the 2009 table`,
    head: [
      '負責單位',
      '業務‧作業系統名稱',
      `削減經費 千${result.scenario.currency === 'JPY' ? '円' : result.scenario.currency}`,
      '年度',
      '業務處理時間削減 時間',
      '年度',
    ],
    rows,
    footer: [
      [
        '合計（不含＊列）',
        '',
        groupDigits(new Dec(totals.costReductionThousandYen).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
        '',
        result.hours.missing ? 'n/a' : groupDigits(new Dec(totals.hoursReduction).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
        '',
      ],
      [
        '＊共同利用',
        `實施前 ${groupDigits(new Dec(result.effects.jointUseSummary.before).toFixed(0))}，實施後 ${groupDigits(new Dec(result.effects.jointUseSummary.after).toFixed(0))}`,
        groupDigits(new Dec(totals.jointUseThousandYen).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
        '',
        '',
        '',
      ],
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'right'],
  }
}

export function summaryLines(result: EstimateResult, unit: DisplayUnit): string[] {
  const label = unitLabel(result.scenario.currency, unit)
  const t = result.totals
  return [
    `Scenario ${result.scenario.name}: FY${result.scenario.horizon[0]}–FY${result.scenario.horizon[1]}, base year FY${result.scenario.baseYear}, ${result.scenario.currency}.`,
    `Run-rate savings ${amount(t.runRateSavings, unit)} ${label}/year${t.runRateYear ? ` (reached FY${t.runRateYear})` : ''}; one-time costs ${amount(t.oneTime, unit)} ${label}; NPV ${amount(t.npv, unit)} ${label}; payback ${t.paybackYear ? `FY${t.paybackYear}` : 'not within the horizon'}.`,
    result.hours.missing
      ? `Processing hours saved: n/a (no system records ${result.hours.missing.join(', ')}).`
      : `Processing hours saved ${groupDigits(new Dec(result.hours.runRateSaved).toFixed(0))}/year at run-rate (${result.hours.runRateFte} FTE).`,
  ]
}

/** The unit of amounts in a table: 千円 for yen, "thousand USD" for others. */
function unitLabel(currency: string, unit: DisplayUnit): string {
  if (currency === 'JPY') return DISPLAY_UNITS[unit].label.ja
  const factor = DISPLAY_UNITS[unit].factor
  return `${factor === 1 ? '' : factor === 1000 ? 'thousand ' : 'million '}${currency}`
}

/* Uncertainty: the Monte Carlo and the tornado. */

export function uncertaintyTable(summary: UncertaintySummary, currency: string, unit: DisplayUnit): TableData {
  const fy = (year: number | null) => (year === null ? 'never' : `FY${year}`)
  const share = new Dec(summary.paybackYear.neverShare).times(100).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1)
  return {
    title: `Monte Carlo: ${groupDigits(String(summary.simulations))} runs, seed ${summary.seed}, ${summary.parameters.length} uncertain parameter${summary.parameters.length === 1 ? '' : 's'} (${unitLabel(currency, unit)}; nearest-rank percentiles)`,
    head: ['', 'P10', 'P50', 'P90', 'mean'],
    rows: [
      ['NPV', amount(summary.npv.p10, unit), amount(summary.npv.p50, unit), amount(summary.npv.p90, unit), amount(summary.npv.mean, unit)],
      [
        'run-rate savings/year',
        amount(summary.runRateSavings.p10, unit),
        amount(summary.runRateSavings.p50, unit),
        amount(summary.runRateSavings.p90, unit),
        amount(summary.runRateSavings.mean, unit),
      ],
      ['payback year', fy(summary.paybackYear.p10), fy(summary.paybackYear.p50), fy(summary.paybackYear.p90), `never: ${share}%`],
    ],
    align: ['left', 'right', 'right', 'right', 'right'],
  }
}

export function sensitivityTable(rows: readonly SensitivityRow[], currency: string, unit: DisplayUnit, baseNpv: string): TableData {
  const widest = rows.reduce((max, row) => Dec.max(max, row.swing), new Dec(0))
  const BAR = 20
  const bar = (swing: string) =>
    widest.isZero() ? '' : '#'.repeat(new Dec(swing).times(BAR).dividedBy(widest).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber())
  return {
    title: `Sensitivity of NPV (${unitLabel(currency, unit)}; base NPV ${amount(baseNpv, unit)}): each parameter at its low and its high, the others at base`,
    head: ['parameter', 'low', 'base', 'high', 'NPV at low', 'NPV at high', 'swing', ''],
    // A measure's parameter by the measure's id (platform.targetUtilisation); JSON keeps the key path.
    rows: rows.map((row) => [
      row.measure ? `${row.measure}.${row.path.replace(/^measures\[\d+\]\./, '')}` : row.path,
      row.low,
      row.base,
      row.high,
      amount(row.npvLow, unit),
      amount(row.npvHigh, unit),
      amount(row.swing, unit),
      bar(row.swing),
    ]),
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  }
}

/* Two scenarios side by side (`kasumi estimate diff`). */

const METRIC_LABELS: Record<DiffMetric, string> = {
  runRateSavings: 'run-rate savings/yr',
  savings: 'savings',
  avoidance: 'cost avoidance',
  oneTime: 'one-time costs',
  net: 'net',
  npv: 'NPV',
  paybackYear: 'payback year',
  hoursSaved: 'hours saved/yr',
}

function signed(text: string): string {
  return /^[1-9]|^0[.,]0*[1-9]/.test(text) ? `+${text}` : text
}

/** The cells A, B, B − A, change of one figure, formatted for display. */
function figureCells(metric: DiffMetric, figure: Compared<string> | Compared<number | null>, unit: DisplayUnit): string[] {
  const change = figure.changePercent === null ? 'n/a' : `${signed(new Dec(figure.changePercent).toFixed(1))}%`
  if (metric === 'paybackYear') {
    const year = (value: unknown) => (value === null ? 'none' : `FY${value}`)
    const difference = figure.difference === null ? 'n/a' : `${signed(String(figure.difference))} yr`
    return [year(figure.a), year(figure.b), difference, 'n/a']
  }
  if (metric === 'hoursSaved') {
    const shown = (value: unknown) => groupDigits(new Dec(value as string).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0))
    return [shown(figure.a), shown(figure.b), signed(shown(figure.difference)), change]
  }
  const shown = (value: unknown) => formatAmount(value as string, {unitFactor: DISPLAY_UNITS[unit].factor})
  return [shown(figure.a), shown(figure.b), signed(shown(figure.difference)), change]
}

function window(diff: EstimateDiff): string {
  const {a, b} = diff
  const same = a.horizon[0] === b.horizon[0] && a.horizon[1] === b.horizon[1]
  return same ? `FY${a.horizon[0]}–FY${a.horizon[1]}` : `A FY${a.horizon[0]}–FY${a.horizon[1]}, B FY${b.horizon[0]}–FY${b.horizon[1]}`
}

/** The totals: one row per figure. */
export function diffTotalTable(diff: EstimateDiff, unit: DisplayUnit): TableData {
  const label = unitLabel(diff.currency, unit)
  return {
    title: `A ${diff.a.name} vs B ${diff.b.name}, ${window(diff)} (${label}; hours per year)`,
    head: ['', `A ${diff.a.name}`, `B ${diff.b.name}`, 'B − A', 'change'],
    rows: DIFF_METRICS.map((metric) => [METRIC_LABELS[metric], ...figureCells(metric, diff.total[metric], unit)]),
    align: ['left', 'right', 'right', 'right', 'right'],
  }
}

/** One figure by group: A, B, B − A and change per row, the total at the foot. */
export function diffGroupTable(diff: EstimateDiff, metric: DiffMetric, unit: DisplayUnit, labels: Map<string, string> = new Map()): TableData {
  const label = metric === 'hoursSaved' ? 'hours per year' : metric === 'paybackYear' ? 'fiscal year' : unitLabel(diff.currency, unit)
  return {
    title: `${METRIC_LABELS[metric]} by ${diff.by} (${label})`,
    head: [diff.by, `A ${diff.a.name}`, `B ${diff.b.name}`, 'B − A', 'change'],
    rows: diff.rows.map((row) => [labels.get(row.key) ?? (row.key || '(none)'), ...figureCells(metric, row[metric], unit)]),
    footer: [['total', ...figureCells(metric, diff.total[metric], unit)]],
    align: ['left', 'right', 'right', 'right', 'right'],
  }
}

/* A scenario as read (`kasumi scenario show`). */

function uncertain(value: ParamValue | undefined): string {
  if (!value) return ''
  if (value.low === undefined) return value.base
  return `${value.base} (${value.low}–${value.high}${value.distribution && value.distribution !== 'pert' ? `, ${value.distribution}` : ''})`
}

function discountText(discount: Discount): string {
  if (discount.kind === 'rate') return `rate ${uncertain(discount.rate)}`
  if (discount.kind === 'green-book') return 'green-book (HM Treasury declining schedule)'
  return `schedule ${discount.rates.map(uncertain).join(', ')}`
}

function moneyUnitText(scenario: Scenario): string {
  const factor = {one: '', thousand: 'thousand ', million: 'million '}[scenario.moneyUnit]
  if (scenario.currency === 'JPY') return {one: '円', thousand: '千円', million: '百万円'}[scenario.moneyUnit]
  return `${factor}${scenario.currency}`
}

export function scenarioSettingsTable(scenario: Scenario): TableData {
  const rows: string[][] = [
    ['name', scenario.name],
    ['title', scenario.title ?? ''],
    ['file', scenario.file ?? ''],
    ['base year', `FY${scenario.baseYear}`],
    ['horizon', `FY${scenario.horizon[0]}–FY${scenario.horizon[1]}`],
    ['currency', scenario.currency],
    ['money unit', `${scenario.moneyUnit} (${moneyUnitText(scenario)})`],
    ['discount', discountText(scenario.discount)],
    ['inflation', uncertain(scenario.inflation)],
    ['hours per FTE', uncertain(scenario.hoursPerFte)],
  ]
  if (scenario.hourlyCost) rows.push(['hourly cost', `${uncertain(scenario.hourlyCost)} ${moneyUnitText(scenario)}`])
  if (scenario.exchangeRates) rows.push(['exchange rates', scenario.exchangeRates])
  return {title: `Scenario ${scenario.name}`, head: ['setting', 'value'], rows, align: ['left', 'left']}
}

function filterText(filter: Filter): string {
  const parts = Object.entries(filter)
    .filter(([, values]) => values !== undefined)
    .map(([key, values]) => `${key} ${(values as string[]).join(', ')}`)
  return parts.length === 0 ? 'eligible systems in service' : parts.join('; ')
}

export function scenarioMeasuresTable(scenario: Scenario): TableData {
  const rows = scenario.measures.map((measure, index) => {
    const oneTime = (['perSystem', 'perHost', 'fixed'] as const)
      .filter((key) => measure.oneTime[key])
      .map((key) => `${key} ${uncertain(measure.oneTime[key])}`)
    if (measure.parallelRunningMonths) oneTime.push(`parallel running ${uncertain(measure.parallelRunningMonths)} months`)
    return [
      String(index + 1),
      measure.id,
      measure.type,
      measure.label ?? '',
      filterText(measure.appliesTo),
      `FY${measure.start}`,
      `${measure.ramp.map(uncertain).join(', ')}${measure.timing === 'refresh' ? ' at refresh' : ''}`,
      oneTime.join('; '),
    ]
  })
  return {
    title: `Measures, in the order they apply (money in ${moneyUnitText(scenario)})`,
    head: ['#', 'id', 'type', 'label', 'applies to', 'start', 'ramp', 'one-time'],
    rows,
    align: ['right', 'left', 'left', 'left', 'left', 'left', 'left', 'left'],
  }
}

const KIND_UNITS: Partial<Record<ParamKind, string>> = {
  fraction: 'share',
  percent: '%',
  months: 'months',
  hours: 'hours',
  count: 'count',
  rate: 'rate',
}

export function scenarioParametersTable(scenario: Scenario, measures: readonly ShownMeasure[]): TableData {
  const rows: string[][] = []
  measures.forEach((measure, position) => {
    const given = scenario.measures[position].options
    measure.parameters.forEach((parameter, index) => {
      rows.push([
        index === 0 ? measure.id : '',
        parameter.name,
        parameter.kind === 'money' ? moneyUnitText(scenario) : (KIND_UNITS[parameter.kind] ?? ''),
        parameter.base,
        parameter.low ?? '',
        parameter.high ?? '',
        parameter.low === undefined ? '' : (parameter.distribution ?? 'pert'),
        parameter.given ? 'file' : 'default',
        parameter.assumption ? '✓' : '',
      ])
    })
    for (const [key, value] of Object.entries(measure.options)) {
      rows.push([
        measure.parameters.length === 0 ? measure.id : '',
        key,
        'option',
        value === '' ? '(default)' : value,
        '',
        '',
        '',
        key in given ? 'file' : 'default',
        '',
      ])
    }
  })
  return {
    title: 'Parameters (uncertain ones with low, high and distribution)',
    head: ['measure', 'parameter', 'unit', 'base', 'low', 'high', 'distribution', 'set by', 'documented'],
    rows,
    align: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'left', 'center'],
  }
}

/** The citizens' side measures of a scenario: what each reaches, from when, and its parameters (base values). */
export function serviceMeasuresTable(scenario: Scenario): TableData | undefined {
  const measures = scenario.services?.measures ?? []
  if (measures.length === 0) return undefined
  const reach = (filter: {lifeEvents?: string[]; procedures?: string[]; documents?: string[]}) =>
    [
      filter.lifeEvents ? `life events ${filter.lifeEvents.join(', ')}` : '',
      filter.procedures ? `procedures ${filter.procedures.join(', ')}` : '',
      filter.documents ? `documents ${filter.documents.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ') || 'all'
  return {
    title: "Citizens' side measures",
    head: ['measure', 'type', 'from', 'reaches', 'take-up ramp', 'parameters'],
    rows: measures.map((measure) => [
      measure.id,
      measure.type,
      `FY${measure.start}`,
      reach(measure.appliesTo),
      measure.ramp.map((step) => step.base).join(' → '),
      Object.entries(measure.params)
        .map(([name, value]) => `${name} ${value.base}`)
        .join('\n'),
    ]),
  }
}

export function assumptionLines(assumptions: Assumption[]): string[] {
  if (assumptions.length === 0) return ['Assumptions register: empty.']
  const lines = [`Assumptions register (${assumptions.length}):`]
  for (const assumption of assumptions) {
    lines.push(`  ${assumption.id}${assumption.value === undefined ? '' : ` = ${assumption.value}`}`, `      ${assumption.description}`)
    const by = [assumption.source && `source: ${assumption.source}`, assumption.owner && `owner: ${assumption.owner}`, assumption.date]
      .filter(Boolean)
      .join('; ')
    if (by) lines.push(`      ${by}`)
  }
  return lines
}

/** One row per scenario; the measure types wrap onto lines of their own. */
export function scenarioListTable(scenarios: readonly ListedScenario[]): TableData {
  const rows = scenarios.map((scenario) => {
    if (!scenario.valid) return [scenario.name, '(invalid)', '', '', '']
    const types = [...new Set(scenario.measures!.map((measure) => measure.type))]
    const lines: string[] = []
    for (const type of types) {
      if (lines.length > 0 && lines.at(-1)!.length + type.length + 2 <= 40) lines[lines.length - 1] += `, ${type}`
      else lines.push(type)
    }
    return [
      scenario.name,
      scenario.title ?? '',
      `FY${scenario.baseYear}`,
      `FY${scenario.horizon![0]}–FY${scenario.horizon![1]}`,
      `${scenario.measures!.length}: ${lines.join(',\n')}`,
    ]
  })
  return {
    title: `Bundled scenarios (${SCENARIO_DIR})`,
    head: ['name', 'title', 'base year', 'horizon', 'measures'],
    rows,
    align: ['left', 'left', 'left', 'left', 'left'],
  }
}
