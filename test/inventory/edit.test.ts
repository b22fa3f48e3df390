import {describe, expect, it} from 'vitest'

import {kasumiProcess} from '../support/cli.js'
import {EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, contents, ok, storeFactory, writeText} from './helpers.js'

const freshStore = storeFactory()

const history = async (url: string, id: string) => (await ok(['inventory', 'history', id, '--database', url, '--json'])).json.entries

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`add, update and retire (${backend.name})`, () => {
    async function register() {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS), '--database', url])
      return url
    }

    describe('inventory add', () => {
      it('adds a system from flags, read with the import rules (names, era years, grouped numbers)', async () => {
        const url = await register()
        const result = await ok([
          'inventory',
          'add',
          '--database',
          url,
          '--no-input',
          '--json',
          '--id',
          'MIC-0500',
          '--ministry',
          '総務省',
          '--name',
          '会議室予約システム',
          '--category',
          '小規模',
          '--business-area',
          '庁舎管理',
          '--status',
          'active',
          '--physical-servers',
          '2',
          '--virtual-hosts',
          '1',
          '--os-instances',
          '3',
          '--utilisation-pct',
          '12.5%',
          '--storage-tb',
          '0.5',
          '--users',
          '1,200',
          '--annual-hours',
          '2,000',
          '--first-fy',
          '平成21年度',
          '--last-fy',
          '令和3年度',
          '--eligibility',
          'must-stay',
          '--eligibility-reason',
          '庁舎内で完結するため',
          '--tags',
          'facility;small',
        ])
        const expected = {
          id: 'MIC-0500',
          ministry: 'mic',
          name: '会議室予約システム',
          category: 'small-scale',
          businessArea: '庁舎管理',
          status: 'active',
          physicalServers: 2,
          virtualHosts: 1,
          osInstances: 3,
          utilisation: '12.5',
          storageTb: '0.5',
          users: 1200,
          annualHours: '2000',
          firstYear: 2009,
          lastYear: 2021,
          eligibility: 'must-stay',
          eligibilityReason: '庁舎内で完結するため',
          tags: ['facility', 'small'],
          retiredReason: null,
          facilityId: null,
        }
        expect(result.json).toMatchObject({formatVersion: 1, dryRun: false, system: expected})
        expect((await ok(['inventory', 'show', 'MIC-0500', '--database', url, '--json'])).json.system).toEqual(expected)
        expect(await history(url, 'MIC-0500')).toMatchObject([{kind: 'add', action: 'insert', changeSetId: result.json.changeSetId}])
      })

      it('with --no-input and required fields missing: exit 2, naming the flags to pass, nothing written', async () => {
        const url = await register()
        const before = await contents(url)
        const result = await cli(['inventory', 'add', '--database', url, '--no-input', '--id', 'MIC-0501'])
        expect(result.exitCode).toBe(2)
        expect(result.stderr).toContain('missing --ministry, --name, --category')
        expect(await contents(url)).toEqual(before)
      })

      it('refuses invalid values (exit 3), naming each field and value, and writes nothing', async () => {
        const url = await register()
        const before = await contents(url)
        const result = await cli([
          'inventory',
          'add',
          '--database',
          url,
          '--no-input',
          '--id',
          'MIC-0502',
          '--ministry',
          '総務相',
          '--name',
          'X',
          '--category',
          'lan',
          '--utilisation-pct',
          '150',
          '--physical-servers',
          '-2',
        ])
        expect(result.exitCode).toBe(3)
        expect(result.stderr).toContain('column ministry: unknown ministry (value "総務相") — did you mean 総務省 (mic)?')
        expect(result.stderr).toContain('column utilisation_pct: utilisation must be between 0 and 100 (value "150")')
        expect(result.stderr).toContain('column physical_servers: must not be negative (value "-2")')
        expect(await contents(url)).toEqual(before)
      })

      it('refuses an id that exists (exit 5)', async () => {
        const url = await register()
        const result = await cli([
          'inventory',
          'add',
          '--database',
          url,
          '--no-input',
          '--id',
          'MIC-0001',
          '--ministry',
          'mic',
          '--name',
          'X',
          '--category',
          'lan',
        ])
        expect(result.exitCode).toBe(5)
        expect(result.stderr).toContain('a system with id MIC-0001 already exists')
      })

      it('--dry-run checks the system and writes nothing', async () => {
        const url = await register()
        const before = await contents(url)
        const result = await ok([
          'inventory',
          'add',
          '--database',
          url,
          '--no-input',
          '--dry-run',
          '--id',
          'MIC-0503',
          '--ministry',
          'mic',
          '--name',
          'X',
          '--category',
          'lan',
        ])
        expect(result.stderr).toContain('Dry run: MIC-0503 is valid; nothing was written.')
        expect(await contents(url)).toEqual(before)
      })
    })

    describe('inventory update', () => {
      it('sets a field through its Japanese name (使用率 = utilisation_pct) and logs before and after', async () => {
        const url = await register()
        const result = await ok(['inventory', 'update', 'MIC-0001', '--set', '使用率=40', '--database', url, '--json'])
        expect(result.json.changes).toEqual([{field: 'utilisation_pct', before: '35.7', after: '40'}])
        expect((await ok(['inventory', 'show', 'MIC-0001', '--database', url, '--json'])).json.system.utilisation).toBe('40')
        expect(await history(url, 'MIC-0001')).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              kind: 'update',
              action: 'update',
              field: 'utilisation_pct',
              before: '35.7',
              after: '40',
              changeSetId: result.json.changeSetId,
            }),
          ]),
        )
      })

      it('sets several fields at once, by English and Chinese names, and clears one with an empty value', async () => {
        const url = await register()
        const result = await ok([
          'inventory',
          'update',
          'MIC-0002',
          '--set',
          'status=移行中',
          '--set',
          '實體伺服器數=70',
          '--set',
          'business_area=',
          '--database',
          url,
          '--json',
        ])
        expect(result.json.changes).toEqual([
          {field: 'business_area', before: '共通システム（霞が関WAN）', after: null},
          {field: 'status', before: 'active', after: 'migrating'},
          {field: 'physical_servers', before: '68', after: '70'},
        ])
      })

      it('refuses to change the id (exit 2)', async () => {
        const url = await register()
        const result = await cli(['inventory', 'update', 'MIC-0001', '--set', 'id=MIC-9999', '--database', url])
        expect(result.exitCode).toBe(2)
        expect(result.stderr).toContain('a system id cannot be changed')
        expect((await contents(url)).systems).toContainEqual(expect.objectContaining({id: 'MIC-0001'}))
      })

      it('refuses an unknown field (exit 2), listing the fields', async () => {
        const url = await register()
        const result = await cli(['inventory', 'update', 'MIC-0001', '--set', 'colour=red', '--database', url])
        expect(result.exitCode).toBe(2)
        expect(result.stderr).toContain('unknown field "colour"')
        expect(result.stderr).toContain('utilisation_pct')
      })

      it('refuses invalid values (exit 3) and changes nothing', async () => {
        const url = await register()
        const before = await contents(url)
        for (const assignment of ['使用率=140', 'physical_servers=-1', 'last_fy=1990', 'eligibility=must-stay', 'ministry=総務相']) {
          const result = await cli(['inventory', 'update', 'MIC-0001', '--set', assignment, '--database', url])
          expect(result.exitCode, assignment).toBe(3)
          expect(result.stderr).toContain('nothing was written')
        }
        expect(await contents(url)).toEqual(before)
      })

      it('--dry-run shows the change and writes nothing', async () => {
        const url = await register()
        const before = await contents(url)
        const result = await ok(['inventory', 'update', 'MIC-0001', '--set', 'users=6000', '--dry-run', '--database', url, '--json'])
        expect(result.json).toMatchObject({dryRun: true, changeSetId: null, changes: [{field: 'users', before: '5096', after: '6000'}]})
        expect(await contents(url)).toEqual(before)
      })

      it('exits 4 for an unknown id', async () => {
        const url = await register()
        const result = await cli(['inventory', 'update', 'NOPE', '--set', 'users=1', '--database', url])
        expect(result.exitCode).toBe(4)
        expect(result.stderr).toContain('no system with id NOPE')
      })
    })

    describe('inventory retire', () => {
      it('without --force and without a terminal: exit 2, saying to pass --force, nothing changed', async () => {
        const url = await register()
        const before = await contents(url)
        const result = kasumiProcess(['inventory', 'retire', 'MIC-0001', '--database', url])
        expect(result.exitCode).toBe(2)
        expect(result.stderr).toContain('retiring MIC-0001 needs confirmation')
        expect(result.stderr).toContain('--force')
        const inProcess = await cli(['inventory', 'retire', 'MIC-0001', '--no-input', '--database', url])
        expect(inProcess.exitCode).toBe(2)
        expect(await contents(url)).toEqual(before)
      })

      it('with --force sets the status to retired, keeps the reason and logs it', async () => {
        const url = await register()
        const result = await ok([
          'inventory',
          'retire',
          'MIC-0001',
          '--force',
          '--reason',
          '政府共通プラットフォームへ移行',
          '--database',
          url,
          '--json',
        ])
        expect(result.json).toMatchObject({formatVersion: 1, id: 'MIC-0001', changed: true})
        expect((await ok(['inventory', 'show', 'MIC-0001', '--database', url, '--json'])).json.system).toMatchObject({
          status: 'retired',
          retiredReason: '政府共通プラットフォームへ移行',
        })
        expect(await history(url, 'MIC-0001')).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              kind: 'retire',
              action: 'retire',
              field: 'status',
              before: 'active',
              after: 'retired',
              changeSetId: result.json.changeSetId,
            }),
            expect.objectContaining({kind: 'retire', field: 'retired_reason', before: null, after: '政府共通プラットフォームへ移行'}),
          ]),
        )
      })

      it('--dry-run writes nothing', async () => {
        const url = await register()
        const before = await contents(url)
        const result = await ok(['inventory', 'retire', 'MIC-0001', '--dry-run', '--database', url])
        expect(result.stderr).toContain('Dry run: MIC-0001 would be retired; nothing was written.')
        expect(await contents(url)).toEqual(before)
      })

      it('on a retired system says so and changes nothing', async () => {
        const url = await register()
        const before = await contents(url)
        const result = await ok(['inventory', 'retire', 'MOD-0001', '--force', '--database', url])
        expect(result.stderr).toContain('MOD-0001 is already retired.')
        expect(await contents(url)).toEqual(before)
      })

      it('exits 4 for an unknown id', async () => {
        const url = await register()
        expect((await cli(['inventory', 'retire', 'NOPE', '--force', '--database', url])).exitCode).toBe(4)
      })
    })
  })
}
