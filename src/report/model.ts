/**
 * A report as data: sections of tables, charts and text, in one language.
 * Builders make it from an estimate or a reference table; renderers (HTML,
 * Markdown, CSV, XLSX, JSON, PNG, PDF) draw it and never compute or query anything.
 */
import type {Lang} from '../domain/lang.js'

/** How a column's values are shown: money values are exact decimal strings in the currency's base unit. */
export type ColumnKind = 'text' | 'money' | 'thousands' | 'hours' | 'fte' | 'year' | 'count' | 'ratio' | 'percent'

export interface ReportColumn {
  key: string
  label: string
  kind: ColumnKind
}

export type Cell = string | number | null

export interface ReportTable {
  /** A stable id: the CSV file name, the XLSX sheet name, the JSON key. */
  id: string
  title: string
  columns: ReportColumn[]
  rows: Array<Record<string, Cell>>
  /** Total rows, drawn after a rule. */
  totals?: Array<Record<string, Cell>>
  note?: string
}

export type ChartKind = 'bar' | 'stacked-bar' | 'grouped-bar' | 'line' | 'horizontal-bar' | 'histogram' | 'tornado'

export interface ChartSeries {
  label: string
  /** Plain numbers for plotting, already in the chart's unit. */
  values: number[]
}

export interface ChartSpec {
  id: string
  kind: ChartKind
  title: string
  labels: string[]
  series: ChartSeries[]
  xTitle?: string
  yTitle?: string
  /** Vertical markers, e.g. the payback year or P10/P50/P90. */
  markers?: Array<{label: string; at: string | number}>
  /** A horizontal reference line, e.g. the peer median. */
  referenceLine?: {label: string; value: number}
}

export interface Section {
  id: string
  title: string
  paragraphs?: string[]
  /** Key figures shown as a list (label, value). */
  figures?: Array<{label: string; value: string}>
  tables?: ReportTable[]
  charts?: ChartSpec[]
}

export interface Provenance {
  kasumi: string
  createdAt: string
  command: string
  inputs: Array<{role: string; file: string; sha256: string; rows?: number}>
}

export interface ReportDocument {
  /** Used for file and folder names. */
  name: string
  title: string
  subtitle?: string
  lang: Lang
  currency: string
  /** The data behind the report, as the JSON renderer writes it (the estimate's contract, or the reference table's). */
  data: unknown
  sections: Section[]
  provenance?: Provenance
}
