import {once} from 'node:events'

import type {Kysely, Selectable} from 'kysely'
import type {CopyStreamQuery} from 'pg-copy-streams'

import type {CostLine, CostPool, Frequency, SpendType} from '../../domain/inventory.js'
import type {CostLineTable, Database} from '../schema.js'
import type {Store} from '../open.js'

/** The cost-line index the first migration creates; bulk loads drop it and build it again from its stored definition. */
export const COST_LINE_INDEX = {name: 'cost_line_system_year_idx'}

export const COST_INSERT_COLUMNS = [
  'system_id',
  'fiscal_year',
  'pool',
  'spend_type',
  'frequency',
  'amount',
  'currency',
  'note',
  'change_set_id',
] as const

/** A value as a field of COPY's text format: \\N for null; backslash, tab, line feed and carriage return escaped. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N'
  if (typeof value === 'number') return String(value)
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (char) => COPY_ESCAPES[char]) : value
}
const COPY_ESCAPES: Record<string, string> = {'\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r'}

/**
 * Inserts cost lines in bulk. On SQLite a prepared statement on the raw handle
 * (inside the caller's transaction) avoids per-row query building. On
 * PostgreSQL the lines stream through one `COPY … FROM STDIN` on the
 * transaction's own connection: `finish()` ends it (before anything else runs
 * on that connection), `abort()` cancels it so that the transaction can roll back.
 */
export class CostLineWriter {
  private static readonly ROWS_PER_STATEMENT = 50
  private readonly single?: {run(...values: unknown[]): unknown}
  private readonly multi?: {run(...values: unknown[]): unknown}
  private copy?: {stream: CopyStreamQuery; done: Promise<void>}

  constructor(
    private readonly store: Store,
    private readonly db: Kysely<Database>,
    private readonly changeSetId: number | null,
  ) {
    if (store.sqlite) {
      const insert = `INSERT INTO cost_line (${COST_INSERT_COLUMNS.join(', ')}) VALUES `
      const tuple = `(${COST_INSERT_COLUMNS.map(() => '?').join(', ')})`
      this.single = store.sqlite.prepare(insert + tuple)
      this.multi = store.sqlite.prepare(insert + Array(CostLineWriter.ROWS_PER_STATEMENT).fill(tuple).join(', '))
    }
  }

  /** Writes `count` cost lines given as flat values (eight per line, in COST_INSERT_COLUMNS order less change_set_id). */
  async write(rows: ReadonlyArray<string | number | null>, count: number): Promise<void> {
    const width = COST_INSERT_COLUMNS.length - 1
    if (this.single && this.multi) {
      const per = CostLineWriter.ROWS_PER_STATEMENT
      const values: unknown[] = new Array(per * (width + 1))
      let row = 0
      for (; row + per <= count; row += per) {
        let out = 0
        for (let r = row; r < row + per; r++) {
          const base = r * width
          for (let c = 0; c < width; c++) values[out++] = rows[base + c]
          values[out++] = this.changeSetId
        }
        this.multi.run(values)
      }
      for (; row < count; row++) this.single.run(...rows.slice(row * width, row * width + width), this.changeSetId)
      return
    }
    if (this.store.postgresClient) {
      this.copy ??= await this.startCopy()
      const suffix = `\t${copyField(this.changeSetId)}\n`
      let text = ''
      for (let r = 0; r < count; r++) {
        const base = r * width
        text += copyField(rows[base])
        for (let c = 1; c < width; c++) text += `\t${copyField(rows[base + c])}`
        text += suffix
      }
      if (!this.copy.stream.write(text)) await Promise.race([once(this.copy.stream, 'drain'), this.copy.done])
      return
    }
    const chunk = 1000
    for (let start = 0; start < count; start += chunk) {
      const lines = []
      for (let r = start; r < Math.min(count, start + chunk); r++) {
        const base = r * width
        lines.push({
          system_id: rows[base] as string,
          fiscal_year: rows[base + 1] as number,
          pool: rows[base + 2] as string,
          spend_type: rows[base + 3] as string,
          frequency: rows[base + 4] as string,
          amount: rows[base + 5] as string,
          currency: rows[base + 6] as string,
          note: rows[base + 7] as string | null,
          change_set_id: this.changeSetId,
        })
      }
      await this.db.insertInto('cost_line').values(lines).execute()
    }
  }

