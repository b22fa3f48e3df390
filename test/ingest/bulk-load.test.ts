import {sql} from 'kysely'
import {describe, expect, it} from 'vitest'

import {openStore} from '../../src/store/open.js'
import {EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, contents, csv, ok, storeFactory, writeText} from '../inventory/helpers.js'

const freshStore = storeFactory()

/** `count` valid cost lines over the fixture's systems, a different amount on each. */
function costLines(count: number): string[] {
  const ids = ['CAS-0001', 'MIC-0001', 'MIC-0002', 'MIC-0003', 'MOF-0001']
  return Array.from({length: count}, (_, index) => `${ids[index % ids.length]},${2006 + (index % 7)},hardware,${1000 + index},JPY,`)
}

/** cost_line's indexes and foreign keys, as the store's catalogue describes them. */
async function costLineChecks(url: string): Promise<string[]> {
  const {store} = await openStore(url, {create: false})
  try {
    if (store.sqlite) {
      const indexes = store.sqlite.prepare(`select sql from sqlite_master where type = 'index' and tbl_name = 'cost_line' order by name`).all()
      const keys = store.sqlite.prepare('pragma foreign_key_list(cost_line)').all()
      return [...indexes, ...keys].map((row) => JSON.stringify(row))
    }
    const {rows: indexes} = await sql<{definition: string}>`
      select indexdef as definition from pg_indexes where schemaname = current_schema() and tablename = 'cost_line' order by indexname`.execute(
      store.db,
    )
    const {rows: keys} = await sql<{definition: string}>`
      select conname || ' ' || pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = 'cost_line'::regclass and contype = 'f' order by conname`.execute(store.db)
    return [...indexes, ...keys].map((row) => row.definition)
  } finally {
    await store.close()
  }
}

