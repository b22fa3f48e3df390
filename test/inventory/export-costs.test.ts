import {createHash} from 'node:crypto'
import {Writable} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {csvHeader, csvRow} from '../../src/format/csv.js'
import {COST_EXPORT_COLUMNS} from '../../src/inventory/columns.js'
import {exportTo} from '../../src/inventory/export.js'
import {openStore} from '../../src/store/open.js'
import {listCostLines} from '../../src/store/register.js'
import {csv, ok, storeFactory, writeText} from './helpers.js'
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
      let text = ''
      const rows = await exportTo(
        store,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            text += chunk.toString('utf8')
            done()
          },
        }),
        {kind: 'costs', format: 'csv', bom: false},
      )
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
