import type {InputIssue} from '../domain/errors.js'
import {matchKey} from '../domain/text-match.js'
import {ECHO_LIMIT, truncateText} from '../domain/text-safety.js'
import type {ParseOutcome} from './values.js'

/** One column a table kind understands, with the header names it accepts. */
export interface FieldSpec {
  key: string
  /** The English header kasumi writes on export. */
  header: string
  /** Other accepted header names (Japanese, Traditional Chinese, English variants). */
  aliases: readonly string[]
  required?: boolean
  /** The column may carry a unit in its header, e.g. `経費（千円）`. */
  scalable?: boolean
}

/** Units a header may name in parentheses, and their factor in base units. */
export const HEADER_UNITS: Record<string, number> = {
  円: 1,
  yen: 1,
  jpy: 1,
  元: 1,
  千円: 1000,
  千元: 1000,
  '千元(日幣)': 1000,
  thousandyen: 1000,
  '1000yen': 1000,
  百万円: 1_000_000,
  百萬元: 1_000_000,
  millionyen: 1_000_000,
}

export interface ResolvedColumn {
  index: number
  field: FieldSpec
  /** Multiply values in this column by this factor (from a unit in the header). */
  factor: number
}

export interface HeaderResolution {
  columns: Map<string, ResolvedColumn>
  /** Header cells that name no known field. */
  unknown: Array<{index: number; name: string}>
  issues: InputIssue[]
}

export function resolveHeader(file: string, line: number, cells: string[], fields: readonly FieldSpec[]): HeaderResolution {
  const byName = new Map<string, FieldSpec>()
  for (const field of fields) {
    for (const name of [field.key, field.header, ...field.aliases]) byName.set(matchKey(name), field)
  }
  const columns = new Map<string, ResolvedColumn>()
  const unknown: Array<{index: number; name: string}> = []
  const issues: InputIssue[] = []
  cells.forEach((cell, index) => {
    const name = cell.trim()
    if (name === '') return
    let key = matchKey(name)
    let factor = 1
    let field = byName.get(key)
    if (!field) {
      const unitMatch = /^(.*?)[(（]([^()（）]+)[)）]$/.exec(name.normalize('NFKC'))
      if (unitMatch) {
        const base = byName.get(matchKey(unitMatch[1]))
        const unit = HEADER_UNITS[matchKey(unitMatch[2])]
        if (base && base.scalable && unit !== undefined) {
          field = base
          factor = unit
          key = matchKey(unitMatch[1])
        }
      }
    }
    if (!field) {
      unknown.push({index, name})
      return
    }
    const previous = columns.get(field.key)
    if (previous) {
      issues.push({
        file,
        line,
        column: columnLabel(index, name),
        value: truncateText(name, ECHO_LIMIT),
        message: `a second column for "${field.header}" (the first is column ${previous.index + 1})`,
        hint: 'keep one of them',
      })
      return
    }
    columns.set(field.key, {index, field, factor})
  })
  for (const field of fields) {
    if (field.required && !columns.has(field.key)) {
      issues.push({
        file,
        line,
        message: `the required column "${field.header}" is missing`,
        hint: `name it one of: ${[field.header, ...field.aliases].join(', ')}`,
      })
    }
  }
  return {columns, unknown, issues}
}

/** How a column is named in an issue: its number and its header, e.g. `3 (name)`; a long header is cut. */
export function columnLabel(index: number, name: string): string {
  return `${index + 1} (${truncateText(name, COLUMN_NAME_LIMIT)})`
}

const COLUMN_NAME_LIMIT = 40

/** Unknown columns beyond this many are counted in one issue rather than listed one by one. */
export const MAX_UNKNOWN_COLUMN_ISSUES = 10

/**
 * Issues for the header cells that name no known column: one per column for
 * the first few, then one that counts the rest (a sheet with ten thousand
 * stray columns gives a dozen lines, not ten thousand).
 */
export function unknownColumnIssues(
  file: string,
  line: number,
  unknown: HeaderResolution['unknown'],
  message: string,
  hint: string | undefined,
): InputIssue[] {
  const issues: InputIssue[] = unknown.slice(0, MAX_UNKNOWN_COLUMN_ISSUES).map((column) => ({
    file,
    line,
    column: columnLabel(column.index, column.name),
    value: truncateText(column.name, ECHO_LIMIT),
    message,
    hint,
  }))
  const rest = unknown.length - MAX_UNKNOWN_COLUMN_ISSUES
  if (rest > 0) {
    const first = unknown[MAX_UNKNOWN_COLUMN_ISSUES]
    issues.push({
      file,
      line,
      column: `${first.index + 1}–${unknown.at(-1)!.index + 1}`,
      message: `${rest.toLocaleString('en')} more columns kasumi does not know`,
      hint,
    })
  }
  return issues
}

/**
 * Reads the cells of one record by field key, collecting an issue for each
 * value that does not parse. A row is valid when `issues` gained nothing.
 */
export class RowReader {
  cells: string[] = []
  line = 0
  headerNames: string[] = []
  failed = false

  constructor(
    readonly file: string,
    readonly columns: Map<string, ResolvedColumn>,
    readonly issues: InputIssue[],
    /** The kind's fields, to name an absent column by its header. */
    readonly fields: readonly FieldSpec[] = [],
  ) {}

  reset(cells: string[], line: number): this {
    this.cells = cells
    this.line = line
    this.failed = false
    return this
  }

  has(key: string): boolean {
    return this.columns.has(key)
  }

  raw(key: string): string | undefined {
    const column = this.columns.get(key)
    return column === undefined ? undefined : this.cells[column.index]
  }

  factor(key: string): number {
    return this.columns.get(key)?.factor ?? 1
  }

  /** A saved mapping's labels for some fields: the publisher's label (as a match key) → kasumi's value. */
  values?: ReadonlyMap<string, ReadonlyMap<string, string>>

  /** Parses a cell (after the mapping's value map, if any); `null` for an absent column or an empty cell. */
  get<T>(key: string, parser: (raw: string) => ParseOutcome<T>, options: {required?: boolean} = {}): T | null {
    const column = this.columns.get(key)
    const cell = column === undefined ? '' : this.cells[column.index]
    const raw = this.values?.get(key)?.get(matchKey(cell)) ?? cell
    const outcome = parser(raw)
    if (!outcome.ok) {
      this.fail(key, raw, outcome.reason, outcome.hint)
      return null
    }
    if (outcome.value === null && options.required) {
      this.fail(key, raw, 'a value is required here')
      return null
    }
    return outcome.value
  }

  fail(key: string, value: string | undefined, message: string, hint?: string): void {
    this.failed = true
    const column = this.columns.get(key)
    this.issues.push({
      file: this.file,
      line: this.line,
      column: column ? columnLabel(column.index, column.field.header) : (this.fields.find((field) => field.key === key)?.header ?? key),
      value: value === undefined ? undefined : truncateText(value, ECHO_LIMIT),
      message,
      hint,
    })
  }
}
