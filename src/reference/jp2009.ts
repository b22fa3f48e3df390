import {basename, dirname, join} from 'node:path'

import {InvalidInputError, NotFoundError, type InputIssue} from '../domain/errors.js'
import {Dec, canonical, groupDigits, sum} from '../domain/money.js'
import {enumeration} from '../ingest/kinds.js'
import {isDirectory, listFolder, readTextFile} from '../ingest/files.js'
import {readAll} from '../ingest/read-all.js'
import type {FieldSpec, RowReader} from '../ingest/table.js'
import {closest} from '../domain/text-match.js'
import {fiscalYear, parseDecimal, parseInteger, text, type ParseOutcome} from '../ingest/values.js'
import {REFERENCE_DIR} from '../platform/paths.js'

/**
 * Japan's 2009 optimization-effects table (最適化計画（87分野）における効果一覧,
 * published 2009-08-31), as transcribed in data/reference/jp-2009.csv, and
 * any other table in the same layout found as data/reference/<id>.meta.json.
 *
 * The CSV is read with the ingestion code of user files (readAll, FieldSpec,
 * RowReader and the shared value parsers), so a bad cell is reported with its
 * file, line and column like any user input.
 */

export const DEFAULT_REFERENCE_ID = 'jp-2009'
const META_SUFFIX = '.meta.json'

/* ---------- types ---------- */

export const ROW_KINDS = ['area', 'joint-use', 'joint-use-summary'] as const
/**
 * - `area`: one business or system area (an ordinary row of the table);
 * - `joint-use`: a ＊共同利用化的效果 row, the effect of joint use belonging to the area row just above it;
 * - `joint-use-summary`: the 共同利用系統 row, whose text (kept in `note`) states the joint-use totals.
 */
export type RowKind = (typeof ROW_KINDS)[number]

export interface ReferenceRow {
  /** Position in the published table, 1..N. */
  seq: number
  kind: RowKind
  /** 負責單位, as the table writes it (e.g. 人事院‧總務省), filled in down each group. */
  leadMinistry: string
  /** Ministries named in parentheses before the area name, e.g. （內閣官房）（內閣府）內閣府LAN; empty when none. */
  implementingMinistries: string[]
  /** 業務‧作業系統名稱, without the parenthesised implementing ministries. */
  area: string
  /** 削減經費（試算）in thousand yen, an exact decimal string; negative is a cost increase. */
  costReductionThousandYen: string | null
  costYear: number | null
  /** 業務處理時間削減成果（試算）in hours per year, an exact decimal string. */
  hoursReduction: string | null
  hoursYear: number | null
  note: string | null
  /** For a joint-use row, the seq of the area row it belongs to; otherwise null. */
  belongsTo: number | null
  /** Line in the CSV file. */
  line: number
}

export type LocalizedText = {'zh-TW': string; ja: string; en: string}

export interface ReferenceMeta {
  id: string
  /** The CSV file, relative to the metadata file. */
  data: string
  label?: string
  title: LocalizedText
  source: {document: string; documentEn?: string; author: string; affiliation?: string; location?: string; original: string}
  /** ISO date of publication. */
  published: string
  language?: string
  units: {cost: string; hours: string}
  /** The figures are estimates (試算). */
  estimate: boolean
  estimateLabel?: string
  footnote?: string
  jointUseSummary: {before: string; after: string; reduction: string; unit?: string; businesses: string[]}
  columns?: Record<string, string>
}

export interface ReferenceCheck {
  id: string
  description: string
  expected: string
  actual: string
  ok: boolean
}

export interface ReferenceTable {
  meta: ReferenceMeta
  rows: ReferenceRow[]
  /** Run on every load; a failed check does not stop loading. */
  checks: ReferenceCheck[]
  files: {meta: string; data: string}
}

/* ---------- reading the CSV with the ingestion rules ---------- */

