import {createHash} from 'node:crypto'
import {Writable} from 'node:stream'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {csvHeader, csvRow, neutralise, plainRows, quoteCell, type CsvColumn} from '../../src/format/csv.js'
import {COST_EXPORT_COLUMNS, SYSTEM_EXPORT_COLUMNS} from '../../src/inventory/columns.js'
import {exportTo} from '../../src/inventory/export.js'
import {openStore} from '../../src/store/open.js'
import {listCostLines} from '../../src/store/register.js'
import {csv, exportedCsv, ok, storeFactory, writeText} from './helpers.js'
import {BACKENDS} from '../support/stores.js'

const freshStore = storeFactory()
const sqlite = BACKENDS.find((backend) => backend.name === 'sqlite')!

/** Notes (and ids) that CSV must quote or neutralise, next to plain ones; stored as they are, past the import's checks. */
const AWKWARD_NOTES = [
  null,
  '',
  'plain note',
  'note, with comma',
  'say "hi"',
  'two\nlines',
  'carriage\rreturn',
  ' leading space',
  'trailing space ',
  '\u3000全角空白',
  '全角空白\u3000',
  '\tTab',
  '=1+2',
  '+cmd',
  '-minus',
  '@SUM(1)',
  "'=x",
  "''+y",
  "'\tafter an apostrophe",
  "'",
  "it's",
  'a=b',
  '中文備註',
  '\u00a0nbsp',
  '😀 emoji',
]

async function sha256Of(write: (out: Writable) => Promise<unknown>): Promise<string> {
  const hash = createHash('sha256')
  await write(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk)
        done()
      },
    }),
  )
  return hash.digest('hex')
}

describe('cost lines exported as CSV', () => {
  it('are the rows csvRow writes for each line, for every awkward value a store may hold', async () => {
    const url = await freshStore(sqlite)
    await ok([
      'inventory',
      'import',
      writeText('systems.csv', csv('id,ministry,name,category', 'A-1,mic,a,lan', '=B-2,mic,b,lan')),
      '--database',
      url,
    ])
    await ok(['inventory', 'import', writeText('costs.csv', csv('system_id,fiscal_year,pool,amount', 'A-1,2012,hardware,100')), '--database', url])
    const {store} = await openStore(url, {create: false})
    try {
      const lines = AWKWARD_NOTES.flatMap((note, index) => [
        {
          system_id: 'A-1',
          fiscal_year: 2012 + (index % 3),
          pool: 'software',
          spend_type: 'operations',
          frequency: 'recurring',
          amount: `-${index}.5`,
          currency: 'JPY',
          note,
        },
        {
          system_id: '=B-2',
          fiscal_year: 2013,
          pool: 'other',
          spend_type: 'development',
          frequency: 'one-time',
          amount: String(index),
          currency: 'JPY',
          note,
        },
      ])
      // A value of another type than its column's, as an older or hand-edited store may hold.
      lines.push({
        system_id: 'A-1',
        fiscal_year: 2012.5,
        pool: 'other',
        spend_type: 'operations',
        frequency: 'recurring',
        amount: '1',
        currency: 'JPY',
        note: 'odd',
      })
      await store.db.insertInto('cost_line').values(lines).execute()
      const expected = `${csvHeader(COST_EXPORT_COLUMNS)}${(await listCostLines(store)).map((line) => csvRow(COST_EXPORT_COLUMNS, line)).join('')}`
      expect(expected.split('\r\n').length).toBeGreaterThan(AWKWARD_NOTES.length * 2)
      const {text, rows} = await exportedCsv(store, 'costs')
      expect(text).toBe(expected)
      expect(rows).toBe(lines.length + 1)
      // The hash of the stream is the hash of the text (as the report's provenance takes it).
      expect(await sha256Of((out) => exportTo(store, out, {kind: 'costs', format: 'csv', bom: false}))).toBe(
        createHash('sha256').update(expected).digest('hex'),
      )
    } finally {
      await store.close()
    }
  })
})

