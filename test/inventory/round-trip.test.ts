import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {EN_COSTS, EN_SYSTEMS, ZH_COSTS, ZH_SYSTEMS} from '../fixtures/registers.js'
import {backends, contents, csv, ok, storeFactory, tempDir, writeText} from './helpers.js'

const freshStore = storeFactory()

/** Cells a spreadsheet would run as formulas, negative amounts, quotes, commas and line breaks. */
const AWKWARD_SYSTEMS = csv(
  'id,ministry,name,category,business_area,eligibility,eligibility_reason,tags',
  'F-0001,mic,"=HYPERLINK(""x"")",small-scale,"quoted ""area"", with comma",eligible,,=formula;+plus',
  'F-0002,mic,+cmd,small-scale,"two\nlines",must-stay,-理由,-minus',
  'F-0003,mof,@SUM(1),small-scale,,eligible,,',
  '@F-0004,mof,-50000,small-scale,=1+2,eligible,,@at',
)

const AWKWARD_COSTS = csv(
  'system_id,fiscal_year,pool,amount,note',
  "F-0001,2012,hardware,-50000,=cmd|' /C calc'!A0",
  'F-0002,2012,software,△1.5,"note, with comma"',
  '@F-0004,2012,other,0.000001,+',
)

async function exportAll(url: string, dir: string, flags: string[] = []) {
  const files = {systems: join(dir, 'systems.csv'), costs: join(dir, 'costs.csv')}
  await ok(['inventory', 'export', '--database', url, '--kind', 'systems', '--output', files.systems, ...flags])
  await ok(['inventory', 'export', '--database', url, '--kind', 'costs', '--output', files.costs, ...flags])
  const json = {
    systems: (await ok(['inventory', 'export', '--database', url, '--kind', 'systems', '--format', 'json'])).stdout,
    costs: (await ok(['inventory', 'export', '--database', url, '--kind', 'costs', '--format', 'json'])).stdout,
  }
  return {files, csv: {systems: readFileSync(files.systems), costs: readFileSync(files.costs)}, json}
}

async function register(url: string): Promise<void> {
  const dir = tempDir()
  for (const [name, text] of [
    ['en-systems.csv', EN_SYSTEMS],
    ['zh-systems.csv', ZH_SYSTEMS],
    ['awkward-systems.csv', AWKWARD_SYSTEMS],
    ['en-costs.csv', EN_COSTS],
    ['zh-costs.csv', ZH_COSTS],
    ['awkward-costs.csv', AWKWARD_COSTS],
  ]) {
    await ok(['inventory', 'import', writeText(name, text, {dir}), '--database', url, '--calendar', 'roc'])
  }
  await ok(['inventory', 'update', 'MIC-0002', '--set', 'status=migrating', '--set', '使用率=40', '--database', url])
  await ok(['inventory', 'retire', 'CAS-0001', '--force', '--reason', '=統合済み', '--database', url])
}

const enabled = await backends()

