import {describe, expect, it} from 'vitest'

import {
  JA_COSTS,
  JA_COSTS_STORED,
  JA_SYSTEMS,
  JA_SYSTEMS_STORED,
  ZH_COSTS,
  ZH_COSTS_STORED,
  ZH_SYSTEMS,
  ZH_SYSTEMS_STORED,
} from '../fixtures/registers.js'
import {backends, cli, contents, csv, ok, storeFactory, tempDir, writeText} from '../inventory/helpers.js'

const freshStore = storeFactory()

async function importBoth(url: string, systems: string, costs: string, flags: string[] = []) {
  await ok(['inventory', 'import', systems, '--database', url, ...flags])
  await ok(['inventory', 'import', costs, '--database', url, ...flags])
  const {systems: storedSystems, costs: storedCosts} = await contents(url)
  return {systems: storedSystems, costs: storedCosts}
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`reading real spreadsheets (${backend.name})`, () => {
    describe('Japanese files', () => {
      it('reads Japanese headers and notations (era years, △, full-width digits, 千円) into exact values', async () => {
        const dir = tempDir()
        const stored = await importBoth(
          await freshStore(backend),
          writeText('システム.csv', JA_SYSTEMS, {dir}),
          writeText('経費.csv', JA_COSTS, {dir}),
        )
        expect(stored.systems).toEqual(JA_SYSTEMS_STORED)
        expect(stored.costs).toEqual(JA_COSTS_STORED)
      })

      it.each([
        ['UTF-8 with a BOM', {encoding: 'utf-8', bom: true}, []],
        ['Shift_JIS (CP932), with --encoding shift_jis', {encoding: 'shift_jis'}, ['--encoding', 'shift_jis']],
      ] as const)('stores the same data from %s as from plain UTF-8', async (_, encoding, flags) => {
        const dir = tempDir()
        const stored = await importBoth(
          await freshStore(backend),
          writeText('システム.csv', JA_SYSTEMS, {dir, ...encoding}),
          writeText('経費.csv', JA_COSTS, {dir, ...encoding}),
          [...flags],
        )
        expect(stored.systems).toEqual(JA_SYSTEMS_STORED)
        expect(stored.costs).toEqual(JA_COSTS_STORED)
      })

      it('refuses a Shift_JIS file read as UTF-8 (--encoding auto): exit 3, the line and column, and a hint to pass --encoding', async () => {
        const url = await freshStore(backend)
        const file = writeText('systems.csv', csv('id,ministry,name,category', 'MIC-0001,mic,LAN,lan', 'MIC-0002,mic,人事給与システム,common'), {
          encoding: 'shift_jis',
        })
        const result = await cli(['inventory', 'import', file, '--database', url])
        expect(result.exitCode).toBe(3)
        expect(result.stderr).toContain('systems.csv, line 3, column 3')
        expect(result.stderr).toContain('--encoding shift_jis')
        expect((await contents(url)).systems).toEqual([])
      })
    })

    describe('Traditional Chinese files', () => {
      it('reads Chinese headers, 民國 years and 千元 into exact values (--calendar roc for 98年度)', async () => {
        const dir = tempDir()
        const stored = await importBoth(await freshStore(backend), writeText('系統.csv', ZH_SYSTEMS, {dir}), writeText('經費.csv', ZH_COSTS, {dir}), [
          '--calendar',
          'roc',
        ])
        expect(stored.systems).toEqual(ZH_SYSTEMS_STORED)
        expect(stored.costs).toEqual(ZH_COSTS_STORED)
      })

      it('stores the same data from Big5 (CP950) with --encoding big5 as from UTF-8', async () => {
        const dir = tempDir()
        const stored = await importBoth(
          await freshStore(backend),
          writeText('系統.csv', ZH_SYSTEMS, {dir, encoding: 'big5'}),
          writeText('經費.csv', ZH_COSTS, {dir, encoding: 'big5'}),
          ['--encoding', 'big5', '--calendar', 'roc'],
        )
        expect(stored.systems).toEqual(ZH_SYSTEMS_STORED)
        expect(stored.costs).toEqual(ZH_COSTS_STORED)
      })

      it('refuses 98年度 without --calendar roc, and says to pass it', async () => {
        const url = await freshStore(backend)
        const result = await cli(['inventory', 'import', writeText('系統.csv', ZH_SYSTEMS), '--database', url])
        expect(result.exitCode).toBe(3)
        expect(result.stderr).toMatch(/系統\.csv, line 4, column 12 \(first_fy\): a two- or three-digit year is ambiguous \(value "98年度"\)/)
        expect(result.stderr).toContain('--calendar roc')
      })
    })

    describe('headers', () => {
      it('match without regard to case or character width', async () => {
        const url = await freshStore(backend)
        const dir = tempDir()
        await ok([
          'inventory',
          'import',
          writeText('systems.csv', csv('ＩＤ,Ministry,SYSTEM NAME,Category,Physical Servers', 'MIC-0001,ＭＩＣ,LAN,LAN,3'), {dir}),
          '--database',
          url,
        ])
        await ok([
          'inventory',
          'import',
          writeText('costs.csv', csv('ＳＹＳＴＥＭ＿ＩＤ,Fiscal_Year,POOL,Amount', 'MIC-0001,2009,Hardware,100'), {dir}),
          '--database',
          url,
        ])
        const stored = await contents(url)
        expect(stored.systems).toMatchObject([{id: 'MIC-0001', ministry: 'mic', name: 'LAN', category: 'lan', physicalServers: 3}])
        expect(stored.costs).toMatchObject([{systemId: 'MIC-0001', fiscalYear: 2009, pool: 'hardware', amount: '100'}])
      })

      it.each([
        ['経費（千円）', '1,189.5', '1189500'],
        ['経費(千円)', '１２３', '123000'],
        ['金額（百万円）', '△1.5', '-1500000'],
        ['amount (thousand yen)', '2', '2000'],
        ['經費(千元)', '0.001', '1'],
        ['amount (yen)', '(7)', '-7'],
      ])('scale amounts by the unit a header names: %s', async (header, written, stored) => {
        const url = await freshStore(backend)
        await ok(['inventory', 'import', writeText('systems.csv', csv('id,ministry,name,category', 'S-1,mic,S,lan')), '--database', url])
        await ok([
          'inventory',
          'import',
          writeText('costs.csv', csv(`system_id,fiscal_year,pool,"${header}"`, `S-1,2009,other,"${written}"`)),
          '--database',
          url,
        ])
        expect((await contents(url)).costs).toMatchObject([{amount: stored}])
      })

      it('reports a column kasumi does not know (exit 3), naming it and the columns it does know', async () => {
        const url = await freshStore(backend)
        const file = writeText('systems.csv', csv('id,ministry,name,category,colour', 'S-1,mic,S,lan,red'))
        const result = await cli(['inventory', 'import', file, '--database', url])
        expect(result.exitCode).toBe(3)
        expect(result.stderr).toContain('systems.csv, line 1, column 5 (colour): kasumi does not know this systems column (value "colour")')
        expect(result.stderr).toContain('--allow-unknown-columns')
        expect(result.stderr).toContain('physical_servers')
        expect((await contents(url)).systems).toEqual([])
      })

      it('leaves an unknown column out with a warning when --allow-unknown-columns is given', async () => {
        const url = await freshStore(backend)
        const file = writeText('systems.csv', csv('id,ministry,name,category,colour', 'S-1,mic,S,lan,red'))
        const result = await ok(['inventory', 'import', file, '--database', url, '--allow-unknown-columns'])
        expect(result.stderr).toMatch(/Warning:.*colour/)
        expect((await contents(url)).systems).toMatchObject([{id: 'S-1', name: 'S'}])
      })

      it('reports a header naming the same field twice', async () => {
        const url = await freshStore(backend)
        const result = await cli([
          'inventory',
          'import',
          writeText('systems.csv', csv('id,ministry,name,category,システム名', 'S-1,mic,S,lan,T')),
          '--database',
          url,
        ])
        expect(result.exitCode).toBe(3)
        expect(result.stderr).toContain('line 1, column 5 (システム名): a second column for "name" (the first is column 3)')
      })

      it('reports a missing required column with the names it may have', async () => {
        const url = await freshStore(backend)
        const result = await cli([
          'inventory',
          'import',
          writeText('systems.csv', csv('id,ministry,name', 'S-1,mic,S')),
          '--database',
          url,
          '--kind',
          'systems',
        ])
        expect(result.exitCode).toBe(3)
        expect(result.stderr).toContain('the required column "category" is missing')
        expect(result.stderr).toContain('区分')
      })
    })
  })
}
