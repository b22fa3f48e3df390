import {sql, type Kysely} from 'kysely'

import {FACILITY_FIELD_NAMES, facilityValueText, type FacilityMetrics, type FacilityRecord} from '../domain/facility.js'
import type {Ministry, SystemRecord} from '../domain/inventory.js'
import type {Store} from './open.js'
import {addChanges, createChangeSet, finishChangeSet, type ChangeInput} from './repositories/changes.js'
import type {PackedCostLines} from './repositories/cost-pack.js'
import {COST_LINE_INDEX, CostLineWriter} from './repositories/costs.js'
import {
  changedFacilityFields,
  changedMetricFields,
  insertFacilities,
  insertMetrics,
  listFacilities,
  listMetrics,
  replaceMetrics,
  updateFacilityFields,
} from './repositories/facilities.js'
import {registerFacts, type RegisterFacts} from './repositories/facts.js'
import {upsertMinistries} from './repositories/ministries.js'
import {listDocuments, listLifeEvents, listProcedures, writeDocuments, writeLifeEvents, writeProcedures} from './repositories/services.js'
import type {DocumentRecord, LifeEventRecord, ProcedureRecord, ServiceEntity} from '../domain/services.js'
import {changedFields, fieldText, insertSystems, listSystems, updateSystemFields} from './repositories/systems.js'
import type {Database} from './schema.js'
import {writeTransaction} from './write.js'

/** One system of an import: new (no `stored`), or the stored version and the version to store. */
export interface ImportedSystem {
  stored?: SystemRecord
  system: SystemRecord
}

/** One facility of an import with its figures for the imported period. */
export interface ImportedFacility {
  facility: FacilityRecord
  metrics: FacilityMetrics
}

export interface FacilityWriteCounts {
  inserted: number
  updated: number
  unchanged: number
  /** Periods of figures added, and periods whose figures changed. */
  periodsAdded: number
  periodsUpdated: number
}

/** What an import writes, inside its one transaction (see writeImport). */
export interface ImportSession {
  readonly changeSetId: number
  /** The ministries and the ids of the systems in the store, as this transaction sees them. */
  /** The ministries, the ids of the systems and facilities, and the citizens' side of the store, as this transaction sees them. */
  facts(): Promise<RegisterFacts>
  /** Every stored procedure, document or life event by id, as this transaction sees them. */
  storedServices<E extends ServiceEntity>(entity: E): Promise<Map<string, ServiceRecordOf<E>>>
  /**
   * Inserts new procedures, documents or life events and replaces changed
   * stored ones, logging each insert and each changed field.
   */
  writeServices<E extends ServiceEntity>(
    entity: E,
    items: ReadonlyArray<{stored?: ServiceRecordOf<E>; record: ServiceRecordOf<E>}>,
  ): Promise<{inserted: number; updated: number; unchanged: number}>
  /** Every stored system by id, as this transaction sees them. */
  storedSystems(): Promise<Map<string, SystemRecord>>
  /** Writes cost lines given as flat values (COST_ROW_WIDTH per line), or packed. */
  writeCostLines(rows: ReadonlyArray<string | number | null> | PackedCostLines, count: number): Promise<void>
  /**
   * Inserts new systems and writes the changed fields of stored ones, logging
   * each insert and each changed field (named by `fieldLabel`) in order.
   */
  writeSystems(
    systems: readonly ImportedSystem[],
    fieldLabel: (field: keyof SystemRecord) => string,
  ): Promise<{inserted: number; updated: number; unchanged: number}>
  /** Inserts or replaces ministries, logging each as an insert or an update. */
  writeMinistries(ministries: ReadonlyArray<{ministry: Ministry; existed: boolean}>): Promise<void>
  /**
   * Inserts new facilities and writes the changed fields of stored ones, and
   * adds (or replaces) each one's figures for its period; logs every insert
   * and every changed field or figure (figures named with their period).
   */
  writeFacilities(facilities: readonly ImportedFacility[]): Promise<FacilityWriteCounts>
  /** Records the SHA-256 of the imported file on the change set. */
  setFileHash(sha256: string): Promise<void>
  /** Sets the change set's row count and summary. */
  finish(rows: number, summary: string): Promise<void>
}

export type ServiceRecordOf<E extends ServiceEntity> = E extends 'procedure'
  ? ProcedureRecord
  : E extends 'document'
    ? DocumentRecord
    : LifeEventRecord

/** A field's value as the change log records it. */
function serviceFieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

export interface ImportChangeSet {
  actor: string
  command: string
  fileName: string
  at: string
}

