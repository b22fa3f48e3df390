import {once} from 'node:events'

import type {Kysely, Selectable} from 'kysely'
import type {CopyStreamQuery} from 'pg-copy-streams'

import type {CostLine, CostPool, Frequency, SpendType} from '../../domain/inventory.js'
import type {CostLineTable, Database} from '../schema.js'
import type {Store} from '../open.js'
import {PACKED_CODES, YEAR_SHIFT, packCode, unpackCode, unpackCostLines, type PackedCostLines} from './cost-pack.js'

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

/** A byte of UTF-8 text into `bytes` at `at` as copyField escapes it; returns where the next byte goes. */
function putEscaped(bytes: Buffer, at: number, code: number): number {
  if (code === 0x5c || code === 0x09 || code === 0x0a || code === 0x0d) {
    bytes[at++] = 0x5c
    bytes[at++] = code === 0x5c ? 0x5c : code === 0x09 ? 0x74 : code === 0x0a ? 0x6e : 0x72
  } else bytes[at++] = code
  return at
}

/**
 * Lines of COPY's text format written straight into bytes: ASCII text a
 * character at a time (escaped as copyField escapes it), other text through
 * copyField and the UTF-8 encoder. A million lines make no string of their own.
 */
class CopyBytes {
  private bytes: Buffer
  private length = 0

  constructor(estimate: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(estimate, 1024))
  }

  private room(extra: number): void {
    if (this.length + extra <= this.bytes.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + extra))
    this.bytes.copy(grown, 0, 0, this.length)
    this.bytes = grown
  }

  /** One field, then `end` (a tab or a line feed). */
  field(value: string | number | null, end: number): void {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return this.integer(value, end)
    if (typeof value !== 'string') {
      // \\N or the digits of a number: ASCII that needs no escape.
      const text = copyField(value)
      this.room(text.length + 1)
      this.length += this.bytes.write(text, this.length, 'latin1')
      this.bytes[this.length++] = end
      return
    }
    // At most three bytes of UTF-8 for each UTF-16 unit, or two for an escaped character.
    this.room(value.length * 3 + 1)
    const bytes = this.bytes
    let at = this.length
    for (let index = 0; index < value.length; index++) {
      const code = value.charCodeAt(index)
      if (code >= 0x80) {
        at = this.length + bytes.write(copyField(value), this.length, 'utf8')
        break
      }
      at = putEscaped(bytes, at, code)
    }
    bytes[at++] = end
    this.length = at
  }

  /** A field given as UTF-8 bytes [start, end) of `source`, escaped, then `end`. */
  range(source: Uint8Array, start: number, stop: number, end: number): void {
    this.room((stop - start) * 2 + 1)
    const bytes = this.bytes
    let at = this.length
    for (let index = start; index < stop; index++) {
      const code = source[index]
      at = putEscaped(bytes, at, code)
    }
    bytes[at++] = end
    this.length = at
  }

  /** A whole number (its digits), then `end`. */
  integer(value: number, end: number): void {
    if (!Number.isSafeInteger(value) || value < 0) return this.field(value, end)
    this.room(17)
    const bytes = this.bytes
    let digits = 1
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++
    let at = this.length + digits
    this.length = at
    for (let rest = value; ; rest = Math.floor(rest / 10)) {
      bytes[--at] = 0x30 + (rest % 10)
      if (rest < 10) break
    }
    bytes[this.length++] = end
  }

  take(): Buffer {
    return this.bytes.subarray(0, this.length)
  }
}

/** The currency of packed lines (the others are written one by one). */
const PACKED_CURRENCY = 'JPY'

/**
 * Inserts cost lines in bulk. On SQLite a prepared statement on the raw handle
 * (inside the caller's transaction) avoids per-row query building; lines in
 * JPY with a known pool, spend type and frequency go fifty at a time with four
 * values each (system id, amount, note, and one integer that packs the fiscal
 * year with the codes, which the statement unpacks into the same text), since
 * handing a value to SQLite costs more than the statement's own work; any
 * other line goes alone, with all its values. On
 * PostgreSQL the lines stream through one `COPY … FROM STDIN` on the
 * transaction's own connection: `finish()` ends it (before anything else runs
 * on that connection), `abort()` cancels it so that the transaction can roll back.
 */
