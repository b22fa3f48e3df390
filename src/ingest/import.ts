import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {basename} from 'node:path'

import type {Kysely} from 'kysely'

import {InvalidInputError, UsageError, type InputIssue} from '../domain/errors.js'
import type {Ministry, SystemRecord} from '../domain/inventory.js'
import type {Store} from '../store/open.js'
import {addChanges, createChangeSet, finishChangeSet, type ChangeInput} from '../store/repositories/changes.js'
import {COST_LINE_INDEX, CostLineWriter} from '../store/repositories/costs.js'
import {listMinistries, upsertMinistries} from '../store/repositories/ministries.js'
import {changedFields, fieldText, insertSystems, listSystems, updateSystem} from '../store/repositories/systems.js'
import type {Database} from '../store/schema.js'
import {TABLE_KINDS, systemFieldHeader, type Kind} from './kinds.js'
import {peekKind, storeFacts, type ReadOptions, type StoreFacts} from './read-state.js'
import {readRows, readRowsInWorker, shouldReadInParallel, type CostRows, type ReadOutcome} from './rows.js'

export type {ReadOptions} from './read-state.js'

export const ON_CONFLICT = ['fail', 'update', 'skip'] as const
export type OnConflict = (typeof ON_CONFLICT)[number]

export interface ImportOptions extends ReadOptions {
  onConflict: OnConflict
  dryRun: boolean
  actor: string
  command: string
  onProgress?(records: number): void
  /** Read on a worker thread: auto (large files), always or never. */
  parallel?: 'auto' | 'always' | 'never'
}

export interface ImportSummary {
  file: string
  kind: Kind
  encoding: string
  sha256: string
  bytes: number
  records: number
  inserted: number
  updated: number
  unchanged: number
  skipped: number
  dryRun: boolean
  changeSetId: number | null
  warnings: InputIssue[]
}


export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

class Rollback extends Error {}

function fail(file: string, options: ReadOptions, outcome: ReadOutcome): never {
  const all = [...outcome.structural, ...outcome.issues]
  const total = outcome.structural.length + outcome.issueCount
  const cap = options.maxIssues ?? 100
  throw new InvalidInputError(`${basename(file)}: ${total} problem${total === 1 ? '' : 's'} found; nothing was written`, all.slice(0, cap), {totalIssues: total})
}

/**
 * Reads and checks a file without writing anything. Uses the store's
 * ministries and systems when a store is given, the bundled ministries otherwise.
 */
export async function validateFile(db: Kysely<Database> | undefined, file: string, options: ReadOptions, bundledMinistries: () => Promise<Ministry[]>): Promise<{kind: Kind; records: number; encoding: string; warnings: InputIssue[]}> {
  const facts = await storeFacts(db, bundledMinistries)
  const outcome = await readRows(file, options, facts, {costs() {}})
  if (outcome.kind === 'systems') checkStoredConflicts(file, outcome, facts, 'fail', options.maxIssues ?? 100)
  if (outcome.structural.length > 0 || outcome.issues.length > 0) fail(file, options, outcome)
  return {kind: outcome.kind!, records: outcome.records, encoding: outcome.encoding, warnings: outcome.warnings}
}

/**
 * Imports a file into the store as one transaction and one change set.
 * Any problem rolls everything back: all issues are reported and nothing is written.
 * Large files are read and checked on a worker thread while this one writes.
 */
