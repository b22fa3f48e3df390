import type {InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import type {Ministry} from '../domain/inventory.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import type {Store} from '../store/open.js'
import type {EncodingOption} from './csv.js'
import {TABLE_KINDS, guessKind, systemColumnsInCosts, type BuildContext, type Kind, type TableKind} from './kinds.js'
import {RowReader, resolveHeader, unknownColumnIssues, type HeaderResolution} from './table.js'
import type {Mapping} from './mapping.js'
import type {WorkbookOptions} from './workbook/options.js'

export interface ReadOptions extends WorkbookOptions {
  kind?: Kind | 'auto'
  encoding: EncodingOption
  calendar: Calendar
  /** Accept columns kasumi does not know, with a warning, instead of failing. */
  allowUnknownColumns?: boolean
  /** Stop after this many issues (the count of the rest is still reported). */
  maxIssues?: number
  /** A saved mapping: which columns are which fields, value maps, unit and defaults. */
  mapping?: Mapping
}

/** What a reader needs to know of the store; plain data, so it can cross to a worker thread. */
export interface StoreFacts {
  ministries: Ministry[]
  /** null when there is no store to check system ids against. */
  systemIds: string[] | null
  /** Facility ids in the store; absent when there is no store to check against. */
  facilityIds?: string[]
  /** Procedure ids and documents of the store; null without a store. */
  procedureIds?: string[] | null
  documents?: Array<{id: string; authenticSource: boolean}> | null
}

export async function storeFacts(store: Store | undefined, bundledMinistries: () => Promise<Ministry[]>): Promise<StoreFacts> {
  if (!store) return {ministries: await bundledMinistries(), systemIds: null, procedureIds: null, documents: null}
  // Loaded here, not at the top: the reader's worker thread imports this module and needs no store.
  const {readerFacts} = await import('../store/register.js')
  return readerFacts(store)
}

/** The kind of a file from its header alone (or the --kind given). */
export async function peekKind(file: string, options: ReadOptions): Promise<Kind | undefined> {
  if (options.kind && options.kind !== 'auto') return options.kind
  const {readCsv} = await import('./csv.js')
  let kind: Kind | undefined
  let seen = false
  await readCsv(
    {file, encoding: options.encoding},
    {
      header(cells) {
        kind = guessKind(cells)
        seen = true
      },
      record() {},
      shouldStop: () => seen,
    },
  )
  return kind
}

export function buildContext(file: string, options: ReadOptions, facts: StoreFacts): BuildContext {
  return {
    file,
    calendar: options.calendar,
    ministries: new MinistryIndex(facts.ministries),
    storedSystemIds: facts.systemIds === null ? null : new Set(facts.systemIds),
    storedFacilityIds: facts.facilityIds === undefined ? null : new Set(facts.facilityIds),
    storedProcedureIds: facts.procedureIds == null ? null : new Set(facts.procedureIds),
    storedDocumentIds: facts.documents == null ? null : new Set(facts.documents.map((document) => document.id)),
    seenIds: new Map(),
    issues: [],
  }
}

/** The state of one read: header, kind, issues, and the rows built so far. */
export class ReadState {
  kind?: TableKind<unknown>
  header?: HeaderResolution
  row?: RowReader
  issues: InputIssue[] = []
  warnings: InputIssue[] = []
  issueCount = 0
  halted = false
  /** The column --ministry fills (past the file's own columns when it has none), or -1. */
  ministryColumn = -1

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
      this.issues.push({
        file: this.file,
        line,
        message: 'cannot tell whether this file holds systems, cost lines, ministries, procedures, documents or life events',
        hint: 'pass --kind systems, --kind costs, --kind ministries, --kind procedures, --kind documents, --kind life-events or --kind dcoi-idc',
      })
      this.halted = true
      return
    }
    this.kind = TABLE_KINDS[kindName] as TableKind<unknown>
    // --ministry: the ministry of every row of a file without a ministry column, and of empty cells of one.
    if (this.options.ministry && kindName === 'systems') {
      const column = resolveHeader(this.file, line, cells, this.kind.fields).columns.get('ministry')
      this.ministryColumn = column ? column.index : cells.length
      if (!column) cells = [...cells, 'ministry']
    }
    this.header = resolveHeader(this.file, line, cells, this.kind.fields)
    this.issues.push(...this.header.issues)
    if (kindName === 'costs') {
      const describing = systemColumnsInCosts(this.header.unknown)
      if (describing.length > 0) {
        this.header.unknown = this.header.unknown.filter((column) => !describing.includes(column))
        this.warnings.push({
          file: this.file,
          line,
          message: `${describing.map((column) => column.name).join(', ')} describe${describing.length === 1 ? 's' : ''} the system, not the cost line; not imported with cost lines`,
          hint: 'import the systems from their own file, or with a mapping that feeds systems too',
          severity: 'warning',
        })
      }
    }
    const unknown = unknownColumnIssues(
      this.file,
      line,
      this.header.unknown,
      `kasumi does not know this ${kindName} column`,
      this.options.allowUnknownColumns
        ? 'its values are not imported'
        : `rename it to one of: ${this.kind.fields.map((field) => field.header).join(', ')}; or pass --allow-unknown-columns to leave it out`,
    )
    if (this.options.allowUnknownColumns) this.warnings.push(...unknown.map((issue) => ({...issue, severity: 'warning' as const})))
    else this.issues.push(...unknown)
    if (this.issues.length > 0) this.halted = true
    this.row = new RowReader(this.file, this.header.columns, this.issues, this.kind.fields)
  }

  build(cells: string[], line: number): unknown {
    if (this.halted || !this.kind || !this.row) return undefined
    if (this.ministryColumn >= 0 && (cells[this.ministryColumn] ?? '').trim() === '') {
      cells = [...cells]
      cells[this.ministryColumn] = this.options.ministry!
    }
    const before = this.issues.length
    const record = this.kind.build(this.row.reset(cells, line), this.context)
    this.issueCount += this.issues.length - before
    if (this.issues.length > this.maxIssues) this.issues.length = this.maxIssues
    return record
  }

  /** Reading stops only for a bad header; past the cap, problems are still counted, not kept. */
  get full(): boolean {
    return this.halted
  }
}
