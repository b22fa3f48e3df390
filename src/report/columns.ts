import type {ColumnKind, ReportColumn} from './model.js'

/** One column of a report table: its key in the rows, its heading, how its values are shown. */
export type ColumnSpec = readonly [key: string, label: string, kind: ColumnKind]

/** A report table's columns from `[key, label, kind]` triples, one per column. */
export function defineColumns(...specs: readonly ColumnSpec[]): ReportColumn[] {
  return specs.map(([key, label, kind]) => ({key, label, kind}))
}
