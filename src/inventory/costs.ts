import {sql} from 'kysely'

import {Dec, ZERO} from '../domain/money.js'
import type {Store} from '../store/open.js'

/** Exact sums of cost lines, per system and currency, for one fiscal year. */
export type SystemCosts = Map<string, Map<string, Dec>>

export async function latestFiscalYear(store: Store): Promise<number | undefined> {
  const row = await store.db.selectFrom('cost_line').select((eb) => eb.fn.max('fiscal_year').as('year')).executeTakeFirst()
  return row?.year === null || row?.year === undefined ? undefined : Number(row.year)
}

/**
 * Sums a fiscal year's cost lines per system and currency. Amounts are summed
 * as exact decimals: by PostgreSQL's numeric type, or here for SQLite (whose
 * SUM would use binary floating point).
 */
export async function costsBySystem(store: Store, year: number, options: {frequency?: 'recurring' | 'one-time'} = {}): Promise<SystemCosts> {
  const totals: SystemCosts = new Map()
  const add = (systemId: string, currency: string, amount: Dec) => {
    let byCurrency = totals.get(systemId)
    if (!byCurrency) totals.set(systemId, (byCurrency = new Map()))
    byCurrency.set(currency, (byCurrency.get(currency) ?? ZERO).plus(amount))
  }
  if (store.dialect === 'postgres') {
    let query = store.db
      .selectFrom('cost_line')
      .select(['system_id', 'currency', sql<string>`sum(amount::numeric)::text`.as('total')])
      .where('fiscal_year', '=', year)
    if (options.frequency) query = query.where('frequency', '=', options.frequency)
    for (const row of await query.groupBy(['system_id', 'currency']).execute()) add(row.system_id, row.currency, new Dec(row.total))
    return totals
  }
  let statement = 'SELECT system_id, currency, amount FROM cost_line WHERE fiscal_year = ?'
  const parameters: unknown[] = [year]
  if (options.frequency) {
    statement += ' AND frequency = ?'
    parameters.push(options.frequency)
  }
  for (const row of store.sqlite!.prepare(statement).raw().iterate(...parameters) as Iterable<[string, string, string]>) {
    add(row[0], row[1], new Dec(row[2]))
  }
  return totals
}
