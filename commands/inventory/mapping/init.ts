import {existsSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {dirname, join, relative, resolve, sep} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../../src/cli/base.js'
import {ConflictError, InternalError, UserError} from '../../../src/domain/errors.js'
import type {Calendar} from '../../../src/domain/fiscal-year.js'
import {ENCODINGS, type EncodingOption} from '../../../src/ingest/encodings.js'
import {requireReadableFile} from '../../../src/ingest/files.js'
import type {Kind} from '../../../src/ingest/kinds.js'
import {parseMapping} from '../../../src/ingest/mapping.js'
import {mappingText, openQuestions, proposeMapping, type MappingProposal} from '../../../src/ingest/mapping-init.js'
import {MAPPING_DIR} from '../../../src/platform/paths.js'

export default class MappingInit extends BaseCommand {
  static override summary = 'Propose a saved mapping for a file whose layout kasumi does not read by itself.'
  static override description = `Reads the file's header (a CSV file or a workbook sheet; title rows above it are passed over) and proposes a mapping for one kind: headers kasumi knows (and their aliases), fuzzy matches with their score (0–1), fiscal years or spend types across the columns and their total, the money unit a header or title names, and the columns that match nothing.

On a terminal, kasumi asks about what it cannot decide: each fuzzy match, each unmatched column (map it to a field, or ignore it) and the money unit. With --no-input, or when input is not a terminal, it asks nothing and writes the open questions as "# TODO" lines beside the keys they concern; unmatched columns are listed under ignore.

Without --output the mapping is printed. An existing file is never overwritten without --force (exit 5). Check the result with \`kasumi inventory mapping test\`, then import with --mapping.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 予算.xlsx --kind costs --output mappings/予算.yaml',
    '<%= config.bin %> <%= command.id %> systems-2024.csv --kind systems --no-input',
    '<%= config.bin %> <%= command.id %> 経費.xlsx --sheet 経費内訳 --json',
  ]

  static override args = {file: Args.string({description: 'CSV file or workbook (.xlsx, .xlsm) whose layout to map', required: true})}
  static override flags = {
    kind: Flags.string({
      description: 'The kind the file holds (default: the kind its header looks like).',
      options: ['systems', 'costs', 'ministries'],
    }),
    output: Flags.string({char: 'o', description: 'Write the mapping to this file (default: print it).'}),
    name: Flags.string({description: "The mapping's name (default: from the file name)."}),
    sheet: Flags.string({description: 'The sheet to read, by name or position (default: the sheet whose header names most known columns).'}),
    encoding: Flags.string({description: 'Text encoding of a CSV file.', options: [...ENCODINGS], default: 'auto'}),
    calendar: Flags.string({description: 'How bare year numbers count.', options: ['gregorian', 'japanese', 'roc'], default: 'gregorian'}),
    force: Flags.boolean({description: 'Overwrite --output if it exists.'}),
  }

  async run() {
    const {args, flags} = await this.parse(MappingInit)
    await requireReadableFile(args.file)
    const output = flags.output === undefined ? undefined : resolve(flags.output)
    if (output && existsSync(output) && !flags.force)
      throw new ConflictError(`${output} already exists`, {suggestion: 'pass --force to overwrite it, or name another file'})
    const proposal = await proposeMapping(args.file, {
      kind: flags.kind as Kind | undefined,
      sheet: flags.sheet,
      encoding: flags.encoding as EncodingOption,
      calendar: flags.calendar as Calendar,
      name: flags.name,
    })
    if (this.stdinIsInteractive(flags['no-input']) && openQuestions(proposal).length > 0) await this.ask(proposal)
    const schemaPath = join(MAPPING_DIR, 'schema.json')
    const schema = output ? relative(dirname(output), schemaPath).split(sep).join('/') : schemaPath
    const text = mappingText(proposal, schema)
    try {
      await parseMapping(text, output ?? 'proposed mapping')
    } catch (error) {
      throw new InternalError(`the proposed mapping does not validate: ${String(error)}`, {cause: error})
    }
    const questions = openQuestions(proposal)
    if (output) {
      try {
        await writeFile(output, text, {encoding: 'utf8', flag: flags.force ? 'w' : 'wx'})
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new ConflictError(`${output} already exists`, {suggestion: 'pass --force to overwrite it, or name another file'})
        throw new UserError(`cannot write ${output}: ${(error as Error).message}`, {suggestion: 'check the folder exists and can be written'})
      }
    } else if (!this.jsonEnabled()) this.log(text.trimEnd())
    if (!this.jsonEnabled()) {
      const counts = (match: string) => proposal.columns.filter((column) => column.match === match).length
      this.note(
        `${proposal.kind} from ${proposal.sheets > 1 ? `sheet ${proposal.sheet}, ` : ''}header row ${proposal.headerRows.join('–')}: ${counts('known')} known, ${counts('fuzzy')} fuzzy, ${counts('amount')} amounts across the columns, ${counts('unmatched')} unmatched.`,
      )
      if (output)
        this.success(`Wrote ${output}${questions.length > 0 ? ` with ${questions.length} TODO${questions.length === 1 ? '' : 's'} to settle` : ''}.`)
      this.note(`Next: \`kasumi inventory mapping test ${output ? relative(process.cwd(), output) || output : 'MAPPING.yaml'} ${args.file}\`.`)
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      file: args.file,
      output: output ?? null,
      name: proposal.name,
      kind: proposal.kind,
      kindSource: proposal.kindSource,
      sheet: proposal.sheet,
      headerRows: proposal.headerRows,
      unit: proposal.unit ?? null,
      columns: proposal.columns.map((column) => ({
        index: column.index + 1,
        header: column.header,
        cell: column.cell,
        match: column.match,
        field: column.field ?? null,
        score: column.score ?? null,
        ...(column.fiscalYear === undefined ? {} : {fiscalYear: column.fiscalYear}),
        ...(column.spendType === undefined ? {} : {spendType: column.spendType}),
        decided: Boolean(column.decided),
      })),
      questions: questions.map((question) => ({about: question.about, field: question.field ?? null, message: question.message})),
      mapping: text,
    }
  }

  /** Asks on the terminal about each open question; the answers settle them. */
  private async ask(proposal: MappingProposal): Promise<void> {
    const prompts = await import('@inquirer/prompts')
    const {TABLE_KINDS} = await import('../../../src/ingest/kinds.js')
    const context = {output: process.stderr}
    const fields = TABLE_KINDS[proposal.kind].fields.map((field) => field.header)
    for (const question of openQuestions(proposal)) {
      if (question.about === 'fuzzy' && question.column !== undefined) {
        const column = proposal.columns[question.column]
        const yes = await prompts.confirm(
          {message: `Map ${column.header} (${column.cell}) to ${column.field}? (score ${column.score!.toFixed(2)})`, default: true},
          context,
        )
        column.decided = true
        if (!yes) {
          column.match = 'unmatched'
          column.field = undefined
        }
      } else if (question.about === 'unmatched' && question.column !== undefined) {
        const column = proposal.columns[question.column]
        const taken = new Set(proposal.columns.map((other) => other.field).filter(Boolean))
        const answer = await prompts.select(
          {
            message: `${column.header} (${column.cell}) matches no ${proposal.kind} field. Map it to:`,
            choices: [{name: '(ignore it)', value: ''}, ...fields.filter((field) => !taken.has(field)).map((field) => ({name: field, value: field}))],
          },
          context,
        )
        column.decided = true
        if (answer !== '') column.field = answer
      } else if (question.about === 'unit') {
        const unit = await prompts.select(
          {
            message: 'The money unit of the amounts',
            choices: [
              {name: 'yen (円)', value: 'yen' as const},
              {name: 'thousand yen (千円)', value: 'thousand' as const},
              {name: 'million yen (百万円)', value: 'million' as const},
            ],
          },
          context,
        )
        proposal.unit = {name: unit, source: 'answer'}
      }
    }
  }
}
