import {existsSync, lstatSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {ConflictError} from '../../src/domain/errors.js'
import {storeFlags} from '../../src/cli/flags.js'
import {entityFlag} from '../../src/cli/inventory-flags.js'
import {requirePeriod} from '../../src/ingest/dcoi-import.js'
import {exportTo, exportToFile, type ExportFormat, type ExportKind} from '../../src/inventory/export.js'
import {outputError} from '../../src/report/write.js'

export default class InventoryExport extends BaseCommand {
  static override summary =
    "Export systems, cost lines, ministries, facilities, or the citizens' side (procedures, documents, life events) as CSV or JSON."
  static override description = `CSV is UTF-8 with a BOM (so Excel shows Japanese and Chinese text correctly; --no-bom for other tools), CRLF line ends, and English headers that \`kasumi inventory import\` reads back to the same values. Text cells starting with = + - or @ get a leading apostrophe so spreadsheets do not run them as formulas; import removes it again. A file is written to a temporary name and renamed when complete.

--entity facility writes the facilities in the layout of the US DCOI inventory (OMB's IDC column names), with the figures of one reporting period (--period, default the latest): \`kasumi inventory import --kind dcoi-idc --period …\` reads it back. As JSON, every facility comes with the figures of every period.

--entity procedure, document or life-event exports the citizens' side instead (--kind is for systems); a life event is one CSV row per procedure, its names on every row, as import reads it.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --output systems.csv',
    '<%= config.bin %> <%= command.id %> --kind costs --output costs.csv --no-bom',
    '<%= config.bin %> <%= command.id %> --kind systems --format json > systems.json',
    '<%= config.bin %> <%= command.id %> --entity facility --period 2024-Q4 --output idc-2024q4.csv',
    '<%= config.bin %> <%= command.id %> --entity life-event --output life-events.csv',
  ]

  static override flags = {
    ...storeFlags,
    ...entityFlag,
    period: Flags.string({description: 'Facilities: the reporting period whose figures to write, e.g. 2024-Q4 (default: the latest).'}),
    kind: Flags.string({description: 'What to export.', options: ['systems', 'costs', 'ministries'], default: 'systems'}),
    format: Flags.string({description: 'File format.', options: ['csv', 'json'], default: 'csv'}),
    output: Flags.string({char: 'o', description: 'Write to this file instead of standard output.'}),
    bom: Flags.boolean({description: 'Start CSV with a UTF-8 byte order mark.', default: true, allowNo: true}),
    force: Flags.boolean({description: 'Overwrite an existing output file (never a folder, link or device).'}),
  }

  async run() {
    const {flags} = await this.parse(InventoryExport)
    if (flags.output && existsSync(flags.output) && !flags.force) {
      throw new ConflictError(`${flags.output} already exists`, {suggestion: 'pass --force to overwrite it, or choose another --output'})
    }
    if (flags.output && existsSync(flags.output) && !lstatSync(flags.output).isFile()) {
      throw new ConflictError(`${flags.output} exists and is not a file (a folder, link or device); it was left as it is`, {
        suggestion: '--force replaces only a file: choose another --output',
      })
    }
    const store = await this.store(flags.database)
    const byEntity: Record<string, ExportKind> = {facility: 'facilities', procedure: 'procedures', document: 'documents', 'life-event': 'life-events'}
    const kind = (byEntity[flags.entity] ?? flags.kind) as ExportKind
    const period = flags.period === undefined ? undefined : requirePeriod(flags.period)
    const options = {kind, format: flags.format as ExportFormat, bom: flags.bom, period}
    if (flags.output) {
      const rows = await exportToFile(store, flags.output, options).catch((error: unknown) => {
        throw outputError(flags.output!, error)
      })
      this.success(`Wrote ${rows.toLocaleString('en')} ${kind.replace('-', ' ')} to ${flags.output}.`)
      return {formatVersion: JSON_FORMAT_VERSION, kind, format: flags.format, output: flags.output, rows}
    }
    if (this.jsonEnabled()) {
      const chunks: string[] = []
      const sink = new (await import('node:stream')).Writable({
        write(chunk, _encoding, done) {
          chunks.push(String(chunk))
          done()
        },
      })
      await exportTo(store, sink, {...options, format: 'json'})
      return JSON.parse(chunks.join(''))
    }
    await exportTo(store, process.stdout, options)
    return undefined
  }
}
