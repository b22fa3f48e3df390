import {createWriteStream} from 'node:fs'
import {rename, rm} from 'node:fs/promises'
import {dirname, join, basename} from 'node:path'
import {once} from 'node:events'
import type {Writable} from 'node:stream'

import type {LifeEventRecord} from '../domain/services.js'
import type {Store} from '../store/open.js'
import type {CostLineChunk, CostLineText} from '../store/register.js'
import {
  costLineTextsOf,
  findCostLine,
  listDocuments,
  listLifeEvents,
  listMinistries,
  listProcedures,
  listSystems,
  streamCostLineChunks,
  streamCostLines,
} from '../store/register.js'
import {UTF8_BOM, csvHeader, csvRow, type CsvColumn} from '../format/csv.js'
import {COST_EXPORT_COLUMNS, MINISTRY_EXPORT_COLUMNS, SYSTEM_EXPORT_COLUMNS} from './columns.js'
import {FACILITY_EXPORT_COLUMNS, facilitiesWithAllMetrics, facilityPeriodRows, latestPeriod} from './facilities.js'
import {DOCUMENT_EXPORT_COLUMNS, LIFE_EVENT_EXPORT_COLUMNS, PROCEDURE_EXPORT_COLUMNS, lifeEventExportRows} from './services.js'

/** The version of the JSON file `kasumi inventory export --format json` writes; bumped on any breaking change. */
const EXPORT_FORMAT_VERSION = 1

export type ExportKind = 'systems' | 'costs' | 'ministries' | 'facilities' | 'procedures' | 'documents' | 'life-events'
export type ExportFormat = 'csv' | 'json'

export interface ExportOptions {
  kind: ExportKind
  format: ExportFormat
  bom: boolean
  /** Facilities in CSV: the reporting period whose figures to write (default: the latest in the store). */
  period?: string
}

/** How many CSV rows go to the output in one write. */
const WRITE_ROWS = 5_000

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain')
}

/** Streams the register to `out` page by page; returns the number of rows. */
export async function exportTo(store: Store, out: Writable, options: ExportOptions): Promise<number> {
  let rows = 0
  const pages = exportPages(store, options.kind, options)
  const columns = COLUMNS[options.kind] as ReadonlyArray<CsvColumn<unknown>>
  if (options.format === 'csv') {
    await write(out, `${options.bom ? UTF8_BOM : ''}${csvHeader(columns)}`)
    const chunks = options.kind === 'costs' && COST_TEXT_COLUMNS ? streamCostLineChunks(store) : undefined
    if (chunks) return rows + (await writeCostChunks(store, out, chunks))
    for await (const page of pages) {
      const lines = options.kind === 'life-events' ? lifeEventExportRows(page as LifeEventRecord[]) : page
      // Written some thousand rows at a time: a page of every system would be one text of tens of megabytes.
      for (let start = 0; start < lines.length; start += WRITE_ROWS) {
        await write(
          out,
          lines
            .slice(start, start + WRITE_ROWS)
            .map((row) => csvRow(columns, row))
            .join(''),
        )
      }
      // A CSV row each: a life event has one per procedure.
      rows += lines.length
    }
  } else {
    await write(out, `{"formatVersion":${EXPORT_FORMAT_VERSION},"kind":${JSON.stringify(options.kind)},"rows":[`)
    for await (const page of pages) {
      const text = page.map((row) => JSON.stringify(stripId(row))).join(',\n')
      await write(out, `${rows > 0 ? ',\n' : '\n'}${text}`)
      rows += page.length
    }
    await write(out, `\n]}\n`)
  }
  return rows
}

/**
 * A cost line's values joined by commas that are already its CSV row: exactly seven commas (so no value holds one),
 * no quote or line break, no value that starts or ends with white space, and no formula start in the text columns
 * (the first and the last, system_id and note). Such a line is what `csvRow` writes for it. The store's texts hold
 * the export columns in their order (checked once below, else every line is written as usual).
 */
const COST_TEXT_COLUMNS =
  COST_EXPORT_COLUMNS.map((column) => `${column.header}${column.text ? ':text' : ''}`).join(',') ===
  'system_id:text,fiscal_year,pool,spend_type,frequency,amount,currency,note:text'
const NOT_PLAIN = /["\r\n]|(?:^|,)\s|\s(?:,|$)|^'*[=+\-@]|,'*[=+\-@][^,]*$/
export function plainCostLine(text: string): boolean {
  let at = -1
  for (let comma = 0; comma < 7; comma++) {
    at = text.indexOf(',', at + 1)
    if (at < 0) return false
  }
  return text.indexOf(',', at + 1) < 0 && !NOT_PLAIN.test(text)
}

const WHITE_SPACE = /\s/
/** Whether a UTF-16 code unit is white space as `\s` has it. */
function whiteSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || (code >= 0x80 && WHITE_SPACE.test(String.fromCharCode(code)))
}

