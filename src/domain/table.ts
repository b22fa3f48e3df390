/** A table as data: pure builders in each room make these; `renderTable` in src/cli/output.ts draws them. */
export interface TableData {
  head: string[]
  rows: string[][]
  /** Rows drawn after a rule, e.g. totals. */
  footer?: string[][]
  /** Column alignment; numbers are right-aligned. */
  align?: Array<'left' | 'right' | 'center'>
  title?: string
}
