import {registerFacts, type RegisterFacts} from './repositories/facts.js'
import {listDocuments as documentRows, listLifeEvents as lifeEventRows, listProcedures as procedureRows} from './repositories/services.js'
import type {DocumentRecord, LifeEventRecord, ProcedureRecord, ServiceEntity} from '../domain/services.js'
import {sql} from 'kysely'

import type {FacilityMetrics, FacilityRecord} from '../domain/facility.js'
import type {CostLine, Ministry, SystemRecord} from '../domain/inventory.js'
import type {Store} from './open.js'
import type {SystemTable} from './schema.js'
import {history, type HistoryEntry} from './repositories/changes.js'
import {
  costLineTextsBetween,
  getCostLine,
  iterateCostLineChunks,
  iterateCostLines,
  listCostLines as costLineRows,
  type CostFilter,
  type CostLineChunk,
  type CostLineText,
} from './repositories/costs.js'
import {listMinistries as ministryRows} from './repositories/ministries.js'
import {getFacility, listFacilities as facilityRows, listMetrics, type FacilityFilter} from './repositories/facilities.js'
import {
  getSystem,
  iterateSystemChunks,
  listSystems as systemRows,
  systemTextsBetween,
  type SystemChunk,
  type SystemFilter,
  type SystemText,
} from './repositories/systems.js'

export type {CostFilter, CostLineChunk, CostLineText} from './repositories/costs.js'
export type {FacilityFilter} from './repositories/facilities.js'
export type {HistoryEntry} from './repositories/changes.js'
export type {SystemChunk, SystemFilter, SystemText} from './repositories/systems.js'

/** The SQLite connection of a store that an operation reads only on SQLite (a page of texts it built). */
function sqliteOf(store: Store, operation: string): NonNullable<Store['sqlite']> {
  if (!store.sqlite) throw new Error(`${operation} reads a SQLite store`)
  return store.sqlite
}

/** The ministries of the store, in display order. */
export function listMinistries(store: Store): Promise<Ministry[]> {
  return ministryRows(store.db)
}

/** The systems that pass the filter, ordered by id (by code unit, the same on both backends). */
export function listSystems(store: Store, filter: SystemFilter = {}): Promise<SystemRecord[]> {
  return systemRows(store.db, filter, store.sqlite)
}

/**
 * Every system in the order `listSystems` gives, a page at a time, as one text the database builds: each system's
 * values as its CSV export has them (id, ministry, name, category, business_area, status, physical_servers,
 * virtual_hosts, os_instances, utilisation_pct, storage_tb, users, annual_hours, first_fy, last_fy, eligibility,
 * eligibility_reason, tags joined by semicolons, retired_reason, facility_id) joined by commas, a null as empty, the
 * systems joined by CR LF; null when a system's values are not as the store writes them. Undefined where the store
 * does not build them (PostgreSQL) or orders ids otherwise than by code unit. A page is read again system by system
 * with `systemTextsOf`.
 */
export function streamSystemChunks(store: Store, pageSize?: number): Iterable<SystemChunk> | undefined {
  return store.sqlite ? iterateSystemChunks(store.sqlite, pageSize) : undefined
}

/** The systems of a page of `streamSystemChunks`: each one's id and text (null as above; read such a system with `findSystem`). */
export function systemTextsOf(store: Store, chunk: SystemChunk): SystemText[] {
  return systemTextsBetween(sqliteOf(store, 'systemTextsOf'), chunk.after, chunk.last)
}

/** One system, or undefined when the store has no system with this id. */
export function findSystem(store: Store, id: string): Promise<SystemRecord | undefined> {
  return getSystem(store.db, id)
}

/** What a file reader checks against: the ministries, the ids of the systems and facilities already stored, and the citizens' side. */
export async function readerFacts(store: Store): Promise<RegisterFacts> {
  return registerFacts(store.db)
}

/** Cost lines that pass the filter, in the order they were stored. */
export function listCostLines(store: Store, filter: CostFilter = {}): Promise<CostLine[]> {
  return costLineRows(store.db, filter)
}

/** Every cost line in the order it was stored, a page at a time (flat in memory for millions of lines). */
export function streamCostLines(store: Store, pageSize?: number): AsyncGenerator<CostLine[]> {
  return iterateCostLines(store.db, pageSize, store.sqlite)
}

/**
 * Every cost line in the order it was stored, a page at a time, as one text the database builds: each line's id-less
 * values joined by commas (system_id, fiscal_year, pool, spend_type, frequency, amount, currency, note; a null note as
 * empty), the lines joined by CR LF; null when a line's values are not all there or its fiscal year is no integer.
 * Undefined where the store does not build them (PostgreSQL). A page is read again line by line with `costLineTextsOf`.
 */
