import {groupDigits} from '../domain/money.js'
import type {TableData} from '../domain/table.js'
import type {FocusSummary} from '../ingest/focus/import.js'

/** Exact amounts, grouped for reading, never rounded: they must match the invoice digit for digit. */
const exact = (amount: string) => groupDigits(amount)
const period = (start: string, end: string) => `${start.slice(0, 10)} – ${end.slice(0, 10)}`

/** The tables of a FOCUS import: totals as the invoice shows them, the charges kept apart, and the cost lines. */
export function focusTables(summary: FocusSummary): TableData[] {
  const tables: TableData[] = [
    {
      title: 'Totals by provider, billing period and currency',
      head: ['provider', 'billing period (end exclusive)', 'currency', 'rows', 'BilledCost', 'EffectiveCost'],
      align: ['left', 'left', 'left', 'right', 'right', 'right'],
      rows: summary.totals.map((total) => [
        total.provider,
        period(total.billingPeriodStart, total.billingPeriodEnd),
        total.currency,
        total.rows.toLocaleString('en'),
        exact(total.billedCost),
        exact(total.effectiveCost),
      ]),
      footer: summary.currencies.map((currency) => [
        'total',
        '',
        currency.currency,
        currency.rows.toLocaleString('en'),
        exact(currency.billedCost),
        exact(currency.effectiveCost),
      ]),
    },
    {
      title: 'Charges by kind (kept apart in the cost lines)',
      head: ['charge', 'currency', 'rows', 'BilledCost', 'EffectiveCost'],
      align: ['left', 'left', 'right', 'right', 'right'],
      rows: summary.charges.map((charge) => [
        charge.charge,
        charge.currency,
        charge.rows.toLocaleString('en'),
        exact(charge.billedCost),
        exact(charge.effectiveCost),
      ]),
    },
  ]
  if (summary.lines.length > 0)
    tables.push({
      title: `Cost lines (${summary.costColumn})`,
      head: ['system', 'fiscal year', 'pool', 'charge', 'frequency', 'currency', 'rows', 'amount'],
      align: ['left', 'right', 'left', 'left', 'left', 'left', 'right', 'right'],
      rows: summary.lines.map((line) => [
        line.systemId,
        String(line.fiscalYear),
        line.pool,
        line.charge,
        line.frequency,
        line.currency,
        line.rows.toLocaleString('en'),
        exact(line.amount),
      ]),
      footer: summary.currencies.map((currency) => ['total', '', '', '', '', currency.currency, '', exact(currency.costLines)]),
    })
  return tables
}