/**
 * Writes one import as one write transaction and one change set. `work` runs
 * with the store's write lock held (see writeTransaction), so what it reads
 * through the session (stored ids for the conflict check, stored systems)
 * stays true until the import commits; anything it throws rolls everything
 * back. `bulkCostLoad` prepares a large load of cost lines (the reader checks
 * every system id against facts()): on the first write the cost-line index is
 * dropped, to be built once before the commit, and the store's per-row
 * foreign-key checks are taken off. On SQLite the checks are switched off for
 * the connection; on PostgreSQL cost_line's foreign keys are dropped and added
 * back as they were before the commit, which checks every row in one query
 * (and fails the import if one is wrong). Meanwhile the transaction holds
 * cost_line exclusively, so readers of cost lines wait until it commits. On
 * PostgreSQL every import's cost lines stream through one COPY on the
 * transaction's connection, ended before any other statement of the session
 * and cancelled when `work` fails.
 */
export async function writeImport<T>(
  store: Store,
  changeSet: ImportChangeSet,
  options: {bulkCostLoad: boolean},
  work: (session: ImportSession) => Promise<T>,
): Promise<T> {
  const bulk = options.bulkCostLoad
  // Outside any transaction: SQLite ignores this pragma inside one.
  if (bulk && store.sqlite) store.sqlite.pragma('foreign_keys = OFF')
  try {
    return await writeTransaction(store, async (trx) => {
      const session = await openSession(store, trx, changeSet, bulk)
      let result: T
      try {
        result = await work(session)
        await session.endCostLines()
      } catch (error) {
        await session.abortCostLines()
        throw error
      }
      await session.restoreCostLineChecks()
      return result
    })
  } finally {
    if (bulk && store.sqlite) store.sqlite.pragma('foreign_keys = ON')
  }
}

/**
 * Writes several imports (one file each) as one write transaction: `work`
 * opens a change set per file with `begin`, and everything commits together
 * or, when it throws, not at all. Each session sees what the earlier ones
 * wrote (ministries of a ministries file, systems of a systems file).
 */
export async function writeImports<T>(store: Store, work: (begin: (changeSet: ImportChangeSet) => Promise<ImportSession>) => Promise<T>): Promise<T> {
  return writeTransaction(store, async (trx) => {
    let current: Session | undefined
    const begin = async (changeSet: ImportChangeSet): Promise<ImportSession> => {
      // The earlier file's cost lines are complete before the next change set is opened.
      await current?.endCostLines()
      current = await openSession(store, trx, changeSet, false)
      return current
    }
    try {
      const result = await work(begin)
      await current?.endCostLines()
      return result
    } catch (error) {
      await current?.abortCostLines()
      throw error
    }
  })
}

async function openSession(store: Store, trx: Kysely<Database>, changeSet: ImportChangeSet, bulk: boolean): Promise<Session> {
  const changeSetId = await createChangeSet(trx, {
    actor: changeSet.actor,
    command: changeSet.command,
    kind: 'import',
    fileName: changeSet.fileName,
    summary: 'import in progress',
    at: changeSet.at,
  })
  return new Session(store, trx, changeSetId, bulk)
}

/** The sort memory PostgreSQL is given to build the cost-line index again after a bulk load. */
const BULK_SORT_MEMORY = '256MB'

class Session implements ImportSession {
  /** What a bulk load took off cost_line, to be put back before the commit (statements, in order); undefined until then. */
  private restore?: string[]
  private writer?: CostLineWriter

  constructor(
    private readonly store: Store,
    private readonly trx: Kysely<Database>,
    readonly changeSetId: number,
    private readonly bulk: boolean,
  ) {}

  /** Ends the stream of cost lines (PostgreSQL's COPY): nothing else may run on the connection while it is open. */
  async endCostLines(): Promise<void> {
    await this.writer?.finish()
  }

  async abortCostLines(): Promise<void> {
    await this.writer?.abort()
  }

  /**
   * Drops the cost-line index and, on PostgreSQL, cost_line's foreign keys;
   * returns the statements that put them back as they were.
   */
  private async takeOffCostLineChecks(): Promise<string[]> {
    // The index is made again from its own definition, as the store holds it.
    if (this.store.sqlite) {
      const index = this.store.sqlite.prepare(`select sql from sqlite_master where type = 'index' and name = ?`).get(COST_LINE_INDEX.name) as
        {sql: string} | undefined
      if (!index) return []
      this.store.sqlite.exec(`DROP INDEX ${COST_LINE_INDEX.name}`)
      return [index.sql]
    }
    const {rows: indexes} = await sql<{definition: string}>`
      select indexdef as definition from pg_indexes
      where schemaname = current_schema() and tablename = 'cost_line' and indexname = ${COST_LINE_INDEX.name}`.execute(this.trx)
    const {rows: keys} = await sql<{name: string; definition: string}>`
      select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = 'cost_line'::regclass and contype = 'f' order by conname`.execute(this.trx)
    const restore: string[] = []
    if (indexes.length > 0) {
      await sql`drop index ${sql.id(COST_LINE_INDEX.name)}`.execute(this.trx)
      restore.push(indexes[0].definition)
    }
    for (const {name, definition} of keys) {
      await sql`alter table cost_line drop constraint ${sql.id(name)}`.execute(this.trx)
      restore.push(`ALTER TABLE cost_line ADD CONSTRAINT "${name.replaceAll('"', '""')}" ${definition}`)
    }
    return restore
  }

