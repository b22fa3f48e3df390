import type {Dirent} from 'node:fs'
import {lstat, readdir} from 'node:fs/promises'
import {basename, extname, join, resolve} from 'node:path'

import {InvalidInputError, UserError, type InputIssue} from '../domain/errors.js'
import type {TableData} from '../domain/table.js'
import type {Ministry, SystemRecord} from '../domain/inventory.js'
import {writeImports, type ImportChangeSet, type ImportSession} from '../store/imports.js'
import type {Store} from '../store/open.js'
import {Problems, Rollback, blankSummary, checkStoredConflicts, importThrough, sha256File, type ImportOptions, type ImportSummary} from './import.js'
import {isIdcInput} from './dcoi-import.js'
import {isFocusInput} from './focus/import.js'
import {SERVICE_KINDS} from './service-import.js'
import {checkInputFile} from './input-file.js'
import {cellReference} from './workbook/cells.js'
import type {Kind} from './kinds.js'
import {peekKind, type ReadOptions, type StoreFacts} from './read-state.js'
import {readRows, shouldReadInParallel, type ReadOutcome} from './rows.js'
import {WORKBOOK_EXTENSIONS, isWorkbook, readWorkbookRows, type WorkbookFacts} from './workbook/read.js'

/** Files a folder may hold that kasumi reads; anything else in it is skipped with a note. */
export const BATCH_EXTENSIONS: readonly string[] = ['.csv', ...WORKBOOK_EXTENSIONS]

/** Kinds in the order a batch reads and writes them: what a later kind refers to comes first. */
const KIND_ORDER: readonly Kind[] = ['ministries', 'systems', 'costs']

/** What a batch did with one file. */
export type BatchStatus = 'imported' | 'checked' | 'failed' | 'not-imported' | 'empty'

export interface BatchFile {
  file: string
  kind: Kind | null
  status: BatchStatus
  records: number
  /** Problems found (all of them counted; `issues` keeps up to --max-issues). */
  errors: number
  warnings: number
  issues: InputIssue[]
  warningIssues: InputIssue[]
  sha256: string | null
  changeSetId: number | null
  inserted: number
  updated: number
  unchanged: number
  skipped: number
  encoding: string | null
  workbook?: WorkbookFacts
}

/** An entry of a folder that is not read, and why. */
export interface SkippedEntry {
  path: string
  reason: string
}

export interface BatchResult {
  files: BatchFile[]
  skipped: SkippedEntry[]
  /** Each file committed on its own (--each) instead of all together. */
  each: boolean
  dryRun: boolean
}

/** A batch with problems: every file's result and every problem, exit 3. */
export class BatchInputError extends InvalidInputError {
  constructor(
    message: string,
    readonly batch: BatchResult,
    suggestion?: string,
  ) {
    const issues = batch.files.flatMap((file) => file.issues)
    const total = batch.files.reduce((sum, file) => sum + file.errors, 0)
    super(message, issues, {totalIssues: total, result: {...batch}, suggestion})
    this.name = 'InvalidInputError'
  }
}

/** Whether a command line names a batch: several paths, or a folder. */
export async function isBatch(paths: readonly string[]): Promise<boolean> {
  if (paths.length !== 1) return true
  try {
    return (await lstat(paths[0])).isDirectory()
  } catch {
    return false
  }
}

/**
 * The files a batch reads, from files and folders named on the command line.
 * A folder's entries are taken sorted by name (by code point, the same on
 * every system); hidden entries, subfolders and files that are not CSV or
 * workbooks are skipped with a note. A link or other non-regular entry inside
 * a folder is a problem of the batch: kasumi does not follow it. A file named
 * on the command line is read as a single import would read it.
 */