describe('cost lines exported as CSV, page by page', () => {
  it('are the rows csvRow writes when some pages are plain and others not', async () => {
    const url = await freshStore(sqlite)
    await ok(['inventory', 'import', writeText('systems.csv', csv('id,ministry,name,category', 'A-1,mic,a,lan')), '--database', url])
    const {store} = await openStore(url, {create: false})
    try {
      // More than a page (10 000 lines): the first pages plain, the last with an awkward note and a null one.
      const lines = Array.from({length: 21_000}, (_, index) => ({
        system_id: 'A-1',
        fiscal_year: 2000 + (index % 20),
        pool: 'hardware',
        spend_type: 'operations',
        frequency: index % 7 === 0 ? 'one-time' : 'recurring',
        amount: index % 11 === 0 ? `-${index}.25` : String(index * 1000),
        currency: 'JPY',
        note: index === 20_500 ? ' leading space' : index % 13 === 0 ? null : index % 5 === 0 ? `備考 ${index}` : '',
      }))
      for (let start = 0; start < lines.length; start += 1_000)
        await store.db
          .insertInto('cost_line')
          .values(lines.slice(start, start + 1_000))
          .execute()
      const expected = `${csvHeader(COST_EXPORT_COLUMNS)}${(await listCostLines(store)).map((line) => csvRow(COST_EXPORT_COLUMNS, line)).join('')}`
      const {text, rows} = await exportedCsv(store, 'costs')
      expect(rows).toBe(lines.length)
      expect(text).toBe(expected)
    } finally {
      await store.close()
    }
  })
})

/** Characters that decide whether a value is its own CSV cell, next to ordinary ones. */
const AWKWARD_CHARACTERS = [',', '"', '\r', '\n', ' ', '\t', '\u3000', '\u00a0', '\u0085', '\ufeff', "'", '=', '+', '-', '@', 'a', '1', '中', '😀']

describe('values joined by commas, rows by CR LF', () => {
  const value = fc.oneof(
    fc.constantFrom('', 'A-1', '2012', 'hardware', '-5.5', 'JPY', 'note', '内閣官房LAN'),
    fc.array(fc.constantFrom(...AWKWARD_CHARACTERS), {maxLength: 4}).map((characters) => characters.join('')),
  )
  /** Whether csvRow writes these values of these columns as they are, joined by commas. */
  const ownRow = (columns: ReadonlyArray<CsvColumn<never>>, values: string[]) =>
    values.length === columns.length && values.every((cell, index) => quoteCell(columns[index].text ? neutralise(cell) : cell) === cell)

  for (const [name, columns] of [
    ['cost lines', COST_EXPORT_COLUMNS],
    ['systems', SYSTEM_EXPORT_COLUMNS],
  ] as const) {
    it(`are their own CSV rows exactly when csvRow writes each value of ${name} as it is`, () => {
      // Mostly a value for each column, as the store joins them; now and then another count, of values with no
      // comma or line end (which could stand in for the missing values: the store always joins one a column).
      const separatorFree = value.filter((cell) => !/[,\r\n]/.test(cell))
      const row = fc.oneof(
        {weight: 4, arbitrary: fc.array(value, {minLength: columns.length, maxLength: columns.length})},
        {weight: 1, arbitrary: fc.array(separatorFree, {minLength: 1, maxLength: columns.length + 2})},
      )
      fc.assert(
        fc.property(fc.array(row, {minLength: 1, maxLength: 5}), (rows) => {
          const text = rows.map((values) => values.join(',')).join('\r\n')
          expect(plainRows(text, rows.length, columns as ReadonlyArray<CsvColumn<never>>)).toBe(
            rows.every((values) => ownRow(columns as ReadonlyArray<CsvColumn<never>>, values)),
          )
        }),
        {numRuns: 5000},
      )
    })
  }

  it('are not plain when they hold more or fewer rows than they should', () => {
    const text = 'A-1,2012,hardware,operations,recurring,100,JPY,'
    expect(plainRows(`${text}\r\n${text}`, 2, COST_EXPORT_COLUMNS)).toBe(true)
    expect(plainRows(`${text}\r\n${text}`, 1, COST_EXPORT_COLUMNS)).toBe(false)
    expect(plainRows(`${text}\r\n${text}`, 3, COST_EXPORT_COLUMNS)).toBe(false)
    expect(plainRows(`${text}\r\n`, 1, COST_EXPORT_COLUMNS)).toBe(false)
  })
})
