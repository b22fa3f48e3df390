import {basename, extname} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import {editDistance, matchKey} from '../domain/text-match.js'
import type {EncodingOption} from './csv.js'
import {KINDS, TABLE_KINDS, guessKind, type Kind} from './kinds.js'
import type {StoreFacts} from './read-state.js'
import type {CostRows} from './rows.js'
import {HEADER_UNITS, resolveHeader, type FieldSpec} from './table.js'
import {HEAD_ROWS, closestRow, findHeader, headerNamesUnit, titleUnit, unitName, type HeaderCandidate} from './workbook/layout.js'
import {cellReference} from './workbook/cells.js'
import {isWorkbook, mappingKinds, readWorkbookRows} from './workbook/read.js'
import {openSheetSource} from './workbook/source.js'
import type {SheetRow} from './workbook/stream.js'
import {UNIT_FLAG, type UnitName} from './workbook/options.js'
import type {Mapping} from './mapping.js'

/**
 * `kasumi inventory mapping init`: a mapping proposed from a file's header —
 * known headers and aliases, fuzzy matches with their score, amounts across
 * the columns, unmatched columns — with the questions it cannot decide. The
 * command asks them on a terminal; the rest become `# TODO` lines.
 */

export type ColumnMatch = 'known' | 'fuzzy' | 'amount' | 'total' | 'unmatched'

export interface ProposedColumn {
  index: number
  header: string
  /** The header's cell, e.g. 予算!C3. */
  cell: string
  match: ColumnMatch
  /** kasumi's column name (system_id, amount …) for a known or fuzzy match. */
  field?: string
  /** How close a fuzzy match is, 0–1. */
  score?: number
  /** For an amount across the columns: the fiscal year or spend type it stands for. */
  fiscalYear?: number
  spendType?: string
  /** A person has decided about this column (confirmed a fuzzy match, mapped or ignored an unmatched one). */
  decided?: boolean
}

export interface MappingProposal {
  file: string
  name: string
  kind: Kind
  /** How the kind was chosen. */
  kindSource: '--kind' | 'header' | 'guess'
  sheet: string
  /** Sheets in the file (a CSV file has one). */
  sheets: number
  headerRows: number[]
  columns: ProposedColumn[]
  unit?: {name: UnitName; source: string}
}

export interface MappingQuestion {
  about: 'fuzzy' | 'unmatched' | 'required' | 'unit'
  /** The column (index into `columns`) or the field the question is about. */
  column?: number
  field?: string
  message: string
}

/** A fuzzy match is proposed from this score on. */
export const FUZZY_THRESHOLD = 0.5

export interface ProposeOptions {
  kind?: Kind
  sheet?: string
  encoding: EncodingOption
  calendar: Calendar
  name?: string
}