  /** Ends the COPY (if one is open) and waits until PostgreSQL has taken every line; its errors are thrown here. */
  async finish(): Promise<void> {
    const copy = this.copy
    if (!copy) return
    this.copy = undefined
    copy.stream.end()
    await copy.done
  }

  /** Cancels an open COPY (nothing of it is kept) and waits until the connection can roll back. */
  async abort(): Promise<void> {
    const copy = this.copy
    if (!copy) return
    this.copy = undefined
    copy.stream.destroy(new Error('the import was rolled back'))
    await copy.done.catch(() => {})
  }

  private async startCopy(): Promise<{stream: CopyStreamQuery; done: Promise<void>}> {
    // Loaded here, on PostgreSQL's write path only: a SQLite store or a read command never needs it.
    const {from: copyFrom} = await import('pg-copy-streams')
    const client = await this.store.postgresClient!(this.db)
    const stream = client.query(copyFrom(`COPY cost_line (${COST_INSERT_COLUMNS.join(', ')}) FROM STDIN`))
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve)
      stream.on('error', reject)
    })
    // Seen by finish() or abort(); until then an early failure must not go unhandled.
    done.catch(() => {})
    return {stream, done}
  }
}

/** A stored row as a cost line; ids and years are numbers on both backends. */
export function costLineFromRow(row: Selectable<CostLineTable>): CostLine {
  return {
    id: Number(row.id),
    systemId: row.system_id,
    fiscalYear: Number(row.fiscal_year),
    pool: row.pool as CostPool,
    spendType: row.spend_type as SpendType,
    frequency: row.frequency as Frequency,
    amount: row.amount,
    currency: row.currency,
    note: row.note,
  }
}

export interface CostFilter {
  systemIds?: string[]
  fromYear?: number
  toYear?: number
}

export async function listCostLines(db: Kysely<Database>, filter: CostFilter = {}): Promise<CostLine[]> {
  let query = db.selectFrom('cost_line').selectAll()
  if (filter.systemIds?.length) query = query.where('system_id', 'in', filter.systemIds)
  if (filter.fromYear !== undefined) query = query.where('fiscal_year', '>=', filter.fromYear)
  if (filter.toYear !== undefined) query = query.where('fiscal_year', '<=', filter.toYear)
  const rows = await query.orderBy('id').execute()
  return rows.map(costLineFromRow)
}

/** The columns a cost line is read from, in the order of `costLineFromValues`. */
const COST_LINE_COLUMNS = 'id, system_id, fiscal_year, pool, spend_type, frequency, amount, currency, note'

/** A cost line from a row read as values, in COST_LINE_COLUMNS order. */
function costLineFromValues(values: unknown[]): CostLine {
  return {
    id: Number(values[0]),
    systemId: values[1] as string,
    fiscalYear: Number(values[2]),
    pool: values[3] as CostPool,
    spendType: values[4] as SpendType,
    frequency: values[5] as Frequency,
    amount: values[6] as string,
    currency: values[7] as string,
    note: values[8] as string | null,
  }
}

/**
 * Streams cost lines in id order, a page at a time, so exports of millions of rows stay flat in memory. On SQLite
 * each page is read from one prepared statement as plain value arrays: a million rows as objects built by the
 * driver (and again by the query builder) cost several times the reading itself.
 */