export async function collectInputs(paths: readonly string[]): Promise<{files: string[]; refused: BatchFile[]; skipped: SkippedEntry[]}> {
  const files: string[] = []
  const refused: BatchFile[] = []
  const skipped: SkippedEntry[] = []
  const seen = new Set<string>()
  const add = (file: string) => {
    const key = resolve(file)
    if (seen.has(key)) {
      skipped.push({path: file, reason: 'named twice; read once'})
      return
    }
    seen.add(key)
    files.push(file)
  }
  for (const path of paths) {
    let isFolder = false
    try {
      isFolder = (await lstat(path)).isDirectory()
    } catch {
      // checkInputFile below says what is wrong with the path.
    }
    if (!isFolder) {
      await checkInputFile(path)
      add(path)
      continue
    }
    let entries: Dirent[]
    try {
      entries = await readdir(path, {withFileTypes: true})
    } catch (error) {
      throw new UserError(`cannot read the folder ${path}: ${(error as Error).message}`, {exitCode: 2, suggestion: 'check its permissions'})
    }
    const before = files.length + refused.length
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = join(path, entry.name)
      if (entry.name.startsWith('.')) skipped.push({path: file, reason: 'a hidden file'})
      else if (entry.isDirectory()) skipped.push({path: file, reason: 'a folder (folders are not read recursively)'})
      else if (entry.isSymbolicLink()) refused.push(refusal(file, 'a symbolic link: kasumi does not follow links inside a folder'))
      else if (!entry.isFile()) refused.push(refusal(file, 'not a regular file (a pipe, socket or device): kasumi reads input only from files'))
      else if (!BATCH_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
        skipped.push({path: file, reason: `not an input file (kasumi reads ${BATCH_EXTENSIONS.join(', ')})`})
      else add(file)
    }
    if (files.length + refused.length === before) skipped.push({path, reason: `the folder holds no input file (${BATCH_EXTENSIONS.join(', ')})`})
  }
  if (files.length === 0 && refused.length === 0)
    throw new InvalidInputError(`no input files in ${paths.join(', ')}`, [
      {message: 'nothing to read', hint: `put CSV files or workbooks (${BATCH_EXTENSIONS.join(', ')}) in the folder, or name the files`},
    ])
  return {files, refused, skipped}
}

function refusal(file: string, message: string): BatchFile {
  return {
    ...blankFile(file),
    status: 'failed',
    errors: 1,
    issues: [{file, message, hint: 'copy the file itself into the folder, or name it on the command line'}],
  }
}

function blankFile(file: string): BatchFile {
  return {
    file,
    kind: null,
    status: 'checked',
    records: 0,
    errors: 0,
    warnings: 0,
    issues: [],
    warningIssues: [],
    sha256: null,
    changeSetId: null,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    encoding: null,
  }
}

/** The kind of each file, to read them in KIND_ORDER; undefined when it cannot be told (the check says why). */
async function kindOf(file: string, options: ReadOptions, facts: StoreFacts): Promise<Kind | undefined> {
  if (options.kind && options.kind !== 'auto') return options.kind
  try {
    if (!isWorkbook(file)) return await peekKind(file, options)
    // A workbook's kind comes from its header, which is found by reading the sheet.
    return (await readWorkbookRows(file, {...options, maxIssues: 1}, {ministries: facts.ministries, systemIds: null}, {costs() {}})).kind
  } catch (error) {
    if (error instanceof UserError) return undefined
    throw error
  }
}

/** Files in the order they are read and written: ministries, systems, cost lines, then any kind not told; by name within a kind. */
async function ordered(files: readonly string[], options: ReadOptions, facts: StoreFacts): Promise<Array<{file: string; kind?: Kind}>> {
  const kinds: Array<{file: string; kind?: Kind; position: number}> = []
  for (const [position, file] of files.entries()) kinds.push({file, kind: await kindOf(file, options, facts), position})
  const rank = (kind?: Kind) => (kind === undefined ? KIND_ORDER.length : KIND_ORDER.indexOf(kind))
  return kinds.sort((a, b) => rank(a.kind) - rank(b.kind) || a.position - b.position)
}