/** Reads the head of a file (CSV or workbook) and proposes a mapping for one kind. */
export async function proposeMapping(file: string, options: ProposeOptions): Promise<MappingProposal> {
  const source = await openSheetSource(file, isWorkbook(file), options.encoding, 100)
  const sheets = source.info.sheets
  const kinds: readonly Kind[] = options.kind ? [options.kind] : KINDS
  const heads = new Map<string, SheetRow[]>(sheets.map((sheet) => [sheet.name, []]))
  const wanted = options.sheet
  const chosenSheet = wanted
    ? (sheets.find((sheet) => sheet.name === wanted) ?? (/^\d+$/.test(wanted) ? sheets[Number(wanted) - 1] : undefined))
    : undefined
  if (wanted && !chosenSheet)
    throw new InvalidInputError(`${basename(file)}: no sheet ${JSON.stringify(wanted)}`, [
      {
        file,
        value: wanted,
        message: 'the workbook has no sheet of this name or position',
        hint: `its sheets: ${sheets.map((sheet) => sheet.name).join(', ')}`,
      },
    ])
  await source.stream(
    (name) => (chosenSheet ? name === chosenSheet.name : true),
    (name, row) => {
      const head = heads.get(name)!
      if (head.length < HEAD_ROWS && row.cells.some((cell) => cell.text.trim() !== '')) head.push(row)
    },
  )
  if (source.structural.length > 0) throw new InvalidInputError(`${basename(file)}: the file cannot be read`, source.structural)
  // The sheet whose header names the most known columns (or the one asked for).
  let best: {sheet: string; candidate?: HeaderCandidate} | undefined
  for (const sheet of chosenSheet ? [chosenSheet] : sheets) {
    const head = heads.get(sheet.name) ?? []
    const candidate =
      findHeader(file, sheet.name, head, kinds, new Set(), options.calendar) ?? closestRow(file, sheet.name, head, kinds, new Set(), options.calendar)
    if (!best || (candidate?.score ?? 0) > (best.candidate?.score ?? 0)) best = {sheet: sheet.name, candidate}
  }
  const sheet = best!.sheet
  const head = heads.get(sheet) ?? []
  let candidate = best!.candidate
  // No known column at all: the first row with two or more filled cells is taken for the header.
  const headerRow = candidate ? undefined : head.find((row) => row.cells.filter((cell) => cell.text.trim() !== '').length >= 2)
  if (!candidate && !headerRow)
    throw new InvalidInputError(`${basename(file)}: no header row found`, [
      {file, message: `no row of the sheet ${sheet} has two or more filled cells`, hint: 'check the file, or name the sheet with --sheet'},
    ])
  const names = candidate ? candidate.names : headerRow!.cells.map((cell) => cell.text.replace(/\s+/g, ' ').trim())
  const origins = candidate ? candidate.origins : names.map((_, index) => cellReference(sheet, index, headerRow!.row))
  const kind = options.kind ?? candidate?.kind ?? guessKind(names) ?? 'systems'
  const kindSource = options.kind ? '--kind' : candidate ? 'header' : 'guess'
  if (candidate && candidate.kind !== kind) candidate = undefined
  const fields = TABLE_KINDS[kind].fields
  const resolution = candidate?.resolution ?? resolveHeader(file, headerRow!.row, names, fields)
  const columns: ProposedColumn[] = []
  const taken = new Set<string>()
  for (const [key, column] of resolution.columns) {
    if (column.index >= names.length) continue
    taken.add(key)
    columns.push({index: column.index, header: names[column.index], cell: origins[column.index], match: 'known', field: column.field.header})
  }
  const wide = candidate?.wide
  for (const column of wide?.columns ?? [])
    columns.push({
      index: column.index,
      header: names[column.index],
      cell: origins[column.index],
      match: 'amount',
      fiscalYear: column.fiscalYear,
      spendType: column.spendType,
    })
  if (wide?.total !== undefined) columns.push({index: wide.total, header: names[wide.total], cell: origins[wide.total], match: 'total'})
  const placed = new Set(columns.map((column) => column.index))
  names.forEach((name, index) => {
    if (name === '' || placed.has(index)) return
    const fuzzy = fuzzyField(
      name,
      fields.filter((field) => !taken.has(field.key)),
    )
    if (fuzzy && fuzzy.score >= FUZZY_THRESHOLD) {
      taken.add(fuzzy.field.key)
      columns.push({index, header: name, cell: origins[index], match: 'fuzzy', field: fuzzy.field.header, score: fuzzy.score})
    } else columns.push({index, header: name, cell: origins[index], match: 'unmatched'})
  })
  columns.sort((a, b) => a.index - b.index)
  const headerRows = candidate ? candidate.rows : [headerRow!.row]
  const above = head.filter((row) => row.row < headerRows[0])
  const title = titleUnit(sheet, above)
  const amountHeader = columns.find((column) => column.field === 'amount' || column.match === 'amount')
  const headerUnit = amountHeader && headerNamesUnit(amountHeader.header) ? unitOf(amountHeader.header) : undefined
  const factor = headerUnit ?? title?.factor
  const unit =
    factor !== undefined && unitName(factor) in UNIT_FLAG
      ? {name: unitName(factor) as UnitName, source: headerUnit !== undefined ? `header ${amountHeader!.cell}` : `title ${title!.cell}`}
      : undefined
  return {
    file,
    name: options.name ?? mappingName(file),
    kind,
    kindSource,
    sheet,
    sheets: sheets.length,
    headerRows,
    columns,
    unit,
  }
}

function unitOf(header: string): number | undefined {
  const match = /[(（]([^()（）]+)[)）]$/.exec(header.normalize('NFKC'))
  return match ? HEADER_UNITS[matchKey(match[1])] : undefined
}

/** How close a header is to one of a field's names: 1 − edit distance / length, or the share of a name it contains. */
export function fuzzyField(header: string, fields: readonly FieldSpec[]): {field: FieldSpec; score: number} | undefined {
  const key = matchKey(header.replace(/[(（][^()（）]*[)）]$/, ''))
  if (key === '') return undefined
  let best: {field: FieldSpec; score: number} | undefined
  for (const field of fields) {
    for (const name of [field.key, field.header, ...field.aliases]) {
      const other = matchKey(name)
      if (other === '') continue
      const longer = Math.max(key.length, other.length)
      let score = 1 - editDistance(key, other) / longer
      // A header that holds a name whole (運用経費額 holds 経費) is close, by how much of it the name is.
      const shorter = Math.min(key.length, other.length)
      if (shorter >= 2 && (key.includes(other) || other.includes(key))) score = Math.max(score, 0.5 + (0.5 * shorter) / longer)
      if (!best || score > best.score) best = {field, score: Math.round(score * 100) / 100}
    }
  }
  return best
}

