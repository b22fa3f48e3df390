import {Dec} from '../domain/money.js'
import type {Store} from '../store/open.js'
import {latestCostYear, sumCostsBySystem} from '../store/register.js'

/** Exact sums of cost lines, per system and currency, for one fiscal year. */
export type SystemCosts = Map<string, Map<string, Dec>>

export function latestFiscalYear(store: Store): Promise<number | undefined> {
  return latestCostYear(store)
}

/** An amount that JavaScript numbers add exactly: an integer of at most 15 digits. */
const SMALL_INTEGER = /^-?\d{1,15}$/

/**
 * Sums a fiscal year's cost lines per system and currency, as exact decimals. Whole amounts (the usual case: yen)
 * are added as numbers while the sum stays a safe integer, which is exact and spares a decimal per line; any other
 * amount, or a sum beyond 2^53, carries on in decimals.
 */
export async function costsBySystem(store: Store, year: number, options: {frequency?: 'recurring' | 'one-time'} = {}): Promise<SystemCosts> {
  const sums = new Map<string, Map<string, number | Dec>>()
  for (const {systemId, currency, amount} of await sumCostsBySystem(store, year, options)) {
    let byCurrency = sums.get(systemId)
    if (!byCurrency) sums.set(systemId, (byCurrency = new Map()))
    const sum = byCurrency.get(currency) ?? 0
    if (typeof sum === 'number' && SMALL_INTEGER.test(amount)) {
      const next = sum + Number(amount)
      if (Number.isSafeInteger(next)) {
        byCurrency.set(currency, next)
        continue
      }
    }
    byCurrency.set(currency, (typeof sum === 'number' ? new Dec(sum) : sum).plus(new Dec(amount)))
  }
  const totals: SystemCosts = new Map()
  for (const [systemId, byCurrency] of sums) {
    totals.set(systemId, new Map([...byCurrency].map(([currency, sum]) => [currency, typeof sum === 'number' ? new Dec(sum) : sum])))
  }
  return totals
}
