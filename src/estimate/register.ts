import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {minorFactor, rateKey, type Rates} from '../domain/currency.js'
import type {Category, CostPool, Eligibility, SystemStatus} from '../domain/inventory.js'
import {Dec} from '../domain/money.js'
import type {Store} from '../store/open.js'
import {
  recurringCostYears,
  streamEstimateCostLines,
  visitEstimateCostTotals,
  visitEstimateSystems,
  type EstimateSystemRow,
} from '../store/register.js'
import {percentRatio} from './exact.js'
import {POOL_INDEX, POOLS, type RegisterCount, type Scenario, type SystemInput} from './model.js'

/**
 * The register as the engine reads it: every system with its base-year
 * recurring cost per pool and its planned one-time costs after the base year,
 * converted to the scenario's currency (minor units). A cost line in another
 * currency needs a dated rate (from `rates`, read from the scenario's
 * exchange-rate file); a missing rate is an error, never a guess.
 */
export async function loadRegister(store: Store, scenario: Scenario, rates: Rates): Promise<SystemInput[]> {
  const inputs: SystemInput[] = []
  // The same ministry, category, status, area or tag list comes on many rows as a new string: one copy each.
  const shared = new Map<string, string>()
  const intern = (text: string) => {
    const known = shared.get(text)
    if (known !== undefined) return known
    shared.set(text, text)
    return text
  }
  const tagLists = new Map<string, readonly string[]>()
  const tags = (json: string) => {
    let list = tagLists.get(json)
    if (!list) tagLists.set(json, (list = Object.freeze((JSON.parse(json) as string[]).map(intern))))
    return list
  }
  await visitEstimateSystems(store, (rows) => {
    for (const row of rows) inputs.push(systemInput(row, intern, tags))
  })
  // By id in code-unit order, whatever the store's collation: the ledger's rows follow this order.
  inputs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  for (let index = 0; index < inputs.length; index++) inputs[index].index = index
  const byId = new Map(inputs.map((input) => [input.id, input]))
  const factor = minorFactor(scenario.currency)
  const missing = new Map<string, number>()
  let baseLines = 0

  const add = (input: SystemInput, year: number, pool: number, frequency: string, amount: number, lines: number) => {
    if (frequency === 'recurring') {
      input.recurring[pool] += amount
      baseLines += lines
    } else {
      let pools = input.planned.get(year)
      if (!pools) {
        if (input.planned === NO_PLANNED_COSTS) input.planned = new Map()
        input.planned.set(year, (pools = POOLS.map(() => 0)))
      }
      pools[pool] += amount
    }
  }
  const years = {baseYear: scenario.baseYear, lastYear: scenario.horizon[1]}

  if (store.dialect === 'postgres') {
    // Summed in the database, line by line converted and rounded as below, and read in batches (a national
    // register's cost lines never sit in this process at once).
    const multipliers = [
      {currency: scenario.currency, multiplier: String(factor)},
      ...[...rates]
        .map(([key, rate]) => ({key: key.split(':'), rate}))
        .filter(({key}) => key[0] !== scenario.currency)
        .map(({key, rate}) => ({currency: key[0], fiscalYear: Number(key[1]), multiplier: rate.times(factor).toFixed()})),
    ]
    await visitEstimateCostTotals(store, {...years, multipliers}, (rows) => {
      for (const row of rows) {
        const input = byId.get(row.system_id)
        if (!input) continue
        const year = Number(row.fiscal_year)
        if (row.minor === null) {
          const key = rateKey(row.currency, year)
          missing.set(key, (missing.get(key) ?? 0) + Number(row.lines))
          continue
        }
        add(input, year, POOL_INDEX[row.pool as CostPool], row.frequency, Number(row.minor), Number(row.lines))
      }
    })
  } else {
    // A system's lines mostly come one after another: the last one's system is looked up once.
    let lastId: string | undefined
    let lastInput: SystemInput | undefined
    for (const row of await streamEstimateCostLines(store, years)) {
      if (row.system_id !== lastId) {
        lastId = row.system_id
        lastInput = byId.get(row.system_id)
      }
      const input = lastInput
      if (!input) continue
      const year = Number(row.fiscal_year)
      let amount: number
      if (row.currency === scenario.currency) {
        amount =
          factor === 1 && /^-?\d+$/.test(row.amount)
            ? Number(row.amount)
            : new Dec(row.amount).times(factor).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
      } else {
        const rate = rates.get(rateKey(row.currency, year))
        if (!rate) {
          const key = rateKey(row.currency, year)
          missing.set(key, (missing.get(key) ?? 0) + 1)
          continue
        }
        amount = new Dec(row.amount).times(rate).times(factor).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
      }
      add(input, year, POOL_INDEX[row.pool as CostPool], row.frequency, amount, 1)
    }
  }
  if (missing.size > 0) {
    const issues: InputIssue[] = [...missing]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, count]) => {
        const [currency, year] = key.split(':')
        return {
          file: scenario.exchangeRates ?? scenario.file,
          column: 'exchangeRates',
          value: `${currency} ${year}`,
          message: `no exchange rate from ${currency} to ${scenario.currency} for fiscal year ${year} (${count} cost line${count === 1 ? '' : 's'})`,
          hint: scenario.exchangeRates ? 'add the rate to the exchange-rate file' : 'name a rate file with exchangeRates: in the scenario',
        }
      })
    throw new InvalidInputError('cost lines in other currencies cannot be converted', issues)
  }
  if (baseLines === 0) {
    const years = await recurringCostYears(store)
    throw new InvalidInputError(`the base year ${scenario.baseYear} has no recurring cost lines in the register`, [
      {
        file: scenario.file,
        line: scenario.lines?.baseYear,
        column: 'baseYear',
        value: String(scenario.baseYear),
        message: 'the base year has no cost data',
        hint: years.length ? `years with recurring costs: ${years.join(', ')}` : 'import cost lines first (kasumi inventory import costs.csv)',
      },
    ])
  }
  return inputs
}