/** Whether the value from `start` to `end` starts with a formula (`'*[=+\-@]`, as NOT_PLAIN has it). */
function formulaStart(text: string, start: number, end: number): boolean {
  let at = start
  while (at < end && text.charCodeAt(at) === 39) at++
  if (at === end) return false
  const code = text.charCodeAt(at)
  return code === 61 || code === 43 || code === 45 || code === 64
}

/**
 * Whether every one of `lines` texts joined by CR LF is plain (what `plainCostLine` says of each), in one pass over
 * the characters: seven commas a line, no quote or line break in a line, no value that starts or ends with white
 * space, no formula start in the first or the last value. A line break inside a text makes more lines than `lines`.
 */
export function plainCostChunk(text: string, lines: number): boolean {
  let ended = 0
  let commas = 0
  let start = 0
  for (let at = 0; at <= text.length; at++) {
    // The end of the text ends the last line.
    const code = at < text.length ? text.charCodeAt(at) : 13
    if (code === 44 || code === 13) {
      if (at > start && (whiteSpace(text.charCodeAt(start)) || whiteSpace(text.charCodeAt(at - 1)))) return false
      if ((commas === 0 || commas === 7) && formulaStart(text, start, at)) return false
      if (code === 44) {
        if (++commas > 7) return false
      } else {
        if (commas !== 7) return false
        if (at < text.length && text.charCodeAt(++at) !== 10) return false
        ended++
        commas = 0
      }
      start = at + 1
    } else if (code === 34 || code === 10) return false
  }
  return ended === lines
}

/**
 * Cost lines as CSV rows from the pages of texts the store builds: a page of plain lines is its own CSV rows;
 * any other page is read again line by line, and a line that is not plain text is read and written as usual.
 */
async function writeCostChunks(store: Store, out: Writable, chunks: Iterable<CostLineChunk>): Promise<number> {
  let rows = 0
  for (const chunk of chunks) {
    if (chunk.text !== null && plainCostChunk(chunk.text, chunk.lines)) {
      await write(out, `${chunk.text}\r\n`)
      rows += chunk.lines
    } else rows += await writeCostTexts(store, out, costLineTextsOf(store, chunk))
  }
  return rows
}

/** Cost lines as CSV rows from the texts the store builds; a line that is not plain text is read and written as usual. */
async function writeCostTexts(store: Store, out: Writable, page: readonly CostLineText[]): Promise<number> {
  let text = ''
  for (const [id, line] of page) {
    if (line !== null && plainCostLine(line)) text += `${line}\r\n`
    else text += csvRow(COST_EXPORT_COLUMNS, (await findCostLine(store, id))!)
  }
  await write(out, text)
  return page.length
}

const COLUMNS = {
  facilities: FACILITY_EXPORT_COLUMNS,
  systems: SYSTEM_EXPORT_COLUMNS,
  costs: COST_EXPORT_COLUMNS,
  ministries: MINISTRY_EXPORT_COLUMNS,
  procedures: PROCEDURE_EXPORT_COLUMNS,
  documents: DOCUMENT_EXPORT_COLUMNS,
  'life-events': LIFE_EVENT_EXPORT_COLUMNS,
}

function stripId(row: unknown): unknown {
  if (row && typeof row === 'object' && 'systemId' in row && 'id' in row) {
    const {id: _id, ...rest} = row as Record<string, unknown>
    return rest
  }
  return row
}

async function* exportPages(store: Store, kind: ExportKind, options: ExportOptions): AsyncGenerator<unknown[]> {
  if (kind === 'facilities') {
    // CSV: the IDC layout, one period; JSON: every facility with the figures of every period.
    if (options.format === 'json') yield await facilitiesWithAllMetrics(store)
    else yield await facilityPeriodRows(store, options.period ?? (await latestPeriod(store)))
  } else if (kind === 'systems') yield await listSystems(store)
  else if (kind === 'ministries') yield await listMinistries(store)
  else if (kind === 'procedures') yield await listProcedures(store)
  else if (kind === 'documents') yield await listDocuments(store)
  else if (kind === 'life-events') yield await listLifeEvents(store)
  else yield* streamCostLines(store)
}

/** Writes a file atomically: to a temporary file beside it, renamed into place only when complete. */
export async function exportToFile(store: Store, file: string, options: ExportOptions): Promise<number> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`)
  const out = createWriteStream(temporary)
  try {
    // A file that cannot be created fails here, before any row is read.
    await once(out, 'open')
    const rows = await exportTo(store, out, options)
    out.end()
    await once(out, 'finish')
    await rename(temporary, file)
    return rows
  } catch (error) {
    out.destroy()
    await rm(temporary, {force: true})
    throw error
  }
}
