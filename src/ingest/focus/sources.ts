import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {createGunzip} from 'node:zlib'

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
  /** Columns the rows are not read for (they stay undefined): a columnar reader need not decode them. */
  unused?: ReadonlySet<ReadColumn>
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

/** A problem with the CSV text itself, at a line. */
export class CsvTextError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly hint?: string,
  ) {
    super(message)
  }
}

/**
 * Splits CSV text (RFC 4180: commas, double quotes, "" inside quotes, line
 * breaks inside quoted cells, LF or CRLF) into records, a chunk at a time.
 * A line without a quote is split directly; a quoted line is walked cell by
 * cell. Returns how much of `text` it used: the rest is an unfinished record.
 */
export class CsvSplitter {
  /** The line the next record starts on. */
  line = 1

  constructor(private readonly onRecord: (cells: string[], line: number) => boolean) {}

  feed(text: string, last: boolean): number {
    let from = 0
    const length = text.length
    while (from < length) {
      let newline = text.indexOf('\n', from)
      if (newline < 0) {
        if (!last) return from
        newline = length
      }
      const end = newline > from && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline
      const quote = text.indexOf('"', from)
      if (quote < 0 || quote >= end) {
        const startLine = this.line
        this.line++
        if (end > from && !this.onRecord(text.slice(from, end).split(','), startLine)) return length
        from = newline + 1
        continue
      }
      const record = this.quoted(text, from, last)
      if (record === undefined) return from
      if (!this.onRecord(record.cells, record.line)) return length
      from = record.next
    }
    return length
  }

  /** One record that holds a quote, from `from`; undefined when the text ends inside it. */
  private quoted(text: string, from: number, last: boolean): {cells: string[]; next: number; line: number} | undefined {
    const cells: string[] = []
    const startLine = this.line
    let lines = 0
    let at = from
    const length = text.length
    for (;;) {
      if (text.charCodeAt(at) === 34) {
        let value = ''
        let scan = at + 1
        for (;;) {
          const close = text.indexOf('"', scan)
          if (close < 0) {
            if (last)
              throw new CsvTextError(
                'a quoted cell is never closed: the file is cut short or a quote is missing',
                startLine,
                'download the export again',
              )
            return undefined
          }
          if (close + 1 >= length && !last) return undefined
          if (text.charCodeAt(close + 1) === 34) {
            value += text.slice(scan, close + 1)
            scan = close + 2
            continue
          }
          value += text.slice(scan, close)
          at = close + 1
          break
        }
        lines += countLines(value)
        cells.push(value)
      } else {
        let comma = text.indexOf(',', at)
        let newline = text.indexOf('\n', at)
        if (newline < 0) {
          if (!last) return undefined
          newline = length
        }
        if (comma < 0 || comma > newline) comma = -1
        const stop = comma < 0 ? newline : comma
        let cellEnd = stop
        if (comma < 0 && cellEnd > at && text.charCodeAt(cellEnd - 1) === 13) cellEnd--
        const cell = text.slice(at, cellEnd)
        if (cell.includes('"'))
          throw new CsvTextError(
            'a quote in the middle of a cell',
            startLine + lines,
            'inside a quoted cell write a quote twice (""), or quote the whole cell',
          )
        cells.push(cell)
        at = stop
      }
      const next = text.charCodeAt(at)
      if (next === 44) {
        at++
        continue
      }
      if (at >= length) {
        if (!last) return undefined
        this.line += lines + 1
        return {cells, next: length, line: startLine}
      }
      if (next === 13 && text.charCodeAt(at + 1) === 10) at++
      else if (next === 13 && at + 1 >= length && !last) return undefined
      if (text.charCodeAt(at) !== 10 && text.charCodeAt(at) !== 13)
        throw new CsvTextError(
          'a quote in the middle of a cell',
          startLine + lines,
          'a quoted cell ends at its closing quote: put the comma right after it',
        )
      this.line += lines + 1
      return {cells, next: at + 1, line: startLine}
    }
  }
}

