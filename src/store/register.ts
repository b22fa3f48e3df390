import {sql} from 'kysely'

import type {FacilityMetrics, FacilityRecord} from '../domain/facility.js'
import type {CostLine, Ministry, SystemRecord} from '../domain/inventory.js'
import type {Store} from './open.js'
import {history, type HistoryEntry} from './repositories/changes.js'
import {iterateCostLines, listCostLines as costLineRows, type CostFilter} from './repositories/costs.js'
import {listMinistries as ministryRows} from './repositories/ministries.js'
import {getFacility, listFacilities as facilityRows, listMetrics, type FacilityFilter} from './repositories/facilities.js'
import {getSystem, listSystems as systemRows, type SystemFilter} from './repositories/systems.js'

export type {CostFilter} from './repositories/costs.js'
export type {FacilityFilter} from './repositories/facilities.js'
export type {HistoryEntry} from './repositories/changes.js'
export type {SystemFilter} from './repositories/systems.js'

/** The ministries of the store, in display order. */
export function listMinistries(store: Store): Promise<Ministry[]> {
  return ministryRows(store.db)
}

/** The systems that pass the filter, ordered by id (by code unit, the same on both backends). */
export function listSystems(store: Store, filter: SystemFilter = {}): Promise<SystemRecord[]> {
  return systemRows(store.db, filter)
}

/** One system, or undefined when the store has no system with this id. */
export function findSystem(store: Store, id: string): Promise<SystemRecord | undefined> {
  return getSystem(store.db, id)
}

/** What a file reader checks against: the ministries and the ids of the systems already stored. */
export async function readerFacts(store: Store): Promise<{ministries: Ministry[]; systemIds: string[]; facilityIds: string[]}> {
  const rows = await store.db.selectFrom('system').select('id').execute()
  const facilities = await store.db.selectFrom('facility').select('id').execute()
  return {ministries: await ministryRows(store.db), systemIds: rows.map((row) => row.id), facilityIds: facilities.map((row) => row.id)}
}

/** Cost lines that pass the filter, in the order they were stored. */
export function listCostLines(store: Store, filter: CostFilter = {}): Promise<CostLine[]> {
  return costLineRows(store.db, filter)
}

/** Every cost line in the order it was stored, a page at a time (flat in memory for millions of lines). */
export function streamCostLines(store: Store, pageSize?: number): AsyncGenerator<CostLine[]> {
  return iterateCostLines(store.db, pageSize)
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
  return store.sqlite.prepare(text).iterate(...parameters) as Iterable<EstimateCostLine>
}

/** The change log, newest first: of the whole store (one entry per change set), of one system or of one facility. */
export function changeHistory(
  store: Store,
  options: {entityId?: string; entity?: 'system' | 'facility'; limit?: number} = {},
): Promise<HistoryEntry[]> {
  return history(store.db, options)
}

/** Whether the change log mentions this id (a system, ministry or cost line's system). */
export async function hasChangesFor(store: Store, entityId: string): Promise<boolean> {
  return (await store.db.selectFrom('change').select('id').where('entity_id', '=', entityId).limit(1).executeTakeFirst()) !== undefined
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
