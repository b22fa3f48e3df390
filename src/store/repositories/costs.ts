import type {Kysely} from 'kysely'

import type {CostLine, CostPool, Frequency, SpendType} from '../../domain/inventory.js'
import type {Database} from '../schema.js'
import type {Store} from '../open.js'

export const COST_INSERT_COLUMNS = ['system_id', 'fiscal_year', 'pool', 'spend_type', 'frequency', 'amount', 'currency', 'note', 'change_set_id'] as const

/**
 * Inserts cost lines in bulk. On SQLite a prepared statement on the raw handle
 * (inside the caller's transaction) avoids per-row query building; on
 * PostgreSQL multi-row inserts of 1,000 rows keep round trips few.
 */
export class CostLineWriter {
  private readonly statement?: {run(...values: unknown[]): unknown}

  constructor(
    private readonly store: Store,
    private readonly db: Kysely<Database>,
    private readonly changeSetId: number | null,
  ) {
    if (store.sqlite) {
      this.statement = store.sqlite.prepare(`INSERT INTO cost_line (${COST_INSERT_COLUMNS.join(', ')}) VALUES (${COST_INSERT_COLUMNS.map(() => '?').join(', ')})`)
    }
  }

  async write(lines: readonly CostLine[]): Promise<void> {
    if (this.statement) {
      const statement = this.statement
      for (const line of lines) {
        statement.run(line.systemId, line.fiscalYear, line.pool, line.spendType, line.frequency, line.amount, line.currency, line.note, this.changeSetId)
      }
      return
    }
    const chunk = 1000
    for (let start = 0; start < lines.length; start += chunk) {
      await this.db
        .insertInto('cost_line')
        .values(
          lines.slice(start, start + chunk).map((line) => ({
            system_id: line.systemId,
            fiscal_year: line.fiscalYear,
            pool: line.pool,
            spend_type: line.spendType,
            frequency: line.frequency,
            amount: line.amount,
            currency: line.currency,
            note: line.note,
            change_set_id: this.changeSetId,
          })),
        )
        .execute()
    }
  }
}

export interface CostFilter {
  systemIds?: string[]
  fromYear?: number
  toYear?: number
}

export async function listCostLines(db: Kysely<Database>, filter: CostFilter = {}): Promise<CostLine[]> {
  let query = db.selectFrom('cost_line').selectAll()
  if (filter.systemIds?.length) query = query.where('system_id', 'in', filter.systemIds)
  if (filter.fromYear !== undefined) query = query.where('fiscal_year', '>=', filter.fromYear)
  if (filter.toYear !== undefined) query = query.where('fiscal_year', '<=', filter.toYear)
  const rows = await query.orderBy('id').execute()
  return rows.map((row) => ({
    id: Number(row.id),
    systemId: row.system_id,
    fiscalYear: Number(row.fiscal_year),
    pool: row.pool as CostPool,
    spendType: row.spend_type as SpendType,
    frequency: row.frequency as Frequency,
    amount: row.amount,
    currency: row.currency,
    note: row.note,
  }))
}

export async function countCostLines(db: Kysely<Database>, systemId?: string): Promise<number> {
  let query = db.selectFrom('cost_line').select((eb) => eb.fn.countAll().as('count'))
  if (systemId !== undefined) query = query.where('system_id', '=', systemId)
  const row = await query.executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Streams cost lines in id order, a page at a time, so exports of millions of rows stay flat in memory. */
export async function* iterateCostLines(db: Kysely<Database>, pageSize = 10_000): AsyncGenerator<CostLine[]> {
  let after = 0
  for (;;) {
    const rows = await db.selectFrom('cost_line').selectAll().where('id', '>', after).orderBy('id').limit(pageSize).execute()
    if (rows.length === 0) return
    after = Number(rows.at(-1)!.id)
    yield rows.map((row) => ({
      id: Number(row.id),
      systemId: row.system_id,
      fiscalYear: Number(row.fiscal_year),
      pool: row.pool as CostPool,
      spendType: row.spend_type as SpendType,
      frequency: row.frequency as Frequency,
      amount: row.amount,
      currency: row.currency,
      note: row.note,
    }))
  }
}
