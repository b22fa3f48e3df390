import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGunzip} from 'node:zlib'

import {parse, type CsvError} from 'csv-parse'

import type {InputIssue} from '../../domain/errors.js'
import {MAX_RECORD_SIZE} from '../csv.js'
import {READ_COLUMNS, type ReadColumn} from './spec.js'

export const FOCUS_FORMATS = ['csv', 'csv.gz', 'parquet'] as const
export type FocusFormat = (typeof FOCUS_FORMATS)[number]

/** The container of a FOCUS file, by its name and, for Parquet, its magic bytes. */
export async function focusFormat(file: string): Promise<FocusFormat> {
  const lower = file.toLowerCase()
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet'
  if (lower.endsWith('.gz')) return 'csv.gz'
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(4)
    const {bytesRead} = await handle.read(head, 0, 4, 0)
    if (bytesRead === 4 && head.toString('latin1') === 'PAR1') return 'parquet'
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'csv.gz'
  } finally {
    await handle.close()
  }
  return 'csv'
}

/** Where a row is: a CSV line, or a Parquet row (1 = the first data row). */
export interface RowPlace {
  line?: number
  row?: number
}

export interface FocusRowSink {
  /** The file's column names; returns false to stop (a bad header). */
  header(columns: string[]): boolean
  /**
   * One data row: values in READ_COLUMNS order, undefined where the file has
   * no such column, null where the cell is empty. The array is reused: read it, do not keep it.
   */
  row(values: unknown[], place: RowPlace): void
  /** True once reading should stop. */
  stop(): boolean
}

export interface SourceResult {
  rows: number
  /** Problems with the file as a container: CSV structure, gzip data, Parquet footer and pages. */
  structural: InputIssue[]
}

/** The header's column for each column kasumi reads, or -1. */
function columnMap(columns: readonly string[]): number[] {
  const trimmed = columns.map((name) => name.trim().replace(/^\uFEFF/, ''))
  return READ_COLUMNS.map((name) => trimmed.indexOf(name))
}

/** Reads a CSV or gzip'd CSV file record by record, streaming: memory stays flat whatever the file's size. */
export async function readFocusCsv(file: string, gzip: boolean, sink: FocusRowSink): Promise<SourceResult> {
  const structural: InputIssue[] = []
  let header: string[] | undefined
  let map: number[] = []
  let rows = 0
  let stopped = false
  const values: unknown[] = new Array(READ_COLUMNS.length)
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_SIZE,
    on_record(record: string[], context) {
      if (stopped) return null
      const line = context.lines
      if (header === undefined) {
        header = record
        map = columnMap(record)
        if (!sink.header(record)) stopped = true
        return null
      }
      rows++
      for (let index = 0; index < map.length; index++) {
        const at = map[index]
        values[index] = at < 0 ? undefined : record[at] === '' ? null : record[at]
      }
      sink.row(values, {line})
      if (sink.stop()) stopped = true
      return null
    },
  })
  const input = createReadStream(file, {highWaterMark: 256 * 1024})
  const discard = new Writable({objectMode: true, write: (_chunk, _encoding, done) => done()})
  try {
    if (gzip) await pipeline(input, createGunzip(), parser, discard)
    else await pipeline(input, parser, discard)
  } catch (error) {
    structural.push(csvProblem(file, error as Error & {code?: string}, header ?? []))
  }
  if (header === undefined && structural.length === 0)
    structural.push({file, message: 'the file is empty: no header row', hint: 'a FOCUS export starts with a header of column IDs'})
  return {rows, structural}
}

function csvProblem(file: string, error: Error & {code?: string}, header: readonly string[]): InputIssue {
  const code = error.code ?? ''
  if (code.startsWith('Z_') || (/unexpected end of file|incorrect header check|invalid/i.test(error.message) && !code.startsWith('CSV_')))
    return {
      file,
      message: `the gzip data is damaged or cut short (${error.message})`,
      hint: 'download the export again; a .csv.gz file must be a whole gzip archive of CSV text',
    }
  const {lines: line, index} = error as unknown as {lines?: number; index?: number}
  const column = index === undefined ? undefined : (header[index] ?? String(index + 1))
  switch (code as CsvError['code'] | string) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return {
        file,
        line,
        message: 'the record has another number of fields than the header',
        hint: 'the line may be cut short, or a cell holds an unquoted comma',
      }
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        file,
        line,
        column,
        message: 'a quoted cell is never closed: the file is cut short or a quote is missing',
        hint: 'download the export again',
      }
    case 'CSV_MAX_RECORD_SIZE':
      return {file, line, message: 'a record longer than 1 MiB: the file is not CSV, or a quote is never closed'}
    default:
      return {file, line, column, message: `malformed CSV: ${error.message}`}
  }
}

