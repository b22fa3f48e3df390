import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../../src/cli/base.js'
import {readingFlags, storeFlags, workbookFlags, workbookOptions} from '../../../src/cli/flags.js'
import {workbookSource} from '../../../src/cli/output.js'
import {InvalidInputError} from '../../../src/domain/errors.js'
import type {Calendar} from '../../../src/domain/fiscal-year.js'
import type {EncodingOption} from '../../../src/ingest/encodings.js'
import {requireReadableFile} from '../../../src/ingest/files.js'
import {withMapping} from '../../../src/ingest/import.js'
import {loadMapping} from '../../../src/ingest/mapping.js'
import {previewMapping} from '../../../src/ingest/mapping-init.js'
import {storeFacts} from '../../../src/ingest/read-state.js'
import {bundledMinistries} from '../../../src/reference/ministries.js'

export default class MappingTest extends BaseCommand {
  static override summary = 'Show the first rows of a file as kasumi reads them through a mapping, writing nothing.'
  static override description = `Reads FILE through MAPPING (a file, or the name of a bundled mapping) with every rule of an import, and shows the first rows of each kind it feeds as they would be written: fields by kasumi's names, labels mapped, amounts in yen (the unit applied). Problems are listed as an import lists them (exit 3). With a store, ids are checked against it; without one, against the bundled ministries only.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> it-dashboard-budget data/samples/it-dashboard-budget.csv',
    '<%= config.bin %> <%= command.id %> mappings/予算.yaml 予算.xlsx --rows 20',
    '<%= config.bin %> <%= command.id %> gyosei-review-budget data/samples/gyosei-review-budget.xlsx --json',
  ]

  static override args = {
    mapping: Args.string({description: 'The mapping: a YAML file, or the name of a bundled mapping', required: true}),
    file: Args.string({description: 'CSV file or workbook to read through it', required: true}),
  }

  static override flags = {
    ...storeFlags,
    encoding: readingFlags.encoding,
    calendar: readingFlags.calendar,
    'max-issues': readingFlags['max-issues'],
    ...workbookFlags,
    rows: Flags.integer({description: 'Rows to show of each kind.', default: 10, min: 1, max: 1000}),
  }

  async run() {
    const {args, flags} = await this.parse(MappingTest)
    const mapping = await loadMapping(args.mapping)
    await requireReadableFile(args.file)
    const store = await this.existingStore(flags.database)
    const options = withMapping({
      encoding: flags.encoding as EncodingOption,
      calendar: flags.calendar as Calendar,
      maxIssues: flags['max-issues'],
      ...workbookOptions(flags),
      mapping,
    })
    const preview = await previewMapping(args.file, options, await storeFacts(store, bundledMinistries), flags.rows)
    if (!this.jsonEnabled()) {
      this.note(`${args.file} through mapping ${mapping.name}${preview.workbook ? ` (${workbookSource(preview.workbook, preview.encoding)})` : ''}:`)
      for (const part of preview.kinds) {
        this.table({
          title: `${part.kind === 'costs' ? 'cost lines' : part.kind}: ${part.records.toLocaleString('en')}${part.rows.length < part.records ? `, the first ${part.rows.length}` : ''}`,
          head: part.head,
          rows: part.rows,
          align: part.head.map((header) =>
            ['amount', 'fiscal_year', 'physical_servers', 'users', 'first_fy', 'last_fy'].includes(header) ? 'right' : 'left',
          ),
        })
      }
      this.warnIssues(preview.warnings)
    }
    if (preview.issues.length > 0)
      throw new InvalidInputError(
        `${args.file}: ${preview.issueCount} problem${preview.issueCount === 1 ? '' : 's'} found through the mapping ${mapping.name}`,
        preview.issues.slice(0, flags['max-issues']),
        {
          totalIssues: preview.issueCount,
        },
      )
    return {
      formatVersion: JSON_FORMAT_VERSION,
      file: args.file,
      mapping: {name: mapping.name, file: mapping.file, unit: mapping.unit},
      workbook: preview.workbook ?? null,
      encoding: preview.encoding,
      kinds: preview.kinds.map((part) => ({kind: part.kind, records: part.records, columns: part.head, rows: part.rows})),
      warnings: preview.warnings,
    }
  }
}
