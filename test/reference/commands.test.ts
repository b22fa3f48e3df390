import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {kasumi, kasumiProcess, tempDir, ROOT} from '../support/cli.js'

const REFERENCE = join(ROOT, 'data', 'reference')

function copyToTemp(edit: (csv: string) => string): string {
  const folder = tempDir('kasumi-reference-')
  copyFileSync(join(REFERENCE, 'jp-2009.meta.json'), join(folder, 'jp-2009.meta.json'))
  writeFileSync(join(folder, 'jp-2009.csv'), edit(readFileSync(join(REFERENCE, 'jp-2009.csv'), 'utf8')))
  return folder
}

const add = (values: Array<string | null>) => values.reduce((total, value) => total + BigInt(value ?? '0'), 0n).toString()

describe('kasumi reference show jp-2009 --json', async () => {
  const result = await kasumi(['reference:show', 'jp-2009', '--json'])

  it('exits 0 with the versioned contract', () => {
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json).toMatchObject({formatVersion: 1, id: 'jp-2009', view: 'table'})
    expect(Object.keys(result.json)).toEqual(expect.arrayContaining(['meta', 'rows', 'totals', 'jointUseSummary', 'checks']))
    expect(result.json.meta.units).toEqual({cost: 'thousand yen (千円)', hours: 'hours per year'})
  })

  it('gives every row in order, amounts as decimal strings', () => {
    const rows = result.json.rows
    expect(rows).toHaveLength(49)
    expect(rows[0]).toEqual({
      seq: 1,
      kind: 'area',
      leadMinistry: '人事院‧總務省',
      implementingMinistries: [],
      area: '人事‧薪資等業務',
      costReductionThousandYen: '1189160',
      costYear: 2013,
      hoursReduction: '10500000',
      hoursYear: 2013,
      note: null,
      belongsTo: null,
    })
    expect(rows[12]).toMatchObject({implementingMinistries: ['內閣官房', '內閣府'], area: '內閣府LAN'})
    expect(rows[48]).toMatchObject({
      leadMinistry: '國土交通省',
      area: '公共事業支援系統（含官方營運業務）',
      costReductionThousandYen: '1931000',
      costYear: 2010,
      hoursReduction: '4056',
      hoursYear: 2010,
    })
    for (const row of rows) {
      for (const key of ['costReductionThousandYen', 'hoursReduction']) {
        expect(row[key] === null || (typeof row[key] === 'string' && /^-?\d+$/.test(row[key]))).toBe(true)
      }
    }
  })

  it('names the totals, their units and the rows they count', () => {
    const {totals, rows} = result.json
    expect(totals).toMatchObject({costReductionThousandYen: '19725339', jointUseThousandYen: '392959', hoursReduction: '23784770'})
    expect(totals.units).toEqual({
      costReductionThousandYen: 'thousand yen (千円)',
      jointUseThousandYen: 'thousand yen (千円)',
      hoursReduction: 'hours per year',
    })
    expect(totals.basis.costReductionThousandYen.kinds).toEqual(['area'])
    expect(totals.basis.jointUseThousandYen.kinds).toEqual(['joint-use'])
    expect(totals.basis.hoursReduction.kinds).toEqual(['area'])
    const of = (kind: string, key: string) => add(rows.filter((row: any) => row.kind === kind).map((row: any) => row[key]))
    expect(totals.costReductionThousandYen).toBe(of('area', 'costReductionThousandYen'))
    expect(totals.jointUseThousandYen).toBe(of('joint-use', 'costReductionThousandYen'))
    expect(totals.hoursReduction).toBe(of('area', 'hoursReduction'))
  })

  it('reports the joint-use checks as passed', () => {
    expect(result.json.jointUseSummary).toMatchObject({before: '2475877', after: '2082918', reduction: '392959'})
    expect(result.json.checks.length).toBeGreaterThanOrEqual(2)
    for (const check of result.json.checks) expect(check).toMatchObject({ok: true})
    expect(result.json.checks[0]).toMatchObject({id: 'joint-use-rows-sum', expected: '392959', actual: '392959'})
  })
})

