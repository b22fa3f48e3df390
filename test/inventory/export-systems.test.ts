import {createHash} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {csvHeader, csvRow} from '../../src/format/csv.js'
import {SYSTEM_EXPORT_COLUMNS} from '../../src/inventory/columns.js'
import {openStore, type Store} from '../../src/store/open.js'
import {listSystems} from '../../src/store/register.js'
import type {SystemTable} from '../../src/store/schema.js'
import {exportedCsv, storeFactory} from './helpers.js'
import {BACKENDS} from '../support/stores.js'

const freshStore = storeFactory()
const sqlite = BACKENDS.find((backend) => backend.name === 'sqlite')!

/** A plain system row, as an import writes it. */
function system(id: string, index: number): SystemTable {
  return {
    id,
    ministry_code: 'mic',
    name: `内閣官房LAN ${index}`,
    category: 'lan',
    business_area: index % 3 === 0 ? null : '府省LAN',
    status: 'active',
    physical_servers: index % 5 === 0 ? null : index,
    virtual_hosts: 0,
    os_instances: index % 7,
    utilisation_pct: index % 4 === 0 ? null : '20.5',
    storage_tb: '5.6',
    users: 918,
    annual_hours: '1260',
    first_fy: 1997,
    last_fy: index % 2 === 0 ? null : 2012,
    eligibility: 'eligible',
    eligibility_reason: null,
    tags: index % 3 === 0 ? '[]' : index % 3 === 1 ? '["wan"]' : '["personal-data","public-facing"]',
    retired_reason: null,
    facility_id: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  }
}

/** Values a store may hold past the import's checks, each in the column it upsets. */
const AWKWARD: Array<Partial<SystemTable>> = [
  {name: 'name, with comma'},
  {name: 'say "hi"'},
  {name: 'two\nlines'},
  {name: 'two\r\nlines'},
  {name: ' leading space'},
  {name: "'\tafter an apostrophe"},
  {name: 'trailing\u3000'},
  {name: '=1+2'},
  {name: "'@x"},
  {business_area: '-area'},
  {business_area: ''},
  {eligibility_reason: '+reason'},
  {retired_reason: '\tTab'},
  {facility_id: '@f'},
  {category: '-lan'},
  {utilisation_pct: '-5'},
  {storage_tb: '1e3'},
  {physical_servers: 12.5 as unknown as number},
  {physical_servers: '12abc' as unknown as number},
  {users: 2 ** 60},
  {virtual_hosts: -3},
  {tags: '[""]'},
  {tags: '["",""]'},
  {tags: '["a;b"]'},
  {tags: '["a,b"]'},
  {tags: '["a\\"b"]'},
  {tags: '["\\u3042"]'},
  {tags: '[1,"b"]'},
  {tags: '["a", "b"]'},
  {tags: '["=x"]'},
  {tags: '[" a"]'},
  {tags: '["タグ"]'},
]

async function storeWith(systems: SystemTable[]): Promise<Store> {
  const url = await freshStore(sqlite)
  const {store} = await openStore(url, {create: false})
  for (let start = 0; start < systems.length; start += 500)
    await store.db
      .insertInto('system')
      .values(systems.slice(start, start + 500))
      .execute()
  return store
}

describe('systems exported as CSV', () => {
  it('are the rows csvRow writes for each system, over several pages, for every awkward value a store may hold', async () => {
    // More than two pages (10 000 systems each): the first plain, the others with awkward values among plain ones.
    const systems = Array.from({length: 21_000}, (_, index) => system(`S-${String(index).padStart(6, '0')}`, index))
    AWKWARD.forEach((values, index) => Object.assign(systems[12_000 + index * 250], values))
    const store = await storeWith(systems)
    try {
      const expected = `${csvHeader(SYSTEM_EXPORT_COLUMNS)}${(await listSystems(store)).map((record) => csvRow(SYSTEM_EXPORT_COLUMNS, record)).join('')}`
      const {text, rows} = await exportedCsv(store, 'systems')
      expect(rows).toBe(systems.length)
      expect(text).toBe(expected)
      expect(createHash('sha256').update(text).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'))
    } finally {
      await store.close()
    }
  })

  it('follow the order of listSystems when the database orders ids otherwise (U+FF21 and U+1F600)', async () => {
    const store = await storeWith(['A', 'Ａ', '😀', 'B', 'Ｂ1', '😀2'].map((id, index) => system(id, index)))
    try {
      const records = await listSystems(store)
      expect(records.map((record) => record.id)).toEqual(['A', 'B', '😀', '😀2', 'Ａ', 'Ｂ1'])
      const {text} = await exportedCsv(store, 'systems')
      expect(text).toBe(`${csvHeader(SYSTEM_EXPORT_COLUMNS)}${records.map((record) => csvRow(SYSTEM_EXPORT_COLUMNS, record)).join('')}`)
    } finally {
      await store.close()
    }
  })
})