export const REFERENCE_FIELDS: readonly FieldSpec[] = [
  {key: 'seq', header: 'seq', aliases: ['no', '番号', '序號'], required: true},
  {key: 'kind', header: 'kind', aliases: ['row kind', '種別', '類別'], required: true},
  {key: 'leadMinistry', header: 'lead_ministry', aliases: ['lead ministry', '負責單位', '担当府省'], required: true},
  {key: 'implementingMinistry', header: 'implementing_ministry', aliases: ['implementing ministry', '實施單位', '実施府省']},
  {key: 'area', header: 'area', aliases: ['業務‧作業系統名稱', '業務・システム名'], required: true},
  {key: 'costReduction', header: 'cost_reduction_thousand_yen', aliases: ['cost reduction', '削減經費', '削減経費'], required: true},
  {key: 'costYear', header: 'cost_year', aliases: ['cost fiscal year', '削減經費年度', '削減経費年度'], required: true},
  {key: 'hoursReduction', header: 'hours_reduction', aliases: ['hours', '業務處理時間削減', '業務処理時間削減'], required: true},
  {key: 'hoursYear', header: 'hours_year', aliases: ['hours fiscal year', '業務處理時間削減年度', '業務処理時間削減年度'], required: true},
  {key: 'note', header: 'note', aliases: ['備註', '備考']},
]

const parseKind = enumeration(ROW_KINDS)

const year = fiscalYear('gregorian')
const anyText = text()

function ministries(raw: string): ParseOutcome<string[]> {
  if (raw.trim() === '') return {ok: true, value: []}
  const list = raw.split(/[;；]/).map((name) => name.trim())
  if (list.some((name) => name === ''))
    return {ok: false, reason: 'an empty ministry name', hint: 'separate ministries with ";", e.g. 內閣官房;內閣府'}
  return {ok: true, value: list}
}

/** Builds rows in file order, checking what the layout requires of each kind. */
function rowBuilder(): (row: RowReader) => ReferenceRow | undefined {
  let previous: ReferenceRow | undefined
  let lastArea: ReferenceRow | undefined
  return (row) => {
    const seq = row.get('seq', (raw) => parseInteger(raw, {min: 1}), {required: true})
    const expectedSeq = (previous?.seq ?? 0) + 1
    if (seq !== null && seq !== expectedSeq) row.fail('seq', row.raw('seq'), `rows must be numbered in table order; expected ${expectedSeq}`)
    const kind = row.get('kind', parseKind, {required: true})
    const leadMinistry = row.get('leadMinistry', anyText, {required: true})
    const implementingMinistries = row.get('implementingMinistry', ministries) ?? []
    const area = row.get('area', anyText, {required: true})
    const costReductionThousandYen = row.get('costReduction', parseDecimal)
    const costYear = row.get('costYear', year)
    const hoursReduction = row.get('hoursReduction', parseDecimal)
    const hoursYear = row.get('hoursYear', year)
    const note = row.get('note', anyText)

    let belongsTo: number | null = null
    if (kind === 'joint-use') {
      if (area !== null && !area.startsWith('＊')) row.fail('area', area, 'a joint-use row is named ＊共同利用化的效果…', 'start the area with ＊')
      if (lastArea === undefined || (previous !== undefined && previous.kind === 'joint-use-summary')) {
        row.fail('kind', row.raw('kind'), 'a joint-use row must follow the area row it belongs to')
      } else {
        belongsTo = lastArea.seq
        if (leadMinistry !== null && leadMinistry !== lastArea.leadMinistry) {
          row.fail('leadMinistry', leadMinistry, `a joint-use row has the lead ministry of its area row (${lastArea.leadMinistry})`)
        }
      }
      if (hoursReduction !== null || hoursYear !== null)
        row.fail('hoursReduction', row.raw('hoursReduction'), 'a joint-use row has no processing-time figures')
    }
    if (kind === 'joint-use-summary') {
      if (costReductionThousandYen !== null || costYear !== null || hoursReduction !== null || hoursYear !== null) {
        row.fail('costReduction', row.raw('costReduction'), 'the joint-use summary row has no figures; its text goes in note')
      }
      if (note === null) row.fail('note', '', 'the joint-use summary row keeps its text in note')
    }
    if (kind !== 'area' && implementingMinistries.length > 0) {
      row.fail('implementingMinistry', row.raw('implementingMinistry'), 'only area rows name an implementing ministry')
    }
    if (row.failed || seq === null || kind === null || leadMinistry === null || area === null) return undefined
    const record: ReferenceRow = {
      seq,
      kind,
      leadMinistry,
      implementingMinistries,
      area,
      costReductionThousandYen,
      costYear,
      hoursReduction,
      hoursYear,
      note,
      belongsTo,
      line: row.line,
    }
    previous = record
    if (kind === 'area') lastArea = record
    return record
  }
}