export class CostLineWriter {
  private static readonly ROWS_PER_STATEMENT = 50
  private readonly single?: {run(...values: unknown[]): unknown}
  private readonly packed?: {run(...values: unknown[]): unknown}
  private copy?: {stream: CopyStreamQuery; done: Promise<void>}

  constructor(
    private readonly store: Store,
    private readonly db: Kysely<Database>,
    private readonly changeSetId: number | null,
  ) {
    if (store.sqlite) {
      const columns = COST_INSERT_COLUMNS.join(', ')
      this.single = store.sqlite.prepare(`INSERT INTO cost_line (${columns}) VALUES (${COST_INSERT_COLUMNS.map(() => '?').join(', ')})`)
      // column1 system id, column2 amount, column3 the packed code, column4 note; the change set is the same for every line.
      const unpack = new Map(
        PACKED_CODES.map((entry) => [
          entry.index,
          `CASE (column3 >> ${entry.shift}) & ${entry.mask} ${entry.values.map((value, code) => `WHEN ${code} THEN '${value.replaceAll("'", "''")}'`).join(' ')} END`,
        ]),
      )
      const [pool, spendType, frequency] = [unpack.get(2), unpack.get(3), unpack.get(4)]
      const changeSet = changeSetId === null ? 'NULL' : String(Math.trunc(changeSetId))
      this.packed = store.sqlite.prepare(
        `INSERT INTO cost_line (${columns}) SELECT column1, column3 >> ${YEAR_SHIFT}, ${pool}, ${spendType}, ${frequency}, column2, '${PACKED_CURRENCY}', column4, ${changeSet} ` +
          `FROM (VALUES ${Array(CostLineWriter.ROWS_PER_STATEMENT).fill('(?, ?, ?, ?)').join(', ')})`,
      )
    }
  }

