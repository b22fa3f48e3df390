import type {TableData} from '../domain/table.js'
import {DISPLAY_UNITS, Dec, formatAmount, groupDigits, type DisplayUnit} from '../domain/money.js'
import type {EstimateResult} from './results.js'

/** Tables of an estimate for the terminal. Amounts are rounded half-up per cell; totals are rounded from exact sums. */
const amount = (value: string, unit: DisplayUnit) => formatAmount(value, {unitFactor: DISPLAY_UNITS[unit].factor})

export function yearTable(result: EstimateResult, unit: DisplayUnit): TableData {
  const label = unitLabel(result, unit)
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
  const footer = [['total', '', '', amount(result.totals.savings, unit), amount(result.totals.avoidance, unit), amount(result.totals.oneTime, unit), amount(result.totals.net, unit), '']]
  return {
    title: `Yearly cash flow (${label})`,
    head: ['year', 'baseline', 'scenario', 'savings', 'avoidance', 'one-time', 'net', 'cumulative'],
    rows,
    footer,
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  }
}

export function groupTable(result: EstimateResult, unit: DisplayUnit, labels: Map<string, string> = new Map()): TableData {
  const label = unitLabel(result, unit)
  const dimension = result.by.dimension
  const rows = result.by.rows.map((row) => [labels.get(row.key) ?? row.key, amount(row.savings, unit), amount(row.avoidance, unit), amount(row.oneTime, unit), amount(row.net, unit), amount(row.runRateSavings, unit), groupDigits(new Dec(row.hoursSaved).toFixed(0)), row.fte])
  const sum = (pick: (row: EstimateResult['by']['rows'][number]) => string) => result.by.rows.reduce((total, row) => total.plus(pick(row)), new Dec(0)).toFixed()
  const footer = [['total', amount(sum((r) => r.savings), unit), amount(sum((r) => r.avoidance), unit), amount(sum((r) => r.oneTime), unit), amount(sum((r) => r.net), unit), amount(sum((r) => r.runRateSavings), unit), groupDigits(new Dec(sum((r) => r.hoursSaved)).toFixed(0)), new Dec(sum((r) => r.fte)).toFixed(1)]]
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
    const lead = row.leadMinistry === previous ? '' : ministryNames.get(row.leadMinistry) ?? row.leadMinistry
    previous = row.leadMinistry
    const name = row.kind === 'joint-use' ? `＊共同利用化的效果：${row.area || '(no business area)'}（實施前 ${groupDigits(new Dec(row.before!).toFixed(0))}，實施後 ${groupDigits(new Dec(row.after!).toFixed(0))}）` : row.area || '(no business area)'
    return [
      lead,
      name,
      row.costReductionThousandYen === null ? '-' : groupDigits(new Dec(row.costReductionThousandYen).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
      row.costYear === null ? '-' : String(row.costYear),
      row.hoursReduction === null ? '-' : groupDigits(new Dec(row.hoursReduction).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)),
      row.hoursYear === null ? '-' : String(row.hoursYear),
    ]
  })
  const totals = result.effects.totals
  return {
    title: `Optimization effects (${result.scenario.name}), in the layout of the 2009 table`,
    head: ['負責單位', '業務‧作業系統名稱', `削減經費 千${result.scenario.currency === 'JPY' ? '円' : result.scenario.currency}`, '年度', '業務處理時間削減 時間', '年度'],
    rows,
    footer: [
      ['合計（不含＊列）', '', groupDigits(new Dec(totals.costReductionThousandYen).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)), '', groupDigits(new Dec(totals.hoursReduction).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)), ''],
      ['＊共同利用', `實施前 ${groupDigits(new Dec(result.effects.jointUseSummary.before).toFixed(0))}，實施後 ${groupDigits(new Dec(result.effects.jointUseSummary.after).toFixed(0))}`, groupDigits(new Dec(totals.jointUseThousandYen).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0)), '', '', ''],
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'right'],
  }
}

export function summaryLines(result: EstimateResult, unit: DisplayUnit): string[] {
  const label = unitLabel(result, unit)
  const t = result.totals
  return [
    `Scenario ${result.scenario.name}: FY${result.scenario.horizon[0]}–FY${result.scenario.horizon[1]}, base year FY${result.scenario.baseYear}, ${result.scenario.currency}.`,
    `Run-rate savings ${amount(t.runRateSavings, unit)} ${label}/year${t.runRateYear ? ` (reached FY${t.runRateYear})` : ''}; one-time costs ${amount(t.oneTime, unit)} ${label}; NPV ${amount(t.npv, unit)} ${label}; payback ${t.paybackYear ? `FY${t.paybackYear}` : 'not within the horizon'}.`,
    `Processing hours saved ${groupDigits(new Dec(result.hours.runRateSaved).toFixed(0))}/year at run-rate (${result.hours.runRateFte} FTE).`,
  ]
}

function unitLabel(result: EstimateResult, unit: DisplayUnit): string {
  return result.scenario.currency === 'JPY' ? DISPLAY_UNITS[unit].label.ja : `${DISPLAY_UNITS[unit].factor === 1 ? '' : DISPLAY_UNITS[unit].factor === 1000 ? 'thousand ' : 'million '}${result.scenario.currency}`
}