/**
 * Reads and checks every file, writing nothing: each is checked against the
 * store's facts and the files of the batch read before it (ministries before
 * systems before cost lines), so cost lines may name systems of a systems file
 * in the same batch. A file with problems adds nothing to what later files are
 * checked against. Results come back in the order the files were named.
 */
export async function checkBatch(
  files: readonly string[],
  options: ReadOptions & {onConflict?: ImportOptions['onConflict']},
  storeFacts: StoreFacts,
): Promise<{results: Map<string, BatchFile>; order: string[]}> {
  const facts: StoreFacts = {
    ministries: [...storeFacts.ministries],
    systemIds: storeFacts.systemIds === null ? null : [...storeFacts.systemIds],
  }
  const storedMinistries = new Set(facts.ministries.map((ministry) => ministry.code))
  const ministryOrigins = new Map<string, string>()
  const systemOrigins = new Map<string, string>()
  const results = new Map<string, BatchFile>()
  const maxIssues = options.maxIssues ?? 100
  const order = (await ordered(files, options, facts)).map(({file}) => file)
  for (const file of order) {
    const result = blankFile(file)
    results.set(file, result)
    if (await isIdcInput(file, options.kind, options.encoding)) {
      result.status = 'failed'
      result.errors = 1
      result.issues = [
        {
          file,
          message: 'a US DCOI data-centre inventory: it is imported on its own, for the quarter it reports',
          hint: `take it out of the batch and run kasumi inventory import ${file} --period 2024-Q3 (its quarter)`,
        },
      ]
      result.sha256 = await sha256File(file)
      continue
    }
    if (await isFocusInput(file, options.kind ?? 'auto')) {
      result.status = 'failed'
      result.errors = 1
      result.issues = [
        {
          file,
          message: 'a FOCUS cloud bill: it is imported on its own, with the options that name its systems',
          hint: `take it out of the batch and run kasumi inventory import ${file} --system-tag KEY (or --system-map FILE)`,
        },
      ]
      result.sha256 = await sha256File(file)
      continue
    }
    let outcome: ReadOutcome
    try {
      if (isWorkbook(file)) {
        const read = await readWorkbookRows(file, options, facts, {costs() {}})
        result.workbook = read.workbook
        outcome = read
      } else outcome = await readRows(file, options, facts, {costs() {}})
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error
      result.status = 'failed'
      result.issues = error.issues.map((issue) => ({file, ...issue}))
      result.errors = error.totalIssues
      result.sha256 = await sha256File(file)
      continue
    }
    if (outcome.kind === 'systems') checkStoredConflicts(file, outcome, facts, options.onConflict ?? 'fail', maxIssues, systemOrigins)
    if (outcome.kind === 'ministries' && (options.onConflict ?? 'fail') === 'fail')
      ministryConflicts(file, outcome, storedMinistries, ministryOrigins)
    if (outcome.kind !== undefined && SERVICE_KINDS.has(outcome.kind)) {
      result.kind = outcome.kind
      result.status = 'failed'
      result.errors = 1
      result.issues = [
        {
          file,
          message: `a file of ${outcome.kind}: the citizens' side is imported file by file, procedures, then documents, then life events`,
          hint: `take it out of the batch and run kasumi inventory import ${file} --kind ${outcome.kind}`,
        },
      ]
      result.sha256 = await sha256File(file)
      continue
    }
    result.kind = outcome.kind ?? null
    result.records = outcome.records
    result.encoding = outcome.encoding
    result.issues = [...outcome.structural, ...outcome.issues].slice(0, maxIssues)
    result.errors = outcome.structural.length + Math.max(outcome.issueCount, outcome.issues.length)
    result.warningIssues = outcome.warnings
    result.warnings = outcome.warnings.length
    result.sha256 = await sha256File(file)
    if (result.errors > 0) {
      result.status = 'failed'
      continue
    }
    if (outcome.records === 0) {
      result.status = 'empty'
      continue
    }
    // What later files are checked against: this file's ministries and systems.
    const name = basename(file)
    if (outcome.kind === 'ministries') {
      for (const {record} of outcome.records_) {
        const ministry = record as Ministry
        facts.ministries = [...facts.ministries.filter((known) => known.code !== ministry.code), ministry]
        ministryOrigins.set(ministry.code, name)
      }
    } else if (outcome.kind === 'systems' && facts.systemIds !== null) {
      const known = new Set(facts.systemIds)
      for (const {record} of outcome.records_) {
        const id = (record as SystemRecord).id
        if (!known.has(id)) facts.systemIds.push(id)
        systemOrigins.set(id, name)
      }
    }
  }
  return {results, order}
}