  /** Puts back what a bulk load took off cost_line (the index, built once; the foreign keys, each checked in one query). */
  async restoreCostLineChecks(): Promise<void> {
    const restore = this.restore
    if (!restore) return
    this.restore = undefined
    // PostgreSQL sorts the cost lines once to build the index: given the memory, the sort stays off the disk
    // (for this transaction only, and never less than the server's own setting).
    if (!this.store.sqlite && restore.length > 0)
      await sql`select set_config('maintenance_work_mem', ${BULK_SORT_MEMORY}, true)
        where pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes(${BULK_SORT_MEMORY})`.execute(this.trx)
    for (const statement of restore) {
      if (this.store.sqlite) this.store.sqlite.exec(statement)
      else await sql.raw(statement).execute(this.trx)
    }
  }

  async facts(): Promise<RegisterFacts> {
    await this.endCostLines()
    return registerFacts(this.trx)
  }

  async storedServices<E extends ServiceEntity>(entity: E): Promise<Map<string, ServiceRecordOf<E>>> {
    await this.endCostLines()
    const list =
      entity === 'procedure' ? await listProcedures(this.trx) : entity === 'document' ? await listDocuments(this.trx) : await listLifeEvents(this.trx)
    return new Map(list.map((record) => [record.id, record as ServiceRecordOf<E>]))
  }

  async writeServices<E extends ServiceEntity>(
    entity: E,
    items: ReadonlyArray<{stored?: ServiceRecordOf<E>; record: ServiceRecordOf<E>}>,
  ): Promise<{inserted: number; updated: number; unchanged: number}> {
    const now = new Date().toISOString()
    const inserts: Array<ServiceRecordOf<E>> = []
    const updates: Array<ServiceRecordOf<E>> = []
    const changes: ChangeInput[] = []
    for (const {stored, record} of items) {
      if (!stored) {
        inserts.push(record)
        changes.push({entity, entityId: record.id, action: 'insert', after: JSON.stringify(record)})
        continue
      }
      const before = stored as unknown as Record<string, unknown>
      const after = record as unknown as Record<string, unknown>
      const fields = Object.keys(record).filter((key) => serviceFieldText(before[key]) !== serviceFieldText(after[key]))
      if (fields.length === 0) continue
      updates.push(record)
      for (const field of fields)
        changes.push({
          entity,
          entityId: record.id,
          action: 'update',
          field,
          before: serviceFieldText(before[field]),
          after: serviceFieldText(after[field]),
        })
    }
    if (entity === 'procedure') await writeProcedures(this.trx, inserts as ProcedureRecord[], updates as ProcedureRecord[], now)
    else if (entity === 'document') await writeDocuments(this.trx, inserts as DocumentRecord[], updates as DocumentRecord[], now)
    else await writeLifeEvents(this.trx, inserts as LifeEventRecord[], updates as LifeEventRecord[], now)
    await addChanges(this.trx, this.changeSetId, changes)
    return {inserted: inserts.length, updated: updates.length, unchanged: items.length - inserts.length - updates.length}
  }

  async storedSystems(): Promise<Map<string, SystemRecord>> {
    await this.endCostLines()
    return new Map((await listSystems(this.trx)).map((system) => [system.id, system]))
  }

  async writeCostLines(rows: ReadonlyArray<string | number | null> | PackedCostLines, count: number): Promise<void> {
    if (this.bulk && !this.restore) this.restore = await this.takeOffCostLineChecks()
    this.writer ??= new CostLineWriter(this.store, this.trx, this.changeSetId)
    await this.writer.write(rows, count)
  }

