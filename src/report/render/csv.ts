import {Dec} from '../../domain/money.js'
import {UTF8_BOM, neutralise, quoteCell} from '../../format/csv.js'
import {label} from '../i18n.js'
import type {Cell, ColumnKind, ReportColumn, ReportDocument, ReportTable} from '../model.js'
import type {Lang} from '../../domain/lang.js'
import type {Renderer} from './types.js'

/**
 * CSV: one file per table, `csv/<table id>.csv`. UTF-8 (with a byte order
 * mark unless `bom` is false, so that Excel reads CJK text), CRLF, a header
 * row of column labels. Money cells are the exact decimal strings of the
 * document in the currency's base unit (`Savings (JPY)`), thousands cells the
 * exact strings in thousands (`… (thousand JPY)`): no rounding, no digit
 * grouping, so every figure equals the JSON one. Totals rows come last, marked
 * in the first column. Text cells are neutralised against formula injection.
 */
export const renderCsv: Renderer = async (document, context) =>
  documentTables(document).map(({table, id}) => ({
    path: `csv/${fileSafe(id)}.csv`,
    content: `${context.bom ? UTF8_BOM : ''}${tableCsv(table, document)}`,
  }))

export function tableCsv(table: ReportTable, document: Pick<ReportDocument, 'lang' | 'currency'>): string {
  const header = table.columns.map((column) => quoteCell(neutralise(columnHeader(column, document.currency, document.lang, 'csv'))))
  const lines = [header.join(',')]
  for (const row of table.rows) lines.push(csvLine(table.columns, row))
  for (const row of totalsRows(table, document.lang)) lines.push(csvLine(table.columns, row))
  return `${lines.join('\r\n')}\r\n`
}

function csvLine(columns: readonly ReportColumn[], row: Record<string, Cell>): string {
  return columns.map((column) => quoteCell(csvCell(column.kind, row[column.key]))).join(',')
}

function csvCell(kind: ColumnKind, value: Cell | undefined): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  // A number column holds exact decimals; anything else in it (a marker such as "—" or "Total") is text.
  if (kind !== 'text' && isDecimal(text)) return text
  return neutralise(text)
}

/* ---------- shared by the tabular renderers (CSV, XLSX) ---------- */

const DECIMAL = /^-?\d+(\.\d+)?$/

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text)
}

/** Every table of the document in order, each with an id unique in the document. */
export function documentTables(document: ReportDocument): Array<{table: ReportTable; id: string; section: string}> {
  const seen = new Set<string>()
  const out: Array<{table: ReportTable; id: string; section: string}> = []
  for (const section of document.sections) {
    for (const table of section.tables ?? []) {
      let id = table.id
      for (let n = 2; seen.has(id.toLowerCase()); n++) id = `${table.id}-${n}`
      seen.add(id.toLowerCase())
      out.push({table, id, section: section.id})
    }
  }
  return out
}

/** A table id as a file name: path separators and characters Windows forbids become "-". */
export function fileSafe(id: string): string {
  const safe = id.replace(/[\\/:*?"<>|\s]|[^\P{Cc}\u007f-\u009f]/gu, '-').replace(/^\.+/, '')
  return safe || 'table'
}

/** Thousands of a currency, as the document's labels name them (千円 in Japanese for JPY). */
export function thousandsUnit(currency: string, lang: Lang): string {
  return currency === 'JPY' ? label('thousandYen', lang) : `thousand ${currency}`
}

/**
 * A column's header with the unit its values are written in. CSV writes money
 * in the currency's base unit; XLSX writes money in thousands. A label that
 * already names its unit (the builders write "(thousand yen)" into thousands
 * columns) is left as it is.
 */
export function columnHeader(column: ReportColumn, currency: string, lang: Lang, format: 'csv' | 'xlsx'): string {
  if (column.kind === 'money') return withUnit(column.label, format === 'csv' ? currency : thousandsUnit(currency, lang))
  if (column.kind === 'thousands')
    return withUnit(column.label, format === 'csv' ? `thousand ${currency}` : thousandsUnit(currency, lang), thousandsUnit(currency, lang))
  return column.label
}

function withUnit(text: string, unit: string, ...aliases: string[]): string {
  if ([unit, ...aliases].some((name) => text.includes(name))) return text
  return text ? `${text} (${unit})` : unit
}

/**
 * The totals rows of a table, each marked in its first column: a row whose
 * first cell is empty and that names itself nowhere else gets "Total".
 */
export function totalsRows(table: ReportTable, lang: Lang): Array<Record<string, Cell>> {
  const first = table.columns[0]
  if (!first) return table.totals ?? []
  return (table.totals ?? []).map((row) => {
    const cell = row[first.key]
    if (cell !== null && cell !== undefined && String(cell) !== '') return row
    const named = table.columns.some(
      (column) => column.kind === 'text' && row[column.key] !== null && row[column.key] !== undefined && String(row[column.key]) !== '',
    )
    return named ? row : {...row, [first.key]: label('total', lang)}
  })
}

/** A decimal cell as a number, when the number is exactly that decimal; otherwise undefined. */
export function exactNumber(value: Dec): number | undefined {
  const number = value.toNumber()
  return Number.isFinite(number) && new Dec(number).equals(value) ? number : undefined
}
