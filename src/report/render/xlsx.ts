import type {Worksheet} from 'exceljs'

import {labelsFor} from '../../domain/labels/index.js'
import {Dec} from '../../domain/money.js'
import {displayWidth} from '../../reference/tables.js'
import type {Cell, ColumnKind, ReportColumn, ReportDocument, ReportTable} from '../model.js'
import {columnHeader, documentTables, exactNumber, isDecimal, totalsRows} from './csv.js'
import type {Renderer} from './types.js'

/**
 * XLSX: `report.xlsx`, one sheet per table (named by table id), then an
 * "Assumptions" sheet (the tables of the assumptions section: the
 * assumptions register and the parameters) and a "Provenance" sheet.
 *
 * The money rule: every money cell is stored as a number in THOUSANDS of the
 * currency — the base-unit decimal of the document divided by 1000, exactly
 * (thousands columns are already in thousands) — with the number format
 * `#,##0` and a header naming the unit (千円 for JPY in Japanese, "thousand
 * yen" in English). One unit for every money figure of the workbook, as in
 * the 2009 table. The format rounds only what is shown; the stored value is
 * the exact figure, so value × 1000 is the JSON figure. A value that a
 * binary number cannot hold exactly (more than 15 significant digits) is
 * stored as text rather than rounded.
 *
 * Hours, counts and FTE are numbers too; years are numbers without digit
 * grouping. The header row is frozen and bold, totals rows are bold under a
 * rule, and column widths count CJK characters as two.
 */
export const renderXlsx: Renderer = async (document) => {
  const {default: ExcelJS} = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  workbook.creator = document.provenance ? `kasumi ${document.provenance.kasumi}` : 'kasumi'
  workbook.title = document.title
  if (document.subtitle) workbook.subject = document.subtitle
  const created = document.provenance ? new Date(document.provenance.createdAt) : undefined
  if (created && !Number.isNaN(created.getTime())) {
    workbook.created = created
    workbook.modified = created
  }
  const names = new SheetNames()
  const assumptionTables: ReportTable[] = []
  for (const {table, id, section} of documentTables(document)) {
    if (section === ASSUMPTIONS_SECTION) {
      assumptionTables.push(table)
      continue
    }
    tableSheet(workbook.addWorksheet(names.take(id)), table, document)
  }
  if (assumptionTables.length > 0) stackedSheet(workbook.addWorksheet(ASSUMPTIONS_SHEET), assumptionTables, document)
  provenanceSheet(workbook.addWorksheet(PROVENANCE_SHEET), document)
  return [{path: 'report.xlsx', content: Buffer.from(await workbook.xlsx.writeBuffer())}]
}

export const ASSUMPTIONS_SECTION = 'assumptions'
export const ASSUMPTIONS_SHEET = 'Assumptions'
export const PROVENANCE_SHEET = 'Provenance'

/** Number formats by column kind. */
export const NUMBER_FORMATS: Record<Exclude<ColumnKind, 'text'>, string> = {
  money: '#,##0',
  thousands: '#,##0',
  hours: '#,##0',
  count: '#,##0',
  fte: '#,##0.0',
  year: '0',
  ratio: '0.000',
  percent: '0.0',
}

type Doc = Pick<ReportDocument, 'lang' | 'currency'>

/** A cell as the workbook stores it: numbers for number columns (money in thousands), text otherwise. */
export function xlsxValue(kind: ColumnKind, value: Cell | undefined): string | number | null {
  if (value === null || value === undefined) return null
  if (kind === 'text') return String(value)
  if (typeof value === 'number' && kind !== 'money') return value
  const text = String(value)
  if (!isDecimal(text)) return text
  const exact = kind === 'money' ? new Dec(text).dividedBy(1000) : new Dec(text)
  return exactNumber(exact) ?? exact.toFixed()
}

const BOLD = {bold: true}
const HEADER_FILL = {type: 'pattern' as const, pattern: 'solid' as const, fgColor: {argb: 'FFE8EEF4'}}
const RULE = {top: {style: 'thin' as const}}
const MIN_WIDTH = 8
const MAX_WIDTH = 60
/** A long header wraps rather than widening its column past this. */
const HEADER_WRAP = 24

