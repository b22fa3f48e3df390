import {Args, Flags} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import {ExitCode} from '../../src/domain/errors.js'
import {REFERENCE_DIR} from '../../src/platform/paths.js'
import {
  DEFAULT_REFERENCE_ID,
  byArea,
  byImplementingMinistry,
  byLeadMinistry,
  loadReferenceTable,
  rowJson,
  totalsJson,
} from '../../src/reference/jp2009.js'
import {LANGS, type Lang} from '../../src/domain/lang.js'
import {DEFAULT_LANG, areaTable, checkLines, ministryTables, publishedTable, referenceNotes} from '../../src/reference/tables.js'
import {referenceIdsByLayout} from '../../src/reference/jp2009.js'
import {
  LIFE_EVENT_LAYOUT,
  lifeEventFigureTable,
  lifeEventFiguresJson,
  lifeEventReferenceNotes,
  loadLifeEventReference,
} from '../../src/reference/life-events.js'

const VIEWS = ['table', 'ministry', 'area'] as const
type View = (typeof VIEWS)[number]

export default class ReferenceShow extends BaseCommand {
  static override summary = 'Show a published reference table, its totals and its reconciliation checks.'
  static override description = `Shows a reference table as published, or regrouped:

  --by table     the published layout: 負責單位 (lead ministry) at the start of each group, ＊共同利用化的效果 (joint-use) rows under the area they belong to, totals at the foot.
  --by ministry  subtotals by lead ministry (a joint lead such as 人事院‧總務省 is one group), then by implementing ministry — the ministry named in parentheses before an area, e.g. （財務省）關稅業務; a row naming two, （內閣官房）（內閣府）內閣府LAN, is one group of both, and rows naming none are one line, so every view adds up to the grand totals.
  --by area      one line per area row, with its joint-use effect as a column.

The cost total counts area rows only; the joint-use rows are totalled apart and never added to it; the hours total counts area rows only. Amounts are thousand yen (千円), hours are hours per year, and all figures are estimates (試算).

Every load checks that the joint-use rows add up to the 共同利用系統 summary's 削減經費 and that 實施前 − 實施後 gives the same figure. A failed check is printed with what was expected and found, and the exit code is 7.

A table of life-event figures (jp-life-events: the closing figure 日常生活必要的大量手續 of the seed paper — moving house 搬遷: at most 26 procedures at 7 agencies with 13 kinds of documents; retirement 退職: at most 10 procedures at 6 agencies with 15 kinds of documents) is shown as one row per life event with the figure's own words, its source and what the figure cites; each load checks that the words state the row's numbers.

With --json the output is the stable contract: every row in table order, amounts as exact decimal strings, units named, the totals with the rows they count, and the checks.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> jp-2009',
    '<%= config.bin %> <%= command.id %> jp-2009 --by ministry',
    '<%= config.bin %> <%= command.id %> jp-2009 --by area --lang en',
    '<%= config.bin %> <%= command.id %> jp-2009 --lang ja --json',
    '<%= config.bin %> <%= command.id %> jp-life-events --lang en',
  ]

  static override args = {
    id: Args.string({description: 'Reference table id (see `kasumi reference list`).', default: DEFAULT_REFERENCE_ID}),
  }

  static override flags = {
    by: Flags.string({
      description: 'Layout: the published table, subtotals by ministry, or one line per area.',
      options: [...VIEWS],
      default: 'table',
    }),
    lang: Flags.string({
      description: 'Language of the headings and notes; the data keeps the text it was published with.',
      options: [...LANGS],
      default: DEFAULT_LANG,
    }),
    'reference-dir': Flags.string({
      description: 'Read reference tables from this folder (each a CSV file with its <id>.meta.json) instead of the ones kasumi ships with.',
      env: 'KASUMI_REFERENCE_DIR',
    }),
  }

  async run() {
    const {args, flags} = await this.parse(ReferenceShow)
    const view = flags.by as View
    const lang = flags.lang as Lang
    const folder = flags['reference-dir'] ?? REFERENCE_DIR
    if ((await referenceIdsByLayout(folder)).get(args.id) === LIFE_EVENT_LAYOUT) {
      const reference = await loadLifeEventReference(args.id, folder)
      if (!this.jsonEnabled()) {
        this.table(lifeEventFigureTable(reference, lang))
        this.log('')
        for (const line of lifeEventReferenceNotes(reference, lang)) this.log(line)
        this.log('')
        for (const line of checkLines(reference.checks)) this.log(line)
      }
      const result = {
        formatVersion: JSON_FORMAT_VERSION,
        id: reference.meta.id,
        layout: LIFE_EVENT_LAYOUT,
        meta: reference.meta,
        lifeEvents: lifeEventFiguresJson(reference),
        checks: reference.checks,
      }
      if (reference.checks.some((check) => !check.ok)) {
        this.warning(`a check of ${reference.files.data} failed: the figures do not match the figure's words.`)
        if (this.jsonEnabled()) this.logJson(result)
        this.exit(ExitCode.verificationMismatch)
      }
      return result
    }
    const table = await loadReferenceTable(args.id, flags['reference-dir'] ?? REFERENCE_DIR)
    const {meta} = table
    const result = {
      formatVersion: JSON_FORMAT_VERSION,
      id: meta.id,
      view,
      meta,
      rows: table.rows.map(rowJson),
      totals: totalsJson(table.rows),
      jointUseSummary: meta.jointUseSummary,
      checks: table.checks,
      ...(view === 'ministry'
        ? {
            byLeadMinistry: byLeadMinistry(table).map((group) => ({
              leadMinistry: group.ministries[0],
              areaRows: group.areaRows,
              totals: group.totals,
            })),
            byImplementingMinistry: byImplementingMinistry(table).map((group) => ({
              implementingMinistries: group.ministries,
              areaRows: group.areaRows,
              totals: group.totals,
            })),
          }
        : {}),
      ...(view === 'area' ? {byArea: byArea(table)} : {}),
    }
    const failed = table.checks.filter((check) => !check.ok)

    if (!this.jsonEnabled()) {
      const tables = view === 'ministry' ? ministryTables(table, lang) : [view === 'area' ? areaTable(table, lang) : publishedTable(table, lang)]
      for (const [index, data] of tables.entries()) {
        if (index > 0) this.log('')
        this.table(data)
      }
      this.log('')
      for (const line of referenceNotes(table, lang)) this.log(line)
      this.log('')
      for (const line of checkLines(table.checks)) this.log(line)
    }
    if (failed.length > 0) {
      this.warning(
        `${failed.length} check${failed.length === 1 ? '' : 's'} of ${table.files.data} failed (${failed.map((check) => check.id).join(', ')}): the transcription does not reconcile with the published summary.`,
      )
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(ExitCode.verificationMismatch)
    }
    return result
  }
}
