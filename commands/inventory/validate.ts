import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {requireReadableFile} from '../../src/ingest/files.js'
import {loadMapping} from '../../src/ingest/mapping.js'
import {workbookSource} from '../../src/cli/output.js'
import {focusFlags, focusOptions, mappingFlag, readingFlags, storeFlags, workbookFlags, workbookOptions} from '../../src/cli/flags.js'
import {isFocusInput, validateFocus} from '../../src/ingest/focus/import.js'
import {focusTables} from '../../src/inventory/focus-tables.js'
import type {Calendar} from '../../src/domain/fiscal-year.js'
import type {EncodingOption} from '../../src/ingest/csv.js'
import {validateFile} from '../../src/ingest/import.js'
import {isIdcInput, validateIdcFile} from '../../src/ingest/dcoi-import.js'
import type {Kind} from '../../src/ingest/kinds.js'
import {bundledMinistries} from '../../src/reference/ministries.js'

export default class InventoryValidate extends BaseCommand {
  static override summary = 'Check a CSV file or workbook as an import would, without writing anything.'
  static override description = `Applies every rule of \`kasumi inventory import\` and lists every problem with its file, line, column and value (exit code 3), or says the file is valid (exit 0). With a store it also checks ids against the store; without one it uses the bundled ministries, and cost lines can only be checked against systems in the store.

A US DCOI data-centre inventory (--kind dcoi-idc, or recognised from its header) gets the errors and warnings of OMB's validate.py, row by row and field by field, and kasumi's stricter checks; --json lists each with its rule (omb.* or kasumi.*). Warnings alone: exit 0.

A FOCUS cost and usage export is checked against the FOCUS 1.0/1.1 specification and its totals shown by provider, billing period and currency; it needs no store. With a store it also checks ids against the store; without one it uses the bundled ministries, and cost lines can only be checked against systems in the store.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> data/samples/systems.csv',
    '<%= config.bin %> <%= command.id %> 経費.csv --encoding shift_jis --json',
    '<%= config.bin %> <%= command.id %> 経費.xlsx --sheet 2 --fiscal-year-start april',
    '<%= config.bin %> <%= command.id %> data/samples/dcoi-idc-2024q3.csv --json',
    '<%= config.bin %> <%= command.id %> data/samples/gyosei-review-budget.xlsx --mapping gyosei-review-budget',
    '<%= config.bin %> <%= command.id %> data/samples/focus.parquet --kind focus',
  ]

  static override args = {file: Args.string({description: 'CSV file or workbook (.xlsx, .xlsm, .xls, .ods) to check', required: true})}
  static override flags = {...storeFlags, ...readingFlags, ...workbookFlags, ...mappingFlag, ...focusFlags}

  async run() {
    const {args, flags} = await this.parse(InventoryValidate)
    await requireReadableFile(args.file)
    if (flags.mapping === undefined && (await isIdcInput(args.file, flags.kind, flags.encoding as EncodingOption))) {
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
      this.success(`${args.file} is valid: ${summary.rows.toLocaleString('en')} FOCUS rows (${summary.format}).`)
      return {formatVersion: JSON_FORMAT_VERSION, valid: true, ...summary}
    }
    const mapping = flags.mapping === undefined ? undefined : await loadMapping(flags.mapping)
    const store = await this.existingStore(flags.database)
    if (!store) this.note(`No store at ${flags.database}: checking against the bundled ministries only.`)
    const result = await validateFile(
      store,
      args.file,
      {
        kind: flags.kind as Kind | 'auto',
        encoding: flags.encoding as EncodingOption,
        calendar: flags.calendar as Calendar,
        allowUnknownColumns: flags['allow-unknown-columns'],
        maxIssues: flags['max-issues'],
        ...workbookOptions(flags),
        mapping,
      },
      bundledMinistries,
    )
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
}
