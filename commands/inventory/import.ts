import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {UsageError} from '../../src/domain/errors.js'
import {actorFlag, focusFlags, focusOptions, mappingFlag, readingFlags, readingOptions, storeFlags, workbookFlags} from '../../src/cli/flags.js'
import {groupDigits} from '../../src/domain/money.js'
import type {EncodingOption} from '../../src/ingest/csv.js'
import {ON_CONFLICT, importFile, type OnConflict} from '../../src/ingest/import.js'
import {requireReadableFile} from '../../src/ingest/files.js'
import {importIdcFile, isIdcInput, requirePeriod} from '../../src/ingest/dcoi-import.js'
import {loadMapping} from '../../src/ingest/mapping.js'
import {importFocus, isFocusInput} from '../../src/ingest/focus/import.js'
import {focusTables} from '../../src/inventory/focus-tables.js'
import {workbookSource} from '../../src/cli/output.js'
import {BatchInputError, batchTable, importBatch, isBatch, type BatchResult} from '../../src/ingest/batch.js'

export default class InventoryImport extends BaseCommand {
  static override summary =
    "Import systems, cost lines, ministries, a DCOI data-centre inventory, or the citizens' side (procedures, documents, life events) from a CSV file or a workbook (.xlsx, .xlsm, .xls, .ods), or a FOCUS cloud bill (CSV, .csv.gz, Parquet) as cost lines; one file, several files or a folder."
  static override description = `Reads the whole file, checks every row, and writes it as one transaction and one change set (with the file's SHA-256). Any problem — with its file, line, column and value — stops the import: all problems are listed, the exit code is 3 and nothing is written.

Headers may be English, Japanese or Traditional Chinese (id/システムID/系統編號, ministry/府省/部會, amount/経費/經費 …); an amount header may name its unit, e.g. 経費（千円）. Numbers may use thousands separators, full-width digits and the negative forms △50,000, ▲50,000 and (50,000); "-" or an empty cell means no value. Fiscal years may be written 2009, 2009年度, FY2009, 平成21年度, 令和3年度 or 民國98年.

A workbook is read from the sheet whose header matches (or --sheet); title rows above the header, two-row headers, totals (合計, 小計) and note rows (※, 注) are recognised, and problems name their cell (経費内訳!E7). Numbers, percent and △ formats, dates (by --fiscal-year-start) and the cached values of formulas are read as the sheet shows them. The money unit comes from the header (金額（千円）), a title row (（単位：千円）) or --unit. Fiscal years or spend types across the columns (令和2年度 | 令和3年度, 運用等経費 | 整備等経費 | 合計) become cost lines.

A US DCOI data-centre inventory (OMB's Integrated Data Collection CSV, --kind dcoi-idc, also recognised from its header) is checked as OMB's validate.py checks it, and more strictly; each finding names its rule. Errors stop the import (exit 3), warnings are listed and do not. Each valid record becomes a facility with its figures for --period (the quarter the file reports); importing the next quarter adds that quarter's figures and keeps the earlier ones.

--mapping names a saved mapping (a YAML file, or a bundled one by name) for a layout kasumi does not know by itself: which sheet and header row, which column is which field, the publisher's own labels, the money unit, defaults and columns to pass over. One mapping may feed several kinds from one file (systems and their cost lines), written in one transaction. \`kasumi inventory mapping init FILE\` proposes one.

Several files, or a folder (its .csv, .xlsx, .xlsm, .xls and .ods files, by name; hidden files, subfolders and other files are skipped with a note, links inside it refused): every file is read and checked first, and every problem of every file is listed before anything is written. Ministries files are read and written first, then systems, then cost lines, so cost lines may name the systems of a systems file beside them. By default all files are written in one transaction, one change set per file (with its SHA-256), or none of them; --each writes every file without problems on its own and skips the others (exit code 3 when any file failed). A table gives each file's kind, rows, errors, warnings and change set; --json gives the same per file.

The citizens' side comes in three files, imported in this order: procedures (--kind procedures: id, name, agency, agency_level, annual_cases, channel, visits_per_case, travel_minutes, waiting_minutes, form_minutes, staff_minutes, fee, systems), documents (--kind documents: id, name, issuer, issuer_level, citizen_minutes, staff_minutes, fee, authentic_source) and life events (--kind life-events: one row per procedure of a life event: life_event, name_ja, name_zh_tw, name_en, procedure, documents separated by ";"). A life event naming a procedure or document the store does not have, and negative minutes, cases or fees, are problems; a document that no procedure of any life event requires is a warning.

A FOCUS 1.0 or 1.1 cost and usage export (--kind focus, or recognised by its column IDs, a .csv.gz or a .parquet file) is checked against the specification and summed into cost lines per system, fiscal year (of ChargePeriodStart, by --fiscal-year-start), cost pool (by ServiceCategory: cloud, or --pool-map) and currency, from EffectiveCost (or --cost billed). Systems come from a tag (--system-tag SystemId) or a ResourceId/SubAccountId map (--system-map); rows naming no system are refused unless --untagged names a shared system. Purchases, tax, credits, adjustments and corrections are kept in cost lines of their own. The summary shows the totals by provider, billing period and currency, BilledCost beside EffectiveCost.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> data/samples/systems.csv',
    '<%= config.bin %> <%= command.id %> data/samples/costs.csv --kind costs',
    '<%= config.bin %> <%= command.id %> 経費.csv --encoding shift_jis --dry-run',
    '<%= config.bin %> <%= command.id %> 系統.csv --encoding big5 --calendar roc --on-conflict update',
    '<%= config.bin %> <%= command.id %> 情報システム一覧.xlsx --ministry 総務省',
    '<%= config.bin %> <%= command.id %> 予算.xlsx --sheet 経費内訳 --unit thousand --allow-unknown-columns',
    '<%= config.bin %> <%= command.id %> data/samples/dcoi-idc-2024q3.csv --period 2024-Q3',
    '<%= config.bin %> <%= command.id %> data/samples/it-dashboard-budget.csv --mapping it-dashboard-budget',
    '<%= config.bin %> <%= command.id %> 経費.xlsx --mapping ./mappings/総務省-経費.yaml',
    '<%= config.bin %> <%= command.id %> received/2024-05/',
    '<%= config.bin %> <%= command.id %> received/2024-05/ --each --json',
    '<%= config.bin %> <%= command.id %> ministries.csv systems.xlsx costs.csv',
    '<%= config.bin %> <%= command.id %> data/samples/procedures.csv --kind procedures',
    '<%= config.bin %> <%= command.id %> data/samples/life-events.csv --kind life-events',
    '<%= config.bin %> <%= command.id %> data/samples/focus.csv --system-tag SystemId --untagged CAS-0003',
    '<%= config.bin %> <%= command.id %> focus-2025-04.parquet --system-map accounts.csv --cost billed --dry-run',
  ]

  static override args = {
    file: Args.string({
      description: 'CSV file or workbook (.xlsx, .xlsm, .xls, .ods) to import, or a folder of them; several may be given',
      required: true,
    }),
  }

  static override strict = false
  static override flags = {
    ...storeFlags,
    ...actorFlag,
    ...readingFlags,
    ...workbookFlags,
    ...mappingFlag,
    ...focusFlags,
    'on-conflict': Flags.string({
      description: 'What to do with a system id that is already in the store.',
      options: [...ON_CONFLICT],
      default: 'fail',
    }),
    period: Flags.string({description: 'DCOI inventory: the fiscal quarter the file reports, e.g. 2024-Q3 (or 2024q3).'}),
    'dry-run': Flags.boolean({description: 'Check and count everything, then roll back: nothing is written.'}),
    each: Flags.boolean({
      description: 'With several files or a folder: write each file on its own; a file with problems is reported and skipped, the others land.',
    }),
    parallel: Flags.string({
      description: 'Read on a second thread while writing: auto (CSV files of 4 MB and more, workbooks of 512 KB and more), always or never.',
      options: ['auto', 'always', 'never'],
      default: 'auto',
      hidden: true,
    }),
  }

  async run() {
    const {args, argv, flags} = await this.parse(InventoryImport)
    const paths = argv as string[]
    const options = {
      ...readingOptions(flags),
      onConflict: flags['on-conflict'] as OnConflict,
      dryRun: Boolean(flags['dry-run']),
      parallel: flags.parallel as 'auto' | 'always' | 'never',
      actor: flags.actor,
      command: `kasumi inventory import ${paths.join(' ')}`,
    }
    if (await isBatch(paths)) {
      if (flags.mapping !== undefined)
        throw new UsageError('--mapping reads one file at a time', {suggestion: 'name one file with --mapping, or leave it out for a folder'})
      if (flags.kind === 'dcoi-idc')
        throw new UsageError('a DCOI data-centre inventory is read one file at a time', {suggestion: 'name one file with --kind dcoi-idc'})
      const store = await this.store(flags.database)
      const result = await importBatch(store, paths, {...options, each: flags.each}).catch((error: unknown) => {
        if (error instanceof BatchInputError) this.showBatch(error.batch)
        throw error
      })
      this.showBatch(result)
      const written = result.files.filter((file) => file.status === 'imported').length
      if (result.dryRun) this.note(`Dry run: all ${result.files.length} files are valid. Nothing was written.`)
      else
        this.success(
          `Imported ${written} file${written === 1 ? '' : 's'}${result.each ? ', each on its own' : ' in one transaction'} (one change set per file).`,
        )
      return {formatVersion: JSON_FORMAT_VERSION, ...result}
    }
    await requireReadableFile(args.file)
    if (flags.mapping === undefined && (await isIdcInput(args.file, flags.kind, flags.encoding as EncodingOption)))
      return this.importIdc(args.file, flags)
    const mapping = flags.mapping === undefined ? undefined : await loadMapping(flags.mapping)
    const store = await this.store(flags.database)
    if (mapping === undefined && (await isFocusInput(args.file, flags.kind))) {
      const summary = await importFocus(store, args.file, {
        ...focusOptions(flags),
        maxIssues: flags['max-issues'],
        dryRun: Boolean(flags['dry-run']),
        actor: flags.actor,
        command: `kasumi inventory import ${args.file}`,
      })
      this.warnIssues(summary.warnings)
      if (summary.rows > 0) for (const table of focusTables(summary)) this.table(table)
      if (summary.untagged.assignedTo) {
        const column = summary.cost === 'billed' ? 'billedCost' : 'effectiveCost'
        const totals = summary.untagged.currencies.map((entry) => `${entry.currency} ${groupDigits(entry[column])}`).join(', ')
        this.note(
          `${summary.untagged.rows.toLocaleString('en')} rows named no system (${summary.costColumn} ${totals}) and went to ${summary.untagged.assignedTo} (--untagged).`,
        )
      }
      const what = `${summary.rows.toLocaleString('en')} FOCUS ${summary.version} rows (${summary.format}) into ${summary.lines.length} cost lines from ${summary.costColumn}`
      if (summary.rows === 0) this.note(`${args.file} has no data rows; nothing was imported.`)
      else if (summary.dryRun) this.note(`Dry run: ${args.file} is valid; it would give ${what}. Nothing was written.`)
      else this.success(`Imported ${what} (change set ${summary.changeSetId}, sha256 ${summary.sha256.slice(0, 12)}…).`)
      return {formatVersion: JSON_FORMAT_VERSION, ...summary}
    }
    const progress = this.progress()
    const summary = await importFile(store, args.file, {
      ...options,
      mapping,
      onProgress: progress.active ? (records) => progress.show(`  ${records.toLocaleString('en')} rows written…`) : undefined,
    })
    progress.clear()
    this.warnIssues(summary.warnings)
    const countsOf = (part: {inserted: number; updated: number; unchanged: number; skipped: number}) => {
      const counts = [`${part.inserted.toLocaleString('en')} inserted`]
      if (part.updated) counts.push(`${part.updated} updated`)
      if (part.unchanged) counts.push(`${part.unchanged} unchanged`)
      if (part.skipped) counts.push(`${part.skipped} skipped`)
      return counts
    }
    const kindName = (kind: string) => (kind === 'costs' ? 'cost lines' : kind.replace('-', ' '))
    // A mapping that feeds several kinds: each kind with its counts.
    const what = summary.parts ? summary.parts.map((part) => kindName(part.kind)).join(' and ') : kindName(summary.kind)
    const counts = summary.parts ? summary.parts.map((part) => `${kindName(part.kind)} ${countsOf(part).join(', ')}`) : countsOf(summary)
    const source =
      (summary.workbook ? workbookSource(summary.workbook, summary.encoding) : summary.encoding) +
      (summary.mapping ? `, mapping ${summary.mapping.name}` : '')
    if (summary.records === 0) this.note(`${args.file} has no data rows; nothing was imported.`)
    else if (summary.dryRun)
      this.note(
        `Dry run: ${args.file} is valid (${summary.records.toLocaleString('en')} ${what}, ${source}); it would give ${counts.join(', ')}. Nothing was written.`,
      )
    else
      this.success(
        `Imported ${args.file}${summary.workbook ? ` (${source})` : ''}: ${summary.parts ? counts.join('; ') : `${what} ${counts.join(', ')}`} (change set ${summary.changeSetId}, sha256 ${summary.sha256.slice(0, 12)}…).`,
      )
    return {formatVersion: JSON_FORMAT_VERSION, ...summary}
  }

  private async importIdc(
    file: string,
    flags: {database: string; encoding: string; period?: string; 'dry-run'?: boolean; actor: string; 'max-issues': number},
  ) {
    const period = requirePeriod(flags.period)
    const store = await this.store(flags.database)
    const summary = await importIdcFile(store, file, {
      encoding: flags.encoding as EncodingOption,
      maxIssues: flags['max-issues'],
      period,
      dryRun: Boolean(flags['dry-run']),
      actor: flags.actor,
      command: `kasumi inventory import ${file}`,
    })
    this.warnIssues(summary.warnings)
    const counts = [`${summary.inserted} inserted`, `${summary.updated} updated`, `${summary.unchanged} unchanged`]
    const invalid = summary.invalidRecords ? `; ${summary.invalidRecords} invalid record${summary.invalidRecords === 1 ? '' : 's'} not imported` : ''
    const warned = summary.warnings.length ? `, ${summary.warnings.length} warning${summary.warnings.length === 1 ? '' : 's'}` : ''
    if (summary.facilities === 0) this.note(`${file} has no valid facility records${invalid}; nothing was imported.`)
    else if (summary.dryRun)
      this.note(
        `Dry run: ${file} passes (${summary.records} records${warned}); ${period} would give facilities ${counts.join(', ')}${invalid}. Nothing was written.`,
      )
    else
      this.success(
        `Imported ${file} for ${period}: facilities ${counts.join(', ')}${invalid}${warned} (change set ${summary.changeSetId}, sha256 ${summary.sha256.slice(0, 12)}…).`,
      )
    return {formatVersion: JSON_FORMAT_VERSION, ...summary}
  }

  /** The per-file table on stdout, the skipped entries and every file's warnings on stderr (nothing with --json). */
  private showBatch(result: BatchResult): void {
    if (this.jsonEnabled()) return
    for (const entry of result.skipped) this.note(`Skipped ${entry.path}: ${entry.reason}.`)
    for (const file of result.files) this.warnIssues(file.warningIssues)
    this.table(batchTable(result))
  }
}