function countLines(text: string): number {
  let count = 0
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++
  return count
}

/** Reads a CSV or gzip'd CSV file record by record, streaming: memory stays flat whatever the file's size. */
export async function readFocusCsv(file: string, gzip: boolean, sink: FocusRowSink): Promise<SourceResult> {
  const structural: InputIssue[] = []
  let header: string[] | undefined
  let width = 0
  let map: number[] = []
  let rows = 0
  let stopped = false
  const values: unknown[] = new Array(READ_COLUMNS.length)
  const splitter = new CsvSplitter((record, line) => {
    if (header === undefined) {
      header = record
      width = record.length
      map = columnMap(record)
      if (!sink.header(record)) stopped = true
      return !stopped
    }
    if (record.length !== width) {
      if (record.length === 1 && record[0].trim() === '') return true
      throw new CsvTextError(
        `the record has ${record.length} fields where the header has ${width}`,
        line,
        record.length < width ? 'the line may be cut short, or a quoted cell holds a line break by mistake' : 'a cell may hold an unquoted comma',
      )
    }
    rows++
    for (let index = 0; index < map.length; index++) {
      const at = map[index]
      values[index] = at < 0 ? undefined : record[at] === '' ? null : record[at]
    }
    sink.row(values, {line})
    if (sink.stop()) stopped = true
    return !stopped
  })
  const input = createReadStream(file, {highWaterMark: 256 * 1024})
  const text = gzip ? input.pipe(createGunzip()) : input
  text.setEncoding('utf8')
  let carry = ''
  let first = true
  let textSeen = 0
  try {
    try {
      for await (const chunk of text as AsyncIterable<string>) {
        let piece = chunk
        if (first) {
          piece = piece.replace(/^\uFEFF/, '')
          first = false
        }
        // Collect the text already split now and then: V8 collects it late, and a bill may be gigabytes.
        textSeen += piece.length
        if (textSeen > 64 * 1024 * 1024) {
          textSeen = 0
          collect()
        }
        const joined = carry === '' ? piece : carry + piece
        const used = splitter.feed(joined, false)
        carry = joined.slice(used)
        if (carry.length > MAX_RECORD_SIZE)
          throw new CsvTextError('a record longer than 1 MiB: the file is not CSV, or a quote is never closed', splitter.line)
        if (stopped) break
      }
      if (!stopped && carry !== '') splitter.feed(carry, true)
    } finally {
      input.destroy()
    }
  } catch (error) {
    if (error instanceof CsvTextError) structural.push({file, line: error.line, message: error.message, ...(error.hint ? {hint: error.hint} : {})})
    else structural.push(streamProblem(file, error as Error & {code?: string}))
  }
  if (header === undefined && structural.length === 0)
    structural.push({file, message: 'the file is empty: no header row', hint: 'a FOCUS export starts with a header of column IDs'})
  return {rows, structural}
}