function ministryConflicts(file: string, outcome: ReadOutcome, stored: ReadonlySet<string>, origins: ReadonlyMap<string, string>): void {
  for (const {line, record} of outcome.records_) {
    const code = (record as Ministry).code
    const origin = origins.get(code)
    if (!stored.has(code) && origin === undefined) continue
    outcome.issueCount++
    outcome.issues.push({
      file,
      ...(outcome.idCell ? {cell: cellReference(outcome.idCell.sheet, outcome.idCell.column, line)} : {line}),
      column: outcome.idColumn ?? 'code',
      value: code,
      message: origin === undefined ? 'a ministry with this code is already in the store' : `a ministry with this code is in ${origin} too`,
      hint: 'pass --on-conflict update or --on-conflict skip',
    })
  }
}

/** Checks every file of a batch and writes nothing (`kasumi inventory validate DIR`). */
export async function validateBatch(paths: readonly string[], options: ReadOptions, facts: StoreFacts): Promise<BatchResult> {
  const {files, refused, skipped} = await collectInputs(paths)
  const {results} = await checkBatch(files, options, facts)
  const result: BatchResult = {files: [...refused, ...files.map((file) => results.get(file)!)], skipped, each: false, dryRun: true}
  const failed = result.files.filter((file) => file.status === 'failed')
  if (failed.length > 0) throw new BatchInputError(problemsMessage(result, 'nothing was written'), result)
  return result
}

function problemsMessage(result: BatchResult, after: string): string {
  const failed = result.files.filter((file) => file.status === 'failed')
  const problems = failed.reduce((sum, file) => sum + file.errors, 0)
  return `${failed.length} of ${result.files.length} file${result.files.length === 1 ? '' : 's'} with problems (${problems} problem${problems === 1 ? '' : 's'}); ${after}`
}

/**
 * Imports a batch of files. Every file is read and checked first, and every
 * problem of every file is reported before anything is written. Then, by
 * default, all files are written in one transaction, one change set per file
 * (each with the file's SHA-256): all of them or, when any file has a problem,
 * none. With `each`, every file without problems is written in its own
 * transaction; files with problems are reported and skipped (BatchInputError
 * after the others are written). Files are written in dependency order:
 * ministries, systems, cost lines.
 */
