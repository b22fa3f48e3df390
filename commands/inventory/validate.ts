import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {UsageError} from '../../src/domain/errors.js'
import {requireReadableFile} from '../../src/ingest/files.js'
import {loadMapping} from '../../src/ingest/mapping.js'
import {workbookSource} from '../../src/cli/output.js'
import {focusFlags, focusOptions, mappingFlag, readingFlags, readingOptions, storeFlags, workbookFlags} from '../../src/cli/flags.js'
import {isFocusInput, validateFocus} from '../../src/ingest/focus/import.js'
import {focusTables} from '../../src/inventory/focus-tables.js'
import type {EncodingOption} from '../../src/ingest/csv.js'
import {checkFile} from '../../src/ingest/import.js'
import {isIdcInput, validateIdcFile} from '../../src/ingest/dcoi-import.js'
import {InvalidInputError} from '../../src/domain/errors.js'
import {LANGS, type Lang} from '../../src/domain/lang.js'
import {bundledMinistries} from '../../src/reference/ministries.js'
import {BatchInputError, batchTable, isBatch, validateBatch, type BatchResult} from '../../src/ingest/batch.js'
import {storeFacts} from '../../src/ingest/read-state.js'

export default class InventoryValidate extends BaseCommand {
  static override summary = 'Check CSV files or workbooks (one file or a folder) as an import would, without writing anything.'
  static override description = `Applies every rule of \`kasumi inventory import\` and lists every problem with its file, line, column and value (exit code 3), or says the file is valid (exit 0). With a store it also checks ids against the store; without one it uses the bundled ministries, and cost lines can only be checked against systems in the store.

A US DCOI data-centre inventory (--kind dcoi-idc, or recognised from its header) gets the errors and warnings of OMB's validate.py, row by row and field by field, and kasumi's stricter checks; --json lists each with its rule (omb.* or kasumi.*). Warnings alone: exit 0.

Several files or a folder are checked as \`kasumi inventory import\` would check them (ministries, then systems, then cost lines, each against the files before it), with a table of each file's kind, rows, errors and warnings.

--annotate OUT.xlsx writes a copy of the file to send back to whoever sent it: every problem cell filled (red for errors, yellow for warnings) with a comment giving the reason and what to do, and a first sheet that lists every problem with a link to its cell, in --lang. A CSV file becomes a workbook of one sheet; a workbook keeps its values, formats, column widths and merged cells (formulas keep their saved values and are never calculated). The checked file is only read; OUT is written whole or not at all, and an existing OUT is replaced only with --force (never a folder, a link or the checked file). The exit code stays 3 when the file has problems.

A FOCUS cost and usage export is checked against the FOCUS 1.0/1.1 specification and its totals shown by provider, billing period and currency; it needs no store. With a store it also checks ids against the store; without one it uses the bundled ministries, and cost lines can only be checked against systems in the store.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> data/samples/systems.csv',
    '<%= config.bin %> <%= command.id %> 経費.csv --encoding shift_jis --json',
    '<%= config.bin %> <%= command.id %> 経費.xlsx --sheet 2 --fiscal-year-start april',
    '<%= config.bin %> <%= command.id %> data/samples/dcoi-idc-2024q3.csv --json',
    '<%= config.bin %> <%= command.id %> data/samples/gyosei-review-budget.xlsx --mapping gyosei-review-budget',
    '<%= config.bin %> <%= command.id %> received/2024-05/ --json',
    '<%= config.bin %> <%= command.id %> 情報システム一覧.xlsx --annotate 情報システム一覧-確認結果.xlsx --lang ja',
    '<%= config.bin %> <%= command.id %> data/samples/focus.parquet --kind focus',
  ]

  static override args = {
    file: Args.string({
      description: 'CSV file or workbook (.xlsx, .xlsm, .xls, .ods) to check, or a folder of them; several may be given',
      required: true,
    }),
  }

  static override strict = false
  static override flags = {
    ...storeFlags,
    ...readingFlags,
    ...workbookFlags,
    ...mappingFlag,
    ...focusFlags,
    annotate: Flags.string({description: 'Write a copy of the file with every problem marked on its cell and listed on a first sheet (.xlsx).'}),
    lang: Flags.string({
      description: "Language of the annotated copy's headings and labels (default en; problems themselves are in English).",
      options: [...LANGS],
      dependsOn: ['annotate'],
    }),
    force: Flags.boolean({description: 'Replace an existing --annotate file (never a folder, link or the checked file).', dependsOn: ['annotate']}),
  }

  async run() {
    const {args, argv, flags} = await this.parse(InventoryValidate)
    const paths = argv as string[]
    const options = readingOptions(flags)
    if (await isBatch(paths)) {
      if (flags.mapping !== undefined)
        throw new UsageError('--mapping reads one file at a time', {suggestion: 'name one file with --mapping, or leave it out for a folder'})
      if (flags.kind === 'dcoi-idc')
        throw new UsageError('a DCOI data-centre inventory is read one file at a time', {suggestion: 'name one file with --kind dcoi-idc'})
      if (flags.annotate)
        throw new UsageError('--annotate writes the copy of one file', {suggestion: 'name one file to annotate, or leave out --annotate'})
      const store = await this.existingStore(flags.database)
      if (!store) this.note(`No store at ${flags.database}: checking against the bundled ministries only.`)
      const result = await validateBatch(paths, options, await storeFacts(store, bundledMinistries)).catch((error: unknown) => {
        if (error instanceof BatchInputError) this.showBatch(error.batch)
        throw error
      })
      this.showBatch(result)
      this.success(`All ${result.files.length} files are valid.`)
      return {formatVersion: JSON_FORMAT_VERSION, valid: true, ...result}
    }
    await requireReadableFile(args.file)
    if (flags.mapping === undefined && (await isIdcInput(args.file, flags.kind, flags.encoding as EncodingOption))) {
      if (flags.annotate)
        throw new UsageError('--annotate marks registers of systems, cost lines and ministries, not a DCOI inventory', {
          suggestion: 'leave out --annotate: the problems are listed with their line, column and rule',
        })
      const verdict = await validateIdcFile(args.file, {encoding: flags.encoding as EncodingOption, maxIssues: flags['max-issues']})
      this.warnIssues(verdict.warnings)
      this.success(
        `${args.file} is a valid DCOI inventory: ${verdict.records} records (${verdict.facilities} valid facilities, ${verdict.invalidRecords} invalid records), ${verdict.warnings.length} warning${verdict.warnings.length === 1 ? '' : 's'}.`,
      )
      return {formatVersion: JSON_FORMAT_VERSION, valid: true, ...verdict}
    }
    if (flags.mapping === undefined && (await isFocusInput(args.file, flags.kind))) {
      const summary = await validateFocus(args.file, {...focusOptions(flags), maxIssues: flags['max-issues']})
      this.warnIssues(summary.warnings)
      if (summary.rows > 0) for (const table of focusTables(summary)) this.table(table)
      this.success(`${args.file} is valid: ${summary.rows.toLocaleString('en')} FOCUS ${summary.version} rows (${summary.format}).`)
      return {formatVersion: JSON_FORMAT_VERSION, valid: true, ...summary}
    }
    const mapping = flags.mapping === undefined ? undefined : await loadMapping(flags.mapping)
    const store = await this.existingStore(flags.database)
    if (!store) this.note(`No store at ${flags.database}: checking against the bundled ministries only.`)
    // The output path is checked before the file is read.
    const annotation = flags.annotate ? await import('../../src/report/annotate.js') : undefined
    annotation?.assertAnnotationOutput(flags.annotate!, args.file, flags.force)
    const checked = await checkFile(store, args.file, {...options, mapping}, bundledMinistries)
    let annotated: {output: string; problems: number; cells: number; sheet: string} | undefined
    if (flags.annotate && annotation) {
      const {writeAnnotatedCopy} = annotation
      const error = checked.error
      annotated = await writeAnnotatedCopy({
        file: args.file,
        encoding: options.encoding,
        issues: error?.issues ?? [],
        warnings: checked.warnings,
        unlisted: error ? error.totalIssues - error.issues.length : 0,
        out: flags.annotate,
        force: flags.force,
        lang: (flags.lang ?? 'en') as Lang,
      }).catch((failure: unknown) => {
        // A workbook that cannot be opened cannot be annotated: its own problem is the answer.
        if (error && failure instanceof InvalidInputError) {
          this.note(`No annotated copy: ${failure.message}`)
          return undefined
        }
        throw failure
      })
      if (annotated)
        this.success(
          `Wrote ${annotated.output}: ${annotated.problems} problem${annotated.problems === 1 ? '' : 's'} listed on the sheet ${annotated.sheet}, ${annotated.cells} cell${annotated.cells === 1 ? '' : 's'} marked.`,
        )
    }
    if (checked.error) {
      if (!annotated) throw checked.error
      throw new InvalidInputError(checked.error.message, checked.error.issues, {
        totalIssues: checked.error.totalIssues,
        suggestion: `Send ${annotated.output} back to whoever sent the file: it marks every problem on its cell. Nothing was written.`,
        result: {annotated},
      })
    }
    const result = checked.result!
    this.warnIssues(result.warnings)
    this.success(
      `${args.file} is valid: ${
        result.parts
          ? result.parts.map((part) => `${part.records.toLocaleString('en')} ${part.kind === 'costs' ? 'cost lines' : part.kind}`).join(' and ')
          : `${result.records.toLocaleString('en')} ${result.kind === 'costs' ? 'cost lines' : result.kind}`
      } (${result.workbook ? workbookSource(result.workbook, result.encoding) : result.encoding}${mapping ? `, mapping ${mapping.name}` : ''}).`,
    )
    return {
      formatVersion: JSON_FORMAT_VERSION,
      file: args.file,
      valid: true,
      ...result,
      ...(mapping ? {mapping: {name: mapping.name, file: mapping.file, unit: mapping.unit}} : {}),
      ...(annotated ? {annotated} : {}),
    }
  }

  /** The per-file table on stdout, the skipped entries and every file's warnings on stderr (nothing with --json). */
  private showBatch(result: BatchResult): void {
    if (this.jsonEnabled()) return
    for (const entry of result.skipped) this.note(`Skipped ${entry.path}: ${entry.reason}.`)
    for (const file of result.files) this.warnIssues(file.warningIssues)
    this.table(batchTable(result))
  }
}