export async function importFile(store: Store, file: string, options: ImportOptions): Promise<ImportSummary> {
  const shaPromise = sha256File(file)
  const facts = await storeFacts(store.db, async () => [])
  const summary: ImportSummary = {
    file,
    kind: 'systems',
    encoding: '',
    sha256: '',
    bytes: 0,
    records: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    dryRun: options.dryRun,
    changeSetId: null,
    warnings: [],
  }
  const now = new Date().toISOString()
  let outcome: ReadOutcome | undefined
  const parallel = await shouldReadInParallel(file, options.parallel)
  // A bulk load of cost lines into SQLite: every system id is checked against the
  // store by the reader, so the per-row foreign-key lookups are switched off, and
  // the cost-line index is rebuilt once at the end instead of row by row.
  const bulk = store.sqlite !== undefined && parallel && (await peekKind(file, options)) === 'costs'
  if (bulk) store.sqlite!.pragma('foreign_keys = OFF')

  try {
    await store.db.transaction().execute(async (trx) => {
      const changeSetId = await createChangeSet(trx, {actor: options.actor, command: options.command, kind: 'import', fileName: basename(file), summary: 'import in progress', at: now})
      const costWriter = new CostLineWriter(store, trx, changeSetId)
      let indexDropped = false
      const sink = {
        async costs(rows: CostRows, count: number) {
          if (bulk && !indexDropped) {
            store.sqlite!.exec(`DROP INDEX ${COST_LINE_INDEX.name}`)
            indexDropped = true
          }
          await costWriter.write(rows, count)
          summary.inserted += count
          options.onProgress?.(summary.inserted)
        },
      }
      outcome = parallel ? await readRowsInWorker(file, options, facts, sink) : await readRows(file, options, facts, sink)
      summary.encoding = outcome.encoding
      summary.bytes = outcome.bytes
      summary.records = outcome.records
      summary.warnings = outcome.warnings
      if (outcome.kind) summary.kind = outcome.kind
      if (indexDropped) store.sqlite!.exec(COST_LINE_INDEX.create)

      if (outcome.kind === 'systems') checkStoredConflicts(file, outcome, facts, options.onConflict, options.maxIssues ?? 100)
      if (outcome.structural.length > 0 || outcome.issues.length > 0) throw new Rollback()
      if (outcome.records === 0) {
        summary.warnings.push({file, message: 'the file has a header but no data rows; nothing was imported', severity: 'warning'})
        throw new Rollback()
      }

      if (outcome.kind === 'systems') {
        await writeSystems(trx, changeSetId, outcome.records_.map((entry) => entry.record as SystemRecord), new Set(outcome.columns), options.onConflict, summary, now)
      } else if (outcome.kind === 'ministries') {
        await writeMinistries(trx, changeSetId, outcome, options.onConflict, summary, file)
        if (outcome.issues.length > 0) throw new Rollback()
      }
      summary.sha256 = await shaPromise
      await trx.updateTable('change_set').set({file_sha256: summary.sha256}).where('id', '=', changeSetId).execute()
      await finishChangeSet(trx, changeSetId, summary.inserted + summary.updated, describe(summary))
      summary.changeSetId = changeSetId
      if (options.dryRun) throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
    if (outcome && (outcome.structural.length > 0 || outcome.issues.length > 0)) fail(file, options, outcome)
    summary.changeSetId = null
  } finally {
    if (bulk) store.sqlite!.pragma('foreign_keys = ON')
  }
  if (!summary.sha256) summary.sha256 = await shaPromise
  return summary
}

function checkStoredConflicts(file: string, outcome: ReadOutcome, facts: StoreFacts, onConflict: OnConflict, maxIssues: number): void {
  if (onConflict !== 'fail' || facts.systemIds === null) return
  const stored = new Set(facts.systemIds)
  for (const {line, record} of outcome.records_) {
    const system = record as SystemRecord
    if (!stored.has(system.id)) continue
    outcome.issueCount++
    if (outcome.issues.length < maxIssues) {
      outcome.issues.push({
        file,
        line,
        column: outcome.idColumn ?? 'id',
        value: system.id,
        message: 'a system with this id is already in the store',
        hint: 'pass --on-conflict update to update it, or --on-conflict skip to keep the stored one',
      })
    }
  }
}

async function writeSystems(db: Kysely<Database>, changeSetId: number, read: SystemRecord[], columns: ReadonlySet<string>, onConflict: OnConflict, summary: ImportSummary, now: string): Promise<void> {
  const existing = new Map((await listSystems(db)).map((system) => [system.id, system]))
  const inserts: SystemRecord[] = []
  const changes: ChangeInput[] = []
  for (const fromFile of read) {
    const stored = existing.get(fromFile.id)
    // An update changes only the fields the file has columns for; the others keep their stored values.
    const system = stored ? mergeColumns(stored, fromFile, columns) : fromFile
    if (!stored) {
      inserts.push(system)
      changes.push({entity: 'system', entityId: system.id, action: 'insert', after: JSON.stringify(system)})
      continue
    }
    if (onConflict === 'skip') {
      summary.skipped++
      continue
    }
    const fields = changedFields(stored, system)
    if (fields.length === 0) {
      summary.unchanged++
      continue
    }
    await updateSystem(db, system, now)
    summary.updated++
    for (const field of fields) changes.push({entity: 'system', entityId: system.id, action: 'update', field: systemFieldHeader(field), before: fieldText(stored, field), after: fieldText(system, field)})
  }
  await insertSystems(db, inserts, now)
  summary.inserted += inserts.length
  await addChanges(db, changeSetId, changes)
}

async function writeMinistries(db: Kysely<Database>, changeSetId: number, outcome: ReadOutcome, onConflict: OnConflict, summary: ImportSummary, file: string): Promise<void> {
  const existing = new Map((await listMinistries(db)).map((ministry) => [ministry.code, ministry]))
  const toWrite: Ministry[] = []
  for (const {line, record} of outcome.records_) {
    const ministry = record as Ministry
    if (existing.has(ministry.code)) {
      if (onConflict === 'fail') {
        outcome.issues.push({file, line, column: 'code', value: ministry.code, message: 'a ministry with this code is already in the store', hint: 'pass --on-conflict update or --on-conflict skip'})
        outcome.issueCount++
        continue
      }
      if (onConflict === 'skip') {
        summary.skipped++
        continue
      }
      summary.updated++
    } else {
      summary.inserted++
    }
    toWrite.push(ministry)
  }
  if (outcome.issues.length > 0) return
  await upsertMinistries(db, toWrite)
  await addChanges(db, changeSetId, toWrite.map((ministry) => ({entity: 'ministry' as const, entityId: ministry.code, action: existing.has(ministry.code) ? ('update' as const) : ('insert' as const), after: JSON.stringify(ministry)})))
}

function mergeColumns(stored: SystemRecord, fromFile: SystemRecord, columns: ReadonlySet<string>): SystemRecord {
  const merged = {...stored} as Record<string, unknown>
  for (const key of columns) merged[key] = (fromFile as unknown as Record<string, unknown>)[key]
  return merged as unknown as SystemRecord
}

function describe(summary: ImportSummary): string {
  const parts = [`${summary.inserted} ${summary.kind === 'costs' ? 'cost lines' : summary.kind} inserted`]
  if (summary.updated) parts.push(`${summary.updated} updated`)
  if (summary.unchanged) parts.push(`${summary.unchanged} unchanged`)
  if (summary.skipped) parts.push(`${summary.skipped} skipped`)
  return parts.join(', ')
}

export function assertKind(value: string): Kind | 'auto' {
  if (value === 'auto' || value in TABLE_KINDS) return value as Kind | 'auto'
  throw new UsageError(`unknown kind ${value}`)
}