/* ---------- metadata ---------- */

function readMetaObject(file: string, raw: string): ReferenceMeta {
  const issues: InputIssue[] = []
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON`, [{file, message: (error as Error).message}])
  }
  const problem = (path: string, message: string, found?: unknown) =>
    issues.push({file, column: path, value: found === undefined ? undefined : JSON.stringify(found), message})
  const at = (path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value)
  const string = (path: string, optional = false) => {
    const found = at(path)
    if (found === undefined && optional) return
    if (typeof found !== 'string' || found.trim() === '') problem(path, 'must be a non-empty string', found)
  }
  const decimal = (path: string) => {
    const found = at(path)
    if (typeof found !== 'string' || !/^-?\d+(\.\d+)?$/.test(found))
      problem(path, 'must be a decimal string without separators, e.g. "392959"', found)
  }
  for (const path of [
    'id',
    'data',
    'title.zh-TW',
    'title.ja',
    'title.en',
    'source.document',
    'source.author',
    'source.original',
    'units.cost',
    'units.hours',
  ])
    string(path)
  for (const path of [
    'label',
    'footnote',
    'language',
    'estimateLabel',
    'source.documentEn',
    'source.affiliation',
    'source.location',
    'jointUseSummary.unit',
  ])
    string(path, true)
  const published = at('published')
  if (typeof published !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(published)) problem('published', 'must be an ISO date, e.g. 2009-08-31', published)
  if (typeof at('estimate') !== 'boolean') problem('estimate', 'must be true or false', at('estimate'))
  for (const path of ['jointUseSummary.before', 'jointUseSummary.after', 'jointUseSummary.reduction']) decimal(path)
  const businesses = at('jointUseSummary.businesses')
  if (!Array.isArray(businesses) || businesses.some((name) => typeof name !== 'string'))
    problem('jointUseSummary.businesses', 'must be a list of names', businesses)
  const id = at('id')
  if (typeof id === 'string' && basename(file) !== `${id}${META_SUFFIX}`) problem('id', `must match the file name (${basename(file)})`, id)
  if (issues.length > 0) throw new InvalidInputError(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'} found`, issues)
  return value as ReferenceMeta
}

/* ---------- loading ---------- */

/** The metadata file for a folder (the default table in it), a `.meta.json` file, or a `.csv` file next to one. */
async function metaFileFor(location: string): Promise<string> {
  if (await isDirectory(location)) return join(location, `${DEFAULT_REFERENCE_ID}${META_SUFFIX}`)
  if (location.endsWith(META_SUFFIX)) return location
  if (location.endsWith('.csv')) return location.slice(0, -'.csv'.length) + META_SUFFIX
  return location
}

/**
 * Loads a reference table from a folder (its jp-2009 table), a `.meta.json`
 * file, or a `.csv` file with its `.meta.json` beside it. With a `.csv`
 * path, that file is read, whatever the metadata's `data` names.
 * Throws InvalidInputError (with file, line and column) for bad input.
 */
export async function loadReferenceFrom(location: string = REFERENCE_DIR): Promise<ReferenceTable> {
  const metaFile = await metaFileFor(location)
  let raw: string
  try {
    raw = await readTextFile(metaFile)
  } catch {
    throw new NotFoundError(`No reference table metadata at ${metaFile}.`, {
      suggestion: 'A reference table is a CSV file with a <id>.meta.json file beside it.',
    })
  }
  const meta = readMetaObject(metaFile, raw)
  const dataFile = location.endsWith('.csv') ? location : join(dirname(metaFile), meta.data)
  const records = await readAll(dataFile, REFERENCE_FIELDS, rowBuilder(), {encoding: 'utf-8', calendar: 'gregorian'})
  const rows = records.map(({record}) => record)
  if (rows.length === 0) throw new InvalidInputError(`${dataFile}: no rows`, [{file: dataFile, message: 'the table has a header but no rows'}])
  return {meta, rows, checks: runChecks(meta, rows), files: {meta: metaFile, data: dataFile}}
}

