import {isAscii, isUtf8} from 'node:buffer'
import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import {StringDecoder} from 'node:string_decoder'
import {parse, type CsvError} from 'csv-parse'
import iconv from 'iconv-lite'

import type {InputIssue} from '../domain/errors.js'
import {ECHO_LIMIT, bidiControlNames, hasBidiControls, truncateText} from '../domain/text-safety.js'
import {checkInputFile} from './input-file.js'
import type {EncodingOption} from './encodings.js'
import {columnLabel} from './table.js'

export {ENCODINGS, type EncodingOption} from './encodings.js'

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
  /** Called for a record whose field count differs from the header's (an issue names it; it is not a data record). */
  malformed?(cells: string[], line: number): void
  /**
   * Offered each data record of plain UTF-8 text (valid, without quotes, NUL or bidirectional controls), as its bytes [start, end) before
   * it is split into cells: returns true when it took the record as `record` would have, false to have it split
   * and passed to `record` as usual. With it, such text is read as bytes, without decoding it first.
   */
  plainRecord?(bytes: Buffer, start: number, end: number, line: number): boolean
}

export interface CsvReadResult {
  encoding: string
  bytes: number
  records: number
  /** Structural problems: malformed quotes, wrong field counts, bad bytes, empty file. */
  issues: InputIssue[]
  /** Cells that read but deserve a look: Unicode bidirectional controls. */
  warnings: InputIssue[]
}

const REPLACEMENT = '\uFFFD'

/** How much of the start of a file is looked at to tell text from binary data and to find UTF-16 without a BOM. */
const SNIFF_BYTES = 64 * 1024

/**
 * The longest record kasumi reads, in characters (csv-parse's `max_record_size`
 * on the quoted path, the same limit on the fast path): a longer one is not a
 * table row but a file that is not CSV, or a quote that is never closed.
 */
export const MAX_RECORD_SIZE = 1 << 20

interface Sniffed {
  encoding: string
  bomLength: number
  /** Set when the file is not text kasumi can read: binary data, or UTF-16 without a BOM. */
  issue?: Omit<InputIssue, 'file'>
}

