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
import {readRows, readRowsInWorker, shouldReadInParallel, type CostBatch, type ReadOutcome} from './rows.js'
import {cellReference} from './workbook/cells.js'
import {isWorkbook, mappingKinds, readWorkbookRows, type WorkbookFacts} from './workbook/read.js'
import {SERVICE_KINDS, gatherLifeEvents, unrequiredDocumentWarnings, writeServiceRecords} from './service-import.js'

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
  /** With a saved mapping: its name, file and money unit. */
  mapping?: {name: string; file: string; unit: string}
  /** With a mapping that feeds several kinds from one file: what each kind gave, in the order written. */
  parts?: ImportPart[]
}

export interface ImportPart {
  kind: Kind
  records: number
  inserted: number
  updated: number
  unchanged: number
  skipped: number
}

const NO_SINK = {costs() {}}

function emptyOutcome(): ReadOutcome {
  return {encoding: '', bytes: 0, records: 0, structural: [], issues: [], issueCount: 0, warnings: [], records_: [], columns: []}
}

/** Adds one kind's reading to the file's: issues up to the cap, each warning once. */
function mergeOutcome(into: ReadOutcome, read: ReadOutcome, cap: number): void {
  into.kind ??= read.kind
  into.encoding = read.encoding
  into.bytes = read.bytes
  into.records += read.records
  into.structural.push(...read.structural.filter(() => into.structural.length === 0))
  into.issues.push(...read.issues.slice(0, Math.max(0, cap - into.issues.length)))
  into.issueCount += Math.max(read.issueCount, read.issues.length)
  const seen = new Set(into.warnings.map((warning) => `${warning.cell ?? ''}|${warning.message}`))
  into.warnings.push(...read.warnings.filter((warning) => !seen.has(`${warning.cell ?? ''}|${warning.message}`)))
}

const hasIssues = (outcome: ReadOutcome) => outcome.structural.length > 0 || outcome.issues.length > 0

/**
 * The facts the next kind of a mapped file is checked against: the systems and
 * ministries read before it count as known. When the systems had problems, the
 * cost lines are not checked against them (that would list every row again).
 */