function tableSheet(sheet: Worksheet, table: ReportTable, document: Doc): void {
  const widths = new Widths(table.columns.length)
  const header = sheet.addRow(table.columns.map((column) => columnHeader(column, document.currency, document.lang, 'xlsx')))
  styleHeader(header, table.columns, widths)
  for (const row of table.rows) addDataRow(sheet, table.columns, row, widths)
  const totals = totalsRows(table, document.lang)
  totals.forEach((row, index) => {
    const added = addDataRow(sheet, table.columns, row, widths)
    added.font = BOLD
    if (index === 0) added.eachCell({includeEmpty: true}, (cell) => (cell.border = RULE))
  })
  if (table.note) {
    sheet.addRow([])
    sheet.addRow([table.note]).font = {italic: true}
  }
  sheet.views = [{state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2'}]
  sheet.headerFooter.oddHeader = `&L${escapeHeader(table.title)}`
  widths.apply(sheet)
}

/** Several tables one under another, each under its title: the Assumptions sheet. */
function stackedSheet(sheet: Worksheet, tables: readonly ReportTable[], document: Doc): void {
  const widths = new Widths(Math.max(...tables.map((table) => table.columns.length)))
  tables.forEach((table, index) => {
    if (index > 0) sheet.addRow([])
    sheet.addRow([table.title]).font = {bold: true, size: 12}
    styleHeader(sheet.addRow(table.columns.map((column) => columnHeader(column, document.currency, document.lang, 'xlsx'))), table.columns, widths)
    for (const row of table.rows) addDataRow(sheet, table.columns, row, widths)
    for (const row of totalsRows(table, document.lang)) addDataRow(sheet, table.columns, row, widths).font = BOLD
    if (table.note) sheet.addRow([table.note]).font = {italic: true}
  })
  widths.apply(sheet)
}

function provenanceSheet(sheet: Worksheet, document: ReportDocument): void {
  const text = labelsFor(document.lang).xlsx
  const widths = new Widths(4)
  const pairs: Array<[string, string]> = [[text.report, document.title], ...(document.subtitle ? [['', document.subtitle] as [string, string]] : [])]
  const provenance = document.provenance
  if (provenance) {
    pairs.push(['kasumi', provenance.kasumi], [text.created, provenance.createdAt], [text.command, provenance.command])
  } else {
    pairs.push(['', text.none])
  }
  for (const [key, value] of pairs) {
    const row = sheet.addRow([key, value])
    row.getCell(1).font = BOLD
    widths.measure(0, key)
    widths.measure(1, value)
  }
  if (provenance && provenance.inputs.length > 0) {
    sheet.addRow([])
    const head = [text.role, text.file, 'SHA-256', text.rows]
    const header = sheet.addRow(head)
    header.font = BOLD
    header.eachCell((cell) => (cell.fill = HEADER_FILL))
    head.forEach((text, index) => widths.measure(index, text))
    for (const input of provenance.inputs) {
      const values = [input.role, input.file, input.sha256, input.rows ?? null]
      const row = sheet.addRow(values)
      row.getCell(4).numFmt = NUMBER_FORMATS.count
      values.forEach((value, index) => widths.measure(index, value === null ? '' : index === 3 ? Number(value).toLocaleString('en') : String(value)))
    }
  }
  widths.apply(sheet)
}

function styleHeader(row: ReturnType<Worksheet['addRow']>, columns: readonly ReportColumn[], widths: Widths): void {
  row.font = BOLD
  row.alignment = {vertical: 'top', wrapText: true}
  row.eachCell({includeEmpty: true}, (cell, number) => {
    cell.fill = HEADER_FILL
    const text = String(cell.value ?? '')
    widths.measure(number - 1, text, HEADER_WRAP)
  })
  columns.forEach((column, index) => {
    if (column.kind !== 'text') row.getCell(index + 1).alignment = {vertical: 'top', wrapText: true, horizontal: 'right'}
  })
}

function addDataRow(
  sheet: Worksheet,
  columns: readonly ReportColumn[],
  record: Record<string, Cell>,
  widths: Widths,
): ReturnType<Worksheet['addRow']> {
  const values = columns.map((column) => xlsxValue(column.kind, record[column.key]))
  const row = sheet.addRow(values)
  columns.forEach((column, index) => {
    const value = values[index]
    if (column.kind !== 'text' && typeof value === 'number') row.getCell(index + 1).numFmt = NUMBER_FORMATS[column.kind]
    widths.measure(index, value === null ? '' : typeof value === 'number' ? shown(column.kind, value) : value)
  })
  return row
}

/** Roughly what a number format shows, for the column width. */
function shown(kind: ColumnKind, value: number): string {
  if (kind === 'year' || kind === 'text') return String(value)
  const decimals = kind === 'fte' || kind === 'percent' ? 1 : kind === 'ratio' ? 3 : 0
  return value.toLocaleString('en', {minimumFractionDigits: decimals, maximumFractionDigits: decimals})
}

class Widths {
  private readonly widths: number[]

  constructor(columns: number) {
    this.widths = Array.from({length: columns}, () => 0)
  }

  /** Widens a column to fit a text (of several lines: its widest line), to at most `cap`. */
  measure(index: number, text: string, cap = Number.POSITIVE_INFINITY): void {
    const width = Math.max(...text.split('\n').map((line) => displayWidth(line)))
    this.widths[index] = Math.max(this.widths[index] ?? 0, Math.min(width, cap))
  }

  apply(sheet: Worksheet): void {
    this.widths.forEach((width, index) => {
      sheet.getColumn(index + 1).width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width + 2))
    })
  }
}

/**
 * Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique
 * regardless of case; the Assumptions and Provenance names are kept for their sheets.
 */
export class SheetNames {
  private readonly used = new Set<string>([ASSUMPTIONS_SHEET.toLowerCase(), PROVENANCE_SHEET.toLowerCase()])

  take(wanted: string): string {
    const base =
      wanted
        .replace(/[:\\/?*[\]]/g, '-')
        .replace(/^'+|'+$/g, '')
        .slice(0, 31) || 'Sheet'
    let name = base
    for (let n = 2; this.used.has(name.toLowerCase()); n++) {
      const suffix = `~${n}`
      name = `${base.slice(0, 31 - suffix.length)}${suffix}`
    }
    this.used.add(name.toLowerCase())
    return name
  }
}

function escapeHeader(text: string): string {
  return text.replace(/&/g, '&&')
}
