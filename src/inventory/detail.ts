import {COST_POOLS, type CostLine, type SystemRecord} from '../domain/inventory.js'
import {DISPLAY_UNITS, Dec, ZERO, canonical, formatAmount, type DisplayUnit} from '../domain/money.js'
import type {TableData} from '../domain/table.js'
import type {Store} from '../store/open.js'
import {listCostLines} from '../store/register.js'
import {listMinistries} from '../store/register.js'

export interface SystemDetail {
  system: SystemRecord
  ministryName: string
  lines: CostLine[]
  json: Record<string, unknown>
}

export async function systemDetail(store: Store, system: SystemRecord): Promise<SystemDetail> {
  const lines = await listCostLines(store, {systemIds: [system.id]})
  const ministry = (await listMinistries(store)).find((candidate) => candidate.code === system.ministry)
  const byYear = new Map<number, Map<string, Dec>>()
  for (const line of lines) {
    const key = `${line.currency}`
    const year = byYear.get(line.fiscalYear) ?? new Map<string, Dec>()
    year.set(key, (year.get(key) ?? ZERO).plus(line.amount))
    byYear.set(line.fiscalYear, year)
  }
  return {
    system,
    ministryName: ministry?.nameJa ?? ministry?.nameZh ?? system.ministry,
    lines,
    json: {
      system,
      costLines: lines.map(({id: _id, ...line}) => line),
      costByYear: [...byYear]
        .sort(([a], [b]) => a - b)
        .map(([year, totals]) => ({year, total: Object.fromEntries([...totals].map(([c, a]) => [c, canonical(a)]))})),
    },
  }
}

const FIELD_LABELS: Array<[keyof SystemRecord, string]> = [
  ['id', 'id'],
  ['ministry', 'ministry'],
  ['name', 'name'],
  ['category', 'category'],
  ['businessArea', 'business area'],
  ['status', 'status'],
  ['physicalServers', 'physical servers'],
  ['virtualHosts', 'virtual hosts'],
  ['osInstances', 'OS instances'],
  ['utilisation', 'average utilisation %'],
  ['storageTb', 'storage TB'],
  ['users', 'users'],
  ['annualHours', 'processing hours / year'],
  ['firstYear', 'first fiscal year'],
  ['lastYear', 'last fiscal year'],
  ['eligibility', 'platform eligibility'],
  ['eligibilityReason', 'eligibility reason'],
  ['tags', 'tags'],
  ['retiredReason', 'retired because'],
  ['facilityId', 'facility'],
]

/** The fields table and the cost table (fiscal year × pool, with totals). */
export function systemDetailTables(detail: SystemDetail, unit: DisplayUnit): TableData[] {
  const {system} = detail
  const fields: TableData = {
    title: `${system.id} ${system.name}`,
    head: ['field', 'value'],
    rows: FIELD_LABELS.filter(([key]) => {
      const value = system[key]
      return value !== null && !(Array.isArray(value) && value.length === 0)
    }).map(([key, label]) => {
      const value = system[key]
      if (key === 'ministry') return [label, `${value} ${detail.ministryName}`]
      return [label, Array.isArray(value) ? value.join(', ') : String(value)]
    }),
  }
  if (detail.lines.length === 0) return [fields]
  const factor = DISPLAY_UNITS[unit].factor
  const currencies = [...new Set(detail.lines.map((line) => line.currency))]
  const tables = currencies.map((currency): TableData => {
    const lines = detail.lines.filter((line) => line.currency === currency)
    const years = [...new Set(lines.map((line) => line.fiscalYear))].sort((a, b) => a - b)
    const pools = COST_POOLS.filter((pool) => lines.some((line) => line.pool === pool))
    const cell = (list: CostLine[]) =>
      list.length === 0
        ? '-'
        : formatAmount(
            list.reduce<Dec>((sum, line) => sum.plus(line.amount), ZERO),
            {unitFactor: currency === 'JPY' ? factor : 1},
          )
    const rows = years.map((year) => [
      `FY${year}`,
      ...pools.map((pool) => cell(lines.filter((line) => line.fiscalYear === year && line.pool === pool))),
      cell(lines.filter((line) => line.fiscalYear === year && line.frequency === 'one-time')),
      cell(lines.filter((line) => line.fiscalYear === year)),
    ])
    const footer = [
      [
        'total',
        ...pools.map((pool) => cell(lines.filter((line) => line.pool === pool))),
        cell(lines.filter((line) => line.frequency === 'one-time')),
        cell(lines),
      ],
    ]
    const unitLabel = currency === 'JPY' ? DISPLAY_UNITS[unit].label.ja : currency
    return {
      title: `Costs (${unitLabel}; rounded half-up, totals from exact sums)`,
      head: ['year', ...pools, 'of which one-time', 'total'],
      rows,
      footer,
      align: ['left', ...pools.map(() => 'right' as const), 'right', 'right'],
    }
  })
  return [fields, ...tables]
}
