import {Command, Errors, ux} from '@oclif/core'

import {redactDeep, redactText, secretsOf} from '../domain/redact.js'
import {openStore, storeExists, type Store} from '../store/open.js'
import {storeFailure} from '../store/write.js'
import {BUG_REPORT_HINT, ExitCode, InvalidInputError, UserError, formatIssue, formatIssues, type InputIssue} from '../domain/errors.js'
import {terminalJson, terminalLines} from '../domain/text-safety.js'
import {globalFlags} from './flags.js'
import type {TableData} from '../domain/table.js'
import {Painter, colourEnabled, renderTable} from './output.js'
import {progressLine, type ProgressLine} from './progress.js'

/** The version of kasumi's `--json` contract; bumped on any breaking change. */
export const JSON_FORMAT_VERSION = 1

/**
 * The door every command goes through: shared flags, one way to print,
 * one way to fail, and the store opened lazily and always closed.
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = globalFlags
  static override enableJsonFlag = true

  protected painter = new Painter(false)
  private openedStore?: Store

  override async init(): Promise<void> {
    await super.init()
    const noColor = this.argv.includes('--no-color')
    this.painter = new Painter(colourEnabled(noColor))
  }

  /** Opens the store named by --database; requires an initialised store unless `create`. */
  protected async store(database: string, options: {create?: boolean} = {}): Promise<Store> {
    if (this.openedStore) return this.openedStore
    const {store, migrated, created} = await openStore(database, {create: options.create ?? false})
    this.openedStore = store
    if (migrated.length > 0 && !created) this.note(`Updated the store at ${store.location} (${migrated.join(', ')}).`)
    return store
  }

  /** The store named by --database when there is one there, or undefined. */
  protected async existingStore(database: string): Promise<Store | undefined> {
    return storeExists(database) ? this.store(database) : undefined
  }

  /** Like store(), but reports whether the store was created. */
  protected async openForInit(database: string): Promise<{store: Store; created: boolean}> {
    const {store, created} = await openStore(database, {create: true})
    this.openedStore = store
    return {store, created}
  }

  /** The passwords of the database locations this command was given (flags or KASUMI_DATABASE), never to be printed. */
  private secrets?: string[]

  /** Text with credentials redacted: every output of a command goes through it. */
  protected redact(text: string): string {
    this.secrets ??= secretsOf([...this.argv, process.env.KASUMI_DATABASE])
    return redactText(text, this.secrets)
  }

  /** `--json` output, credentials redacted, with every character a terminal would act on written as an escape. */
  override logJson(json: unknown): void {
    this.secrets ??= secretsOf([...this.argv, process.env.KASUMI_DATABASE])
    ux.stdout(terminalJson(redactDeep(json, this.secrets)))
  }

  override logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(typeof message === 'string' ? this.redact(message) : message, ...args)
  }

  /** Human output on stdout, credentials redacted; each line made safe for a terminal, as names from the register may be in it. */
  override log(message = '', ...args: unknown[]): void {
    super.log(typeof message === 'string' ? terminalLines(this.redact(message)) : message, ...args)
  }

  protected table(table: TableData): void {
    // renderTable makes every cell safe itself, and adds colour that must stay.
    super.log(this.redact(renderTable(table, this.painter)))
  }

  /** A message for people, on stderr (silent with --json). */
  protected note(message: string): void {
    this.logToStderr(terminalLines(message))
  }

  protected warning(message: string): void {
    this.logToStderr(`${this.painter.paint('yellow', 'Warning:')} ${terminalLines(message)}`)
  }

  protected success(message: string): void {
    this.logToStderr(`${this.painter.paint('green', '✓')} ${terminalLines(message)}`)
  }

  protected stdinIsInteractive(noInput: boolean): boolean {
    return !noInput && Boolean(process.stdin.isTTY) && !process.env.CI
  }

  /**
   * Every issue as a warning on stderr, one line each, as formatIssue writes
   * it. `compact` writes the place as `file:line column` (as compilers do),
   * the layout of the warnings a run (estimate, bench, report, audit) gives
   * about its scenario; validators keep formatIssue's `file, line N, column C`,
   * the layout of their errors.
   */
  protected warnIssues(issues: readonly InputIssue[], options: {compact?: boolean} = {}): void {
    for (const issue of issues) {
      if (!options.compact) {
        this.warning(formatIssue(issue))
        continue
      }
      const place = compactPlace(issue)
      const text = formatIssue({...issue, file: undefined, line: undefined, column: undefined})
      this.warning(place ? `${place}: ${text}` : text)
    }
  }

  /**
   * A progress line on stderr, redrawn in place: only when stderr is a
   * terminal and --json is off; otherwise it writes nothing. Clear it before
   * printing results.
   */
  protected progress(): ProgressLine {
    return progressLine(process.stderr, Boolean(process.stderr.isTTY) && !this.jsonEnabled())
  }

  override async finally(error: Error | undefined): Promise<void> {
    if (this.openedStore) {
      const store = this.openedStore
      this.openedStore = undefined
      await store.close()
    }
    await super.finally(error)
  }

  /**
   * Waits until what was written to stdout and stderr has gone out. An error ends the process at once
   * (oclif's exit), and a pipe takes a large write asynchronously: without this, `--json` errors with
   * many issues were cut at 64 KiB when read through a pipe.
   */
  private async flushOutput(): Promise<void> {
    await Promise.all(
      [process.stdout, process.stderr].map(
        (stream) =>
          new Promise<void>((resolve) => {
            if (stream.writableLength === 0 || stream.destroyed) resolve()
            else stream.write('', () => resolve())
          }),
      ),
    )
  }

  override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    // The reader of stdout went away (`kasumi inventory export | head`): it has what it wanted; stop quietly.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') this.exit(ExitCode.ok)
    // Another writer holding the store (SQLite busy, PostgreSQL lock timeout or serialization failure) is no bug.
    const failure = storeFailure(error)
    if (failure !== error) return this.catch(failure as Error)
    const painter = new Painter(colourEnabled(this.argv.includes('--no-color'), process.stderr))
    if (error instanceof UserError) {
      if (this.jsonEnabled()) {
        this.logJson({
          formatVersion: JSON_FORMAT_VERSION,
          error: {
            name: error.name,
            message: error.message,
            suggestion: error.suggestion,
            exitCode: error.exitCode,
            ...(error instanceof InvalidInputError
              ? {issues: error.issues, totalIssues: error.totalIssues, ...error.result}
              : {details: error.details}),
          },
        })
      } else {
        const lines = [`${painter.paint('red', 'Error:')} ${terminalLines(error.message)}`]
        if (error instanceof InvalidInputError) {
          for (const line of formatIssues(error.issues)) lines.push(`  ${line}`)
          if (error.totalIssues > error.issues.length) lines.push(`  … and ${error.totalIssues - error.issues.length} more`)
        }
        if (error.suggestion) lines.push(`${painter.paint('cyan', 'Try:')} ${terminalLines(error.suggestion)}`)
        process.stderr.write(`${this.redact(lines.join('\n'))}\n`)
      }
      await this.flushOutput()
      this.exit(error.exitCode)
    }
    if (error instanceof Errors.CLIError || error.oclif?.exit !== undefined) {
      // oclif's own parse errors (unknown flag, missing argument, bad option): usage, exit 2.
      if (this.jsonEnabled()) {
        this.logJson({
          formatVersion: JSON_FORMAT_VERSION,
          error: {name: 'UsageError', message: error.message, exitCode: error.oclif?.exit ?? ExitCode.usage},
        })
        await this.flushOutput()
        this.exit(error.oclif?.exit ?? ExitCode.usage)
      }
      error.message = this.redact(error.message)
      throw error
    }
    if (this.jsonEnabled()) {
      this.logJson({
        formatVersion: JSON_FORMAT_VERSION,
        error: {name: error.name, message: error.message, exitCode: ExitCode.unexpected, suggestion: BUG_REPORT_HINT},
      })
    } else {
      process.stderr.write(
        `${painter.paint('red', 'Unexpected error:')} ${terminalLines(this.redact(error.stack ?? error.message))}\n${BUG_REPORT_HINT}\n`,
      )
    }
    await this.flushOutput()
    this.exit(ExitCode.unexpected)
  }
}

/** Where an issue is, compactly: `file:line column`; the parts it does not have are left out. */
function compactPlace(issue: InputIssue): string {
  const at =
    issue.file !== undefined && issue.line !== undefined
      ? `${issue.file}:${issue.line}`
      : (issue.file ?? (issue.line === undefined ? undefined : `line ${issue.line}`))
  return [at, issue.column].filter((part) => part !== undefined).join(' ')
}