/**
 * The ids of the reference tables in a folder, one per `<id>.meta.json`, by
 * layout: `effects` (the jp-2009 layout; metadata without a "layout") or
 * another layout the metadata names, e.g. `life-events`.
 */
export async function referenceIdsByLayout(folder: string = REFERENCE_DIR): Promise<Map<string, string>> {
  let names: string[]
  try {
    names = await listFolder(folder)
  } catch {
    throw new NotFoundError(`The reference folder ${folder} cannot be read.`, {suggestion: 'Check --reference-dir.'})
  }
  const layouts = new Map<string, string>()
  for (const name of names.filter((candidate) => candidate.endsWith(META_SUFFIX)).sort()) {
    let layout = 'effects'
    try {
      const parsed = JSON.parse(await readTextFile(join(folder, name))) as {layout?: unknown}
      if (typeof parsed?.layout === 'string') layout = parsed.layout
    } catch {
      // Unreadable metadata is reported by the loader of the effects layout, with its file.
    }
    layouts.set(name.slice(0, -META_SUFFIX.length), layout)
  }
  return layouts
}

/** The ids of the effects tables (the jp-2009 layout) in a folder: one per `<id>.meta.json` without another layout. */
export async function referenceIds(folder: string = REFERENCE_DIR): Promise<string[]> {
  return [...(await referenceIdsByLayout(folder))].filter(([, layout]) => layout === 'effects').map(([id]) => id)
}

/** Loads a reference table by id; an unknown id is a NotFoundError naming the ids there are. */
export async function loadReferenceTable(id: string, folder: string = REFERENCE_DIR): Promise<ReferenceTable> {
  const ids = await referenceIds(folder)
  if (!ids.includes(id)) {
    const all = [...(await referenceIdsByLayout(folder)).keys()]
    if (all.includes(id))
      throw new NotFoundError(`"${id}" is not a table of optimization effects; it holds life-event figures.`, {
        suggestion: `See \`kasumi reference show ${id}\`.`,
        details: {id, available: ids},
      })
    const guess = closest(id, all)
    throw new NotFoundError(`No reference table "${id}". Available: ${all.length > 0 ? all.join(', ') : 'none'}.`, {
      suggestion: guess ? `Did you mean ${guess}? See \`kasumi reference list\`.` : 'See `kasumi reference list`.',
      details: {id, available: ids},
    })
  }
  return loadReferenceFrom(join(folder, `${id}${META_SUFFIX}`))
}

/** Every reference table in a folder, loaded. */
export async function listReferenceTables(folder: string = REFERENCE_DIR): Promise<ReferenceTable[]> {
  const tables: ReferenceTable[] = []
  for (const id of await referenceIds(folder)) tables.push(await loadReferenceFrom(join(folder, `${id}${META_SUFFIX}`)))
  return tables
}

/* ---------- totals ---------- */

export interface Totals {
  /** Sum of cost_reduction_thousand_yen over `area` rows only. */
  costReductionThousandYen: string
  /** Sum of cost_reduction_thousand_yen over `joint-use` rows only. */
  jointUseThousandYen: string
  /** Sum of hours_reduction over `area` rows only. */
  hoursReduction: string
}

/** Which rows each total counts; echoed in `--json` so that the totals can be reproduced. */
export const TOTALS_BASIS = {
  costReductionThousandYen: {
    kinds: ['area'],
    column: 'cost_reduction_thousand_yen',
    description: 'sum of the cost reduction of area rows; joint-use rows and the joint-use summary are not counted; empty cells count as nothing',
  },
  jointUseThousandYen: {
    kinds: ['joint-use'],
    column: 'cost_reduction_thousand_yen',
    description: 'sum of the ＊共同利用化的效果 rows only; kept apart from the area total, never added to it',
  },
  hoursReduction: {
    kinds: ['area'],
    column: 'hours_reduction',
    description: 'sum of the processing-time reduction of area rows; empty cells count as nothing',
  },
} as const