export function streamCostLineChunks(store: Store, pageSize?: number): Iterable<CostLineChunk> | undefined {
  return store.sqlite ? iterateCostLineChunks(store.sqlite, pageSize) : undefined
}

/** The lines of a page of `streamCostLineChunks`: each line's id and text (null as above; read such a line with `findCostLine`). */
export function costLineTextsOf(store: Store, chunk: CostLineChunk): CostLineText[] {
  return costLineTextsBetween(sqliteOf(store, 'costLineTextsOf'), chunk.after, chunk.last)
}

/** One cost line by its id, or undefined. */
export function findCostLine(store: Store, id: number): Promise<CostLine | undefined> {
  return getCostLine(store.db, id)
}

/** The latest fiscal year with any cost line, or undefined for a store without cost lines. */
export async function latestCostYear(store: Store): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('cost_line')
    .select((eb) => eb.fn.max('fiscal_year').as('year'))
    .executeTakeFirst()
  return row?.year === null || row?.year === undefined ? undefined : Number(row.year)
}

/** The fiscal years that have recurring cost lines, ascending. */
export async function recurringCostYears(store: Store): Promise<number[]> {
  const rows = await store.db
    .selectFrom('cost_line')
    .select('fiscal_year')
    .where('frequency', '=', 'recurring')
    .groupBy('fiscal_year')
    .orderBy('fiscal_year')
    .execute()
  return rows.map((row) => Number(row.fiscal_year))
}

/** One sum of cost lines: a system's total in one currency, as an exact decimal string. */
export interface CostSum {
  systemId: string
  currency: string
  /** An exact decimal string (PostgreSQL: the numeric sum; SQLite: one line's amount, summed by the caller). */
  amount: string
}

/**
 * A fiscal year's cost lines summed by system and currency, for exact
 * addition by the caller. PostgreSQL sums them exactly (numeric); SQLite's SUM
 * would use binary floating point, so there every line is handed over, read
 * row by row, and the caller's exact addition gives the same totals.
 */
export async function sumCostsBySystem(store: Store, year: number, options: {frequency?: 'recurring' | 'one-time'} = {}): Promise<Iterable<CostSum>> {
  if (store.dialect === 'postgres') {
    let query = store.db
      .selectFrom('cost_line')
      .select(['system_id as systemId', 'currency', sql<string>`sum(amount::numeric)::text`.as('amount')])
      .where('fiscal_year', '=', year)
    if (options.frequency) query = query.where('frequency', '=', options.frequency)
    return query.groupBy(['system_id', 'currency']).execute()
  }
  let statement = 'SELECT system_id AS systemId, currency, amount FROM cost_line WHERE fiscal_year = ?'
  const parameters: unknown[] = [year]
  if (options.frequency) {
    statement += ' AND frequency = ?'
    parameters.push(options.frequency)
  }
  return store.sqlite!.prepare(statement).iterate(...parameters) as Iterable<CostSum>
}

/** A cost line as an estimate reads it. */
export interface EstimateCostLine {
  system_id: string
  fiscal_year: number
  pool: string
  frequency: string
  amount: string
  currency: string
}

/**
 * The cost lines an estimate needs, in the order they were stored: the base
 * year's recurring lines and the one-time lines planned after it up to the
 * horizon's last year. On SQLite they are read row by row from one prepared
 * statement, which spares building a million result objects at once.
 */
export async function streamEstimateCostLines(store: Store, years: {baseYear: number; lastYear: number}): Promise<Iterable<EstimateCostLine>> {
  const query = store.db
    .selectFrom('cost_line')
    .select(['system_id', 'fiscal_year', 'pool', 'frequency', 'amount', 'currency'])
    .where((eb) =>
      eb.or([
        eb.and([eb('fiscal_year', '=', years.baseYear), eb('frequency', '=', 'recurring')]),
        eb.and([eb('fiscal_year', '>', years.baseYear), eb('fiscal_year', '<=', years.lastYear), eb('frequency', '=', 'one-time')]),
      ]),
    )
    .orderBy('id')
  if (!store.sqlite) return query.execute()
  const {sql: text, parameters} = query.compile()
  // Read as value arrays and made into objects here: a fifth less than the driver's row objects.
  return estimateCostLines(
    store.sqlite
      .prepare(text)
      .raw(true)
      .iterate(...parameters) as Iterable<unknown[]>,
  )
}

