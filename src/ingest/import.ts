import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {basename} from 'node:path'

import type {Kysely} from 'kysely'

import {InvalidInputError, UsageError, type InputIssue} from '../cli/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import type {CostLine, Ministry, SystemRecord} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import type {Store} from '../store/open.js'
import {addChanges, createChangeSet, finishChangeSet, type ChangeInput} from '../store/repositories/changes.js'
import {CostLineWriter} from '../store/repositories/costs.js'
import {listMinistries, upsertMinistries} from '../store/repositories/ministries.js'
import {changedFields, fieldText, insertSystems, listSystems, updateSystem} from '../store/repositories/systems.js'
import type {Database} from '../store/schema.js'
import {readCsv, type EncodingOption} from './csv.js'
import {TABLE_KINDS, guessKind, systemFieldHeader, type BuildContext, type Kind, type TableKind} from './kinds.js'
import {RowReader, resolveHeader, type HeaderResolution} from './table.js'

export const ON_CONFLICT = ['fail', 'update', 'skip'] as const
export type OnConflict = (typeof ON_CONFLICT)[number]

export interface ReadOptions {
  kind?: Kind | 'auto'
  encoding: EncodingOption
  calendar: Calendar
  /** Accept columns kasumi does not know, with a warning, instead of failing. */
  allowUnknownColumns?: boolean
  /** Stop after this many issues (the count of the rest is still reported). */
  maxIssues?: number
}

export interface ImportOptions extends ReadOptions {
  onConflict: OnConflict
  dryRun: boolean
  actor: string
  command: string
  onProgress?(records: number): void
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

const BATCH = 5000

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

class Rollback extends Error {}

/** The state of one read: header, kind, issues, and the rows built so far. */
class ReadState {
  kind?: TableKind<unknown>
  header?: HeaderResolution
  row?: RowReader
  issues: InputIssue[] = []
  warnings: InputIssue[] = []
  issueCount = 0
  halted = false

  constructor(
    readonly file: string,
    readonly options: ReadOptions,
    readonly context: BuildContext,
  ) {
    this.context.issues = this.issues
  }

  get maxIssues(): number {
    return this.options.maxIssues ?? 100
  }

  onHeader(cells: string[], line: number): void {
    const requested = this.options.kind ?? 'auto'
    const kindName = requested === 'auto' ? guessKind(cells) : requested
    if (!kindName) {
      this.issues.push({file: this.file, line, message: 'cannot tell whether this file holds systems, cost lines or ministries', hint: 'pass --kind systems, --kind costs or --kind ministries'})
      this.halted = true
      return
    }
    this.kind = TABLE_KINDS[kindName] as TableKind<unknown>
    this.header = resolveHeader(this.file, line, cells, this.kind.fields)
    this.issues.push(...this.header.issues)
    for (const column of this.header.unknown) {
      const issue: InputIssue = {
        file: this.file,
        line,
        column: `${column.index + 1} (${column.name})`,
        value: column.name,
        message: `kasumi does not know this ${kindName} column`,
        hint: this.options.allowUnknownColumns ? 'its values are not imported' : `rename it to one of: ${this.kind.fields.map((field) => field.header).join(', ')}; or pass --allow-unknown-columns to leave it out`,
      }
      if (this.options.allowUnknownColumns) this.warnings.push({...issue, severity: 'warning'})
      else this.issues.push(issue)
    }
    if (this.issues.length > 0) this.halted = true
    this.row = new RowReader(this.file, this.header.columns, this.issues)
  }

  build(cells: string[], line: number): unknown {
    if (this.halted || !this.kind || !this.row) return undefined
    const before = this.issues.length
    const record = this.kind.build(this.row.reset(cells, line), this.context)
    this.issueCount += this.issues.length - before
    if (this.issues.length > this.maxIssues) this.issues.length = this.maxIssues
    return record
  }

  get full(): boolean {
    return this.halted || this.issueCount >= this.maxIssues
  }
}

async function buildContext(db: Kysely<Database> | undefined, file: string, options: ReadOptions, bundledMinistries: () => Promise<Ministry[]>): Promise<BuildContext> {
  const ministries = db ? await listMinistries(db) : await bundledMinistries()
  let storedSystemIds: Set<string> | null = null
  if (db) {
    storedSystemIds = new Set<string>()
    for (const row of await db.selectFrom('system').select('id').execute()) storedSystemIds.add(row.id)
  }
  return {file, calendar: options.calendar, ministries: new MinistryIndex(ministries), storedSystemIds, seenIds: new Map(), issues: []}
}

function fail(state: ReadState, structural: InputIssue[]): never {
  const all = [...structural, ...state.issues]
  const total = structural.length + Math.max(state.issueCount, state.issues.length)
  throw new InvalidInputError(`${basename(state.file)}: ${total} problem${total === 1 ? '' : 's'} found; nothing was written`, all.slice(0, state.maxIssues), {totalIssues: total})
}

/**
 * Reads and checks a file without writing anything. Uses the store's
 * ministries and systems when a store is given, the bundled ministries otherwise.
 */
export async function validateFile(db: Kysely<Database> | undefined, file: string, options: ReadOptions, bundledMinistries: () => Promise<Ministry[]>): Promise<{kind: Kind; records: number; encoding: string; warnings: InputIssue[]}> {
  const context = await buildContext(db, file, options, bundledMinistries)
  const state = new ReadState(file, options, context)
  const result = await readCsv({file, encoding: options.encoding}, {
    header: (cells, line) => state.onHeader(cells, line),
    record: (cells, line) => void state.build(cells, line),
    shouldStop: () => state.full,
  }, {maxIssues: state.maxIssues})
  if (result.issues.length > 0 || state.issues.length > 0) fail(state, result.issues)
  return {kind: state.kind!.kind, records: result.records, encoding: result.encoding, warnings: state.warnings}
}

/**
 * Imports a file into the store as one transaction and one change set.
 * Any problem rolls everything back: all issues are reported and nothing is written.
 */
export async function importFile(store: Store, file: string, options: ImportOptions): Promise<ImportSummary> {
  const shaPromise = sha256File(file)
  const context = await buildContext(store.db, file, options, async () => [])
  const state = new ReadState(file, options, context)
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
    warnings: state.warnings,
  }
  const now = new Date().toISOString()
  let structural: InputIssue[] = []