export const TOTALS_UNITS = {
  costReductionThousandYen: 'thousand yen (千円)',
  jointUseThousandYen: 'thousand yen (千円)',
  hoursReduction: 'hours per year',
} as const

function sumOf(rows: readonly ReferenceRow[], kind: RowKind, pick: (row: ReferenceRow) => string | null): Dec {
  return sum(
    rows
      .filter((row) => row.kind === kind)
      .map(pick)
      .filter((value): value is string => value !== null),
  )
}

export function computeTotals(rows: readonly ReferenceRow[]): Totals {
  return {
    costReductionThousandYen: canonical(sumOf(rows, 'area', (row) => row.costReductionThousandYen)),
    jointUseThousandYen: canonical(sumOf(rows, 'joint-use', (row) => row.costReductionThousandYen)),
    hoursReduction: canonical(sumOf(rows, 'area', (row) => row.hoursReduction)),
  }
}

/* ---------- checks ---------- */

/** The three figures stated in the joint-use summary row's text (實施前…，實施後…，削減經費…). */
export function summaryFiguresInText(note: string): {before: string; after: string; reduction: string} | undefined {
  const figure = (label: string) => {
    // Not width-folded: NFKC would turn the full-width comma after a figure into a separator.
    const match = new RegExp(`${label}\\s*(\\d{1,3}(?:,\\d{3})+|\\d+)`).exec(note)
    if (!match) return undefined
    const parsed = parseDecimal(match[1])
    return parsed.ok && parsed.value !== null ? parsed.value : undefined
  }
  const before = figure('實施前')
  const after = figure('實施後')
  const reduction = figure('削減經費')
  return before && after && reduction ? {before, after, reduction} : undefined
}

export function runChecks(meta: ReferenceMeta, rows: readonly ReferenceRow[]): ReferenceCheck[] {
  const summary = meta.jointUseSummary
  const reduction = new Dec(summary.reduction)
  const jointUse = sumOf(rows, 'joint-use', (row) => row.costReductionThousandYen)
  const difference = new Dec(summary.before).minus(summary.after)
  const shown = (value: Dec | string) => groupDigits(canonical(new Dec(value)))
  const checks: ReferenceCheck[] = [
    {
      id: 'joint-use-rows-sum',
      description: `joint-use rows (＊共同利用化的效果) sum to the summary's 削減經費 ${shown(reduction)}`,
      expected: canonical(reduction),
      actual: canonical(jointUse),
      ok: jointUse.equals(reduction),
    },
    {
      id: 'summary-before-minus-after',
      description: `實施前 ${shown(summary.before)} − 實施後 ${shown(summary.after)} = 削減經費 ${shown(reduction)}`,
      expected: canonical(reduction),
      actual: canonical(difference),
      ok: difference.equals(reduction),
    },
  ]
  const summaryRows = rows.filter((row) => row.kind === 'joint-use-summary')
  const stated = summaryRows.length === 1 && summaryRows[0].note !== null ? summaryFiguresInText(summaryRows[0].note) : undefined
  const expectedText = `${summary.before}/${summary.after}/${summary.reduction}`
  const actualText = stated
    ? `${stated.before}/${stated.after}/${stated.reduction}`
    : `${summaryRows.length} summary row(s) with readable figures: none`
  checks.push({
    id: 'summary-text-matches-metadata',
    description: 'the 共同利用系統 row states the same 實施前/實施後/削減經費 as the metadata',
    expected: expectedText,
    actual: actualText,
    ok: expectedText === actualText,
  })
  const jointUseRows = rows.filter((row) => row.kind === 'joint-use').length
  checks.push({
    id: 'joint-use-row-per-business',
    description: `one joint-use row for each of the ${summary.businesses.length} businesses the summary totals (${summary.businesses.join('、')})`,
    expected: String(summary.businesses.length),
    actual: String(jointUseRows),
    ok: jointUseRows === summary.businesses.length,
  })
  return checks
}

/* ---------- groupings ---------- */

export interface MinistryGroup {
  /** The lead ministry as written, or the implementing ministries; empty for rows naming none. */
  ministries: string[]
  /** Seqs of the area rows in the group, in table order. */
  areaRows: number[]
  totals: Totals
}

