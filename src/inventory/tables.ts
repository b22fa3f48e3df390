import {CATEGORIES, type Ministry, type SystemRecord} from '../domain/inventory.js'
import {DISPLAY_UNITS, Dec, ZERO, formatAmount, groupDigits, type DisplayUnit} from '../domain/money.js'
import type {TableData} from '../domain/table.js'
import type {HistoryEntry} from '../store/register.js'
import type {SystemCosts} from './costs.js'

/** Columns `inventory list` can show, in their default order. */
export const LIST_COLUMNS = {
  id: {head: 'id', value: (s: SystemRecord) => s.id},
  ministry: {head: 'ministry', value: (s: SystemRecord) => s.ministry},
  name: {head: 'name', value: (s: SystemRecord) => s.name},
  category: {head: 'category', value: (s: SystemRecord) => s.category},
  area: {head: 'business area', value: (s: SystemRecord) => s.businessArea ?? ''},
  status: {head: 'status', value: (s: SystemRecord) => s.status},
  servers: {head: 'servers', value: (s: SystemRecord) => num(s.physicalServers), numeric: true},
  hosts: {head: 'virtual hosts', value: (s: SystemRecord) => num(s.virtualHosts), numeric: true},
  os: {head: 'OS instances', value: (s: SystemRecord) => num(s.osInstances), numeric: true},
  utilisation: {head: 'util. %', value: (s: SystemRecord) => s.utilisation ?? '', numeric: true},
  storage: {head: 'storage TB', value: (s: SystemRecord) => s.storageTb ?? '', numeric: true},
  users: {head: 'users', value: (s: SystemRecord) => num(s.users), numeric: true},
  hours: {head: 'hours/yr', value: (s: SystemRecord) => (s.annualHours === null ? '' : groupDigits(s.annualHours)), numeric: true},
  years: {head: 'FY', value: (s: SystemRecord) => (s.firstYear || s.lastYear ? `${s.firstYear ?? ''}–${s.lastYear ?? ''}` : '')},
  eligibility: {head: 'eligibility', value: (s: SystemRecord) => s.eligibility},
  tags: {head: 'tags', value: (s: SystemRecord) => s.tags.join(';')},
  cost: {head: 'cost', value: () => '', numeric: true},
} as const

export type ListColumn = keyof typeof LIST_COLUMNS
export const DEFAULT_LIST_COLUMNS: ListColumn[] = ['id', 'ministry', 'name', 'category', 'status', 'servers', 'users', 'cost']

function num(value: number | null): string {
  return value === null ? '' : groupDigits(String(value))
}

/** One currency's total, or each currency's named, for a system's costs. */
export function costCell(byCurrency: Map<string, Dec> | undefined, unit: DisplayUnit, reportingCurrency = 'JPY'): string {
  if (!byCurrency || byCurrency.size === 0) return '-'
  const factor = DISPLAY_UNITS[unit].factor
  return [...byCurrency.entries()]
    .map(([currency, amount]) =>
      currency === reportingCurrency ? formatAmount(amount, {unitFactor: factor}) : `${formatAmount(amount)} ${currency}`,
    )
    .join(' + ')
}

export interface ListTableOptions {
  columns: ListColumn[]
  costs?: SystemCosts
  year?: number
  unit: DisplayUnit
}

/** The system list with a totals row; amounts rounded half-up for display, the total from the exact sum. */
export function systemListTable(systems: readonly SystemRecord[], options: ListTableOptions): TableData {
  const unitLabel = DISPLAY_UNITS[options.unit].label.ja
  const head = options.columns.map((column) => (column === 'cost' ? `cost FY${options.year ?? '-'} (${unitLabel})` : LIST_COLUMNS[column].head))
  const rows = systems.map((system) =>
    options.columns.map((column) => (column === 'cost' ? costCell(options.costs?.get(system.id), options.unit) : LIST_COLUMNS[column].value(system))),
  )
  const align = options.columns.map((column) => ('numeric' in LIST_COLUMNS[column] ? 'right' : 'left') as 'left' | 'right')
  const footer = options.columns.map((column, index) => {
    if (index === 0) return `total (${systems.length})`
    if (column === 'servers') return num(sumField(systems, (s) => s.physicalServers))
    if (column === 'users') return num(sumField(systems, (s) => s.users))
    if (column === 'hosts') return num(sumField(systems, (s) => s.virtualHosts))
    if (column === 'os') return num(sumField(systems, (s) => s.osInstances))
    if (column === 'hours') return groupDigits(sumDecimal(systems.map((s) => s.annualHours)).toFixed())
    if (column === 'cost' && options.costs) return costCell(mergeCosts(systems.map((s) => options.costs!.get(s.id))), options.unit)
    return ''
  })
  const costColumn = options.columns.indexOf('cost')
  const residue =
    costColumn >= 0 && options.costs
      ? residueLine(
          head.length,
          costColumn,
          roundingResidue(
            systems.map((s) => options.costs!.get(s.id)),
            options.unit,
          ),
        )
      : []
  return {head, rows: [...rows, ...residue], footer: systems.length > 1 ? [footer] : [], align}
}

