import type {TableData} from '../domain/table.js'
import type {Lang} from '../domain/lang.js'
import {labelsFor} from '../domain/labels/index.js'
import {Dec, formatAmount} from '../domain/money.js'
import {displayWidth} from '../domain/text-width.js'
import {
  byArea,
  byImplementingMinistry,
  byLeadMinistry,
  computeTotals,
  type MinistryGroup,
  type ReferenceCheck,
  type ReferenceRow,
  type ReferenceTable,
  type Totals,
} from './jp2009.js'

/**
 * Pure table builders for reference tables: data in, rows of strings out.
 * Headings follow --lang; the data text is shown as the table gives it.
 * Amounts are grouped by thousands; an empty cell is shown as "-".
 */

export const DEFAULT_LANG: Lang = 'zh-TW'

const EMPTY = '-'

function amount(value: string | null): string {
  return value === null ? EMPTY : formatAmount(value)
}

function year(value: number | null): string {
  return value === null ? EMPTY : String(value)
}

export {displayWidth}

const BREAK_AFTER = new Set(['，', '、', '。', '）', '；', ',', ' '])

/**
 * Breaks text into lines of at most `width` columns. CJK text has no spaces:
 * a line breaks after the last comma or closing parenthesis in its second
 * half, else between any two characters.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line: string[] = []
  for (const char of text) {
    if (line.length > 0 && displayWidth(line.join('') + char) > width) {
      let cut = line.length
      for (let index = line.length - 1; index > 0; index--) {
        if (BREAK_AFTER.has(line[index]) && displayWidth(line.slice(0, index + 1).join('')) * 2 >= width) {
          cut = index + 1
          break
        }
      }
      lines.push(line.slice(0, cut).join(''))
      line = line.slice(cut)
    }
    line.push(char)
  }
  if (line.length > 0) lines.push(line.join(''))
  return lines
}

/** The area cell as the published table writes it: （實施單位）before the name. */
export function publishedAreaName(row: Pick<ReferenceRow, 'implementingMinistries' | 'area'>): string {
  return `${row.implementingMinistries.map((name) => `（${name}）`).join('')}${row.area}`
}

function ministriesLabel(ministries: readonly string[], lang: Lang): string {
  return ministries.length === 0 ? labelsFor(lang).reference.none : ministries.map((name) => `（${name}）`).join('')
}

/** The table in its published layout: lead ministry at the start of each group, ＊ rows indented under their area. */
export function publishedTable(table: ReferenceTable, lang: Lang = DEFAULT_LANG): TableData {
  const labels = labelsFor(lang).reference
  const totals = computeTotals(table.rows)
  const areaNames = table.rows.filter((row) => row.kind !== 'joint-use-summary').map((row) => displayWidth(publishedAreaName(row)) + 2)
  const noteWidth = Math.max(40, ...areaNames)
  let lead: string | undefined
  const rows = table.rows.map((row) => {
    const leadCell = row.leadMinistry === lead ? '' : row.leadMinistry
    lead = row.leadMinistry
    switch (row.kind) {
      case 'area':
        return [
          leadCell,
          publishedAreaName(row),
          amount(row.costReductionThousandYen),
          year(row.costYear),
          amount(row.hoursReduction),
          year(row.hoursYear),
        ]
      case 'joint-use':
        return [leadCell, `  ${row.area}`, amount(row.costReductionThousandYen), year(row.costYear), amount(row.hoursReduction), year(row.hoursYear)]
      case 'joint-use-summary':
        return [leadCell, [row.area, ...wrap(row.note ?? '', noteWidth)].join('\n'), EMPTY, EMPTY, EMPTY, EMPTY]
    }
  })
  return {
    title: titleOf(table, lang),
    head: [labels.lead, labels.area, labels.cost, labels.year, labels.hours, labels.year],
    rows,
    footer: [
      ['', labels.totalArea, amount(totals.costReductionThousandYen), '', amount(totals.hoursReduction), ''],
      ['', labels.totalJointUse, amount(totals.jointUseThousandYen), '', '', ''],
    ],
    align: ['left', 'left', 'right', 'right', 'right', 'right'],
  }
}

function groupTable(
  title: string,
  heading: string,
  groups: MinistryGroup[],
  totals: Totals,
  lang: Lang,
  label: (group: MinistryGroup) => string,
): TableData {
  const labels = labelsFor(lang).reference
  const count = groups.reduce((all, group) => all + group.areaRows.length, 0)
  return {
    title,
    head: [heading, labels.areaCount, labels.cost, labels.jointUse, labels.hours],
    rows: groups.map((group) => [
      label(group),
      String(group.areaRows.length),
      amount(group.totals.costReductionThousandYen),
      zeroAsEmpty(group.totals.jointUseThousandYen),
      amount(group.totals.hoursReduction),
    ]),
    footer: [
      [labels.totalArea, String(count), amount(totals.costReductionThousandYen), amount(totals.jointUseThousandYen), amount(totals.hoursReduction)],
    ],
    align: ['left', 'right', 'right', 'right', 'right'],
  }
}