/** Cost lines from their values in the order `streamEstimateCostLines` selects them. */
function* estimateCostLines(rows: Iterable<unknown[]>): Generator<EstimateCostLine> {
  for (const v of rows) yield {system_id: v[0], fiscal_year: v[1], pool: v[2], frequency: v[3], amount: v[4], currency: v[5]} as EstimateCostLine
}

/** The columns of a system that an estimate reads, as the store holds them. */
export const ESTIMATE_SYSTEM_COLUMNS = [
  'id',
  'ministry_code',
  'category',
  'business_area',
  'status',
  'eligibility',
  'tags',
  'physical_servers',
  'virtual_hosts',
  'os_instances',
  'utilisation_pct',
  'users',
  'annual_hours',
  'last_fy',
] as const satisfies ReadonlyArray<keyof SystemTable>

export type EstimateSystemRow = Pick<SystemTable, (typeof ESTIMATE_SYSTEM_COLUMNS)[number]>

/** An estimate's system row from its values in ESTIMATE_SYSTEM_COLUMNS order. */
function estimateSystemRow(v: unknown[]): EstimateSystemRow {
  return {
    id: v[0],
    ministry_code: v[1],
    category: v[2],
    business_area: v[3],
    status: v[4],
    eligibility: v[5],
    tags: v[6],
    physical_servers: v[7],
    virtual_hosts: v[8],
    os_instances: v[9],
    utilisation_pct: v[10],
    users: v[11],
    annual_hours: v[12],
    last_fy: v[13],
  } as EstimateSystemRow
}

/**
 * Rows per batch of an estimate's reads. Small enough that a batch's row objects die in V8's young generation
 * instead of being promoted: with 50 000 the estimate of a national register (1 000 000 systems) peaked at
 * 1.53 GB, with 10 000 at 1.25 GB, in no more time.
 */
const ESTIMATE_BATCH = 10_000

/**
 * Every system, with only the columns an estimate reads, handed over in batches: SQLite iterates one statement,
 * PostgreSQL reads pages in id order (keyset), so that a national register is never held twice (rows and
 * records) at once. The order of the batches is the store's; callers that need an order sort.
 */
export async function visitEstimateSystems(store: Store, visit: (rows: readonly EstimateSystemRow[]) => void, batch = ESTIMATE_BATCH): Promise<void> {
  const query = store.db.selectFrom('system').select(ESTIMATE_SYSTEM_COLUMNS)
  if (store.sqlite) {
    // Read as value arrays: the driver's row objects of this many columns are slow to build and large.
    const {sql: text, parameters} = query.compile()
    let rows: EstimateSystemRow[] = []
    for (const values of store.sqlite
      .prepare(text)
      .raw(true)
      .iterate(...parameters) as Iterable<unknown[]>) {
      rows.push(estimateSystemRow(values))
      if (rows.length === batch) {
        visit(rows)
        rows = []
      }
    }
    if (rows.length > 0) visit(rows)
    return
  }
  let after: string | undefined
  for (;;) {
    const page = after === undefined ? query : query.where('id', '>', after)
    const rows = await page.orderBy('id').limit(batch).execute()
    if (rows.length > 0) visit(rows)
    if (rows.length < batch) return
    after = rows[rows.length - 1].id
  }
}

/** Cost lines of one system, fiscal year, pool, frequency and currency, summed in minor units of the scenario's currency. */
export interface EstimateCostTotal {
  system_id: string
  fiscal_year: number
  pool: string
  frequency: string
  currency: string
  /** How many cost lines the row sums. */
  lines: number
  /** The sum of each line's amount times its multiplier, each rounded half away from zero; null when no multiplier applies. */
  minor: string | null
}

/** What one unit of a currency is worth in minor units of the scenario's currency (in every year, or in one). */
export interface CostMultiplier {
  currency: string
  fiscalYear?: number
  /** An exact decimal. */
  multiplier: string
}

/**
 * PostgreSQL only: the cost lines `streamEstimateCostLines` selects, converted line by line and summed in the
 * database (numeric arithmetic, exact), read through a cursor in batches so that neither the server's answer nor
 * this process holds the whole register. Each line's amount times its currency's multiplier is rounded half away
 * from zero before it is added, as the estimate does line by line on SQLite, so both give the same sums.
 */