function sumField(systems: readonly SystemRecord[], pick: (s: SystemRecord) => number | null): number {
  return systems.reduce((total, system) => total + (pick(system) ?? 0), 0)
}

function sumDecimal(values: Array<string | null>): Dec {
  return values.reduce<Dec>((total, value) => (value === null ? total : total.plus(value)), ZERO)
}

/**
 * Display rounding is half-up per cell, and totals are rounded from the exact
 * sum; where the rounded cells do not add up to the rounded total, the table
 * shows the difference on a "rounding" line so that it still reconciles.
 */
export function roundingResidue(cells: Array<Map<string, Dec> | undefined>, unit: DisplayUnit, currency = 'JPY'): Dec {
  const factor = DISPLAY_UNITS[unit].factor
  const round = (value: Dec) => value.dividedBy(factor).toDecimalPlaces(0, Dec.ROUND_HALF_UP)
  let exact = ZERO
  let rounded = ZERO
  for (const cell of cells) {
    const amount = cell?.get(currency)
    if (!amount) continue
    exact = exact.plus(amount)
    rounded = rounded.plus(round(amount))
  }
  return round(exact).minus(rounded)
}

function residueLine(width: number, column: number, residue: Dec): string[][] {
  if (residue.isZero()) return []
  const line = Array.from({length: width}, () => '')
  line[0] = 'rounding'
  line[column] = `${residue.isPositive() ? '+' : ''}${groupDigits(residue.toFixed(0))}`
  return [line]
}

export function mergeCosts(parts: Array<Map<string, Dec> | undefined>): Map<string, Dec> {
  const merged = new Map<string, Dec>()
  for (const part of parts) for (const [currency, amount] of part ?? []) merged.set(currency, (merged.get(currency) ?? ZERO).plus(amount))
  return merged
}

/** Systems and annual cost by ministry, in display order, with totals. */
export function ministrySummaryTable(
  ministries: readonly Ministry[],
  systems: readonly SystemRecord[],
  costs: SystemCosts,
  year: number | undefined,
  unit: DisplayUnit,
): TableData {
  const unitLabel = DISPLAY_UNITS[unit].label.ja
  const head = ['ministry', '府省', 'systems', ...CATEGORIES, 'servers', 'hours/yr', `cost FY${year ?? '-'} (${unitLabel})`]
  const byMinistry = new Map<string, SystemRecord[]>()
  for (const system of systems) {
    const list = byMinistry.get(system.ministry) ?? []
    list.push(system)
    byMinistry.set(system.ministry, list)
  }
  const line = (label: string, name: string, list: readonly SystemRecord[]) => [
    label,
    name,
    num(list.length),
    ...CATEGORIES.map((category) => num(list.filter((system) => system.category === category).length)),
    num(sumField(list, (s) => s.physicalServers)),
    groupDigits(sumDecimal(list.map((s) => s.annualHours)).toFixed()),
    costCell(mergeCosts(list.map((s) => costs.get(s.id))), unit),
  ]
  const present = ministries.filter((ministry) => byMinistry.has(ministry.code))
  const rows = present.map((ministry) => line(ministry.code, ministry.nameJa ?? ministry.nameZh, byMinistry.get(ministry.code)!))
  const perMinistry = present.map((ministry) => mergeCosts(byMinistry.get(ministry.code)!.map((s) => costs.get(s.id))))
  return {
    head,
    rows: [...rows, ...residueLine(head.length, head.length - 1, roundingResidue(perMinistry, unit))],
    footer: [line('total', '', systems)],
    align: head.map((_, index) => (index < 2 ? 'left' : 'right')),
  }
}

export function historyTable(entries: readonly HistoryEntry[]): TableData {
  const rows = entries.map((entry) => [
    String(entry.changeSetId),
    entry.at.replace('T', ' ').slice(0, 19),
    entry.actor,
    entry.entity === null ? entry.kind : `${entry.action} ${entry.entity === 'system' ? '' : entry.entity}`.trim(),
    entry.entity === null ? (entry.fileName ?? entry.command) : (entry.field ?? (entry.fileName ? `${entry.fileName}` : '')),
    entry.entity === null ? entry.summary : changeText(entry),
  ])
  return {head: ['set', 'when (UTC)', 'actor', 'change', 'field / file', 'details'], rows}
}

function changeText(entry: HistoryEntry): string {
  if (entry.action === 'update') return `${entry.before ?? '∅'} → ${entry.after ?? '∅'}`
  if (entry.entity === 'cost_line') return entry.after ?? ''
  if (entry.action === 'insert') return 'created'
  return entry.after ?? ''
}

/** The fields an update changes, before and after (∅: empty). */
export function changesTable(changes: ReadonlyArray<{field: string; before: string | null; after: string | null}>): TableData {
  return {head: ['field', 'before', 'after'], rows: changes.map((change) => [change.field, change.before ?? '∅', change.after ?? '∅'])}
}