/** Decides the encoding from the BOM, the user's choice, or UTF-8, and looks at the first bytes for binary data. */
async function sniff(file: string, option: EncodingOption): Promise<Sniffed> {
  const handle = await open(file, 'r')
  let bytes: Buffer
  try {
    const head = Buffer.alloc(SNIFF_BYTES)
    const {bytesRead} = await handle.read(head, 0, SNIFF_BYTES, 0)
    bytes = head.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return {encoding: 'utf-8', bomLength: 3, issue: binaryIssue(bytes.subarray(3))}
  }
  if (option === 'auto' && bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return {encoding: 'utf-16le', bomLength: 2}
  if (option === 'auto' && bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return {encoding: 'utf-16be', bomLength: 2}
  return {encoding: option === 'auto' ? 'utf-8' : option, bomLength: 0, issue: binaryIssue(bytes)}
}

/** Signatures of files people pass for a CSV by mistake. */
const SIGNATURES: Array<{bytes: number[]; what: string}> = [
  {bytes: [0x50, 0x4b, 0x03, 0x04], what: 'an Excel workbook (.xlsx) or another ZIP archive'},
  {bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Excel workbook (.xls) or another OLE document'},
  {bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document'},
  {bytes: [0x1f, 0x8b], what: 'a gzip archive'},
]

const SAVE_AS_CSV = 'kasumi reads CSV text: save the table as CSV (in Excel: File › Save As › "CSV UTF-8 (comma delimited)") and import that file'

/**
 * Binary data or UTF-16 without a byte-order mark, from the first bytes of a
 * file: text in UTF-8, Shift_JIS or Big5 never holds a NUL byte, and holds
 * C0 control bytes other than tab, line ends, form feed and escape rarely.
 * UTF-16 text has a NUL in every other byte wherever it holds ASCII (commas,
 * digits, line ends), so NULs standing almost all at odd (or even) offsets
 * mean UTF-16 little- (or big-) endian.
 */
export function binaryIssue(bytes: Uint8Array): Omit<InputIssue, 'file'> | undefined {
  for (const signature of SIGNATURES) {
    if (bytes.length >= signature.bytes.length && signature.bytes.every((byte, index) => bytes[index] === byte)) {
      const hint =
        signature.bytes[0] === 0x50
          ? 'kasumi reads a workbook by its extension: if this is one, name the file .xlsx (or .xlsm, .ods)'
          : signature.bytes[0] === 0xd0
            ? 'kasumi reads a workbook by its extension: if this is one, name the file .xls'
            : SAVE_AS_CSV
      return {line: 1, message: `not a text file: it looks like ${signature.what}`, hint}
    }
  }
  let nulEven = 0
  let nulOdd = 0
  let firstNul = -1
  let controls = 0
  let firstControl = -1
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]
    if (byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c || byte === 0x1b || byte === 0x1a) continue
    if (byte === 0) {
      if (firstNul < 0) firstNul = index
      if (index % 2 === 0) nulEven++
      else nulOdd++
      continue
    }
    if (firstControl < 0) firstControl = index
    controls++
  }
  const nuls = nulEven + nulOdd
  if (nuls > 0) {
    const pairs = Math.floor(bytes.length / 2)
    // In binary data about one byte in 256 is NUL, at either offset; in UTF-16 text most ASCII characters give one.
    const utf16 = (mostly: number, rarely: number) => mostly >= Math.max(Math.min(4, pairs), pairs / 20) && rarely * 10 <= mostly
    if (utf16(nulOdd, nulEven) || utf16(nulEven, nulOdd)) {
      const endian = nulOdd > nulEven ? 'little-endian' : 'big-endian'
      return {
        message: `the file looks like UTF-16 (${endian}) without a byte-order mark`,
        hint:
          'kasumi reads UTF-16 only with a byte-order mark (BOM); save the file as "CSV UTF-8 (comma delimited)", or convert it, e.g. iconv -f UTF-16' +
          (endian === 'little-endian' ? 'LE' : 'BE') +
          ' -t UTF-8',
      }
    }
    return {line: lineAt(bytes, firstNul), message: `not a text file: it holds NUL bytes (the first at byte ${firstNul + 1})`, hint: SAVE_AS_CSV}
  }
  if (controls >= 8 && controls * 100 >= bytes.length) {
    return {
      line: lineAt(bytes, firstControl),
      message: `not a text file: it holds ${controls} control bytes in its first ${bytes.length.toLocaleString('en')} bytes (the first at byte ${firstControl + 1})`,
      hint: SAVE_AS_CSV,
    }
  }
  return undefined
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) line++
  return line
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
export async function readCsv(
  source: CsvSource,
  handlers: CsvHandlers,
  options: {maxIssues?: number; ragged?: boolean} = {},
): Promise<CsvReadResult> {
  const {file} = source
  const maxIssues = options.maxIssues ?? 100
  const issues: InputIssue[] = []
  const {size} = await checkInputFile(file)
  const {encoding, bomLength, issue: notText} = await sniff(file, source.encoding)
  const result: CsvReadResult = {encoding, bytes: size, records: 0, issues, warnings: []}

  if (notText) {
    issues.push({file, ...notText})
    return result
  }

  if (size <= bomLength) {
    issues.push({file, message: 'the file is empty', hint: 'export the sheet again, with a header row and at least one data row'})
    return result
  }

  let expectedFields = -1
  let headerCells: string[] = []
  let badBytesReported = false
  let stopped = false
  // Set from the first chunk of text that holds a NUL or a bidirectional control;
  // only then are the cells of each record looked at for them.
  let nulSeen = false
  let bidiSeen = false
  let bidiCells = 0
  const label = (index: number) => (headerCells[index] === undefined ? String(index + 1) : columnLabel(index, headerCells[index]))

  const checkCells = (record: string[], line: number): void => {
    for (let index = 0; index < record.length; index++) {
      const cell = record[index]
      if (nulSeen && cell.includes('\u0000')) {
        issues.push({
          file,
          line,
          column: label(index),
          message: 'not a text file: a NUL byte in a cell',
          hint: `${SAVE_AS_CSV}; if it is a CSV file, it is damaged`,
        })
        stopped = true
        return
      }
      if (bidiSeen && hasBidiControls(cell)) {
        bidiCells++
        if (bidiCells <= MAX_BIDI_WARNINGS) {
          result.warnings.push({
            file,
            line,
            column: label(index),
            value: truncateText(cell, ECHO_LIMIT),
            message: `Unicode bidirectional controls (${bidiControlNames(cell).join(', ')}): the text may show in another order than it is stored`,
            hint: 'imported as it is; terminals and Markdown show the controls escaped. Remove them unless the text needs them',
            severity: 'warning',
          })
        }
      }
    }
  }

  /** Every record, from either path, goes through here in file order. */
  const accept = (record: string[], line: number): void => {
    if (stopped || handlers.shouldStop?.()) {
      stopped = true
      return
    }
    if (nulSeen || bidiSeen) {
      checkCells(record, line)
      if (stopped) return
    }
    if (!badBytesReported) {
      for (let index = 0; index < record.length; index++) {
        if (record[index].includes(REPLACEMENT)) {
          badBytesReported = true
          issues.push({
            file,
            line,
            column: String(index + 1),
            message: 'bytes that are not text in this encoding',
            hint: encodingHint(encoding, source.encoding),
          })
          break
        }
      }
    }
    // A table read like a sheet (title rows above its header, notes below) has rows of any width: every row is a record.
    if (options.ragged) {
      result.records++
      handlers.record(record, line)
      return
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
      handlers.malformed?.(record, line)
      issues.push({
        file,
        line,
        message: `the record has ${record.length} fields where the header has ${expectedFields}`,
        hint:
          record.length < expectedFields
            ? 'the line may be truncated, or a quoted cell may hold a line break by mistake'
            : 'a cell may hold an unquoted comma',
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
      max_record_size: MAX_RECORD_SIZE,
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
      if (end - from > MAX_RECORD_SIZE) {
        issues.push({file, line: linesBefore, ...RECORD_TOO_LONG})
        stopped = true
        return
      }
      if (end > from) accept(text.slice(from, end).split(','), linesBefore)
      if (stopped) return
      from = newline + 1
    }
  }

  /** A record of the byte path: offered to `plainRecord` when it is a data record, else split like any other. */
  const acceptBytes = (bytes: Buffer, from: number, end: number, line: number): void => {
    if (expectedFields >= 0 && !options.ragged && !stopped && !nulSeen && !bidiSeen && !handlers.shouldStop?.()) {
      if (handlers.plainRecord!(bytes, from, end, line)) {
        result.records++
        return
      }
    }
    accept(bytes.toString('utf8', from, end).split(','), line)
  }

  /** The byte twin of fastLines, for plain UTF-8 text (the same lines, line numbers and limits). */
  const fastByteLines = (bytes: Buffer): void => {
    let from = 0
    for (;;) {
      const newline = bytes.indexOf(10, from)
      if (newline < 0) return
      const end = newline > from && bytes[newline - 1] === 13 ? newline - 1 : newline
      linesBefore++
      if (end - from > MAX_RECORD_SIZE && bytes.toString('utf8', from, end).length > MAX_RECORD_SIZE) {
        issues.push({file, line: linesBefore, ...RECORD_TOO_LONG})
        stopped = true
        return
      }
      if (end > from) acceptBytes(bytes, from, end, linesBefore)
      if (stopped) return
      from = newline + 1
    }
  }

  // UTF-8 text read by a handler of plain records stays bytes while it is valid and plain (no quote, NUL,
  // replacement character or bidirectional control); any other text is decoded (up to a line end, where decoding
  // it alone gives what decoding the stream gives) and read as before.
  const byBytes = encoding === 'utf-8' && handlers.plainRecord !== undefined
  const decoder = encoding === 'utf-8' ? undefined : iconv.getDecoder(ICONV_NAMES[encoding] ?? encoding)
  const input = createReadStream(file, {start: bomLength, highWaterMark: 256 * 1024, encoding: decoder || byBytes ? undefined : 'utf8'})
  let carry = ''
  const feed = (text: string, last: boolean): void => {
    if (!nulSeen && text.indexOf('\u0000') >= 0) nulSeen = true
    if (!bidiSeen && hasBidiControls(text)) bidiSeen = true
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
      // A line that has not ended after this much text is not a record of a table.
      if (!stopped && carry.length > MAX_RECORD_SIZE) {
        issues.push({file, line: linesBefore + 1, ...RECORD_TOO_LONG})
        stopped = true
        carry = ''
      }
      return
    }
    parser = startParser()
    parser.write(complete + carry)
    carry = ''
  }

  // The byte path: bytes after the last line end wait for the next chunk. Text that is not plain is decoded up to its last line end (where decoding it alone gives what decoding the stream gives) and
  // read by the string path; from the switch to csv-parse on, the rest of the file is decoded as a stream.
  let carryBytes = Buffer.alloc(0)
  let streamDecoder: StringDecoder | undefined
  const carryTooLong = (): boolean => carryBytes.length > MAX_RECORD_SIZE && new StringDecoder('utf8').write(carryBytes).length > MAX_RECORD_SIZE
  const feedBytes = (chunk: Buffer, last: boolean): void => {
    const joined = carryBytes.length === 0 ? chunk : Buffer.concat([carryBytes, chunk])
    const cut = last ? joined.length : joined.lastIndexOf(10) + 1
    const complete = joined.subarray(0, cut)
    carryBytes = Buffer.from(joined.subarray(cut))
    const unended = last && cut > 0 && complete[cut - 1] !== 10
    const plainBytes =
      !nulSeen &&
      !bidiSeen &&
      complete.indexOf(0x22) < 0 &&
      complete.indexOf(0) < 0 &&
      (cut === 0 || complete.indexOf(10) >= 0 || last) &&
      (isAscii(complete) || (isUtf8(complete) && complete.indexOf(REPLACEMENT_BYTES) < 0 && !hasBidiBytes(complete)))
    if (plainBytes && !(unended && complete.indexOf(13) >= 0)) {
      fastByteLines(unended ? Buffer.concat([complete, Buffer.from('\n')]) : complete)
    } else {
      const text = complete.toString('utf8')
      if (!nulSeen && text.indexOf('\u0000') >= 0) nulSeen = true
      if (!bidiSeen && hasBidiControls(text)) bidiSeen = true
      const plain = text.indexOf('"') < 0 && text.indexOf(REPLACEMENT) < 0 && (text.length === 0 || text.indexOf('\n') >= 0 || last)
      if (!plain || (unended && text.includes('\r'))) {
        streamDecoder = new StringDecoder('utf8')
        const rest = streamDecoder.write(carryBytes) + (last ? streamDecoder.end() : '')
        carryBytes = Buffer.alloc(0)
        if (!nulSeen && rest.indexOf('\u0000') >= 0) nulSeen = true
        if (!bidiSeen && hasBidiControls(rest)) bidiSeen = true
        parser = startParser()
        parser.write(text + rest)
        return
      }
      fastLines(unended ? `${text}\n` : text)
    }
    // A line that has not ended after this much text is not a record of a table (counted in characters).
    if (!stopped && carryTooLong()) {
      issues.push({file, line: linesBefore + 1, ...RECORD_TOO_LONG})
      stopped = true
      carryBytes = Buffer.alloc(0)
    }
  }

  for await (const chunk of input) {
    if (byBytes && streamDecoder === undefined) feedBytes(chunk as Buffer, false)
    else if (byBytes) feed(streamDecoder!.write(chunk as Buffer), false)
    else feed(decoder ? decoder.write(chunk as Buffer) : (chunk as string), false)
    if (parseError || stopped) break
    if (handlers.drain) await handlers.drain()
  }
  if (!parseError && !stopped) {
    if (byBytes && streamDecoder === undefined) feedBytes(Buffer.alloc(0), true)
    else feed(byBytes ? streamDecoder!.end() : decoder ? (decoder.end() ?? '') : '', true)
    if (parser) {
      parser.end()
      await ended
    }
  } else {
    input.destroy()
  }

  if (parseError) issues.push(csvErrorIssue(file, parseError, headerCells))
  if (bidiCells > MAX_BIDI_WARNINGS) {
    result.warnings.push({
      file,
      message: `… and ${(bidiCells - MAX_BIDI_WARNINGS).toLocaleString('en')} more cells with Unicode bidirectional controls`,
      severity: 'warning',
    })
  }
  if (!parseError && (options.ragged ? result.records === 0 : expectedFields < 0) && issues.length === 0) {
    issues.push({file, message: 'the file has no header row', hint: 'the first line must name the columns'})
  }
  return result
}

/** U+FFFD in UTF-8: in a file, it reads as the mark of bytes that are not text. */
const REPLACEMENT_BYTES = Buffer.from(REPLACEMENT, 'utf8')

/**
 * Whether UTF-8 bytes hold a Unicode bidirectional control (the characters `hasBidiControls` finds: U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
 */
export function hasBidiBytes(bytes: Uint8Array): boolean {
  for (let index = bytes.indexOf(0xd8); index >= 0; index = bytes.indexOf(0xd8, index + 1)) if (bytes[index + 1] === 0x9c) return true
  for (let index = bytes.indexOf(0xe2); index >= 0; index = bytes.indexOf(0xe2, index + 1)) {
    const second = bytes[index + 1]
    const third = bytes[index + 2]
    if (second === 0x80 && (third === 0x8e || third === 0x8f || (third >= 0xaa && third <= 0xae))) return true
    if (second === 0x81 && third >= 0xa6 && third <= 0xa9) return true
  }
  return false
}

/** Warnings about bidirectional controls name the first few cells, then count the rest. */
const MAX_BIDI_WARNINGS = 10

const RECORD_TOO_LONG = {
  message: `a record longer than ${MAX_RECORD_SIZE.toLocaleString('en')} characters (1 MiB): the file is probably not CSV, or a quote is never closed`,
  hint: 'check that the file is the CSV export of a table and that every quoted cell is closed',
}

function csvErrorIssue(file: string, error: CsvError, header: string[]): InputIssue {
  const {lines: line, index, field} = error as unknown as {lines?: number; index?: number; field?: unknown}
  const column = index === undefined ? undefined : header[index] ? columnLabel(index, header[index]) : String(index + 1)
  switch (error.code as string) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        file,
        line,
        column,
        message: 'a quoted cell is never closed: the file is truncated or a quote is missing',
        hint: 'check the last lines of the file, or re-export it',
      }
    // csv-parse names this one without the CSV_ prefix.
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return {
        file,
        line,
        column,
        value: typeof field === 'string' ? truncateText(field, ECHO_LIMIT) : undefined,
        message: 'a quote in the middle of a cell',
        hint: 'inside a quoted cell write a quote twice (""), or quote the whole cell',
      }
    case 'CSV_MAX_RECORD_SIZE':
      return {file, line, ...RECORD_TOO_LONG}
    default:
      return {file, line, message: `malformed CSV: ${error.message}`}
  }
}