function streamProblem(file: string, error: Error & {code?: string}): InputIssue {
  if ((error.code ?? '').startsWith('Z_') || /unexpected end of file|incorrect header check/i.test(error.message))
    return {
      file,
      message: `the gzip data is damaged or cut short (${error.message})`,
      hint: 'download the export again; a .csv.gz file must be a whole gzip archive of CSV text',
    }
  return {file, message: `the file cannot be read: ${error.message}`}
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
  if (!text.includes('e')) return text
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

    const present = READ_COLUMNS.filter((name) => names.includes(name) && !sink.unused?.has(name))
    // Where each column read goes in the values handed over (READ_COLUMNS order).
    const targets = present.map((name) => READ_COLUMNS.indexOf(name))
    const slot = new Map<string, number>(present.map((name, index) => [name, index]))
    const localTime = present.map((name) =>
      top.some((element) => element.name === name && element.logical_type?.type === 'TIMESTAMP' && element.logical_type.isAdjustedToUTC === false),
    )
    const values: unknown[] = new Array(READ_COLUMNS.length)
    // Timestamps straight to their ISO text (no Date per cell); bills repeat a few hundred instants.
    const instants = new Map<number, string>()
    const instant = (millis: number): string => {
      let text = instants.get(millis)
      if (text === undefined) {
        if (instants.size > 100_000) instants.clear()
        text = `${new Date(millis).toISOString().slice(0, 19)}Z`
        instants.set(millis, text)
      }
      return text
    }
    const parsers = {
      timestampFromMilliseconds: (millis: bigint) => instant(Number(millis)),
      timestampFromMicroseconds: (micros: bigint) => instant(Number(micros / 1000n)),
      timestampFromNanoseconds: (nanos: bigint) => instant(Number(nanos / 1_000_000n)),
    }
    const cell = (value: unknown, local: boolean): unknown => {
      if (value === null || value === undefined) return null
      if (typeof value === 'string') return local ? value.replace(/Z$/, '') : value
      if (typeof value === 'number' || typeof value === 'bigint') return numberText(value)
      if (value instanceof Date) return local ? `${value.toISOString().slice(0, 19)}` : `${value.toISOString().slice(0, 19)}Z`
      return value
    }
    let groupStart = 0
    for (const group of metadata.row_groups) {
      const count = Number(group.num_rows)
      const groupEnd = groupStart + count
      // The decoded columns of the group, as hyparquet hands them over (one or more chunks per column):
      // rows are read from them in place, with no row objects built in between.
      const chunks: Array<Array<{data: ArrayLike<unknown>; start: number; end: number}>> = present.map(() => [])
      try {
        await parquetRead({
          file: buffer,
          metadata,
          columns: present,
          rowStart: groupStart,
          rowEnd: groupEnd,
          compressors,
          parsers,
          onChunk({columnName, columnData, rowStart, rowEnd}) {
            const at = slot.get(columnName)
            if (at !== undefined) chunks[at].push({data: columnData as ArrayLike<unknown>, start: rowStart, end: rowEnd})
          },
        })
        for (const list of chunks) {
          list.sort((a, b) => a.start - b.start)
          let covered = groupStart
          for (const chunk of list) if (chunk.start <= covered) covered = Math.max(covered, chunk.end)
          if (covered < groupEnd) throw new Error(`a column ends at row ${covered.toLocaleString('en')} of ${groupEnd.toLocaleString('en')}`)
        }
      } catch (error) {
        structural.push({
          file,
          cell: `rows ${(groupStart + 1).toLocaleString('en')}–${groupEnd.toLocaleString('en')}`,
          message: `a row group cannot be read: ${(error as Error).message}`,
          hint: 'the file is damaged or cut short; download the export again',
        })
        return {rows, structural}
      }
      // A cursor per column read: the chunk holding the current row. Columns not read stay undefined.
      const which = present.map(() => 0)
      for (let row = groupStart; row < groupEnd; row++) {
        for (let at = 0; at < present.length; at++) {
          const list = chunks[at]
          let chunk = list[which[at]]
          while (row >= chunk.end) chunk = list[++which[at]]
          values[targets[at]] = cell(chunk.data[row - chunk.start], localTime[at])
        }
        rows++
        sink.row(values, {row: row + 1})
        if (sink.stop()) return {rows, structural}
      }
      groupStart += count
      // A row group's decoded columns are garbage now, much of it outside the heap (page buffers),
      // which V8 collects late: collect it before the next group so memory stays at one group.
      collect()
    }
  } finally {
    await handle.close()
  }
  return {rows, structural}
}

let collector: (() => void) | undefined
/** A full garbage collection, where the runtime lets one be asked for. */
function collect(): void {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      collector = runInNewContext('gc') as () => void
    } catch {
      collector = () => {}
    }
  }
  collector()
}

function descendants(elements: readonly ParquetElement[], index: number): number {
  let count = 0
  for (let child = 0; child < (elements[index].num_children ?? 0); child++) {
    const at = index + 1 + count
    count += 1 + descendants(elements, at)
  }
  return count
}