function withRead(facts: StoreFacts, kind: Kind | undefined, read: ReadOutcome): StoreFacts {
  if (kind === 'systems' && hasIssues(read)) return {...facts, systemIds: null}
  if (kind === 'systems' && facts.systemIds !== null)
    return {...facts, systemIds: [...facts.systemIds, ...read.records_.map((entry) => (entry.record as SystemRecord).id)]}
  if (kind === 'ministries') return {...facts, ministries: [...facts.ministries, ...read.records_.map((entry) => entry.record as Ministry)]}
  return facts
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export class Rollback extends Error {}

/** The reading options a mapping sets: its sheet, unit, calendar, fiscal-year start, encoding and default ministry (flags given win). */
export function withMapping<O extends ReadOptions>(options: O): O {
  const mapping = options.mapping
  if (!mapping) return options
  return {
    ...options,
    sheet: options.sheet ?? mapping.sheet,
    unit: options.unit ?? mapping.unit,
    calendar: mapping.calendar ?? options.calendar,
    fiscalYearStart: mapping.fiscalYearStart ?? options.fiscalYearStart,
    encoding: options.encoding === 'auto' ? (mapping.encoding ?? 'auto') : options.encoding,
    ministry: options.ministry ?? mapping.defaults.get('ministry'),
  }
}

function fail(file: string, options: ReadOptions, outcome: ReadOutcome): never {
  throw failure(file, options, outcome)
}

/** The error of a file with problems: every problem up to the cap, and their count. */
function failure(file: string, options: ReadOptions, outcome: ReadOutcome): InvalidInputError {
  const all = [...outcome.structural, ...outcome.issues]
  const total = outcome.structural.length + outcome.issueCount
  const cap = options.maxIssues ?? 100
  return new InvalidInputError(`${basename(file)}: ${total} problem${total === 1 ? '' : 's'} found; nothing was written`, all.slice(0, cap), {
    totalIssues: total,
  })
}

export interface ValidateResult {
  kind: Kind
  records: number
  encoding: string
  warnings: InputIssue[]
  workbook?: WorkbookFacts
  /** With a mapping that feeds several kinds: each kind's count. */
  parts?: ImportPart[]
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
): Promise<ValidateResult> {
  const checked = await checkFile(store, file, options, bundledMinistries)
  if (checked.error) throw checked.error
  return checked.result!
}

/**
 * Like validateFile, but a file with problems is an answer, not a failure:
 * `error` (exit 3, every problem) with the warnings found on the way, or
 * `result`. Anything else (a missing file, a fault) still throws.
 */
export async function checkFile(
  store: Store | undefined,
  file: string,
  options: ReadOptions,
  bundledMinistries: () => Promise<Ministry[]>,
): Promise<{result?: ValidateResult; error?: InvalidInputError; warnings: InputIssue[]}> {
  options = withMapping(options)
  const facts = await storeFacts(store, bundledMinistries)
  const cap = options.maxIssues ?? 100
  let outcome: ReadOutcome
  try {
    if (options.mapping) {
      // Every kind the mapping feeds is read and checked; each is checked against the ones read before it.
      const merged = emptyOutcome()
      const parts: ImportPart[] = []
      let workbook: WorkbookFacts | undefined
      let known = facts
      for (const kind of mappingKinds(options.mapping)) {
        const read = await readWorkbookRows(file, {...options, kind}, known, NO_SINK)
        if (kind === 'systems') checkStoredConflicts(file, read, known, 'fail', cap)
        if (!workbook || read.workbook.unit) workbook = read.workbook
        mergeOutcome(merged, read, cap)
        parts.push({kind, records: kind === 'costs' ? read.records : read.records_.length, inserted: 0, updated: 0, unchanged: 0, skipped: 0})
        known = withRead(known, kind, read)
      }
      merged.records = parts.reduce((sum, part) => sum + part.records, 0)
      if (hasIssues(merged)) return {error: failure(file, options, merged), warnings: merged.warnings}
      return {
        warnings: merged.warnings,
        result: {kind: merged.kind!, records: merged.records, encoding: merged.encoding, warnings: merged.warnings, workbook, parts},
      }
    }
    outcome = isWorkbook(file) ? await readWorkbookRows(file, options, facts, NO_SINK) : await readRows(file, options, facts, NO_SINK)
  } catch (error) {
    if (error instanceof InvalidInputError) return {error, warnings: []}
    throw error
  }
  if (outcome.kind === 'systems') checkStoredConflicts(file, outcome, facts, 'fail', cap)
  if (outcome.kind === 'life-events' && outcome.issues.length === 0) gatherLifeEvents(file, outcome)
  if (outcome.structural.length > 0 || outcome.issues.length > 0) return {error: failure(file, options, outcome), warnings: outcome.warnings}
  return {
    warnings: outcome.warnings,
    result: {
      kind: outcome.kind!,
      records: outcome.records,
      encoding: outcome.encoding,
      warnings: outcome.warnings,
      ...('workbook' in outcome ? {workbook: outcome.workbook as WorkbookFacts} : {}),
    },
  }
}

/**
 * Reads a file through a saved mapping and writes every kind it feeds, in
 * order (ministries, systems, then their cost lines), inside the import's one
 * transaction. Each kind is checked against the ones before it; after the
 * first problem nothing more is written, but every kind is still checked.
 */
async function importMapped(
  session: ImportSession,
  file: string,
  options: ImportOptions,
  facts: StoreFacts,
  sink: {costs(rows: CostBatch, count: number): Promise<void>},
  summary: ImportSummary,
): Promise<ReadOutcome> {
  const cap = options.maxIssues ?? 100
  const merged = emptyOutcome()
  const parts: ImportPart[] = []
  let known = facts
  for (const kind of mappingKinds(options.mapping!)) {
    const before = {inserted: summary.inserted, updated: summary.updated, unchanged: summary.unchanged, skipped: summary.skipped}
    const clean = !hasIssues(merged)
    const read = await readWorkbookRows(file, {...options, kind}, known, clean ? sink : NO_SINK)
    // The facts of the kind with amounts (their unit) describe the file best.
    if (!summary.workbook || read.workbook.unit) summary.workbook = read.workbook
    if (kind === 'systems') checkStoredConflicts(file, read, known, options.onConflict, cap)
    if (clean && !hasIssues(read)) {
      if (kind === 'systems')
        await writeSystems(
          session,
          read.records_.map((entry) => entry.record as SystemRecord),
          new Set(read.columns),
          options.onConflict,
          summary,
        )
      else if (kind === 'ministries') await writeMinistries(session, read, options.onConflict, summary, file, known.ministries)
    }
    mergeOutcome(merged, read, cap)
    parts.push({
      kind,
      records: kind === 'costs' ? read.records : read.records_.length,
      inserted: summary.inserted - before.inserted,
      updated: summary.updated - before.updated,
      unchanged: summary.unchanged - before.unchanged,
      skipped: summary.skipped - before.skipped,
    })
    known = withRead(known, kind, read)
  }
  summary.parts = parts
  merged.records = parts.reduce((sum, part) => sum + part.records, 0)
  return merged
}

/**
 * Imports a file into the store as one transaction and one change set.
 * Any problem rolls everything back: all issues are reported and nothing is written.
 * Large files are read and checked on a worker thread while this one writes.
 */
export async function importFile(store: Store, file: string, options: ImportOptions): Promise<ImportSummary> {
  options = withMapping(options)
  await checkInputFile(file)
  const shaPromise = sha256File(file)
  const blank = (): ImportSummary => ({
    ...blankSummary(file, options.dryRun),
    ...(options.mapping ? {mapping: {name: options.mapping.name, file: options.mapping.file, unit: options.mapping.unit}} : {}),
  })
  let summary = blank()
  const now = new Date().toISOString()
  const workbook = isWorkbook(file)
  const parallel = !options.mapping && (await shouldReadInParallel(file, options.parallel, workbook))
  // A bulk load of cost lines: every system id is checked against the store by
  // the reader, so the store may skip its own per-row checks and index work.
  // (A workbook's kind is known before reading only when --kind names it.)
  const bulkCostLoad = parallel && (workbook ? options.kind === 'costs' : (await peekKind(file, options)) === 'costs')

  try {
    await writeImport(store, {actor: options.actor, command: options.command, fileName: basename(file), at: now}, {bulkCostLoad}, async (session) => {
      // Everything below runs with the store's write lock held: the ids read here
      // for the conflict check stay true until the import commits.
      summary = blank()
      await importThrough(session, file, options, summary, {workbook, parallel}, shaPromise)
      if (options.dryRun) throw new Rollback()
    })
  } catch (error) {
    if (error instanceof Problems) fail(file, options, error.outcome)
    if (!(error instanceof Rollback)) throw error
    summary.changeSetId = null
  }
  if (!summary.sha256) summary.sha256 = await shaPromise
  return summary
}

/** An import with problems: its outcome holds them; everything is rolled back. */
export class Problems extends Rollback {
  constructor(readonly outcome: ReadOutcome) {
    super('the file has problems')
  }
}

/**
 * Reads one file and writes it through an open session (its change set), the
 * summary filled in as it goes. A file with problems throws Problems, an empty
 * one Rollback; either way the caller rolls the transaction back.
 */
export async function importThrough(
  session: ImportSession,
  file: string,
  options: ImportOptions,
  summary: ImportSummary,
  how: {workbook: boolean; parallel: boolean},
  sha256: Promise<string>,
  batch?: {origins: ReadonlyMap<string, string>},
): Promise<ReadOutcome> {
  const facts = await session.facts()
  const sink = {
    async costs(rows: CostBatch, count: number) {
      await session.writeCostLines(rows, count)
      summary.inserted += count
      options.onProgress?.(summary.inserted)
    },
  }
  let outcome: ReadOutcome
  if (options.mapping) {
    outcome = await importMapped(session, file, options, facts, sink, summary)
  } else if (how.parallel) {
    const read = await readRowsInWorker(file, {...options, workbook: how.workbook}, facts, sink)
    if ('workbook' in read) summary.workbook = read.workbook as WorkbookFacts
    outcome = read
  } else if (how.workbook) {
    const read = await readWorkbookRows(file, options, facts, sink)
    summary.workbook = read.workbook
    outcome = read
  } else {
    outcome = await readRows(file, options, facts, sink)
  }
  summary.encoding = outcome.encoding
  summary.bytes = outcome.bytes
  summary.records = outcome.records
  summary.warnings = outcome.warnings
  if (outcome.kind) summary.kind = outcome.kind

  if (outcome.kind === 'systems' && !options.mapping)
    checkStoredConflicts(file, outcome, facts, options.onConflict, options.maxIssues ?? 100, batch?.origins)
  if (outcome.structural.length > 0 || outcome.issues.length > 0) throw new Problems(outcome)
  if (outcome.records === 0) {
    summary.warnings.push({file, message: 'the file has a header but no data rows; nothing was imported', severity: 'warning'})
    throw new Rollback()
  }

  if (options.mapping) {
    // Written kind by kind while reading.
  } else if (outcome.kind === 'systems') {
    await writeSystems(
      session,
      outcome.records_.map((entry) => entry.record as SystemRecord),
      new Set(outcome.columns),
      options.onConflict,
      summary,
    )
  } else if (outcome.kind === 'ministries') {
    await writeMinistries(session, outcome, options.onConflict, summary, file, facts.ministries)
    if (outcome.issues.length > 0) throw new Problems(outcome)
  } else if (outcome.kind !== undefined && SERVICE_KINDS.has(outcome.kind)) {
    await writeServiceRecords(session, file, outcome, options.onConflict, summary, options.maxIssues ?? 100)
    if (outcome.issues.length > 0) throw new Problems(outcome)
    summary.warnings.push(...(await unrequiredDocumentWarnings(session, file)))
  }
  summary.sha256 = await sha256
  await session.setFileHash(summary.sha256)
  await session.finish(summary.inserted + summary.updated, describe(summary))
  summary.changeSetId = session.changeSetId
  return outcome
}

/**
 * With --on-conflict fail, a system id already in the store (or, in a batch,
 * in an earlier file of it: `origins` names that file) is an issue.
 */
export function checkStoredConflicts(
  file: string,
  outcome: ReadOutcome,
  facts: StoreFacts,
  onConflict: OnConflict,
  maxIssues: number,
  origins?: ReadonlyMap<string, string>,
): void {
  if (onConflict !== 'fail' || facts.systemIds === null) return
  const stored = new Set(facts.systemIds)
  for (const {line, record} of outcome.records_) {
    const system = record as SystemRecord
    if (!stored.has(system.id)) continue
    outcome.issueCount++
    if (outcome.issues.length < maxIssues) {
      outcome.issues.push({
        file,
        ...(outcome.idCell ? {cell: cellReference(outcome.idCell.sheet, outcome.idCell.column, line)} : {line}),
        column: outcome.idColumn ?? 'id',
        value: system.id,
        message: origins?.has(system.id)
          ? `a system with this id is in ${origins.get(system.id)} too`
          : 'a system with this id is already in the store',
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
          ...(outcome.idCell ? {cell: cellReference(outcome.idCell.sheet, outcome.idCell.column, line)} : {line}),
          column: outcome.idColumn ?? 'code',
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
  const parts = [`${summary.inserted} ${summary.kind === 'costs' ? 'cost lines' : summary.kind.replace('-', ' ')} inserted`]
  if (summary.updated) parts.push(`${summary.updated} updated`)
  if (summary.unchanged) parts.push(`${summary.unchanged} unchanged`)
  if (summary.skipped) parts.push(`${summary.skipped} skipped`)
  return parts.join(', ')
}

/** The summary of an import before anything is read: nothing counted, no change set. */
export function blankSummary(file: string, dryRun: boolean): ImportSummary {
  return {
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
    dryRun,
    changeSetId: null,
    warnings: [],
  }
}