  async writeSystems(
    systems: readonly ImportedSystem[],
    fieldLabel: (field: keyof SystemRecord) => string,
  ): Promise<{inserted: number; updated: number; unchanged: number}> {
    await this.endCostLines()
    const now = new Date().toISOString()
    const inserts: SystemRecord[] = []
    const changes: ChangeInput[] = []
    let updated = 0
    let unchanged = 0
    for (const {stored, system} of systems) {
      if (!stored) {
        inserts.push(system)
        changes.push({entity: 'system', entityId: system.id, action: 'insert', after: JSON.stringify(system)})
        continue
      }
      const fields = changedFields(stored, system)
      if (fields.length === 0) {
        unchanged++
        continue
      }
      await updateSystemFields(this.trx, system, fields, now)
      updated++
      for (const field of fields)
        changes.push({
          entity: 'system',
          entityId: system.id,
          action: 'update',
          field: fieldLabel(field),
          before: fieldText(stored, field),
          after: fieldText(system, field),
        })
    }
    await insertSystems(this.trx, inserts, now)
    await addChanges(this.trx, this.changeSetId, changes)
    return {inserted: inserts.length, updated, unchanged}
  }

  async writeMinistries(ministries: ReadonlyArray<{ministry: Ministry; existed: boolean}>): Promise<void> {
    await this.endCostLines()
    await upsertMinistries(
      this.trx,
      ministries.map((entry) => entry.ministry),
    )
    await addChanges(
      this.trx,
      this.changeSetId,
      ministries.map(({ministry, existed}) => ({
        entity: 'ministry' as const,
        entityId: ministry.code,
        action: existed ? ('update' as const) : ('insert' as const),
        after: JSON.stringify(ministry),
      })),
    )
  }

  async writeFacilities(facilities: readonly ImportedFacility[]): Promise<FacilityWriteCounts> {
    await this.endCostLines()
    const now = new Date().toISOString()
    const ids = facilities.map((entry) => entry.facility.id)
    const stored = new Map<string, FacilityRecord>()
    const storedMetrics = new Map<string, FacilityMetrics>()
    for (let start = 0; start < ids.length; start += 500) {
      const slice = ids.slice(start, start + 500)
      for (const facility of await listFacilities(this.trx, {ids: slice})) stored.set(facility.id, facility)
      for (const metrics of await listMetrics(this.trx, {facilityIds: slice}))
        storedMetrics.set(`${metrics.facilityId}\u0000${metrics.period}`, metrics)
    }
    const counts: FacilityWriteCounts = {inserted: 0, updated: 0, unchanged: 0, periodsAdded: 0, periodsUpdated: 0}
    const inserts: FacilityRecord[] = []
    const newMetrics: FacilityMetrics[] = []
    const changes: ChangeInput[] = []
    for (const {facility, metrics} of facilities) {
      const before = stored.get(facility.id)
      let changed = false
      if (!before) {
        inserts.push(facility)
        counts.inserted++
        changes.push({entity: 'facility', entityId: facility.id, action: 'insert', after: JSON.stringify(facility)})
      } else {
        const fields = changedFacilityFields(before, facility)
        if (fields.length > 0) {
          changed = true
          await updateFacilityFields(this.trx, facility, fields, now)
          for (const field of fields)
            changes.push({
              entity: 'facility',
              entityId: facility.id,
              action: 'update',
              field: FACILITY_FIELD_NAMES[field],
              before: facilityValueText(before[field]),
              after: facilityValueText(facility[field]),
            })
        }
      }
      const previous = storedMetrics.get(`${metrics.facilityId}\u0000${metrics.period}`)
      if (!previous) {
        newMetrics.push(metrics)
        counts.periodsAdded++
        const {facilityId: _id, ...figures} = metrics
        changes.push({
          entity: 'facility',
          entityId: facility.id,
          action: 'insert',
          field: `figures ${metrics.period}`,
          after: JSON.stringify(figures),
        })
      } else {
        const fields = changedMetricFields(previous, metrics)
        if (fields.length > 0) {
          changed = true
          counts.periodsUpdated++
          await replaceMetrics(this.trx, metrics, this.changeSetId)
          for (const field of fields)
            changes.push({
              entity: 'facility',
              entityId: facility.id,
              action: 'update',
              field: `${FACILITY_FIELD_NAMES[field]} ${metrics.period}`,
              before: facilityValueText(previous[field]),
              after: facilityValueText(metrics[field]),
            })
        }
      }
      if (before) {
        if (changed || !previous) counts.updated++
        else counts.unchanged++
      }
    }
    // Facilities first: their figures refer to them.
    await insertFacilities(this.trx, inserts, now)
    await insertMetrics(this.trx, newMetrics, this.changeSetId)
    await addChanges(this.trx, this.changeSetId, changes)
    return counts
  }

  async setFileHash(sha256: string): Promise<void> {
    await this.endCostLines()
    await this.trx.updateTable('change_set').set({file_sha256: sha256}).where('id', '=', this.changeSetId).execute()
  }

  async finish(rows: number, summary: string): Promise<void> {
    await this.endCostLines()
    await finishChangeSet(this.trx, this.changeSetId, rows, summary)
  }
}