/* ---------- Parquet ---------- */

interface ParquetElement {
  name: string
  type?: string
  converted_type?: string
  num_children?: number
  logical_type?: {type: string; isAdjustedToUTC?: boolean}
}

/** Plain decimal text for a number read from Parquet (DOUBLE, FLOAT, INT, DECIMAL); never an exponent. */
function numberText(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString()
  const text = String(value)
  if (!/e/i.test(text)) return text
  // 1e-7 → 0.0000001: the shortest decimal that reads back as the same double, written out.
  const [mantissa, exponentText] = text.split(/e/i)
  const exponent = Number(exponentText)
  const negative = mantissa.startsWith('-')
  const [whole, fraction = ''] = (negative ? mantissa.slice(1) : mantissa).split('.')
  const digits = whole + fraction
  const point = whole.length + exponent
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`
  return (negative ? '-' : '') + body
}

/**
 * Reads a Parquet file one row group at a time, only the columns kasumi
 * reads, with hyparquet (pure JavaScript; loaded only here). A corrupt or
 * truncated file is a structural problem, not a crash.
 */
export async function readFocusParquet(file: string, sink: FocusRowSink): Promise<SourceResult> {
  const structural: InputIssue[] = []
  const [{parquetMetadataAsync, parquetRead}, {compressors}] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')])
  const {size} = await stat(file)
  const handle = await open(file, 'r')
  const buffer = {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size)
      const length = Math.max(0, stop - start)
      const bytes = new Uint8Array(new ArrayBuffer(length))
      let read = 0
      while (read < length) {
        const {bytesRead} = await handle.read(bytes, read, length - read, start + read)
        if (bytesRead === 0) break
        read += bytesRead
      }
      return bytes.buffer
    },
  }
  let rows = 0
  try {
    let metadata
    try {
      metadata = await parquetMetadataAsync(buffer)
    } catch (error) {
      structural.push({
        file,
        message: `not a readable Parquet file: ${(error as Error).message}`,
        hint: 'the file is damaged or cut short (a Parquet file ends with its footer and "PAR1"); download the export again',
      })
      return {rows, structural}
    }
    const elements = metadata.schema as unknown as ParquetElement[]
    const top: ParquetElement[] = []
    // The root's direct children are the columns.
    for (let index = 1; index < elements.length;) {
      top.push(elements[index])
      index += 1 + descendants(elements, index)
    }
    const names = top.map((element) => element.name)
    if (!sink.header(names)) return {rows, structural}

    const present = READ_COLUMNS.filter((name) => names.includes(name))
    const positions = READ_COLUMNS.map((name) => present.indexOf(name as ReadColumn))
    const localTime = new Set(
      top
        .filter((element) => element.logical_type?.type === 'TIMESTAMP' && element.logical_type.isAdjustedToUTC === false)
        .map((element) => element.name),
    )
    const values: unknown[] = new Array(READ_COLUMNS.length)
    let groupStart = 0
    for (const group of metadata.row_groups) {
      const count = Number(group.num_rows)
      let groupRows: unknown[][] = []
      try {
        await parquetRead({
          file: buffer,
          metadata,
          columns: present,
          rowStart: groupStart,
          rowEnd: groupStart + count,
          compressors,
          onComplete(data: unknown[][]) {
            groupRows = data
          },
        })
      } catch (error) {
        structural.push({
          file,
          cell: `rows ${(groupStart + 1).toLocaleString('en')}–${(groupStart + count).toLocaleString('en')}`,
          message: `a row group cannot be read: ${(error as Error).message}`,
          hint: 'the file is damaged or cut short; download the export again',
        })
        return {rows, structural}
      }
      for (let index = 0; index < groupRows.length; index++) {
        const data = groupRows[index]
        for (let column = 0; column < positions.length; column++) {
          const at = positions[column]
          if (at < 0) {
            values[column] = undefined
            continue
          }
          const value = data[at]
          if (value === null || value === undefined) values[column] = null
          else if (typeof value === 'string') values[column] = value
          else if (typeof value === 'number' || typeof value === 'bigint') values[column] = numberText(value)
          else if (value instanceof Date)
            values[column] = localTime.has(present[at]) ? `${value.toISOString().slice(0, 19)}` : `${value.toISOString().slice(0, 19)}Z`
          else values[column] = value
        }
        rows++
        sink.row(values, {row: groupStart + index + 1})
        if (sink.stop()) return {rows, structural}
      }
      groupStart += count
    }
  } finally {
    await handle.close()
  }
  return {rows, structural}
}

function descendants(elements: readonly ParquetElement[], index: number): number {
  let count = 0
  for (let child = 0; child < (elements[index].num_children ?? 0); child++) {
    const at = index + 1 + count
    count += 1 + descendants(elements, at)
  }
  return count
}
