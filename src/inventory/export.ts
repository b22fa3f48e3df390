import {createWriteStream} from 'node:fs'
import {rename, rm} from 'node:fs/promises'
import {dirname, join, basename} from 'node:path'
import {once} from 'node:events'
import type {Writable} from 'node:stream'

import type {LifeEventRecord} from '../domain/services.js'
import type {Store} from '../store/open.js'
import {
  costLineTextsOf,
  findCostLine,
  findSystem,
  listDocuments,
  listLifeEvents,
  listMinistries,
  listProcedures,
  listSystems,
  streamCostLineChunks,
  streamCostLines,
  streamSystemChunks,
  systemTextsOf,
} from '../store/register.js'
import {UTF8_BOM, csvHeader, csvRow, plainRows, type CsvColumn} from '../format/csv.js'
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
    const written = await writeStoreTexts(store, out, options.kind)
    if (written !== undefined) return written
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

/** The store's cost-line texts hold the export columns in their order (checked once, else every line is written as usual). */
const COST_TEXT_COLUMNS =
  COST_EXPORT_COLUMNS.map((column) => `${column.header}${column.text ? ':text' : ''}`).join(',') ===
  'system_id:text,fiscal_year,pool,spend_type,frequency,amount,currency,note:text'

/** The store's system texts hold the export columns in their order (checked once, else every system is written as usual). */
const SYSTEM_TEXT_COLUMNS =
  SYSTEM_EXPORT_COLUMNS.map((column) => `${column.header}${column.text ? ':text' : ''}`).join(',') ===
  'id:text,ministry:text,name:text,category,business_area:text,status,physical_servers,virtual_hosts,os_instances,utilisation_pct,' +
    'storage_tb,users,annual_hours,first_fy,last_fy,eligibility,eligibility_reason:text,tags:text,retired_reason:text,facility_id:text'

/** Systems or cost lines as CSV rows from the texts the store builds; undefined where it builds none. */
async function writeStoreTexts(store: Store, out: Writable, kind: ExportKind): Promise<number | undefined> {
  const costs = kind === 'costs' && COST_TEXT_COLUMNS ? streamCostLineChunks(store) : undefined
  if (costs)
    return writeTextPages(out, costs, {
      columns: COST_EXPORT_COLUMNS,
      textsOf: (chunk) => costLineTextsOf(store, chunk),
      find: (id) => findCostLine(store, id),
    })
  const systems = kind === 'systems' && SYSTEM_TEXT_COLUMNS ? streamSystemChunks(store) : undefined
  if (systems)
    return writeTextPages(out, systems, {
      columns: SYSTEM_EXPORT_COLUMNS,
      textsOf: (chunk) => systemTextsOf(store, chunk),
      find: (id) => findSystem(store, id),
    })
  return undefined
}

/** How the pages of texts the store builds for one kind are read again row by row. */
interface TextPages<C, K, R> {
  columns: ReadonlyArray<CsvColumn<R>>
  /** Each row of a page: its key and its text (null when the store could not build it). */
  textsOf(chunk: C): ReadonlyArray<readonly [K, string | null]>
  /** One row by its key, read as usual. */
  find(key: K): Promise<R | undefined>
}

/**
 * Rows as CSV from the pages of texts the store builds: a page of plain texts is its own CSV rows; any other page is
 * read again row by row, and a row whose text is not plain is read and written as usual.
 */
async function writeTextPages<C extends {text: string | null; lines: number}, K, R>(
  out: Writable,
  chunks: Iterable<C>,
  pages: TextPages<C, K, R>,
): Promise<number> {
  const columns = pages.columns as ReadonlyArray<CsvColumn<never>>
  let rows = 0
  for (const chunk of chunks) {
    if (chunk.text !== null && plainRows(chunk.text, chunk.lines, columns)) {
      await write(out, `${chunk.text}\r\n`)
      rows += chunk.lines
      continue
    }
    let text = ''
    for (const [key, line] of pages.textsOf(chunk)) {
      if (line !== null && plainRows(line, 1, columns)) text += `${line}\r\n`
      else text += csvRow(pages.columns, (await pages.find(key))!)
      rows++
    }
    await write(out, text)
  }
  return rows
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