function mappingName(file: string): string {
  const base = basename(file, extname(file))
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return /^[a-z0-9]/.test(base) ? base : 'my-layout'
}

/** What the proposal leaves open: fuzzy matches to confirm, unmatched columns, required fields without a column, the money unit. */
export function openQuestions(proposal: MappingProposal): MappingQuestion[] {
  const questions: MappingQuestion[] = []
  proposal.columns.forEach((column, position) => {
    if (column.decided) return
    if (column.match === 'fuzzy')
      questions.push({
        about: 'fuzzy',
        column: position,
        field: column.field,
        message: `${column.header} (${column.cell}) looks like ${column.field} (score ${column.score!.toFixed(2)}): check it`,
      })
    else if (column.match === 'unmatched')
      questions.push({
        about: 'unmatched',
        column: position,
        message: `${column.header} (${column.cell}) matches no ${proposal.kind} field: it is ignored; map it under columns if it is one`,
      })
  })
  const mapped = new Set(
    proposal.columns.filter((column) => column.field && (column.match !== 'unmatched' || column.decided)).map((column) => column.field),
  )
  const across = proposal.columns.filter((column) => column.match === 'amount')
  if (across.length > 0) mapped.add('amount')
  if (across.length > 0 && across.every((column) => column.fiscalYear !== undefined)) mapped.add('fiscal_year')
  if (across.length > 0) mapped.add('pool')
  for (const field of TABLE_KINDS[proposal.kind].fields) {
    if (!field.required || mapped.has(field.header)) continue
    questions.push({
      about: 'required',
      field: field.header,
      message: `${field.header} is required and no column was found for it: name its column under columns${field.key === 'ministry' ? ', or give defaults.ministry' : ''}`,
    })
  }
  if (!proposal.unit && proposal.kind === 'costs')
    questions.push({about: 'unit', message: 'the money unit: neither a header nor a title names one; say yen, thousand or million'})
  return questions
}

