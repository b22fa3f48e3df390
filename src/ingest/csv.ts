import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {parse, type CsvError} from 'csv-parse'
import iconv from 'iconv-lite'

import type {InputIssue} from '../domain/errors.js'

export const ENCODINGS = ['auto', 'utf-8', 'shift_jis', 'big5'] as const
export type EncodingOption = (typeof ENCODINGS)[number]

/** iconv-lite names: Shift_JIS as Windows writes it (CP932), Big5 likewise (CP950). */
const ICONV_NAMES: Record<string, string> = {shift_jis: 'cp932', big5: 'cp950', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be'}

export interface CsvSource {
  file: string
  encoding: EncodingOption
}

export interface CsvHandlers {
  /** Called once with the header cells; throw or return issues to stop. */
  header(cells: string[], line: number): void
  /** Called for every data record, synchronously, in file order. */
  record(cells: string[], line: number): void
  /**
   * Called after each chunk of input has been parsed; a returned promise
   * pauses reading until it settles (back-pressure for inserts).
   */
  drain?(): Promise<void> | void
  /** Returns true once the caller has seen enough (e.g. a bad header); reading stops. */
  shouldStop?(): boolean
}

export interface CsvReadResult {
  encoding: string
  bytes: number
  records: number
  /** Structural problems: malformed quotes, wrong field counts, bad bytes, empty file. */
  issues: InputIssue[]
}

const REPLACEMENT = '\uFFFD'

/** Decides the encoding from the BOM, the user's choice, or UTF-8. */
async function detectEncoding(file: string, option: EncodingOption): Promise<{encoding: string; bomLength: number}> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(3)
    const {bytesRead} = await handle.read(head, 0, 3, 0)
    const bytes = head.subarray(0, bytesRead)
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      return {encoding: 'utf-8', bomLength: 3}
    }
    if (option === 'auto' && bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return {encoding: 'utf-16le', bomLength: 2}
    if (option === 'auto' && bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return {encoding: 'utf-16be', bomLength: 2}
    return {encoding: option === 'auto' ? 'utf-8' : option, bomLength: 0}
  } finally {
    await handle.close()
  }
}

function encodingHint(encoding: string, option: EncodingOption): string {
  if (encoding === 'utf-8') {
    return option === 'auto'
      ? 'the file is not valid UTF-8; if it was saved by Excel in Japan pass --encoding shift_jis, in Taiwan --encoding big5'
      : 'the file is not valid UTF-8; try --encoding shift_jis or --encoding big5'
  }
  return `the file is not valid ${encoding}; check --encoding (utf-8, shift_jis or big5)`
}

/**
 * Streams a CSV file through csv-parse, decoding it first, and hands every
 * record to the handlers with its line number. Memory stays flat: nothing but
 * the current chunk is held. Structural problems are returned as issues.
 */