/** The planned costs of every system that has none, shared (a map each would weigh on a national register); never written to. */
const NO_PLANNED_COSTS: Map<number, number[]> = new Map()

const count = (value: number | string | null): number | null => (value === null ? null : Number(value))

/** A system as the engine reads it: counts as numbers (0 when empty, noted in `unrecorded`), costs still to add. */
function systemInput(row: EstimateSystemRow, intern: (text: string) => string, tags: (json: string) => readonly string[]): SystemInput {
  const annualHours = row.annual_hours
  const unrecorded: RegisterCount[] = []
  if (row.physical_servers === null) unrecorded.push('physicalServers')
  if (row.os_instances === null) unrecorded.push('osInstances')
  if (row.users === null) unrecorded.push('users')
  if (annualHours === null) unrecorded.push('annualHours')
  return {
    index: 0,
    id: row.id,
    ministry: intern(row.ministry_code),
    category: intern(row.category) as Category,
    area: intern(row.business_area ?? ''),
    status: intern(row.status) as SystemStatus,
    eligibility: intern(row.eligibility) as Eligibility,
    tags: tags(row.tags),
    physicalServers: count(row.physical_servers) ?? 0,
    virtualHosts: count(row.virtual_hosts) ?? 0,
    osInstances: count(row.os_instances) ?? 0,
    utilisation: row.utilisation_pct === null ? null : percentRatio(row.utilisation_pct),
    users: count(row.users) ?? 0,
    centiHours:
      annualHours === null
        ? 0
        : /^\d+$/.test(annualHours)
          ? Number(annualHours) * 100
          : new Dec(annualHours).times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber(),
    lastYear: count(row.last_fy),
    recurring: POOLS.map(() => 0),
    planned: NO_PLANNED_COSTS,
    unrecorded: unrecorded.length > 0 ? unrecorded : undefined,
  }
}
