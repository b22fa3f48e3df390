import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {parse} from 'csv-parse/sync'
import {describe, expect, it} from 'vitest'

import {EN_COSTS, EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, contents, csv, ok, storeFactory, tempDir, writeText} from '../inventory/helpers.js'
import {ROOT} from '../support/cli.js'

const freshStore = storeFactory()

const SAMPLE_SYSTEMS = join(ROOT, 'data', 'samples', 'systems.csv')
const SAMPLE_COSTS = join(ROOT, 'data', 'samples', 'costs.csv')
const haveSamples = existsSync(SAMPLE_SYSTEMS) && existsSync(SAMPLE_COSTS)

/** Data rows in a CSV file, counted independently of kasumi. */
function dataRows(file: string): number {
  return (parse(readFileSync(file), {bom: true, skip_empty_lines: true}) as string[][]).length - 1
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** The register files to import: the bundled samples when present, else the small fixtures. */
function registerFiles(): {systems: string; costs: string} {
  if (haveSamples) return {systems: SAMPLE_SYSTEMS, costs: SAMPLE_COSTS}
  const dir = tempDir()
  return {systems: writeText('systems.csv', EN_SYSTEMS, {dir}), costs: writeText('costs.csv', EN_COSTS, {dir})}
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`inventory import (${backend.name})`, () => {
    it(`imports ${haveSamples ? 'the bundled samples' : 'a register'}: every row, as counted in the files`, async () => {
      const url = await freshStore(backend)
      const files = registerFiles()
      const systems = await ok(['inventory', 'import', files.systems, '--database', url, '--json'])
      expect(systems.json).toMatchObject({formatVersion: 1, kind: 'systems', records: dataRows(files.systems), inserted: dataRows(files.systems)})
      const costs = await ok(['inventory', 'import', files.costs, '--database', url, '--json'])
      expect(costs.json).toMatchObject({formatVersion: 1, kind: 'costs', records: dataRows(files.costs), inserted: dataRows(files.costs)})
      const stored = await contents(url)
      expect(stored.systems).toHaveLength(dataRows(files.systems))
      expect(stored.costs).toHaveLength(dataRows(files.costs))
    })

    it('writes one change set per import, carrying the file name and its SHA-256', async () => {
      const url = await freshStore(backend)
      const files = registerFiles()
      const before = (await contents(url)).changeSets
      const result = await ok(['inventory', 'import', files.systems, '--database', url, '--json'])
      expect(result.json.sha256).toBe(sha256(files.systems))
      const history = await ok(['inventory', 'history', '--database', url, '--json'])
      expect(history.json.entries).toHaveLength(before + 1)
      expect(history.json.entries[0]).toMatchObject({
        changeSetId: result.json.changeSetId,
        kind: 'import',
        fileName: basename(files.systems),
        fileSha256: sha256(files.systems),
        rows: dataRows(files.systems),
      })
      await ok(['inventory', 'import', files.costs, '--database', url])
      const after = await ok(['inventory', 'history', '--database', url, '--json'])
      expect(after.json.entries).toHaveLength(before + 2)
      expect(after.json.entries[0]).toMatchObject({
        kind: 'import',
        fileName: basename(files.costs),
        fileSha256: sha256(files.costs),
        rows: dataRows(files.costs),
      })
    })

    it('--dry-run checks and counts everything, and writes nothing', async () => {
      const url = await freshStore(backend)
      const files = registerFiles()
      await ok(['inventory', 'import', files.systems, '--database', url])
      const before = await contents(url)
      const dry = await ok(['inventory', 'import', files.costs, '--database', url, '--dry-run', '--json'])
      expect(dry.json).toMatchObject({
        formatVersion: 1,
        dryRun: true,
        kind: 'costs',
        records: dataRows(files.costs),
        inserted: dataRows(files.costs),
        changeSetId: null,
      })
      expect(await contents(url)).toEqual(before)
      const human = await ok(['inventory', 'import', files.costs, '--database', url, '--dry-run'])
      expect(human.stderr).toContain(`Dry run: ${files.costs} is valid (${dataRows(files.costs).toLocaleString('en')} cost lines`)
      expect(human.stderr).toContain('Nothing was written.')
      expect(await contents(url)).toEqual(before)
    })

    it('says in --json whether it was a dry run', async () => {
      const url = await freshStore(backend)
      const result = await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url, '--json'])
      expect(result.json).toMatchObject({dryRun: false})
    })

    it('stores the same rows, and reports the same problems, when the file is read on a second thread', async () => {
      const files = registerFiles()
      const stored = []
      for (const parallel of ['never', 'always']) {
        const url = await freshStore(backend)
        await ok(['inventory', 'import', files.systems, '--database', url, '--parallel', parallel])
        await ok(['inventory', 'import', files.costs, '--database', url, '--parallel', parallel])
        const {systems, costs} = await contents(url)
        stored.push({systems, costs})
      }
      expect(stored[1]).toEqual(stored[0])
      const url = await freshStore(backend)
      const bad = writeText('costs.csv', csv('system_id,fiscal_year,pool,amount', 'NOPE-1,2012,hardware,100', 'NOPE-2,平成32年度,hardware,"1,18"'))
      const [never, always] = [
        await cli(['inventory', 'import', bad, '--database', url, '--parallel', 'never', '--json']),
        await cli(['inventory', 'import', bad, '--database', url, '--parallel', 'always', '--json']),
      ]
      expect(always.exitCode).toBe(3)
      expect(always.json.error.issues).toHaveLength(4)
      expect(always.json.error).toEqual(never.json.error)
    })

    describe('a file with ids already in the store', () => {
      const V2 = csv(
        'id,ministry,name,category,business_area,status,physical_servers,virtual_hosts,os_instances,utilisation_pct,storage_tb,users,annual_hours,first_fy,last_fy,eligibility,eligibility_reason,tags',
        // renamed, more servers, lower utilisation
        'CAS-0001,cas,内閣官房LAN（新）,lan,府省LAN,active,14,0,12,18,5.6,918,1260,1997,2012,eligible,,wan',
        // as stored
        'MIC-0001,mic,総務省LAN,lan,府省LAN,active,18,0,18,35.7,12.4,5096,9800,2003,2015,eligible,,gima;wan',
        // new
        'MOE-0001,moe,環境省LAN,lan,府省LAN,active,6,0,6,20,1,800,900,2004,2014,eligible,,',
      )

      async function storeWithV1() {
        const url = await freshStore(backend)
        await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
        return url
      }

      it('--on-conflict update changes the changed fields and logs each with before and after', async () => {
        const url = await storeWithV1()
        const result = await ok(['inventory', 'import', writeText('systems-v2.csv', V2), '--database', url, '--on-conflict', 'update', '--json'])
        expect(result.json).toMatchObject({inserted: 1, updated: 1, unchanged: 1, skipped: 0})
        const shown = await ok(['inventory', 'show', 'CAS-0001', '--database', url, '--json'])
        expect(shown.json.system).toMatchObject({name: '内閣官房LAN（新）', physicalServers: 14, utilisation: '18', users: 918})
        const history = await ok(['inventory', 'history', 'CAS-0001', '--database', url, '--json'])
        const updates = history.json.entries.filter((entry: {action: string}) => entry.action === 'update')
        expect(updates).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              field: 'name',
              before: '内閣官房LAN',
              after: '内閣官房LAN（新）',
              fileName: 'systems-v2.csv',
              changeSetId: result.json.changeSetId,
            }),
            expect.objectContaining({field: 'physical_servers', before: '12', after: '14'}),
            expect.objectContaining({field: 'utilisation_pct', before: '20.5', after: '18'}),
          ]),
        )
        expect(updates).toHaveLength(3)
        const unchanged = await ok(['inventory', 'history', 'MIC-0001', '--database', url, '--json'])
        expect(unchanged.json.entries.filter((entry: {action: string}) => entry.action === 'update')).toEqual([])
      })

      it('--on-conflict skip keeps the stored systems and adds the new ones', async () => {
        const url = await storeWithV1()
        const before = await contents(url)
        const result = await ok(['inventory', 'import', writeText('systems-v2.csv', V2), '--database', url, '--on-conflict', 'skip', '--json'])
        expect(result.json).toMatchObject({inserted: 1, updated: 0, skipped: 2})
        const after = await contents(url)
        expect(after.systems.filter((system: any) => system.id !== 'MOE-0001')).toEqual(before.systems)
        expect(after.systems).toContainEqual(expect.objectContaining({id: 'MOE-0001', name: '環境省LAN'}))
      })

      // An update file that leaves out columns resets those fields (status back to active, counts to empty).
      it('--on-conflict update keeps the fields whose column the file does not have', async () => {
        const url = await storeWithV1()
        await ok([
          'inventory',
          'import',
          writeText('servers.csv', csv('id,ministry,name,category,physical_servers', 'MIC-0003,mic,ﾃｽﾄ用ｼｽﾃﾑ,small-scale,2')),
          '--database',
          url,
          '--on-conflict',
          'update',
        ])
        const shown = await ok(['inventory', 'show', 'MIC-0003', '--database', url, '--json'])
        expect(shown.json.system).toMatchObject({physicalServers: 2, status: 'migrated', users: 12, firstYear: 2005})
      })
    })
  })
}