export async function readCsv(source: CsvSource, handlers: CsvHandlers, options: {maxIssues?: number} = {}): Promise<CsvReadResult> {
  const {file} = source
  const maxIssues = options.maxIssues ?? 100
  const issues: InputIssue[] = []
  const {size} = await stat(file)
  const {encoding, bomLength} = await detectEncoding(file, source.encoding)
  const result: CsvReadResult = {encoding, bytes: size, records: 0, issues}

  if (size <= bomLength) {
    issues.push({file, message: 'the file is empty', hint: 'export the sheet again, with a header row and at least one data row'})
    return result
  }

  let expectedFields = -1
  let headerCells: string[] = []
  let badBytesReported = false
  let stopped = false

  /** Every record, from either path, goes through here in file order. */
  const accept = (record: string[], line: number): void => {
    if (stopped || handlers.shouldStop?.()) {
      stopped = true
      return
    }
    if (!badBytesReported) {
      for (let index = 0; index < record.length; index++) {
        if (record[index].includes(REPLACEMENT)) {
          badBytesReported = true
          issues.push({file, line, column: String(index + 1), message: 'bytes that are not text in this encoding', hint: encodingHint(encoding, source.encoding)})
          break
        }
      }
    }
    if (expectedFields < 0) {
      expectedFields = record.length
      headerCells = record
      handlers.header(record, line)
      return
    }
    if (record.length !== expectedFields) {
      const blank = record.length === 1 && record[0].trim() === ''
      if (blank) return
      issues.push({
        file,
        line,
        message: `the record has ${record.length} fields where the header has ${expectedFields}`,
        hint: record.length < expectedFields ? 'the line may be truncated, or a quoted cell may hold a line break by mistake' : 'a cell may hold an unquoted comma',
      })
      if (issues.length >= maxIssues) stopped = true
      return
    }
    result.records++
    handlers.record(record, line)
  }

  // Two paths to the same records. While the text has no quote, no bad bytes and
  // plain LF/CRLF line ends, lines are split directly (most exports look like this,
  // and it is several times faster); from the first chunk that has any of those,
  // csv-parse reads the rest of the file, starting at a line boundary.
  let linesBefore = 0
  let parser: ReturnType<typeof parse> | undefined
  let parseError: CsvError | undefined
  let ended: Promise<void> | undefined
  const startParser = () => {
    const offset = linesBefore
    const csv = parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 1 << 20,
      on_record(record: string[], context) {
        accept(record, offset + context.lines)
        return null
      },
    })
    csv.on('error', (error: CsvError) => {
      ;(error as unknown as {lines?: number}).lines = offset + ((error as unknown as {lines?: number}).lines ?? 0)
      parseError = error
    })
    csv.resume()
    ended = new Promise<void>((resolve) => {
      csv.on('end', resolve)
      csv.on('error', () => resolve())
    })
    return csv
  }

  const fastLines = (text: string): void => {
    let from = 0
    for (;;) {
      const newline = text.indexOf('\n', from)
      if (newline < 0) return
      const end = newline > from && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline
      linesBefore++
      if (end > from) accept(text.slice(from, end).split(','), linesBefore)
      if (stopped) return
      from = newline + 1
    }
  }

  const decoder = encoding === 'utf-8' ? undefined : iconv.getDecoder(ICONV_NAMES[encoding] ?? encoding)
  const input = createReadStream(file, {start: bomLength, highWaterMark: 256 * 1024, encoding: decoder ? undefined : 'utf8'})
  let carry = ''
  const feed = (text: string, last: boolean): void => {
    if (parser) {
      parser.write(text)
      return
    }
    const joined = carry + text
    const cut = last ? joined.length : joined.lastIndexOf('\n') + 1
    const complete = joined.slice(0, cut)
    carry = joined.slice(cut)
    const plain = complete.indexOf('"') < 0 && complete.indexOf(REPLACEMENT) < 0 && (complete.length === 0 || complete.indexOf('\n') >= 0 || last)
    if (plain && !(last && complete.length > 0 && !complete.endsWith('\n') && complete.includes('\r'))) {
      fastLines(last && complete.length > 0 && !complete.endsWith('\n') ? `${complete}\n` : complete)
      return
    }
    parser = startParser()
    parser.write(complete + carry)
    carry = ''
  }

  for await (const chunk of input) {
    feed(decoder ? decoder.write(chunk as Buffer) : (chunk as string), false)
    if (parseError || stopped) break
    if (handlers.drain) await handlers.drain()
  }
  if (!parseError && !stopped) {
    feed(decoder ? decoder.end() ?? '' : '', true)
    if (parser) {
      parser.end()
      await ended
    }
  } else {
    input.destroy()
  }

  if (parseError) issues.push(csvErrorIssue(file, parseError, headerCells))
  if (!parseError && expectedFields < 0) {
    issues.push({file, message: 'the file has no header row', hint: 'the first line must name the columns'})
  }
  return result
}

function csvErrorIssue(file: string, error: CsvError, header: string[]): InputIssue {
  const {lines: line, index, field} = error as unknown as {lines?: number; index?: number; field?: unknown}
  const column = index === undefined ? undefined : header[index] ? `${index + 1} (${header[index]})` : String(index + 1)
  switch (error.code as string) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return {file, line, column, message: 'a quoted cell is never closed: the file is truncated or a quote is missing', hint: 'check the last lines of the file, or re-export it'}
    // csv-parse names this one without the CSV_ prefix.
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return {file, line, column, value: typeof field === 'string' ? field : undefined, message: 'a quote in the middle of a cell', hint: 'inside a quoted cell write a quote twice (""), or quote the whole cell'}
    case 'CSV_MAX_RECORD_SIZE':
      return {file, line, message: 'a record longer than 1 MiB: the file is probably not CSV, or a quote is never closed'}
    default:
      return {file, line, message: `malformed CSV: ${error.message}`}
  }
}
