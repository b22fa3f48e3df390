import {COST_POOLS, FREQUENCIES, SPEND_TYPES, type CostPool, type Frequency, type SpendType} from '../../domain/inventory.js'

/**
 * The cost-line values that are codes, as a packed line holds them: each its
 * bits of one integer (the code is the value's place in its list), in the order
 * of `index` (the value's place in a line's values); the fiscal year above them.
 */
export const PACKED_CODES = (() => {
  let shift = 0
  return [
    {index: 4, values: FREQUENCIES as readonly string[]},
    {index: 3, values: SPEND_TYPES as readonly string[]},
    {index: 2, values: COST_POOLS as readonly string[]},
  ].map(({index, values}) => {
    const bits = Math.max(1, Math.ceil(Math.log2(values.length)))
    const entry = {index, values, shift, mask: (1 << bits) - 1, codes: new Map<unknown, number>(values.map((value, code) => [value, code << shift]))}
    shift += bits
    return entry
  })
})()
export const YEAR_SHIFT = PACKED_CODES.reduce((bits, entry) => bits + Math.log2(entry.mask + 1), 0)
/** The largest fiscal year a packed line holds (a signed 32-bit integer). */
export const MAX_PACKED_YEAR = 2 ** (31 - YEAR_SHIFT) - 1

/** The packed code of a line's year, pool, spend type and frequency, or -1 when one of them has none. */
export function packCode(year: unknown, pool: unknown, spendType: unknown, frequency: unknown): number {
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 0 || year > MAX_PACKED_YEAR) return -1
  const [frequencyCodes, spendTypeCodes, poolCodes] = PACKED_CODES
  const a = frequencyCodes.codes.get(frequency)
  const b = spendTypeCodes.codes.get(spendType)
  const c = poolCodes.codes.get(pool)
  return a === undefined || b === undefined || c === undefined ? -1 : (year << YEAR_SHIFT) | a | b | c
}

/** The values a packed code stands for, in a line's order: fiscal year, pool, spend type, frequency. */
export function unpackCode(code: number): [number, string, string, string] {
  const [frequency, spendType, pool] = PACKED_CODES
  return [
    code >> YEAR_SHIFT,
    pool.values[(code >> pool.shift) & pool.mask],
    spendType.values[(code >> spendType.shift) & spendType.mask],
    frequency.values[(code >> frequency.shift) & frequency.mask],
  ]
}

/**
 * Cost lines packed for the writer, as typed arrays that cross to another
 * thread without being copied: the text values as UTF-8 bytes back to back,
 * the year and codes as one integer a line. A million lines make no string
 * until the writer needs one.
 */
export interface PackedCostLines {
  readonly packed: true
  count: number
  /** Each line's system id, amount, currency and note, as UTF-8, back to back. */
  text: Uint8Array
  /** Where each of those four ends in `text`, four a line; a null note ends at the bitwise not of its end. */
  ends: Int32Array
  /** Each line's packCode. */
  codes: Int32Array
}

/** Fills PackedCostLines, line by line. */
export class CostLinePacker {
  private text: Uint8Array
  private length = 0
  private ends: Int32Array
  private codes: Int32Array
  count = 0

  constructor(lines: number) {
    this.text = new Uint8Array(Math.max(lines, 16) * 40)
    this.ends = new Int32Array(Math.max(lines, 16) * 4)
    this.codes = new Int32Array(Math.max(lines, 16))
  }

  private put(value: string): number {
    if (this.length + value.length * 3 > this.text.length) {
      const grown = new Uint8Array(Math.max(this.text.length * 2, this.length + value.length * 3))
      grown.set(this.text.subarray(0, this.length))
      this.text = grown
    }
    const text = this.text
    let at = this.length
    for (let index = 0; index < value.length; index++) {
      const code = value.charCodeAt(index)
      if (code >= 0x80) {
        at = this.length + Buffer.from(text.buffer, text.byteOffset, text.length).write(value, this.length, 'utf8')
        break
      }
      text[at++] = code
    }
    this.length = at
    return at
  }

  add(
    systemId: string,
    fiscalYear: number,
    pool: CostPool,
    spendType: SpendType,
    frequency: Frequency,
    amount: string,
    currency: string,
    note: string | null,
  ): void {
    const code = packCode(fiscalYear, pool, spendType, frequency)
    if (code < 0) throw new Error(`a cost line that cannot be packed: ${fiscalYear} ${pool} ${spendType} ${frequency}`)
    if (this.count === this.codes.length) {
      const codes = new Int32Array(this.codes.length * 2)
      codes.set(this.codes)
      this.codes = codes
      const ends = new Int32Array(this.ends.length * 2)
      ends.set(this.ends)
      this.ends = ends
    }
    const base = this.count * 4
    this.ends[base] = this.put(systemId)
    this.ends[base + 1] = this.put(amount)
    this.ends[base + 2] = this.put(currency)
    this.ends[base + 3] = note === null ? ~this.length : this.put(note)
    this.codes[this.count++] = code
  }

  /** The lines added so far (their arrays are this packer's no more). */
  take(): PackedCostLines {
    const packed: PackedCostLines = {
      packed: true,
      count: this.count,
      text: this.text.slice(0, this.length),
      ends: this.ends.slice(0, this.count * 4),
      codes: this.codes.slice(0, this.count),
    }
    this.length = 0
    this.count = 0
    return packed
  }
}

/** The flat values of packed lines (eight a line, as CostLineWriter takes them). */
export function unpackCostLines(packed: PackedCostLines): Array<string | number | null> {
  const text = Buffer.from(packed.text.buffer, packed.text.byteOffset, packed.text.length)
  const rows: Array<string | number | null> = []
  let start = 0
  for (let line = 0; line < packed.count; line++) {
    const base = line * 4
    const [year, pool, spendType, frequency] = unpackCode(packed.codes[line])
    const systemId = text.toString('utf8', start, packed.ends[base])
    const amount = text.toString('utf8', packed.ends[base], packed.ends[base + 1])
    const currency = text.toString('utf8', packed.ends[base + 1], packed.ends[base + 2])
    const noteEnd = packed.ends[base + 3]
    const note = noteEnd < 0 ? null : text.toString('utf8', packed.ends[base + 2], noteEnd)
    start = noteEnd < 0 ? ~noteEnd : noteEnd
    rows.push(systemId, year, pool, spendType, frequency, amount, currency, note)
  }
  return rows
}
