import {parse} from 'csv-parse/sync'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {CsvSplitter, CsvTextError} from '../../src/ingest/focus/sources.js'

/** Splits text fed in chunks of the given sizes, as a stream would hand it over. */
function split(text: string, sizes: number[]): Array<{cells: string[]; line: number}> {
  const records: Array<{cells: string[]; line: number}> = []
  const splitter = new CsvSplitter((cells, line) => {
    records.push({cells, line})
    return true
  })
  let carry = ''
  let at = 0
  let index = 0
  while (at < text.length) {
    const size = Math.max(1, sizes[index++ % sizes.length] ?? 1)
    const joined = carry + text.slice(at, at + size)
    at += size
    carry = joined.slice(splitter.feed(joined, false))
  }
  if (carry !== '') splitter.feed(carry, true)
  return records
}

const cellText = fc.oneof(
  fc.constantFrom(
    '',
    'a',
    'Usage',
    '1234.5',
    '-0.0001',
    '2025-04-01T00:00:00Z',
    '{"SystemId":"CAS-0001"}',
    'x,y',
    'line\nbreak',
    'say ""hi""',
    '\r\n',
    '東京',
  ),
  fc.string({maxLength: 6}),
)

const quote = (cell: string) => (/[",\r\n]/.test(cell) || cell === '' ? `"${cell.replace(/"/g, '""')}"` : cell)

describe('the FOCUS CSV splitter', () => {
  it('reads what csv-parse reads, whatever the chunk boundaries and line ends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cellText, {minLength: 3, maxLength: 3}), {minLength: 1, maxLength: 8}),
        fc.array(fc.integer({min: 1, max: 40}), {minLength: 1, maxLength: 5}),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (rows, sizes, eol, finalEol) => {
          const text = rows.map((row) => row.map(quote).join(',')).join(eol) + (finalEol ? eol : '')
          const expected = parse(text, {relax_column_count: true}) as string[][]
          expect(split(text, sizes).map((record) => record.cells)).toEqual(expected)
        },
      ),
      {numRuns: 300},
    )
  })

  it('numbers records by the line they start on, counting line breaks inside quoted cells', () => {
    const records = split('a,b\n"x\ny",2\n3,4\n', [5])
    expect(records.map((record) => record.line)).toEqual([1, 2, 4])
  })

  it('refuses a quote in the middle of a cell and a quoted cell never closed, naming the line', () => {
    expect(() => split('a,b\nx,y"z\n', [100])).toThrow(CsvTextError)
    let caught: unknown
    try {
      split('a,b\n1,2\n"open,3\n', [4])
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({line: 3, message: expect.stringMatching(/never closed/)})
    expect(() => split('a,b\n"x"y,2\n', [100])).toThrow(/quote/)
  })
})