/** A joint-use subtotal of zero means the group has no joint-use rows: shown as "-". */
function zeroAsEmpty(value: string): string {
  return new Dec(value).isZero() ? EMPTY : formatAmount(value)
}

/** Subtotals by lead ministry (負責單位); the joint-use column is the ＊ rows of each group, not added to the cost column. */
export function leadMinistryTable(table: ReferenceTable, lang: Lang = DEFAULT_LANG): TableData {
  const labels = labelsFor(lang).reference
  return groupTable(`${titleOf(table, lang)} — ${labels.byLead}`, labels.lead, byLeadMinistry(table), computeTotals(table.rows), lang, (group) =>
    group.ministries.join(''),
  )
}

/** Subtotals by implementing ministry, for the rows that name one; the rest are one line. */
export function implementingMinistryTable(table: ReferenceTable, lang: Lang = DEFAULT_LANG): TableData {
  const labels = labelsFor(lang).reference
  return groupTable(
    `${titleOf(table, lang)} — ${labels.byImplementing}`,
    labels.implementing,
    byImplementingMinistry(table),
    computeTotals(table.rows),
    lang,
    (group) => ministriesLabel(group.ministries, lang),
  )
}

/** Both ministry views, as `--by ministry` shows them. */
export function ministryTables(table: ReferenceTable, lang: Lang = DEFAULT_LANG): TableData[] {
  return [leadMinistryTable(table, lang), implementingMinistryTable(table, lang)]
}

/** One line per area row, with the joint-use effect that belongs to it as a column. */
export function areaTable(table: ReferenceTable, lang: Lang = DEFAULT_LANG): TableData {
  const labels = labelsFor(lang).reference
  const totals = computeTotals(table.rows)
  return {
    title: `${titleOf(table, lang)} — ${labels.byArea}`,
    head: [labels.lead, labels.implementing, labels.area, labels.cost, labels.year, labels.jointUse, labels.hours, labels.year],
    rows: byArea(table).map((line) => [
      line.leadMinistry,
      line.implementingMinistries.length === 0 ? EMPTY : line.implementingMinistries.join('；'),
      line.area,
      amount(line.costReductionThousandYen),
      year(line.costYear),
      amount(line.jointUseThousandYen),
      amount(line.hoursReduction),
      year(line.hoursYear),
    ]),
    footer: [
      ['', '', labels.totalArea, amount(totals.costReductionThousandYen), '', amount(totals.jointUseThousandYen), amount(totals.hoursReduction), ''],
    ],
    align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
  }
}

export function titleOf(table: ReferenceTable, lang: Lang = DEFAULT_LANG): string {
  const title = table.meta.title[lang]
  return lang === 'zh-TW' && table.meta.label ? `${table.meta.label}、${title}` : title
}

/** The lines printed under a table: units, the joint-use summary, the footnote and the source. */
export function referenceNotes(table: ReferenceTable, lang: Lang = DEFAULT_LANG): string[] {
  const labels = labelsFor(lang).reference
  const {meta} = table
  const summary = meta.jointUseSummary
  const lines = [labels.units, labels.jointUseSummary(formatAmount(summary.before), formatAmount(summary.after), formatAmount(summary.reduction))]
  if (meta.footnote) lines.push(`${labels.footnote}${meta.footnote}`)
  lines.push(labels.source(meta.source, meta.published))
  return lines
}

/** One line per check: ✓ or ✗, and for a failure what was expected and found. */
export function checkLines(checks: readonly ReferenceCheck[]): string[] {
  return checks.map((check) =>
    check.ok ? `✓ ${check.description}` : `✗ ${check.description}: expected ${shownValue(check.expected)}, found ${shownValue(check.actual)}`,
  )
}

function shownValue(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? formatAmount(value) : value
}

/** The list of reference tables, for `kasumi reference list`. */
export function listTable(tables: readonly ReferenceTable[], lang: Lang = DEFAULT_LANG): TableData {
  const head = {
    'zh-TW': ['代號', '標題', '發表日期', '列數', '單位'],
    ja: ['ID', '表題', '公表日', '行数', '単位'],
    en: ['id', 'title', 'published', 'rows', 'units'],
  }[lang]
  return {
    head,
    rows: tables.map((table) => [
      table.meta.id,
      table.meta.title[lang],
      table.meta.published,
      String(table.rows.length),
      `${table.meta.units.cost}; ${table.meta.units.hours}`,
    ]),
    align: ['left', 'left', 'left', 'right', 'left'],
  }
}
