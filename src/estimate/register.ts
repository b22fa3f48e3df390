import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {minorFactor, rateKey, type Rates} from '../domain/currency.js'
import type {Category, CostPool, Eligibility, SystemRecord, SystemStatus} from '../domain/inventory.js'
import {Dec} from '../domain/money.js'
import type {Store} from '../store/open.js'
import {listSystems, recurringCostYears, streamEstimateCostLines, visitEstimateCostTotals} from '../store/register.js'
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
  const systems = await listSystems(store)
  const inputs: SystemInput[] = systems.map((system, index) => ({
    index,
    id: system.id,
    ministry: system.ministry,
    category: system.category as Category,
    area: system.businessArea ?? '',
    status: system.status as SystemStatus,
    eligibility: system.eligibility as Eligibility,
    tags: system.tags,
    physicalServers: system.physicalServers ?? 0,
    virtualHosts: system.virtualHosts ?? 0,
    osInstances: system.osInstances ?? 0,
    utilisation: system.utilisation === null ? null : percentRatio(system.utilisation),
    users: system.users ?? 0,
    centiHours:
      system.annualHours === null
        ? 0
        : /^\d+$/.test(system.annualHours)
          ? Number(system.annualHours) * 100
          : new Dec(system.annualHours).times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber(),
    lastYear: system.lastYear,
    recurring: POOLS.map(() => 0),
    planned: new Map(),
    unrecorded: unrecorded(system),
  }))
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
      if (!pools) input.planned.set(year, (pools = POOLS.map(() => 0)))
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
    for (const row of await streamEstimateCostLines(store, years)) {
      const input = byId.get(row.system_id)
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

const COUNTS = ['physicalServers', 'osInstances', 'users', 'annualHours'] as const satisfies readonly RegisterCount[]

/** The counts a system leaves empty, or undefined when it records them all. */
function unrecorded(system: SystemRecord): RegisterCount[] | undefined {
  const empty = COUNTS.filter((field) => system[field] === null)
  return empty.length > 0 ? empty : undefined
}