  try {
    await store.db.transaction().execute(async (trx) => {
      const changeSetId = await createChangeSet(trx, {actor: options.actor, command: options.command, kind: 'import', fileName: basename(file), summary: 'import in progress', at: now})
      const systems: SystemRecord[] = []
      const ministries: Ministry[] = []
      let costBatch: CostLine[] = []
      const costWriter = new CostLineWriter(store, trx, changeSetId)

      const result = await readCsv({file, encoding: options.encoding}, {
        header: (cells, line) => state.onHeader(cells, line),
        record(cells, line) {
          const record = state.build(cells, line)
          if (record === undefined || state.issues.length > 0) return
          switch (state.kind!.kind) {
            case 'systems':
              systems.push(record as SystemRecord)
              break
            case 'ministries':
              ministries.push(record as Ministry)
              break
            case 'costs':
              costBatch.push(record as CostLine)
              break
          }
        },
        async drain() {
          if (costBatch.length >= BATCH && state.issues.length === 0) {
            const batch = costBatch
            costBatch = []
            await costWriter.write(batch)
            summary.inserted += batch.length
            options.onProgress?.(summary.inserted)
          }
        },
        shouldStop: () => state.full,
      }, {maxIssues: state.maxIssues})

      structural = result.issues
      summary.encoding = result.encoding
      summary.bytes = result.bytes
      summary.records = result.records
      if (state.kind) summary.kind = state.kind.kind

      if (state.kind?.kind === 'systems') checkStoredConflicts(state, systems, context, options.onConflict)
      if (structural.length > 0 || state.issues.length > 0) throw new Rollback()

      if (state.kind?.kind === 'costs') {
        await costWriter.write(costBatch)
        summary.inserted += costBatch.length
      } else if (state.kind?.kind === 'systems') {
        await writeSystems(trx, changeSetId, systems, options.onConflict, summary, now)
      } else if (state.kind?.kind === 'ministries') {
        await writeMinistries(trx, changeSetId, ministries, options.onConflict, summary, state)
        if (state.issues.length > 0) throw new Rollback()
      }
      summary.sha256 = await shaPromise
      await trx.updateTable('change_set').set({file_sha256: summary.sha256}).where('id', '=', changeSetId).execute()
      await finishChangeSet(trx, changeSetId, summary.inserted + summary.updated, describe(summary))
      summary.changeSetId = changeSetId
      if (options.dryRun) throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
    if (structural.length > 0 || state.issues.length > 0) fail(state, structural)
    summary.changeSetId = null
  }
  if (!summary.sha256) summary.sha256 = await shaPromise
  return summary
}

function checkStoredConflicts(state: ReadState, systems: SystemRecord[], context: BuildContext, onConflict: OnConflict): void {
  if (onConflict !== 'fail') return
  for (const system of systems) {
    if (context.storedSystemIds?.has(system.id)) {
      const line = context.seenIds.get(system.id)
      const column = state.header?.columns.get('id')
      state.issues.push({
        file: state.file,
        line,
        column: column ? `${column.index + 1} (id)` : 'id',
        value: system.id,
        message: 'a system with this id is already in the store',
        hint: 'pass --on-conflict update to update it, or --on-conflict skip to keep the stored one',
      })
      state.issueCount++
      if (state.issues.length >= state.maxIssues) return
    }
  }
}

async function writeSystems(db: Kysely<Database>, changeSetId: number, systems: SystemRecord[], onConflict: OnConflict, summary: ImportSummary, now: string): Promise<void> {
  const existing = new Map((await listSystems(db)).map((system) => [system.id, system]))
  const inserts: SystemRecord[] = []
  const changes: ChangeInput[] = []
  for (const system of systems) {
    const stored = existing.get(system.id)
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

async function writeMinistries(db: Kysely<Database>, changeSetId: number, ministries: Ministry[], onConflict: OnConflict, summary: ImportSummary, state: ReadState): Promise<void> {
  const existing = new Map((await listMinistries(db)).map((ministry) => [ministry.code, ministry]))
  const toWrite: Ministry[] = []
  for (const ministry of ministries) {
    if (existing.has(ministry.code)) {
      if (onConflict === 'fail') {
        state.issues.push({file: state.file, line: state.context.seenIds.get(ministry.code), column: 'code', value: ministry.code, message: 'a ministry with this code is already in the store', hint: 'pass --on-conflict update or --on-conflict skip'})
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
  if (state.issues.length > 0) return
  await upsertMinistries(db, toWrite)
  await addChanges(db, changeSetId, toWrite.map((ministry) => ({entity: 'ministry' as const, entityId: ministry.code, action: existing.has(ministry.code) ? ('update' as const) : ('insert' as const), after: JSON.stringify(ministry)})))
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
