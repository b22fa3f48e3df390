import stringWidth from 'string-width'
import {beforeAll, describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {EN_COSTS, EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, ok, storeFactory, tempDir, writeText} from './helpers.js'

const freshStore = storeFactory()

const ids = (result: {json?: any}) => result.json.systems.map((system: {id: string}) => system.id)

/**
 * Every line of every table drawn in the output has the display width of its
 * table's top border (East Asian wide characters count 2, half-width katakana 1).
 */
function expectAlignedTables(output: string): number {
  const lines = output.split('\n')
  let tables = 0
  let width = -1
  for (const line of lines) {
    if (line.startsWith('┌')) {
      tables++
      width = stringWidth(line)
      continue
    }
    if (/^[│├└]/.test(line)) expect(stringWidth(line), `misaligned: ${line}`).toBe(width)
  }
  expect(tables).toBeGreaterThan(0)
  return tables
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`list, show and summary (${backend.name})`, () => {
    let url: string
    const run = (argv: string[]) => ok([...argv, '--database', url])

    beforeAll(async () => {
      url = await freshStore(backend)
      const dir = tempDir()
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS, {dir}), '--database', url])
      await ok(['inventory', 'import', writeText('costs.csv', EN_COSTS, {dir}), '--database', url])
    })

    describe('filters', () => {
      it.each(['mic', 'MIC', '総務省', '總務省', 'Ministry of Internal Affairs and Communications'])(
        '--ministry %s picks the same ministry by code or name',
        async (ministry) => {
          expect(ids(await run(['inventory', 'list', '--ministry', ministry, '--json']))).toEqual(['MIC-0001', 'MIC-0002', 'MIC-0003'])
        },
      )

      it('takes several ministries, comma-separated or repeated', async () => {
        expect(ids(await run(['inventory', 'list', '-m', 'mic,財務省', '--json']))).toEqual(['MIC-0001', 'MIC-0002', 'MIC-0003', 'MOF-0001'])
        expect(ids(await run(['inventory', 'list', '-m', 'mod', '-m', 'cas', '--json']))).toEqual(['CAS-0001', 'MOD-0001'])
      })

      it('filters by category and status, and combines filters', async () => {
        expect(ids(await run(['inventory', 'list', '--category', 'lan', '--json']))).toEqual(['CAS-0001', 'MIC-0001', 'MOD-0001'])
        expect(ids(await run(['inventory', 'list', '--status', 'retired,migrated', '--json']))).toEqual(['MIC-0003', 'MOD-0001'])
        expect(ids(await run(['inventory', 'list', '--ministry', 'mic', '--category', 'common', '--status', 'active', '--json']))).toEqual([
          'MIC-0002',
        ])
      })

      it('says so when nothing matches', async () => {
        const result = await run(['inventory', 'list', '--ministry', 'moe'])
        expect(result.stderr).toContain('No systems match.')
        expect(result.stdout).toBe('')
      })

      it('refuses an unknown ministry (exit 2) with a "did you mean"', async () => {
        const result = await cli(['inventory', 'list', '--ministry', '総務相', '--database', url])
        expect(result.exitCode).toBe(2)
        expect(result.stderr).toContain('unknown ministry "総務相"')
        expect(result.stderr).toContain('did you mean 総務省 (mic)?')
      })

      it('refuses an unknown category or status (exit 2)', async () => {
        expect((await cli(['inventory', 'list', '--category', 'mainframe', '--database', url])).exitCode).toBe(2)
        expect((await cli(['inventory', 'list', '--status', 'dead', '--database', url])).exitCode).toBe(2)
      })
    })

    describe('sorting and columns', () => {
      it('sorts by a field, ascending by default and descending with --desc', async () => {
        expect(ids(await run(['inventory', 'list', '--sort', 'physicalServers', '--json']))).toEqual([
          'MIC-0003',
          'CAS-0001',
          'MIC-0001',
          'MOD-0001',
          'MIC-0002',
          'MOF-0001',
        ])
        expect(ids(await run(['inventory', 'list', '--sort', 'physicalServers', '--desc', '--json']))).toEqual([
          'MOF-0001',
          'MIC-0002',
          'MOD-0001',
          'MIC-0001',
          'CAS-0001',
          'MIC-0003',
        ])
      })

      it('sorts by cost, largest first with --desc, systems without cost last', async () => {
        expect(ids(await run(['inventory', 'list', '--sort', 'cost', '--desc', '--json'])).slice(0, 4)).toEqual([
          'MIC-0002',
          'MOF-0001',
          'CAS-0001',
          'MIC-0001',
        ])
      })

      it('refuses an unknown sort field or column (exit 2), listing the choices', async () => {
        const sort = await cli(['inventory', 'list', '--sort', 'colour', '--database', url])
        expect(sort.exitCode).toBe(2)
        expect(sort.stderr).toContain('cannot sort by colour')
        expect(sort.stderr).toContain('physicalServers')
        const columns = await cli(['inventory', 'list', '--columns', 'id,colour', '--database', url])
        expect(columns.exitCode).toBe(2)
        expect(columns.stderr).toContain('unknown column: colour')
      })

      it('shows the chosen columns, in the chosen order', async () => {
        const result = await run(['inventory', 'list', '--columns', 'name,id,servers,cost', '--unit', 'yen'])
        const head = result.stdout
          .split('\n')[1]
          .split('│')
          .map((cell) => cell.trim())
          .filter(Boolean)
        expect(head).toEqual(['name', 'id', 'servers', 'cost FY2012 (円)'])
      })
    })

    describe('the table', () => {
      it('ends with a totals row: counts, servers, users and cost from the exact sum', async () => {
        const result = await run(['inventory', 'list', '--unit', 'yen'])
        const total = result.stdout.split('\n').find((line) => line.includes('total (6)'))
        expect(total).toBeDefined()
        const cells = total!
          .split('│')
          .map((cell) => cell.trim())
          .filter(Boolean)
        // servers 12+18+68+1+1200+30, users 918+5096+45000+12+120000+2200, cost 1,200,000 + 0.3 + 12,345,678,901,234,567,891 + 2,950,000
        expect(cells).toEqual(['total (6)', '1,329', '173,226', '12,345,678,901,238,717,891'])
      })

      it('shows large amounts exactly, without binary floating point', async () => {
        const result = await run(['inventory', 'list', '--unit', 'yen', '--ministry', 'mic'])
        expect(result.stdout).toContain('12,345,678,901,234,567,891')
      })

      it('lines up columns holding Japanese, full-width and half-width text', async () => {
        expectAlignedTables((await run(['inventory', 'list'])).stdout)
        expectAlignedTables((await run(['inventory', 'list', '--columns', 'id,name,area,years,tags,cost'])).stdout)
        expectAlignedTables((await run(['inventory', 'summary'])).stdout)
        expect(expectAlignedTables((await run(['inventory', 'show', 'MOF-0001'])).stdout)).toBe(2)
        expectAlignedTables((await run(['inventory', 'history'])).stdout)
      })
    })

    describe('--json', () => {
      it('list: every system with its fields and its cost as exact decimal strings', async () => {
        const result = await run(['inventory', 'list', '--json'])
        expect(result.json).toMatchObject({formatVersion: 1, fiscalYear: 2012, count: 6})
        expect(result.json.costUnit).toContain('exact decimal strings')
        const system = (id: string) => result.json.systems.find((candidate: {id: string}) => candidate.id === id)
        expect(system('MIC-0001')).toMatchObject({
          ministry: 'mic',
          name: '総務省LAN',
          utilisation: '35.7',
          storageTb: '12.4',
          physicalServers: 18,
          tags: ['gima', 'wan'],
          cost: {JPY: '0.3'},
        })
        expect(system('MIC-0002').cost).toEqual({JPY: '12345678901234567891'})
        expect(system('MOF-0001').cost).toEqual({JPY: '2950000'})
        expect(system('MOD-0001').cost).toEqual({})
      })

      it('list --year picks the fiscal year of the costs', async () => {
        const result = await run(['inventory', 'list', '--year', '2011', '--json'])
        expect(result.json.fiscalYear).toBe(2011)
        expect(result.json.systems.find((s: {id: string}) => s.id === 'MOD-0001').cost).toEqual({JPY: '500000'})
      })

      it('summary: systems and cost by ministry, and a total that is their exact sum', async () => {
        const result = await run(['inventory', 'summary', '--json'])
        expect(result.json).toMatchObject({formatVersion: 1, fiscalYear: 2012, systems: 6, total: {JPY: '12345678901238717891.3'}})
        expect(result.json.byMinistry.map((row: {ministry: string; systems: number}) => [row.ministry, row.systems])).toEqual([
          ['cas', 1],
          ['mic', 3],
          ['mof', 1],
          ['mod', 1],
        ])
        expect(result.json.byMinistry.find((row: {ministry: string}) => row.ministry === 'mic')).toMatchObject({
          name: '総務省',
          cost: {JPY: '12345678901234567891.3'},
        })
        const sum = result.json.byMinistry.reduce(
          (total: InstanceType<typeof Dec>, row: {cost: {JPY?: string}}) => total.plus(row.cost.JPY ?? 0),
          new Dec(0),
        )
        expect(sum.toFixed()).toBe(result.json.total.JPY)
      })

      it('show: the system, its cost lines and yearly totals', async () => {
        const result = await run(['inventory', 'show', 'MOF-0001', '--json'])
        expect(result.json).toMatchObject({
          formatVersion: 1,
          system: {id: 'MOF-0001', eligibility: 'must-stay', eligibilityReason: '機密情報を扱うため'},
          costLines: [
            {
              systemId: 'MOF-0001',
              fiscalYear: 2012,
              pool: 'outside-services',
              spendType: 'development',
              frequency: 'one-time',
              amount: '-50000',
              currency: 'JPY',
              note: '補正, 減額',
            },
            {systemId: 'MOF-0001', fiscalYear: 2012, pool: 'other', amount: '3000000'},
          ],
          costByYear: [{year: 2012, total: {JPY: '2950000'}}],
        })
        expect(result.json.costLines[0]).not.toHaveProperty('id')
      })
    })

    describe('show', () => {
      it('shows the fields and a cost table by year and pool, with totals', async () => {
        const result = await run(['inventory', 'show', 'MOF-0001', '--unit', 'yen'])
        expect(result.stdout).toContain('MOF-0001 国税総合管理（KSK）システム')
        expect(result.stdout).toMatch(/│ ministry\s+│ mof 財務省\s+│/)
        expect(result.stdout).toContain('Costs (円; rounded half-up, totals from exact sums)')
        expect(result.stdout).toMatch(/│ FY2012 │\s+-50,000 │\s+3,000,000 │\s+-50,000 │\s+2,950,000 │/)
      })

      it('exits 4 for an unknown id, with a "did you mean"', async () => {
        const result = await cli(['inventory', 'show', 'MOF-001', '--database', url])
        expect(result.exitCode).toBe(4)
        expect(result.stderr).toContain('no system with id MOF-001')
        expect(result.stderr).toContain('did you mean MOF-0001?')
      })
    })
  })
}
