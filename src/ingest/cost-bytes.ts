import type {CostPool, Frequency, SpendType} from '../domain/inventory.js'
import type {CostLinePacker} from '../store/repositories/cost-pack.js'
import type {BuildContext} from './kinds.js'
import {identifier, parseFrequency, parsePool, parseSpendType} from './kinds.js'
import type {ResolvedColumn} from './table.js'
import {currencyCode, fiscalYear, parseDecimal, text, type ParseOutcome} from './values.js'

/** A column's cells that a memo keeps the parsed value of; past this many different cells, each is parsed on its own. */
const MEMO_LIMIT = 512
/** Slots of a memo's table: a power of two, four times its entries, so that a lookup probes one or two. */
const MEMO_SLOTS = 2048

/**
 * The outcomes of one column's parser by the cell's bytes. A column of codes
 * (pool, spend type, frequency, currency, year, an empty note) holds a handful
 * of different cells among a million rows: each is decoded and parsed once,
 * by the same parser as every other cell, and its outcome reused.
 */
class CellMemo<T> {
  /** Open addressing by hash: each slot holds an entry's place + 1, or 0. */
  private readonly slots = new Int32Array(MEMO_SLOTS)
  private readonly hashes = new Int32Array(MEMO_LIMIT)
  private readonly entries: Array<{bytes: Uint8Array; outcome: ParseOutcome<T>}> = []

  constructor(private readonly parse: (raw: string) => ParseOutcome<T>) {}

  outcome(bytes: Buffer, start: number, end: number): ParseOutcome<T> {
    // A cheap hash (the length and three of the bytes): a different cell that hashes alike is told apart by its bytes.
    const length = end - start
    const hash = length === 0 ? 0 : Math.imul(length * 0x10000 + bytes[start] * 0x100 + bytes[end - 1], 0x9e3779b1) ^ bytes[start + (length >> 1)]
    let slot = hash & (MEMO_SLOTS - 1)
    for (let entry = this.slots[slot]; entry !== 0; entry = this.slots[slot]) {
      if (this.hashes[entry - 1] === hash && sameBytes(this.entries[entry - 1].bytes, bytes, start, end)) return this.entries[entry - 1].outcome
      slot = (slot + 1) & (MEMO_SLOTS - 1)
    }
    const outcome = this.parse(bytes.toString('utf8', start, end))
    if (this.entries.length < MEMO_LIMIT) {
      this.hashes[this.entries.length] = hash
      this.entries.push({bytes: Uint8Array.prototype.slice.call(bytes, start, end), outcome})
      this.slots[slot] = this.entries.length
    }
    return outcome
  }
}

function sameBytes(known: Uint8Array, bytes: Buffer, start: number, end: number): boolean {
  if (known.length !== end - start) return false
  for (let index = 0; index < known.length; index++) if (known[index] !== bytes[start + index]) return false
  return true
}

/**
 * Builds cost lines straight from the bytes of plain UTF-8 records (no quote,
 * the header's number of fields), for the bulk of a large
 * file. It gives the record `costsKind.build` gives, through the same value
 * parsers, for every record whose cells all read without a problem; any other
 * record it leaves to `costsKind.build` (`take` returns false), which names the
 * problem. A test compares the two on random records.
 */
export class CostBytes {
  private readonly bounds: Int32Array
  private readonly systemId: number
  private readonly fiscalYear: CellMemo<number>
  private readonly pool: CellMemo<string>
  private readonly spendType: CellMemo<string>
  private readonly frequency: CellMemo<string>
  private readonly currency: CellMemo<string>
  private readonly note: CellMemo<string>
  private readonly columns: Int32Array
  /** The last system id taken, and its bytes: a file lists a system's lines together. */
  private lastId = ''
  private lastIdBytes = new Uint8Array(0)

  /**
   * `columns` as the header resolved them. Returns undefined when this header
   * needs more than plain parsing (an amount in a unit), so that every record
   * goes the general way.
   */
  static for(columns: ReadonlyMap<string, ResolvedColumn>, width: number, context: BuildContext): CostBytes | undefined {
    if ((columns.get('amount')?.factor ?? 1) !== 1) return undefined
    return new CostBytes(columns, width, context)
  }

