import {Dec, ZERO} from '../domain/money.js'
import type {Store} from '../store/open.js'
import {latestCostYear, sumCostsBySystem} from '../store/register.js'

/** Exact sums of cost lines, per system and currency, for one fiscal year. */
export type SystemCosts = Map<string, Map<string, Dec>>

export function latestFiscalYear(store: Store): Promise<number | undefined> {
  return latestCostYear(store)
}

/** Sums a fiscal year's cost lines per system and currency, as exact decimals. */
export async function costsBySystem(store: Store, year: number, options: {frequency?: 'recurring' | 'one-time'} = {}): Promise<SystemCosts> {
  const totals: SystemCosts = new Map()
  for (const {systemId, currency, amount} of await sumCostsBySystem(store, year, options)) {
    let byCurrency = totals.get(systemId)
    if (!byCurrency) totals.set(systemId, (byCurrency = new Map()))
    byCurrency.set(currency, (byCurrency.get(currency) ?? ZERO).plus(new Dec(amount)))
  }
  return totals
}
