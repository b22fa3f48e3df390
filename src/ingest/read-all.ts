import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import type {EncodingOption} from './csv.js'
import {readSheet} from './sheet.js'
import {RowReader, resolveHeader, unknownColumnIssues, type FieldSpec} from './table.js'
import {locateIssues} from './workbook/field-table.js'

/**
 * Reads a small, whole table into memory with the ingestion rules of user
 * files (encodings, header aliases, value parsers, located issues): a CSV
 * file, or a sheet of a workbook (the header found by the fields, as for the
 * register's sheets). `build` turns one row into a record or returns
 * undefined after `row.fail`.
 */
export async function readAll<R>(
  file: string,
  fields: readonly FieldSpec[],
  build: (row: RowReader) => R | undefined,
  options: {encoding?: EncodingOption; calendar?: Calendar; allowUnknownColumns?: boolean; sheet?: string; what?: string} = {},
): Promise<Array<{line: number; record: R}>> {
  const issues: InputIssue[] = []
  const records: Array<{line: number; record: R}> = []
  let row: RowReader | undefined
  const result = await readSheet(
    file,
    {
      header(cells, line) {
        const header = resolveHeader(file, line, cells, fields)
        issues.push(...header.issues)
        if (!options.allowUnknownColumns) {
          issues.push(...unknownColumnIssues(file, line, header.unknown, 'unknown column', undefined))
        }
        row = new RowReader(file, header.columns, issues, fields)
      },
      record(cells, line) {
        if (!row || issues.length > 0) return
        const record = build(row.reset(cells, line))
        if (record !== undefined) records.push({line, record})
      },
      issue(issue) {
        issues.push(issue)
      },
    },
    {encoding: options.encoding ?? 'auto', fields, sheet: options.sheet, what: options.what ?? 'this table'},
  )
  const all = [...result.issues, ...issues]
  if (result.workbook) locateIssues(all, result.workbook.sheet)
  if (all.length > 0) throw new InvalidInputError(`${file}: ${all.length} problem${all.length === 1 ? '' : 's'} found`, all)
  return records
}