// Cost lines go to PostgreSQL through COPY … FROM STDIN and to SQLite through multi-row statements: the same rows
// must come back on both, the awkward text included, and a failure after some lines were sent must leave nothing.
for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`bulk load of cost lines (${backend.name})`, () => {
    it('stores notes with tabs, backslashes, line breaks, quotes and CJK exactly as the file has them', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      const notes = ['a\tb', 'back\\slash \\N', 'two\nlines', 'cr\r\nlf', 'say "hi"', '霞が関WAN 更改', '霞が関\tand a \\ after CJK', '\\.', '']
      const file = writeText(
        'costs.csv',
        csv(
          'system_id,fiscal_year,pool,amount,currency,note',
          ...notes.map((note, index) => `MIC-0001,${2010 + index},hardware,${index + 1}.5,JPY,"${note.replaceAll('"', '""')}"`),
        ),
      )
      for (const parallel of ['never', 'always']) {
        const target = parallel === 'never' ? url : await freshStore(backend)
        if (parallel === 'always') await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', target])
        await ok(['inventory', 'import', file, '--database', target, '--parallel', parallel])
        const stored = (await contents(target)).costs as Array<{note: string | null; amount: string; fiscalYear: number}>
        expect(stored.map((line) => line.note ?? '')).toEqual(notes)
        expect(stored.map((line) => line.amount)).toEqual(notes.map((_, index) => `${index + 1}.5`))
      }
    })

    it('stores every pool, spend type, frequency, currency and year of thousands of mixed lines in file order', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      const ids = ['CAS-0001', 'MIC-0001', 'MIC-0002', 'MIC-0003', 'MOF-0001']
      const pools = ['hardware', 'software', 'outside-services', 'internal-labor', 'facilities-power', 'telecom', 'cloud', 'other']
      const expected = Array.from({length: 3000}, (_, index) => ({
        systemId: ids[index % ids.length],
        fiscalYear: 1900 + ((index * 7) % 201),
        pool: pools[index % pools.length],
        spendType: index % 3 === 0 ? 'development' : 'operations',
        frequency: index % 5 === 0 ? 'one-time' : 'recurring',
        amount: String((index % 11 === 0 ? -1 : 1) * index * 1000),
        // A line in another currency now and then, and a run of them: written one by one, in their place.
        currency: index % 97 === 0 || (index >= 1200 && index < 1260) ? 'USD' : 'JPY',
        note: index % 13 === 0 ? `note ${index}` : null,
      }))
      const file = writeText(
        'costs.csv',
        csv(
          'system_id,fiscal_year,pool,spend_type,frequency,amount,currency,note',
          ...expected.map((line) =>
            [line.systemId, line.fiscalYear, line.pool, line.spendType, line.frequency, line.amount, line.currency, line.note ?? ''].join(','),
          ),
        ),
      )
      await ok(['inventory', 'import', file, '--database', url, '--parallel', 'always'])
      const stored = (await contents(url)).costs as Array<Record<string, unknown>>
      expect(
        stored.map(({systemId, fiscalYear, pool, spendType, frequency, amount, currency, note}) => ({
          systemId,
          fiscalYear,
          pool,
          spendType,
          frequency,
          amount,
          currency,
          note,
        })),
      ).toEqual(expected)
    })

    it('a bulk load takes the cost-line index and foreign keys off while it writes and puts them back as they were', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      const before = await costLineChecks(url)
      expect(before.some((check) => check.includes('cost_line_system_year_idx'))).toBe(true)
      expect(before.some((check) => /system/.test(check) && /REFERENCES|"table"/.test(check))).toBe(true)
      const file = writeText('costs.csv', csv('system_id,fiscal_year,pool,amount,currency,note', ...costLines(2000)))
      await ok(['inventory', 'import', file, '--database', url, '--parallel', 'always'])
      expect(await costLineChecks(url)).toEqual(before)
      expect((await contents(url)).costs).toHaveLength(2000)
      // The foreign key is back in force: the store itself refuses a line for a system it does not hold.
      const {store} = await openStore(url, {create: false})
      try {
        const insert = sql`insert into cost_line (system_id, fiscal_year, pool, spend_type, frequency, amount, currency)
          values ('NOPE-1', 2010, 'hardware', 'operations', 'recurring', '1', 'JPY')`
        if (store.sqlite) {
          store.sqlite.pragma('foreign_keys = ON')
          await expect(insert.execute(store.db)).rejects.toThrow(/FOREIGN KEY/i)
        } else await expect(insert.execute(store.db)).rejects.toThrow(/foreign key/i)
      } finally {
        await store.close()
      }
    })

    it('a bad line after thousands of good ones (some already sent to the store) leaves nothing written', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      await ok([
        'inventory',
        'import',
        writeText('costs.csv', csv('system_id,fiscal_year,pool,amount', ...costLines(3).map((line) => line.split(',JPY')[0]))),
        '--database',
        url,
      ])
      const before = await contents(url)
      const lines = costLines(9000)
      lines.push('NOPE-9,2012,hardware,1,JPY,')
      const file = writeText('costs.csv', csv('system_id,fiscal_year,pool,amount,currency,note', ...lines))
      for (const parallel of ['never', 'always']) {
        const failed = await cli(['inventory', 'import', file, '--database', url, '--parallel', parallel, '--json'])
        expect(failed.exitCode).toBe(3)
        expect(failed.json.error.issues[0]).toMatchObject({line: 9002, value: 'NOPE-9'})
        expect(await contents(url)).toEqual(before)
      }
      // The same lines without the bad one: every line, in file order, in one change set.
      lines.pop()
      const good = await ok([
        'inventory',
        'import',
        writeText('costs.csv', csv('system_id,fiscal_year,pool,amount,currency,note', ...lines)),
        '--database',
        url,
        '--json',
      ])
      expect(good.json).toMatchObject({inserted: 9000})
      const after = await contents(url)
      expect(after.changeSets).toBe(before.changeSets + 1)
      expect((after.costs as Array<{amount: string}>).slice(3).map((line) => line.amount)).toEqual(lines.map((line) => line.split(',')[3]))
    })
  })
}