  /**
   * Writes `count` cost lines given as flat values (eight per line, in COST_INSERT_COLUMNS order less
   * change_set_id), or packed.
   */
  async write(rows: ReadonlyArray<string | number | null> | PackedCostLines, count: number): Promise<void> {
    const width = COST_INSERT_COLUMNS.length - 1
    if ('packed' in rows) {
      if (this.single && this.packed) return this.insertPacked(rows)
      if (this.store.postgresClient) return this.copyPacked(rows)
      return this.write(unpackCostLines(rows), rows.count)
    }
    if (this.single && this.packed) {
      const per = CostLineWriter.ROWS_PER_STATEMENT
      const values: unknown[] = new Array(per * 4)
      let row = 0
      for (; row + per <= count; row += per) {
        let out = 0
        for (let r = row; r < row + per; r++) {
          const base = r * width
          const code = packCode(rows[base + 1], rows[base + 2], rows[base + 3], rows[base + 4])
          if (code < 0 || rows[base + 6] !== PACKED_CURRENCY) break
          values[out++] = rows[base]
          values[out++] = rows[base + 5]
          values[out++] = code
          values[out++] = rows[base + 7]
        }
        if (out === values.length) this.packed.run(values)
        else for (let r = row; r < row + per; r++) this.single.run(...rows.slice(r * width, r * width + width), this.changeSetId)
      }
      for (; row < count; row++) this.single.run(...rows.slice(row * width, row * width + width), this.changeSetId)
      return
    }
    if (this.store.postgresClient) {
      this.copy ??= await this.startCopy()
      const changeSet = this.changeSetId
      // A new buffer each time: the stream holds the last one until it has gone.
      const text = new CopyBytes(count * 96)
      for (let r = 0; r < count; r++) {
        const base = r * width
        for (let c = 0; c < width; c++) text.field(rows[base + c], 0x09)
        text.field(changeSet, 0x0a)
      }
      if (!this.copy.stream.write(text.take())) await Promise.race([once(this.copy.stream, 'drain'), this.copy.done])
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

  /** SQLite: packed lines fifty at a time as the packed statement takes them; a group with a line in another currency goes line by line. */
  private insertPacked(lines: PackedCostLines): void {
    const text = Buffer.from(lines.text.buffer, lines.text.byteOffset, lines.text.length)
    const {ends, codes, count} = lines
    const per = CostLineWriter.ROWS_PER_STATEMENT
    const values: unknown[] = new Array(per * 4)
    // A file lists a system's lines together: the id of the line before is used again when its bytes are the same.
    let lastId = ''
    let lastStart = 0
    let lastEnd = 0
    const systemId = (start: number, end: number): string => {
      if (end - start === lastEnd - lastStart && end > start) {
        let same = true
        for (let index = 0; index < end - start; index++)
          if (text[start + index] !== text[lastStart + index]) {
            same = false
            break
          }
        if (same) return lastId
      }
      lastId = text.toString('utf8', start, end)
      lastStart = start
      lastEnd = end
      return lastId
    }
    const jpy = (start: number, end: number) => end - start === 3 && text[start] === 0x4a && text[start + 1] === 0x50 && text[start + 2] === 0x59
    let line = 0
    let start = 0
    for (; line < count;) {
      const group = Math.min(per, count - line)
      let packable = group === per
      for (let index = line; packable && index < line + group; index++) packable = jpy(ends[index * 4 + 1], ends[index * 4 + 2])
      if (packable) {
        let out = 0
        for (let index = line; index < line + group; index++) {
          const base = index * 4
          const noteEnd = ends[base + 3]
          values[out++] = systemId(start, ends[base])
          values[out++] = text.toString('utf8', ends[base], ends[base + 1])
          values[out++] = codes[index]
          values[out++] = noteEnd < 0 ? null : text.toString('utf8', ends[base + 2], noteEnd)
          start = noteEnd < 0 ? ~noteEnd : noteEnd
        }
        this.packed!.run(values)
      } else {
        for (let index = line; index < line + group; index++) {
          const base = index * 4
          const noteEnd = ends[base + 3]
          const [year, pool, spendType, frequency] = unpackCode(codes[index])
          this.single!.run(
            systemId(start, ends[base]),
            year,
            pool,
            spendType,
            frequency,
            text.toString('utf8', ends[base], ends[base + 1]),
            text.toString('utf8', ends[base + 1], ends[base + 2]),
            noteEnd < 0 ? null : text.toString('utf8', ends[base + 2], noteEnd),
            this.changeSetId,
          )
          start = noteEnd < 0 ? ~noteEnd : noteEnd
        }
      }
      line += group
    }
  }

  /** PostgreSQL: packed lines as COPY text, their bytes copied (and escaped) without making strings. */
  private async copyPacked(lines: PackedCostLines): Promise<void> {
    this.copy ??= await this.startCopy()
    const {text, ends, codes, count} = lines
    const out = new CopyBytes(text.length + count * 64)
    const [frequencies, spendTypes, pools] = PACKED_CODES.map((entry) => entry.values.map((value) => Buffer.from(value)))
    const [frequency, spendType, pool] = PACKED_CODES
    let start = 0
    for (let line = 0; line < count; line++) {
      const base = line * 4
      const code = codes[line]
      out.range(text, start, ends[base], 0x09)
      out.integer(code >> YEAR_SHIFT, 0x09)
      const poolText = pools[(code >> pool.shift) & pool.mask]
      out.range(poolText, 0, poolText.length, 0x09)
      const spendTypeText = spendTypes[(code >> spendType.shift) & spendType.mask]
      out.range(spendTypeText, 0, spendTypeText.length, 0x09)
      const frequencyText = frequencies[(code >> frequency.shift) & frequency.mask]
      out.range(frequencyText, 0, frequencyText.length, 0x09)
      out.range(text, ends[base], ends[base + 1], 0x09)
      out.range(text, ends[base + 1], ends[base + 2], 0x09)
      const noteEnd = ends[base + 3]
      if (noteEnd < 0) out.field(null, 0x09)
      else out.range(text, ends[base + 2], noteEnd, 0x09)
      out.field(this.changeSetId, 0x0a)
      start = noteEnd < 0 ? ~noteEnd : noteEnd
    }
    if (!this.copy.stream.write(out.take())) await Promise.race([once(this.copy.stream, 'drain'), this.copy.done])
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