const PLAIN = /^[\p{L}\p{N}][^:#\n'"{}[\],&*!|>%@`]*$/u

/** A YAML scalar: plain where that reads the same, else double-quoted (JSON's quoting is YAML's). */
function scalar(text: string): string {
  return PLAIN.test(text) && text.trim() === text && !/^(true|false|null|yes|no|on|off|~|[\d.+-]+)$/i.test(text) ? text : JSON.stringify(text)
}

/** The proposal as a mapping file: decided parts as keys, open questions as `# TODO` lines beside them. */
export function mappingText(proposal: MappingProposal, schema: string): string {
  const questions = openQuestions(proposal)
  const todo = (filter: (question: MappingQuestion) => boolean, indent = '') =>
    questions.filter(filter).map((question) => `${indent}# TODO: ${question.message}`)
  const lines: string[] = [
    `# yaml-language-server: $schema=${schema}`,
    `# Proposed by kasumi inventory mapping init from ${basename(proposal.file)} (${proposal.sheets > 1 ? `sheet ${proposal.sheet}, ` : ''}header row${proposal.headerRows.length === 2 ? 's' : ''} ${proposal.headerRows.join('–')}).`,
    `# Check it with: kasumi inventory mapping test <this file> ${basename(proposal.file)}`,
    `name: ${proposal.name}`,
  ]
  if (proposal.unit) lines.push(`unit: ${proposal.unit.name} # named by the ${proposal.unit.source}`)
  else {
    lines.push(...todo((question) => question.about === 'unit'))
    lines.push(`unit: yen${proposal.kind === 'costs' ? '' : ' # this kind has no amounts; a mapping states a unit all the same'}`)
  }
  if (proposal.sheets > 1) lines.push(`sheet: ${scalar(proposal.sheet)}`)
  lines.push('header:', `  row: ${proposal.headerRows[0]}`)
  if (proposal.headerRows.length === 2) lines.push('  rows: 2')
  const ignored = proposal.columns.filter((column) => column.match === 'unmatched' && !column.field)
  if (ignored.length > 0) {
    lines.push('ignore:')
    for (const column of ignored) {
      lines.push(...todo((question) => question.column !== undefined && proposal.columns[question.column] === column, '  '))
      lines.push(`  - ${scalar(column.header)}`)
    }
  }
  lines.push(`${proposal.kind}:`, '  columns:')
  const mapped = proposal.columns.filter((column) => column.field && column.match !== 'amount' && column.match !== 'total')
  for (const column of mapped) {
    lines.push(...todo((question) => question.column !== undefined && proposal.columns[question.column] === column, '    '))
    const how =
      column.match === 'known' && !column.decided
        ? 'known header'
        : column.match === 'fuzzy' && !column.decided
          ? `fuzzy match, score ${column.score!.toFixed(2)}`
          : 'chosen'
    lines.push(`    ${column.field}: ${scalar(column.header)} # ${column.cell}, ${how}`)
  }
  lines.push(...todo((question) => question.about === 'required', '    '))
  if (mapped.length === 0) lines.push('    {}')
  const across = proposal.columns.filter((column) => column.match === 'amount')
  if (across.length > 0) {
    lines.push('  amounts:')
    for (const column of across) {
      lines.push(`    - column: ${scalar(column.header)} # ${column.cell}`)
      if (column.fiscalYear !== undefined) lines.push(`      fiscal_year: ${column.fiscalYear}`)
      if (column.spendType !== undefined) lines.push(`      spend_type: ${column.spendType}`)
    }
    const total = proposal.columns.find((column) => column.match === 'total')
    if (total) lines.push(`  total: ${scalar(total.header)} # ${total.cell}, checked against the amounts`)
  }
  return `${lines.join('\n')}\n`
}

/* ---------- mapping test: the first rows as kasumi reads them ---------- */

export interface PreviewKind {
  kind: Kind
  records: number
  head: string[]
  rows: string[][]
}

export interface MappingPreview {
  kinds: PreviewKind[]
  issues: InputIssue[]
  issueCount: number
  warnings: InputIssue[]
  workbook?: {sheet: string; headerRows: number[]; unit?: {name: string; factor: number; source: string}}
  encoding: string
}

const SYSTEM_PREVIEW = ['id', 'ministry', 'name', 'category', 'status', 'business_area', 'physical_servers', 'users', 'first_fy', 'last_fy'] as const
const COST_PREVIEW = ['system_id', 'fiscal_year', 'pool', 'spend_type', 'frequency', 'amount', 'currency', 'note'] as const

/** Reads a file through a mapping, writing nothing, and keeps the first rows of each kind as kasumi would import them. */
export async function previewMapping(
  file: string,
  options: import('./read-state.js').ReadOptions & {mapping: Mapping},
  facts: StoreFacts,
  limit: number,
): Promise<MappingPreview> {
  const preview: MappingPreview = {kinds: [], issues: [], issueCount: 0, warnings: [], encoding: ''}
  let known = facts
  for (const kind of mappingKinds(options.mapping)) {
    const costRows: string[][] = []
    const sink = {
      costs(rows: CostRows, count: number) {
        for (let line = 0; line < count && costRows.length < limit; line++)
          costRows.push(rows.slice(line * 8, line * 8 + 8).map((value) => (value === null ? '' : String(value))))
      },
    }
    const read = await readWorkbookRows(file, {...options, kind}, known, sink)
    preview.encoding = read.encoding
    if (!preview.workbook || read.workbook.unit) preview.workbook = read.workbook
    preview.issues.push(...read.structural, ...read.issues)
    preview.issueCount += read.structural.length + Math.max(read.issueCount, read.issues.length)
    const seen = new Set(preview.warnings.map((warning) => `${warning.cell ?? ''}|${warning.message}`))
    preview.warnings.push(...read.warnings.filter((warning) => !seen.has(`${warning.cell ?? ''}|${warning.message}`)))
    if (kind === 'costs') preview.kinds.push({kind, records: read.records, head: [...COST_PREVIEW], rows: costRows})
    else if (kind === 'systems')
      preview.kinds.push({
        kind,
        records: read.records_.length,
        head: [...SYSTEM_PREVIEW],
        rows: read.records_.slice(0, limit).map(({record}) => {
          const system = record as unknown as Record<string, unknown>
          const byHeader: Record<string, unknown> = {
            id: system.id,
            ministry: system.ministry,
            name: system.name,
            category: system.category,
            status: system.status,
            business_area: system.businessArea,
            physical_servers: system.physicalServers,
            users: system.users,
            first_fy: system.firstYear,
            last_fy: system.lastYear,
          }
          return SYSTEM_PREVIEW.map((header) => (byHeader[header] === null || byHeader[header] === undefined ? '' : String(byHeader[header])))
        }),
      })
    else {
      const head = ['code', 'name_zh', 'name_ja', 'name_en']
      preview.kinds.push({
        kind,
        records: read.records_.length,
        head,
        rows: read.records_.slice(0, limit).map(({record}) => {
          const ministry = record as unknown as Record<string, unknown>
          return [ministry.code, ministry.nameZh, ministry.nameJa, ministry.nameEn].map((value) =>
            value === null || value === undefined ? '' : String(value),
          )
        }),
      })
    }
    if (kind === 'systems' && facts.systemIds !== null)
      known = {
        ...known,
        systemIds: read.issues.length > 0 ? null : [...(known.systemIds ?? []), ...read.records_.map(({record}) => (record as {id: string}).id)],
      }
  }
  return preview
}