export async function visitEstimateCostTotals(
  store: Store,
  options: {baseYear: number; lastYear: number; multipliers: readonly CostMultiplier[]; batch?: number},
  visit: (rows: readonly EstimateCostTotal[]) => void,
): Promise<void> {
  if (store.dialect !== 'postgres') throw new Error('visitEstimateCostTotals reads a PostgreSQL store')
  const batch = options.batch ?? ESTIMATE_BATCH
  for (const entry of options.multipliers) {
    // Written into the SQL text (below): only a currency code and a plain decimal can be.
    if (!/^[A-Z]{3}$/.test(entry.currency) || !/^\d+(\.\d+)?$/.test(entry.multiplier)) {
      throw new Error(`not a currency code and multiplier: ${entry.currency} ${entry.multiplier}`)
    }
  }
  const year = (value: number) => sql.lit(Math.trunc(value))
  const factors = options.multipliers.map(
    (entry) =>
      sql`(${sql.lit(entry.currency)}::text, ${entry.fiscalYear === undefined ? sql`null` : year(entry.fiscalYear)}::integer, ${sql.lit(entry.multiplier)}::numeric)`,
  )
  const rates = factors.length ? sql`(values ${sql.join(factors)})` : sql`(select null::text, null::integer, null::numeric where false)`
  await store.db.transaction().execute(async (trx) => {
    // A cursor's query cannot take bind parameters: every value above is a literal (integers, and quoted text).
    await sql`declare kasumi_estimate_costs no scroll cursor for
      select c.system_id, c.fiscal_year, c.pool, c.frequency, c.currency, count(*)::integer as lines,
        sum(round(c.amount::numeric * r.multiplier))::text as minor
      from cost_line c
      left join ${rates} as r (currency, fiscal_year, multiplier)
        on r.currency = c.currency and (r.fiscal_year is null or r.fiscal_year = c.fiscal_year)
      where (c.fiscal_year = ${year(options.baseYear)} and c.frequency = 'recurring')
         or (c.fiscal_year > ${year(options.baseYear)} and c.fiscal_year <= ${year(options.lastYear)} and c.frequency = 'one-time')
      group by c.system_id, c.fiscal_year, c.pool, c.frequency, c.currency`.execute(trx)
    for (;;) {
      const {rows} = await sql<EstimateCostTotal>`fetch ${sql.lit(batch)} from kasumi_estimate_costs`.execute(trx)
      if (rows.length === 0) break
      visit(rows)
      if (rows.length < batch) break
    }
    await sql`close kasumi_estimate_costs`.execute(trx)
  })
}

/** The change log, newest first: of the whole store (one entry per change set), of one system or of one facility. */
export function changeHistory(
  store: Store,
  options: {entityId?: string; entity?: 'system' | 'facility' | ServiceEntity; limit?: number} = {},
): Promise<HistoryEntry[]> {
  return history(store.db, options)
}

/** Whether the change log mentions this id (a system, ministry or cost line's system; or, with `entity`, one of that kind). */
export async function hasChangesFor(store: Store, entityId: string, entity?: 'system' | 'facility' | ServiceEntity): Promise<boolean> {
  let query = store.db.selectFrom('change').select('id').where('entity_id', '=', entityId)
  if (entity !== undefined && entity !== 'system' && entity !== 'facility') query = query.where('entity', '=', entity)
  return (await query.limit(1).executeTakeFirst()) !== undefined
}

/** Procedures (all, or these ids), ordered by id. */
export function listProcedures(store: Store, ids?: readonly string[]): Promise<ProcedureRecord[]> {
  return procedureRows(store.db, ids)
}

/** Documents (all, or these ids), ordered by id. */
export function listDocuments(store: Store, ids?: readonly string[]): Promise<DocumentRecord[]> {
  return documentRows(store.db, ids)
}

/** Life events (all, or these ids) with their procedures in order, ordered by id. */
export function listLifeEvents(store: Store, ids?: readonly string[]): Promise<LifeEventRecord[]> {
  return lifeEventRows(store.db, ids)
}

/** The citizens' side of the register at once: every procedure, document and life event. */
export async function serviceRegister(
  store: Store,
): Promise<{procedures: ProcedureRecord[]; documents: DocumentRecord[]; lifeEvents: LifeEventRecord[]}> {
  return {procedures: await procedureRows(store.db), documents: await documentRows(store.db), lifeEvents: await lifeEventRows(store.db)}
}

/** The facilities that pass the filter, ordered by id. */
export function listFacilities(store: Store, filter: FacilityFilter = {}): Promise<FacilityRecord[]> {
  return facilityRows(store.db, filter)
}

/** One facility, or undefined when the store has none with this id. */
export function findFacility(store: Store, id: string): Promise<FacilityRecord | undefined> {
  return getFacility(store.db, id)
}

/** Facility figures per reporting period, ordered by facility and period; of some facilities or one period when asked. */
export function listFacilityMetrics(store: Store, filter: {facilityIds?: string[]; period?: string} = {}): Promise<FacilityMetrics[]> {
  return listMetrics(store.db, filter)
}
