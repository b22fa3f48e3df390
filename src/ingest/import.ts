import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {basename} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import type {Ministry, SystemRecord} from '../domain/inventory.js'
import type {Store} from '../store/open.js'
import {writeImport, type ImportedSystem, type ImportSession} from '../store/imports.js'
import {checkInputFile} from './input-file.js'
import {systemFieldHeader, type Kind} from './kinds.js'
import {peekKind, storeFacts, type ReadOptions, type StoreFacts} from './read-state.js'
import {readRows, readRowsInWorker, shouldReadInParallel, type CostRows, type ReadOutcome} from './rows.js'
import {isWorkbook, readWorkbookRows, type WorkbookFacts} from './workbook/read.js'

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
  /** For a workbook: the sheet read, its header rows and the money unit of its amounts. */
  workbook?: WorkbookFacts
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
  throw new InvalidInputError(`${basename(file)}: ${total} problem${total === 1 ? '' : 's'} found; nothing was written`, all.slice(0, cap), {
    totalIssues: total,
  })
}

/**
 * Reads and checks a file without writing anything. Uses the store's
 * ministries and systems when a store is given, the bundled ministries otherwise.
 */
export async function validateFile(
  store: Store | undefined,
  file: string,
  options: ReadOptions,
  bundledMinistries: () => Promise<Ministry[]>,
): Promise<{kind: Kind; records: number; encoding: string; warnings: InputIssue[]; workbook?: WorkbookFacts}> {
  const facts = await storeFacts(store, bundledMinistries)
  const outcome = isWorkbook(file) ? await readWorkbookRows(file, options, facts, {costs() {}}) : await readRows(file, options, facts, {costs() {}})
  if (outcome.kind === 'systems') checkStoredConflicts(file, outcome, facts, 'fail', options.maxIssues ?? 100)
  if (outcome.structural.length > 0 || outcome.issues.length > 0) fail(file, options, outcome)
  return {
    kind: outcome.kind!,
    records: outcome.records,
    encoding: outcome.encoding,
    warnings: outcome.warnings,
    ...('workbook' in outcome ? {workbook: outcome.workbook as WorkbookFacts} : {}),
  }
}

/**
 * Imports a file into the store as one transaction and one change set.
 * Any problem rolls everything back: all issues are reported and nothing is written.
 * Large files are read and checked on a worker thread while this one writes.
 */
export async function importFile(store: Store, file: string, options: ImportOptions): Promise<ImportSummary> {
  await checkInputFile(file)
  const shaPromise = sha256File(file)
  const blank = (): ImportSummary => ({
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
  })
  let summary = blank()
  const now = new Date().toISOString()
  let outcome: ReadOutcome | undefined
  const workbook = isWorkbook(file)
  const parallel = !workbook && (await shouldReadInParallel(file, options.parallel))
  // A bulk load of cost lines: every system id is checked against the store by
  // the reader, so the store may skip its own per-row checks and index work.
  const bulkCostLoad = parallel && (await peekKind(file, options)) === 'costs'

  try {
    await writeImport(store, {actor: options.actor, command: options.command, fileName: basename(file), at: now}, {bulkCostLoad}, async (session) => {
      // Everything below runs with the store's write lock held: the ids read here
      // for the conflict check stay true until the import commits.
      summary = blank()
      outcome = undefined
      const facts = await session.facts()
      const sink = {
        async costs(rows: CostRows, count: number) {
          await session.writeCostLines(rows, count)
          summary.inserted += count
          options.onProgress?.(summary.inserted)
        },
      }
      if (workbook) {
        const read = await readWorkbookRows(file, options, facts, sink)
        summary.workbook = read.workbook
        outcome = read
      } else {
        outcome = parallel ? await readRowsInWorker(file, options, facts, sink) : await readRows(file, options, facts, sink)
      }
      summary.encoding = outcome.encoding
      summary.bytes = outcome.bytes
      summary.records = outcome.records
      summary.warnings = outcome.warnings
      if (outcome.kind) summary.kind = outcome.kind

      if (outcome.kind === 'systems') checkStoredConflicts(file, outcome, facts, options.onConflict, options.maxIssues ?? 100)
      if (outcome.structural.length > 0 || outcome.issues.length > 0) throw new Rollback()
      if (outcome.records === 0) {
        summary.warnings.push({file, message: 'the file has a header but no data rows; nothing was imported', severity: 'warning'})
        throw new Rollback()
      }

      if (outcome.kind === 'systems') {
        await writeSystems(
          session,
          outcome.records_.map((entry) => entry.record as SystemRecord),
          new Set(outcome.columns),
          options.onConflict,
          summary,
        )
      } else if (outcome.kind === 'ministries') {
        await writeMinistries(session, outcome, options.onConflict, summary, file, facts.ministries)
        if (outcome.issues.length > 0) throw new Rollback()
      }
      summary.sha256 = await shaPromise
      await session.setFileHash(summary.sha256)
      await session.finish(summary.inserted + summary.updated, describe(summary))
      summary.changeSetId = session.changeSetId
      if (options.dryRun) throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
    if (outcome && (outcome.structural.length > 0 || outcome.issues.length > 0)) fail(file, options, outcome)
    summary.changeSetId = null
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

async function writeSystems(
  session: ImportSession,
  read: SystemRecord[],
  columns: ReadonlySet<string>,
  onConflict: OnConflict,
  summary: ImportSummary,
): Promise<void> {
  const existing = await session.storedSystems()
  const systems: ImportedSystem[] = []
  for (const fromFile of read) {
    const stored = existing.get(fromFile.id)
    if (!stored) {
      systems.push({system: fromFile})
      continue
    }
    if (onConflict === 'skip') {
      summary.skipped++
      continue
    }
    // An update changes only the fields the file has columns for; the others keep their stored values.
    systems.push({stored, system: mergeColumns(stored, fromFile, columns)})
  }
  const written = await session.writeSystems(systems, (field) => systemFieldHeader(field))
  summary.inserted += written.inserted
  summary.updated += written.updated
  summary.unchanged += written.unchanged
}

async function writeMinistries(
  session: ImportSession,
  outcome: ReadOutcome,
  onConflict: OnConflict,
  summary: ImportSummary,
  file: string,
  stored: Ministry[],
): Promise<void> {
  const existing = new Set(stored.map((ministry) => ministry.code))
  const toWrite: Array<{ministry: Ministry; existed: boolean}> = []
  for (const {line, record} of outcome.records_) {
    const ministry = record as Ministry
    const existed = existing.has(ministry.code)
    if (existed) {
      if (onConflict === 'fail') {
        outcome.issues.push({
          file,
          line,
          column: 'code',
          value: ministry.code,
          message: 'a ministry with this code is already in the store',
          hint: 'pass --on-conflict update or --on-conflict skip',
        })
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
    toWrite.push({ministry, existed})
  }
  if (outcome.issues.length > 0) return
  await session.writeMinistries(toWrite)
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