export async function* iterateCostLines(db: Kysely<Database>, pageSize = 10_000, sqlite?: Store['sqlite']): AsyncGenerator<CostLine[]> {
  let after = 0
  if (sqlite) {
    const page = sqlite.prepare(`SELECT ${COST_LINE_COLUMNS} FROM cost_line WHERE id > ? ORDER BY id LIMIT ?`).raw(true)
    for (;;) {
      const rows = page.all(after, pageSize) as unknown[][]
      if (rows.length === 0) return
      after = Number(rows[rows.length - 1][0])
      yield rows.map(costLineFromValues)
    }
  }
  for (;;) {
    const rows = await db.selectFrom('cost_line').selectAll().where('id', '>', after).orderBy('id').limit(pageSize).execute()
    if (rows.length === 0) return
    after = Number(rows.at(-1)!.id)
    yield rows.map(costLineFromRow)
  }
}

/** A cost line's id and its values joined by commas, in COST_LINE_COLUMNS order without the id, or null (see COST_LINE_TEXT). */
export type CostLineText = readonly [id: number, text: string | null]

/**
 * A cost line as one text, built by the database: its values (system_id, fiscal_year, pool, spend_type, frequency,
 * amount, currency, note) joined by commas, a null note as empty; one value a line instead of nine spares most of
 * the reading of a million lines. Null when a value is missing or a fiscal year is no integer (of a size JavaScript
 * holds exactly); a caller reads such a line with `getCostLine`.
 */
const COST_LINE_TEXT = `CASE WHEN typeof(fiscal_year) = 'integer' AND abs(fiscal_year) <= 9007199254740991 AND system_id IS NOT NULL AND pool IS NOT NULL AND spend_type IS NOT NULL AND frequency IS NOT NULL AND amount IS NOT NULL AND currency IS NOT NULL THEN concat_ws(',', system_id, fiscal_year, pool, spend_type, frequency, amount, currency, coalesce(note, '')) END`

/** A page of cost lines in id order: those with `after` < id <= `last`, and their texts joined by CR LF. */
export interface CostLineChunk {
  after: number
  last: number
  lines: number
  /** The lines' texts (COST_LINE_TEXT) joined by CR LF; null when any line has none. */
  text: string | null
}

/**
 * SQLite only: every cost line in id order, a page at a time, as one text the database joins (the lines' texts
 * with CR LF between them): one value a page, not two a line. A page whose text is null, or not what the caller
 * wants, is read line by line with `costLineTextsBetween`.
 */
export function* iterateCostLineChunks(sqlite: NonNullable<Store['sqlite']>, pageSize = 10_000): Generator<CostLineChunk> {
  const page = sqlite
    .prepare(
      // The page is the next ids in order; group_concat is told the order too (SQLite promises no order without it).
      `SELECT max(id), count(*), count(line), group_concat(line, char(13, 10) ORDER BY id) FROM (SELECT id, ${COST_LINE_TEXT} AS line FROM cost_line WHERE id > ? ORDER BY id LIMIT ?)`,
    )
    .raw(true)
  let after = 0
  for (;;) {
    const [last, lines, texts, text] = page.get(after, pageSize) as [number | null, number, number, string | null]
    if (lines === 0 || last === null) return
    yield {after, last, lines, text: texts === lines ? text : null}
    after = last
  }
}

/** SQLite only: the cost lines with `after` < id <= `last` as their ids and texts (COST_LINE_TEXT), in id order. */
export function costLineTextsBetween(sqlite: NonNullable<Store['sqlite']>, after: number, last: number): CostLineText[] {
  return sqlite
    .prepare(`SELECT id, ${COST_LINE_TEXT} FROM cost_line WHERE id > ? AND id <= ? ORDER BY id`)
    .raw(true)
    .all(after, last) as CostLineText[]
}

/** One cost line by id, or undefined. */
export async function getCostLine(db: Kysely<Database>, id: number): Promise<CostLine | undefined> {
  const row = await db.selectFrom('cost_line').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? costLineFromRow(row) : undefined
}
