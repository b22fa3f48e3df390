import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {UsageError} from '../../src/domain/errors.js'
import {requireReadableFile} from '../../src/ingest/files.js'
import {loadMapping} from '../../src/ingest/mapping.js'
import {workbookSource} from '../../src/cli/output.js'
import {readingFlags, storeFlags, workbookFlags, workbookOptions, mappingFlag} from '../../src/cli/flags.js'
import type {Calendar} from '../../src/domain/fiscal-year.js'
import type {EncodingOption} from '../../src/ingest/csv.js'
import {validateFile} from '../../src/ingest/import.js'
import {isIdcInput, validateIdcFile} from '../../src/ingest/dcoi-import.js'
import type {Kind} from '../../src/ingest/kinds.js'
import {bundledMinistries} from '../../src/reference/ministries.js'
import {BatchInputError, batchTable, isBatch, validateBatch, type BatchResult} from '../../src/ingest/batch.js'
import {storeFacts} from '../../src/ingest/read-state.js'

export default class InventoryValidate extends BaseCommand {
  static override summary = 'Check CSV files or workbooks (one file or a folder) as an import would, without writing anything.'
  static override description = `Applies every rule of \`kasumi inventory import\` and lists every problem with its file, line, column and value (exit code 3), or says the file is valid (exit 0). With a store it also checks ids against the store; without one it uses the bundled ministries, and cost lines can only be checked against systems in the store.

A US DCOI data-centre inventory (--kind dcoi-idc, or recognised from its header) gets the errors and warnings of OMB's validate.py, row by row and field by field, and kasumi's stricter checks; --json lists each with its rule (omb.* or kasumi.*). Warnings alone: exit 0.

Several files or a folder are checked as \`kasumi inventory import\` would check them (ministries, then systems, then cost lines, each against the files before it), with a table of each file's kind, rows, errors and warnings.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> data/samples/systems.csv',
    '<%= config.bin %> <%= command.id %> 経費.csv --encoding shift_jis --json',
    '<%= config.bin %> <%= command.id %> 経費.xlsx --sheet 2 --fiscal-year-start april',
    '<%= config.bin %> <%= command.id %> data/samples/dcoi-idc-2024q3.csv --json',
    '<%= config.bin %> <%= command.id %> data/samples/gyosei-review-budget.xlsx --mapping gyosei-review-budget',
    '<%= config.bin %> <%= command.id %> received/2024-05/ --json',
  ]

  static override args = {
    file: Args.string({
      description: 'CSV file or workbook (.xlsx, .xlsm, .xls, .ods) to check, or a folder of them; several may be given',
      required: true,
    }),
  }

  static override strict = false
  static override flags = {...storeFlags, ...readingFlags, ...workbookFlags, ...mappingFlag}

  async run() {
    const {args, argv, flags} = await this.parse(InventoryValidate)
    const paths = argv as string[]
    const options = {
      kind: flags.kind as Kind | 'auto',
      encoding: flags.encoding as EncodingOption,
      calendar: flags.calendar as Calendar,
      allowUnknownColumns: flags['allow-unknown-columns'],
      maxIssues: flags['max-issues'],
      ...workbookOptions(flags),
    }
    if (await isBatch(paths)) {
      if (flags.mapping !== undefined)
        throw new UsageError('--mapping reads one file at a time', {suggestion: 'name one file with --mapping, or leave it out for a folder'})
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
      const verdict = await validateIdcFile(args.file, {encoding: flags.encoding as EncodingOption, maxIssues: flags['max-issues']})
      this.warnIssues(verdict.warnings)
      this.success(
        `${args.file} is a valid DCOI inventory: ${verdict.records} records (${verdict.facilities} valid facilities, ${verdict.invalidRecords} invalid records), ${verdict.warnings.length} warning${verdict.warnings.length === 1 ? '' : 's'}.`,
      )
      return {formatVersion: JSON_FORMAT_VERSION, valid: true, ...verdict}
    }
    const mapping = flags.mapping === undefined ? undefined : await loadMapping(flags.mapping)
    const store = await this.existingStore(flags.database)
    if (!store) this.note(`No store at ${flags.database}: checking against the bundled ministries only.`)
    const result = await validateFile(store, args.file, {...options, mapping}, bundledMinistries)
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
