import {existsSync, lstatSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {ConflictError} from '../../src/domain/errors.js'
import {storeFlags} from '../../src/cli/flags.js'
import {exportTo, exportToFile, type ExportFormat, type ExportKind} from '../../src/inventory/export.js'
import {outputError} from '../../src/report/write.js'

export default class InventoryExport extends BaseCommand {
  static override summary = 'Export systems, cost lines or ministries as CSV or JSON.'
  static override description = `CSV is UTF-8 with a BOM (so Excel shows Japanese and Chinese text correctly; --no-bom for other tools), CRLF line ends, and English headers that \`kasumi inventory import\` reads back to the same values. Text cells starting with = + - or @ get a leading apostrophe so spreadsheets do not run them as formulas; import removes it again. A file is written to a temporary name and renamed when complete.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --output systems.csv',
    '<%= config.bin %> <%= command.id %> --kind costs --output costs.csv --no-bom',
    '<%= config.bin %> <%= command.id %> --kind systems --format json > systems.json',
  ]

  static override flags = {
    ...storeFlags,
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
    const options = {kind: flags.kind as ExportKind, format: flags.format as ExportFormat, bom: flags.bom}
    if (flags.output) {
      const rows = await exportToFile(store, flags.output, options).catch((error: unknown) => {
        throw outputError(flags.output!, error)
      })
      this.success(`Wrote ${rows.toLocaleString('en')} ${flags.kind} to ${flags.output}.`)
      return {formatVersion: JSON_FORMAT_VERSION, kind: flags.kind, format: flags.format, output: flags.output, rows}
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
