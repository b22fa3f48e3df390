import {UsageError} from '../domain/errors.js'
import type {SystemRecord} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import {canonical} from '../domain/money.js'
import {compareJa} from '../domain/text-match.js'
import type {Store} from '../store/open.js'
import {listMinistries} from '../store/register.js'
import {listSystems, type SystemFilter} from '../store/register.js'
import {costsBySystem, latestFiscalYear, type SystemCosts} from './costs.js'

/** Resolves ministry names or codes given on the command line to codes. */
export async function resolveMinistries(store: Store, names: string[] | undefined): Promise<string[] | undefined> {
  if (!names?.length) return undefined
  const index = new MinistryIndex(await listMinistries(store))
  return names.map((name) => {
    const ministry = index.find(name)
    if (!ministry) {
      const suggestion = index.suggest(name)
      throw new UsageError(`unknown ministry ${JSON.stringify(name)}`, {
        suggestion: suggestion ? `did you mean ${suggestion}?` : 'see `kasumi inventory list --kind ministries`',
      })
    }
    return ministry.code
  })
}

export interface SystemsWithCosts {
  systems: SystemRecord[]
  year: number | undefined
  costs: SystemCosts
}

export async function systemsWithCosts(store: Store, filter: SystemFilter, year: number | undefined): Promise<SystemsWithCosts> {
  const systems = await listSystems(store, filter)
  const fiscalYear = year ?? (await latestFiscalYear(store))
  const costs = fiscalYear === undefined ? new Map() : await costsBySystem(store, fiscalYear)
  return {systems, year: fiscalYear, costs}
}

/** JSON form of a system's costs: exact decimal strings per currency, in base units. */
export function costsJson(byCurrency: Map<string, import('../domain/money.js').Dec> | undefined): Record<string, string> {
  return Object.fromEntries([...(byCurrency ?? new Map())].map(([currency, amount]) => [currency, canonical(amount)]))
}

/** `--sort` also takes the names `--columns` uses. */
const SORT_ALIASES: Record<string, string> = {
  servers: 'physicalServers',
  hosts: 'virtualHosts',
  os: 'osInstances',
  storage: 'storageTb',
  hours: 'annualHours',
  area: 'businessArea',
  years: 'firstYear',
}

export function sortSystems(systems: SystemRecord[], field: string, costs?: SystemCosts): SystemRecord[] {
  const descending = field.startsWith('-')
  const named = descending ? field.slice(1) : field
  const key = SORT_ALIASES[named] ?? named
  const numeric = new Set(['physicalServers', 'virtualHosts', 'osInstances', 'users', 'firstYear', 'lastYear'])
  const decimal = new Set(['utilisation', 'storageTb', 'annualHours'])
  const valueOf = (system: SystemRecord): number | string => {
    if (key === 'cost') return Number(costs?.get(system.id)?.get('JPY') ?? 0)
    const value = system[key as keyof SystemRecord]
    if (numeric.has(key) || decimal.has(key)) return value === null ? Number.NEGATIVE_INFINITY : Number(value)
    return value === null ? '' : String(value)
  }
  const sorted = [...systems].sort((a, b) => {
    const left = valueOf(a)
    const right = valueOf(b)
    const order = typeof left === 'number' && typeof right === 'number' ? left - right : compareJa(String(left), String(right))
    return order !== 0 ? order : a.id.localeCompare(b.id)
  })
  return descending ? sorted.reverse() : sorted
}

export const SORT_FIELDS = [
  ...Object.keys(SORT_ALIASES),
  'id',
  'ministry',
  'name',
  'category',
  'businessArea',
  'status',
  'physicalServers',
  'virtualHosts',
  'osInstances',
  'utilisation',
  'storageTb',
  'users',
  'annualHours',
  'firstYear',
  'lastYear',
  'cost',
]