for (const backend of enabled) {
  describe.runIf(backend.enabled)(`export → import → export (${backend.name})`, () => {
    it('gives byte-identical CSV and identical JSON for systems and cost lines', async () => {
      const a = await freshStore(backend)
      await register(a)
      const fromA = await exportAll(a, tempDir())
      const b = await freshStore(backend)
      await ok(['inventory', 'import', fromA.files.systems, '--database', b])
      await ok(['inventory', 'import', fromA.files.costs, '--database', b])
      const fromB = await exportAll(b, tempDir())
      expect(fromB.csv.systems.equals(fromA.csv.systems), 'systems.csv differs').toBe(true)
      expect(fromB.csv.costs.equals(fromA.csv.costs), 'costs.csv differs').toBe(true)
      expect(fromB.json).toEqual(fromA.json)
      const {systems, costs} = await contents(b)
      expect(systems).toEqual(JSON.parse(fromA.json.systems).rows)
      expect(costs).toEqual(JSON.parse(fromA.json.costs).rows)
    })

    it('starts CSV with a UTF-8 BOM by default and leaves it out with --no-bom, and both read back the same', async () => {
      const a = await freshStore(backend)
      await register(a)
      const withBom = await exportAll(a, tempDir())
      const withoutBom = await exportAll(a, tempDir(), ['--no-bom'])
      expect([...withBom.csv.systems.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      expect([...withBom.csv.costs.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
      expect(withoutBom.csv.systems.subarray(0, 3).toString()).toBe('id,')
      expect(withoutBom.csv.costs.subarray(0, 10).toString()).toBe('system_id,')
      expect(withBom.csv.systems.subarray(3).equals(withoutBom.csv.systems)).toBe(true)
      const b = await freshStore(backend)
      await ok(['inventory', 'import', withoutBom.files.systems, '--database', b])
      await ok(['inventory', 'import', withoutBom.files.costs, '--database', b])
      expect((await exportAll(b, tempDir(), ['--no-bom'])).csv.systems.equals(withoutBom.csv.systems)).toBe(true)
    })

    it('writes formula-like text with a leading apostrophe, reads it back unchanged, and leaves negative amounts alone', async () => {
      const a = await freshStore(backend)
      await register(a)
      const exported = await exportAll(a, tempDir())
      const systemsCsv = exported.csv.systems.toString('utf8')
      const costsCsv = exported.csv.costs.toString('utf8')
      expect(systemsCsv).toContain(`"'=HYPERLINK(""x"")"`)
      expect(systemsCsv).toContain(`,'+cmd,`)
      expect(systemsCsv).toContain(`,'@SUM(1),`)
      expect(systemsCsv).toContain(`'@F-0004,mof,'-50000,`)
      expect(systemsCsv).toContain(`,'-理由,'-minus`)
      expect(costsCsv).toMatch(/\r\nF-0001,2012,hardware,operations,recurring,-50000,JPY,'=cmd/)
      expect(costsCsv).toContain(',-1.5,JPY,')
      const b = await freshStore(backend)
      await ok(['inventory', 'import', exported.files.systems, '--database', b])
      await ok(['inventory', 'import', exported.files.costs, '--database', b])
      const {systems, costs} = await contents(b)
      const system = (id: string) => systems.find((candidate: any) => candidate.id === id)
      expect(system('F-0001')).toMatchObject({name: '=HYPERLINK("x")', businessArea: 'quoted "area", with comma', tags: ['=formula', '+plus']})
      expect(system('F-0002')).toMatchObject({name: '+cmd', businessArea: 'two\nlines', eligibilityReason: '-理由', tags: ['-minus']})
      expect(system('F-0003')).toMatchObject({name: '@SUM(1)'})
      expect(system('@F-0004')).toMatchObject({name: '-50000', businessArea: '=1+2', tags: ['@at']})
      expect(system('CAS-0001')).toMatchObject({status: 'retired', retiredReason: '=統合済み'})
      const line = (systemId: string) => costs.find((candidate: any) => candidate.systemId === systemId)
      expect(line('F-0001')).toMatchObject({amount: '-50000', note: "=cmd|' /C calc'!A0"})
      expect(line('F-0002')).toMatchObject({amount: '-1.5'})
      expect(line('@F-0004')).toMatchObject({amount: '0.000001', note: '+'})
    })

    // A leading apostrophe before = + - @ marks a neutralised cell, in kasumi's exports and in any CSV: import reads "'=x" as "=x".
    it('reads an apostrophe before a formula sign as neutralising, and writes it back the same way', async () => {
      const a = await freshStore(backend)
      await ok(['inventory', 'import', writeText('systems.csv', csv('id,ministry,name,category', "Q-1,mic,'=x,lan")), '--database', a])
      expect((await contents(a)).systems).toMatchObject([{id: 'Q-1', name: '=x'}])
      const exported = await exportAll(a, tempDir())
      expect(readFileSync(exported.files.systems, 'utf8')).toContain("Q-1,mic,'=x,lan")
      const b = await freshStore(backend)
      await ok(['inventory', 'import', exported.files.systems, '--database', b])
      expect((await contents(b)).systems).toMatchObject([{id: 'Q-1', name: '=x'}])
    })
  })
}

const sqlite = enabled.find((backend) => backend.name === 'sqlite')!
const postgres = enabled.find((backend) => backend.name === 'postgres')!

describe.runIf(postgres.enabled)('export from SQLite → import into PostgreSQL', () => {
  it('gives byte-identical exports', async () => {
    const a = await freshStore(sqlite)
    await register(a)
    const fromA = await exportAll(a, tempDir())
    const b = await freshStore(postgres)
    await ok(['inventory', 'import', fromA.files.systems, '--database', b])
    await ok(['inventory', 'import', fromA.files.costs, '--database', b])
    const fromB = await exportAll(b, tempDir())
    expect(fromB.csv.systems.equals(fromA.csv.systems)).toBe(true)
    expect(fromB.csv.costs.equals(fromA.csv.costs)).toBe(true)
    expect(fromB.json).toEqual(fromA.json)
  })
})
