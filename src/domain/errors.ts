import {ECHO_LIMIT, terminalText, truncateText} from './text-safety.js'

/**
 * The one exit-code table of kasumi, and the error classes that carry a code.
 * Every command exits with one of these; the README documents the same table.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  invalidInput: 3,
  notFound: 4,
  conflict: 5,
  databaseUnavailable: 6,
  verificationMismatch: 7,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface UserErrorOptions {
  /** What the user can do about it. */
  suggestion?: string
  exitCode?: ExitCodeValue
  /** Machine-readable details, echoed in `--json` error output. */
  details?: unknown
  cause?: unknown
}

/** An error the user can act on: a message, a suggestion and an exit code. */
export class UserError extends Error {
  readonly suggestion?: string
  readonly exitCode: ExitCodeValue
  readonly details?: unknown

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, {cause: options.cause})
    this.name = 'UserError'
    this.suggestion = options.suggestion
    this.exitCode = options.exitCode ?? ExitCode.unexpected
    this.details = options.details
  }
}

export class UsageError extends UserError {
  constructor(message: string, options: Omit<UserErrorOptions, 'exitCode'> = {}) {
    super(message, {...options, exitCode: ExitCode.usage})
    this.name = 'UsageError'
  }
}

export class NotFoundError extends UserError {
  constructor(message: string, options: Omit<UserErrorOptions, 'exitCode'> = {}) {
    super(message, {...options, exitCode: ExitCode.notFound})
    this.name = 'NotFoundError'
  }
}

export class ConflictError extends UserError {
  constructor(message: string, options: Omit<UserErrorOptions, 'exitCode'> = {}) {
    super(message, {...options, exitCode: ExitCode.conflict})
    this.name = 'ConflictError'
  }
}

export class DatabaseUnavailableError extends UserError {
  constructor(message: string, options: Omit<UserErrorOptions, 'exitCode'> = {}) {
    super(message, {...options, exitCode: ExitCode.databaseUnavailable})
    this.name = 'DatabaseUnavailableError'
  }
}

/** One problem found in an input: where it is, what was there, why it is wrong. */
export interface InputIssue {
  file?: string
  line?: number
  column?: string
  /** A workbook cell as a spreadsheet names it, 経費内訳!E7: messages give it instead of the line, with `column` (the header) after it. */
  cell?: string
  value?: string
  message: string
  hint?: string
  severity?: 'error' | 'warning'
  /** The id of the rule that found it, for formats whose checks are named (e.g. `omb.closing-stage-blank`). */
  rule?: string
}

/**
 * One issue as a line for a terminal. Every part that may come from a user's
 * file (file name, column label, value, message, hint) is made safe to print,
 * and the value is cut to a few dozen characters.
 */
export function formatIssue(issue: InputIssue): string {
  return issueLine(issue, true)
}

function issueLine(issue: InputIssue, withHint: boolean): string {
  const where = (
    issue.cell !== undefined
      ? [issue.file, issue.cell + (issue.column === undefined ? '' : ` (${issue.column})`)]
      : [issue.file, issue.line === undefined ? undefined : `line ${issue.line}`, issue.column === undefined ? undefined : `column ${issue.column}`]
  )
    .filter((part) => part !== undefined)
    .join(', ')
  const value = issue.value === undefined ? '' : ` (value ${JSON.stringify(truncateText(issue.value))})`
  const hint = issue.hint && withHint ? ` — ${issue.hint}` : ''
  const rule = issue.rule === undefined ? '' : ` [${issue.rule}]`
  return terminalText(`${where ? `${where}: ` : ''}${issue.message}${value}${hint}${rule}`)
}

/**
 * Issues as lines for a terminal: a hint already given for an earlier issue
 * is not repeated, so a thousand issues of one kind do not print it a thousand times.
 */
export function formatIssues(issues: readonly InputIssue[]): string[] {
  const given = new Set<string>()
  return issues.map((issue) => {
    const repeated = issue.hint !== undefined && given.has(issue.hint)
    if (issue.hint !== undefined) given.add(issue.hint)
    return issueLine(issue, !repeated) + (repeated ? ' (hint as above)' : '')
  })
}

/** Invalid input: every issue found (up to a cap), nothing written. Exit 3. */
export class InvalidInputError extends UserError {
  readonly issues: InputIssue[]
  readonly totalIssues: number
  /** More of the result, for `--json` error output beside the issues (e.g. each file of a batch). */
  readonly result?: Record<string, unknown>

  constructor(message: string, issues: InputIssue[], options: {suggestion?: string; totalIssues?: number; result?: Record<string, unknown>} = {}) {
    // An issue echoes at most a few hundred characters of a value, in --json too.
    issues = issues.map((issue) =>
      issue.value !== undefined && issue.value.length > ECHO_LIMIT ? {...issue, value: truncateText(issue.value, ECHO_LIMIT)} : issue,
    )
    super(message, {
      exitCode: ExitCode.invalidInput,
      suggestion: options.suggestion ?? 'Correct the input and run the command again; nothing was written.',
      details: {issues},
    })
    this.name = 'InvalidInputError'
    this.issues = issues
    this.totalIssues = options.totalIssues ?? issues.length
    this.result = options.result
  }

  override toString(): string {
    const lines = formatIssues(this.issues).map((line) => `  ${line}`)
    const more = this.totalIssues > this.issues.length ? [`  … and ${this.totalIssues - this.issues.length} more`] : []
    return [this.message, ...lines, ...more].join('\n')
  }
}

/** A fault in kasumi itself. */
export class InternalError extends Error {
  constructor(message: string, options: {cause?: unknown} = {}) {
    super(message, options)
    this.name = 'InternalError'
  }
}

export const BUG_REPORT_HINT = 'This is a fault in kasumi. Please report it with the command you ran and the output of `kasumi --version`.'