describe('kasumi reference show views', () => {
  it('--by ministry subtotals reconcile to the grand totals', async () => {
    const result = await kasumi(['reference:show', 'jp-2009', '--by', 'ministry', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const {totals, byLeadMinistry, byImplementingMinistry} = result.json
    for (const groups of [byLeadMinistry, byImplementingMinistry]) {
      for (const key of ['costReductionThousandYen', 'jointUseThousandYen', 'hoursReduction']) {
        expect(add(groups.map((group: any) => group.totals[key]))).toBe(totals[key])
      }
      expect(groups.reduce((count: number, group: any) => count + group.areaRows.length, 0)).toBe(42)
    }
    expect(byLeadMinistry[0]).toMatchObject({
      leadMinistry: '人事院‧總務省',
      areaRows: [1],
      totals: {costReductionThousandYen: '1189160', jointUseThousandYen: '73704'},
    })
  })

  it('--by ministry prints both groupings with totals', async () => {
    const result = await kasumi(['reference:show', 'jp-2009', '--by', 'ministry'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('依負責單位')
    expect(result.stdout).toContain('依實施單位')
    expect(result.stdout).toContain('（內閣官房）（內閣府）')
    expect(result.stdout.match(/19,725,339/g)).toHaveLength(2)
  })

  it('--by area gives one line per area with the joint-use column, reconciling to the totals', async () => {
    const result = await kasumi(['reference:show', 'jp-2009', '--by', 'area', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const {byArea, totals} = result.json
    expect(byArea).toHaveLength(42)
    expect(add(byArea.map((line: any) => line.costReductionThousandYen))).toBe(totals.costReductionThousandYen)
    expect(add(byArea.map((line: any) => line.jointUseThousandYen))).toBe(totals.jointUseThousandYen)
    expect(add(byArea.map((line: any) => line.hoursReduction))).toBe(totals.hoursReduction)
    const human = await kasumi(['reference:show', 'jp-2009', '--by', 'area'])
    expect(human.stdout).toMatch(/行政情報的電子化提供業務\s*│\s*1,614,542\s*│\s*2008\s*│\s*74,046\s*│/)
  })

  it('--lang ja uses Japanese headings and keeps the data text', async () => {
    const result = await kasumi(['reference:show', 'jp-2009', '--lang', 'ja'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('担当府省')
    expect(result.stdout).toContain('業務・システム名')
    expect(result.stdout).toContain('削減経費（試算）')
    expect(result.stdout).not.toContain('負責單位')
    expect(result.stdout).toContain('人事‧薪資等業務')
  })

  it('--lang en uses English headings', async () => {
    const result = await kasumi(['reference:show', 'jp-2009', '--by', 'area', '--lang', 'en'])
    expect(result.stdout).toContain('Lead ministry')
    expect(result.stdout).toContain('Implementing ministry')
  })
})

describe('kasumi reference show, failures', () => {
  it('exits 4 for an unknown id and names the available ones', async () => {
    const result = await kasumi(['reference:show', 'jp-2010'])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain('jp-2009')
    const json = await kasumi(['reference:show', 'jp-2010', '--json'])
    expect(json.exitCode).toBe(4)
    expect(json.json.error).toMatchObject({name: 'NotFoundError', exitCode: 4})
  })

  it('exits 3 with line and column for a damaged CSV', async () => {
    const folder = copyToTemp((csv) => csv.replace('"1,189,160"', '"1,189,16O"'))
    const result = await kasumi(['reference:show', 'jp-2009', '--reference-dir', folder])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('line 2, column 6 (cost_reduction_thousand_yen)')
  })

  it('prints a failed check and exits 7', async () => {
    const folder = copyToTemp((csv) => csv.replace('"73,704"', '"73,705"'))
    const result = await kasumi(['reference:show', 'jp-2009', '--reference-dir', folder])
    expect(result.exitCode).toBe(7)
    expect(result.stdout).toContain('✗ joint-use rows')
    expect(result.stdout).toContain('expected 392,959, found 392,960')
    expect(result.stderr).toContain('failed')
    const json = await kasumi(['reference:show', 'jp-2009', '--reference-dir', folder, '--json'])
    expect(json.exitCode).toBe(7)
    expect(json.json.checks[0]).toMatchObject({ok: false, actual: '392960'})
  })
})

describe('kasumi reference list', () => {
  it('lists jp-2009 with its date, rows and units, and the life-event figures', async () => {
    const result = await kasumi(['reference:list', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json).toEqual({
      formatVersion: 1,
      tables: [
        expect.objectContaining({
          id: 'jp-2009',
          published: '2009-08-31',
          rows: 49,
          units: {cost: 'thousand yen (千円)', hours: 'hours per year'},
          checksPassed: true,
        }),
      ],
      lifeEventTables: [expect.objectContaining({id: 'jp-life-events', layout: 'life-events', rows: 2, checksPassed: true})],
    })
    const human = await kasumi(['reference:list', '--lang', 'en'])
    expect(human.stdout).toContain('jp-2009')
    expect(human.stdout).toContain('Effects of optimization (87 areas)')
    expect(human.stdout).toContain('The many procedures daily life requires')
  })
})

describe('the built CLI', () => {
  it('shows the table with its checks, as a user runs it', () => {
    const result = kasumiProcess(['reference', 'show', 'jp-2009'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('表一、整合後（87分部）的效果一覽表')
    expect(result.stdout).toContain("✓ joint-use rows (＊共同利用化的效果) sum to the summary's 削減經費 392,959")
    expect(result.stdout).toContain('✓ 實施前 2,475,877 − 實施後 2,082,918 = 削減經費 392,959')
    expect(result.stdout).not.toContain('\u001B[')
  })
})