  private constructor(
    columns: ReadonlyMap<string, ResolvedColumn>,
    private readonly width: number,
    private readonly context: BuildContext,
  ) {
    this.bounds = new Int32Array(width + 1)
    // A field of the header by key, or -1 when the file has no column for it (its cells read as empty).
    const at = (key: string) => columns.get(key)?.index ?? -1
    this.columns = Int32Array.from(['systemId', 'fiscalYear', 'pool', 'spendType', 'frequency', 'amount', 'currency', 'note'].map(at))
    this.systemId = this.columns[0]
    this.fiscalYear = new CellMemo(fiscalYear(context.calendar))
    this.pool = new CellMemo(parsePool)
    this.spendType = new CellMemo(parseSpendType)
    this.frequency = new CellMemo(parseFrequency)
    this.currency = new CellMemo(currencyCode)
    this.note = new CellMemo(text(1000))
  }

  /** Splits the record at its commas; false unless it has exactly the header's number of fields. */
  private split(bytes: Buffer, start: number, end: number): boolean {
    const bounds = this.bounds
    let field = 0
    bounds[0] = start
    for (let index = start; index < end; index++) {
      if (bytes[index] === 0x2c) {
        if (++field === this.width) return false
        bounds[field] = index + 1
      }
    }
    return field === this.width - 1
  }

  private cell<T>(memo: CellMemo<T>, column: number, bytes: Buffer, end: number): ParseOutcome<T> {
    return column < 0 ? memo.outcome(bytes, 0, 0) : memo.outcome(bytes, this.bounds[column], this.end(column, end))
  }

  private end(column: number, end: number): number {
    return column + 1 < this.width ? this.bounds[column + 1] - 1 : end
  }

  /**
   * Adds the cost line of the record in `bytes` [start, end) to `lines` and
   * returns true, or returns false (appending nothing) when the record is to
   * be read the general way: a problem in any cell, or anything unusual.
   */
  take(bytes: Buffer, start: number, end: number, lines: CostLinePacker): boolean {
    if (!this.split(bytes, start, end)) return false
    const columns = this.columns
    // The system id: the same as the line before's, or read and checked as costsKind.build does.
    let systemId: string
    if (this.systemId < 0) return false
    const idStart = this.bounds[this.systemId]
    const idEnd = this.end(this.systemId, end)
    if (sameBytes(this.lastIdBytes, bytes, idStart, idEnd) && idEnd > idStart) systemId = this.lastId
    else {
      const outcome = identifier(bytes.toString('utf8', idStart, idEnd))
      if (!outcome.ok || outcome.value === null) return false
      const context = this.context
      if (context.storedSystemIds !== null && !context.storedSystemIds.has(outcome.value) && !context.seenIds.has(outcome.value)) return false
      systemId = outcome.value
      this.lastId = systemId
      this.lastIdBytes = Uint8Array.prototype.slice.call(bytes, idStart, idEnd)
    }
    const year = this.cell(this.fiscalYear, columns[1], bytes, end)
    if (!year.ok || year.value === null) return false
    const pool = this.cell(this.pool, columns[2], bytes, end)
    if (!pool.ok || pool.value === null) return false
    const spendTypeCell = this.cell(this.spendType, columns[3], bytes, end)
    if (!spendTypeCell.ok) return false
    const spendType = spendTypeCell.value ?? 'operations'
    const frequencyCell = this.cell(this.frequency, columns[4], bytes, end)
    if (!frequencyCell.ok) return false
    const frequency = frequencyCell.value ?? (spendType === 'development' ? 'one-time' : 'recurring')
    const amountColumn = columns[5]
    if (amountColumn < 0) return false
    const amount = parseDecimal(bytes.toString('utf8', this.bounds[amountColumn], this.end(amountColumn, end)))
    if (!amount.ok || amount.value === null) return false
    const currencyCell = this.cell(this.currency, columns[6], bytes, end)
    if (!currencyCell.ok) return false
    const note = this.cell(this.note, columns[7], bytes, end)
    if (!note.ok) return false
    lines.add(
      systemId,
      year.value,
      pool.value as CostPool,
      spendType as SpendType,
      frequency as Frequency,
      amount.value,
      currencyCell.value ?? 'JPY',
      note.value,
    )
    return true
  }
}