function group(rows: readonly ReferenceRow[], keyOf: (area: ReferenceRow) => string[]): MinistryGroup[] {
  const areas = new Map(rows.filter((row) => row.kind === 'area').map((row) => [row.seq, row]))
  const groups = new Map<string, {ministries: string[]; rows: ReferenceRow[]}>()
  for (const row of rows) {
    const owner = row.kind === 'area' ? row : row.kind === 'joint-use' && row.belongsTo !== null ? areas.get(row.belongsTo) : undefined
    if (!owner) continue
    const ministries = keyOf(owner)
    const key = ministries.join('\u0000')
    let entry = groups.get(key)
    if (!entry) groups.set(key, (entry = {ministries, rows: []}))
    entry.rows.push(row)
  }
  return [...groups.values()].map((entry) => ({
    ministries: entry.ministries,
    areaRows: entry.rows.filter((row) => row.kind === 'area').map((row) => row.seq),
    totals: computeTotals(entry.rows),
  }))
}

/**
 * Area rows (with their joint-use rows) grouped by lead ministry, in order of
 * first appearance; a lead written as one cell (人事院‧總務省) is one group.
 * The groups partition the area and joint-use rows, so their totals add up
 * to the grand totals. The joint-use summary row belongs to no group.
 */
export function byLeadMinistry(table: ReferenceTable): MinistryGroup[] {
  return group(table.rows, (row) => [row.leadMinistry])
}

/**
 * Area rows (with their joint-use rows) grouped by the implementing
 * ministries named in parentheses before the area name. A row naming two
 * (（內閣官房）（內閣府）內閣府LAN) is one group of both, so nothing is counted
 * twice; rows naming none form one group with an empty list. The groups
 * add up to the grand totals.
 */
export function byImplementingMinistry(table: ReferenceTable): MinistryGroup[] {
  const groups = group(table.rows, (row) => row.implementingMinistries)
  return [...groups.filter((entry) => entry.ministries.length > 0), ...groups.filter((entry) => entry.ministries.length === 0)]
}

export interface AreaLine {
  seq: number
  leadMinistry: string
  implementingMinistries: string[]
  area: string
  costReductionThousandYen: string | null
  costYear: number | null
  /** Sum of the joint-use rows belonging to this area row; null when it has none. */
  jointUseThousandYen: string | null
  jointUseRows: number[]
  hoursReduction: string | null
  hoursYear: number | null
}

/** One line per area row, with the joint-use rows that belong to it attached. */
export function byArea(table: ReferenceTable): AreaLine[] {
  return table.rows
    .filter((row) => row.kind === 'area')
    .map((row) => {
      const jointUse = table.rows.filter((other) => other.kind === 'joint-use' && other.belongsTo === row.seq)
      const amounts = jointUse.map((other) => other.costReductionThousandYen).filter((value): value is string => value !== null)
      return {
        seq: row.seq,
        leadMinistry: row.leadMinistry,
        implementingMinistries: row.implementingMinistries,
        area: row.area,
        costReductionThousandYen: row.costReductionThousandYen,
        costYear: row.costYear,
        jointUseThousandYen: amounts.length > 0 ? canonical(sum(amounts)) : null,
        jointUseRows: jointUse.map((other) => other.seq),
        hoursReduction: row.hoursReduction,
        hoursYear: row.hoursYear,
      }
    })
}

/* ---------- the --json contract ---------- */

/** One row as `--json` gives it. */
export function rowJson(row: ReferenceRow) {
  return {
    seq: row.seq,
    kind: row.kind,
    leadMinistry: row.leadMinistry,
    implementingMinistries: row.implementingMinistries,
    area: row.area,
    costReductionThousandYen: row.costReductionThousandYen,
    costYear: row.costYear,
    hoursReduction: row.hoursReduction,
    hoursYear: row.hoursYear,
    note: row.note,
    belongsTo: row.belongsTo,
  }
}

export function totalsJson(rows: readonly ReferenceRow[]) {
  return {...computeTotals(rows), units: TOTALS_UNITS, basis: TOTALS_BASIS}
}