export async function importBatch(store: Store, paths: readonly string[], options: ImportOptions & {each: boolean}): Promise<BatchResult> {
  const {files, refused, skipped} = await collectInputs(paths)
  const {readerFacts} = await import('../store/register.js')
  const {results, order} = await checkBatch(files, options, await readerFacts(store))
  const result: BatchResult = {files: [...refused, ...files.map((file) => results.get(file)!)], skipped, each: options.each, dryRun: options.dryRun}
  const failed = result.files.filter((file) => file.status === 'failed')
  if (failed.length > 0 && !options.each) {
    for (const file of result.files) if (file.status === 'checked' || file.status === 'empty') file.status = 'not-imported'
    throw new BatchInputError(problemsMessage(result, 'nothing was written'), result)
  }
  const writeOrder = order.map((file) => results.get(file)!).filter((file) => file.status === 'checked')
  const now = new Date().toISOString()
  const writeOne = async (begin: (changeSet: ImportChangeSet) => Promise<ImportSession>, file: BatchFile, origins: Map<string, string>) => {
    const summary = blankSummary(file.file, options.dryRun)
    const session = await begin({actor: options.actor, command: options.command, fileName: basename(file.file), at: now})
    const parallel = !options.mapping && (await shouldReadInParallel(file.file, options.parallel, isWorkbook(file.file)))
    const outcome = await importThrough(session, file.file, options, summary, {workbook: isWorkbook(file.file), parallel}, sha256File(file.file), {
      origins,
    })
    // Later files of the batch name these systems' file when they repeat an id.
    if (outcome.kind === 'systems') for (const {record} of outcome.records_) origins.set((record as SystemRecord).id, basename(file.file))
    return summary
  }
  const record = (file: BatchFile, summary: ImportSummary) => {
    Object.assign(file, {
      inserted: summary.inserted,
      updated: summary.updated,
      unchanged: summary.unchanged,
      skipped: summary.skipped,
      changeSetId: options.dryRun ? null : summary.changeSetId,
      sha256: summary.sha256,
      status: options.dryRun ? 'checked' : 'imported',
    })
  }
  const problem = (file: BatchFile, error: Problems) => {
    file.status = 'failed'
    file.issues = [...error.outcome.structural, ...error.outcome.issues]
    file.errors = error.outcome.structural.length + Math.max(error.outcome.issueCount, error.outcome.issues.length)
  }

  if (!options.each) {
    const origins = new Map<string, string>()
    const summaries = new Map<BatchFile, ImportSummary>()
    let current: BatchFile | undefined
    try {
      await writeImports(store, async (begin) => {
        summaries.clear()
        origins.clear()
        for (const file of writeOrder) {
          current = file
          const summary = await writeOne(begin, file, origins)
          summaries.set(file, summary)
        }
        if (options.dryRun) throw new Rollback()
      })
    } catch (error) {
      // The store changed between the check and the write (another writer): nothing was written.
      if (error instanceof Problems && current) {
        problem(current, error)
        for (const file of result.files) if (file !== current && file.status === 'checked') file.status = 'not-imported'
        throw new BatchInputError(problemsMessage(result, 'nothing was written'), result)
      }
      if (!(error instanceof Rollback)) throw error
    }
    for (const [file, summary] of summaries) record(file, summary)
    for (const file of result.files) if (file.status === 'empty') file.changeSetId = null
    return result
  }

  for (const file of writeOrder) {
    try {
      await writeImports(store, async (begin) => {
        const summary = await writeOne(begin, file, new Map())
        record(file, summary)
        if (options.dryRun) throw new Rollback()
      })
    } catch (error) {
      if (error instanceof Problems) problem(file, error)
      else if (!(error instanceof Rollback)) throw error
    }
  }
  if (result.files.some((file) => file.status === 'failed')) {
    const landed = result.files.filter((file) => file.status === 'imported').length
    throw new BatchInputError(
      problemsMessage(result, `${options.dryRun ? 'nothing was written' : `the other ${landed} file${landed === 1 ? ' was' : 's were'} imported`}`),
      result,
      options.dryRun || landed === 0
        ? undefined
        : 'Correct the files with problems and import only those again: the others are in the store (see the change sets above).',
    )
  }
  return result
}

const STATUS_WORDS: Record<BatchStatus, string> = {
  imported: 'imported',
  checked: 'valid',
  failed: 'problems',
  'not-imported': 'not imported',
  empty: 'no data rows',
}

/** The summary of a batch, one row per file, in the order the files were named. */
export function batchTable(result: BatchResult): TableData {
  return {
    head: ['file', 'kind', 'rows', 'errors', 'warnings', 'change set', 'result'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    rows: result.files.map((file) => [
      file.file,
      file.kind === 'costs' ? 'cost lines' : (file.kind ?? '?'),
      file.records.toLocaleString('en'),
      file.errors.toLocaleString('en'),
      file.warnings.toLocaleString('en'),
      file.changeSetId === null ? '-' : String(file.changeSetId),
      STATUS_WORDS[file.status],
    ]),
  }
}
