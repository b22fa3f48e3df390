import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {kasumi, useTempDirs, ROOT, type CommandResult} from '../support/cli.js'
import {describeEachBackend} from '../support/stores.js'

/** Temporary folders, removed when the file's tests are done. */
const tempDir = useTempDirs()

const MONEY = ['runRateSavings', 'savings', 'avoidance', 'oneTime', 'net', 'npv'] as const
const ADDITIVE = ['runRateSavings', 'savings', 'avoidance', 'oneTime', 'net', 'hoursSaved'] as const
const METRICS = [...MONEY, 'paybackYear', 'hoursSaved'] as const

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

const sum = (values: string[]) => values.reduce((total, value) => total.plus(value), new Dec(0))

await describeEachBackend('kasumi estimate diff', (_backend, fresh) => {
  let database: string
  beforeAll(async () => {
    database = await fresh()
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'costs.csv'), '--database', database])
  })

  it('of a scenario with itself gives all-zero differences', async () => {
    const result = await ok(['estimate', 'diff', 'kasumigaseki-cloud', 'kasumigaseki-cloud', '--database', database, '--json'])
    const diff = result.json
    expect(diff).toMatchObject({
      formatVersion: 1,
      currency: 'JPY',
      by: 'ministry',
      a: {name: 'kasumigaseki-cloud'},
      b: {name: 'kasumigaseki-cloud'},
      warnings: [],
    })
    expect(diff.rows).toHaveLength(19)
    for (const row of [diff.total, ...diff.rows]) {
      for (const metric of METRICS) {
        const figure = row[metric]
        expect(figure.a, `${row.key ?? 'total'} ${metric}`).toEqual(figure.b)
        if (metric === 'paybackYear') expect(figure.difference).toBe(figure.a === null ? null : 0)
        else {
          expect(new Dec(figure.difference).isZero(), `${row.key ?? 'total'} ${metric}`).toBe(true)
          expect(figure.changePercent).toBe(new Dec(figure.a).isZero() ? null : '0.00')
        }
      }
    }
  })

  describe('kasumigaseki-cloud (A) against joint-use (B)', () => {
    let diff: any
    let a: any
    let b: any
    beforeAll(async () => {
      diff = (await ok(['estimate', 'diff', 'kasumigaseki-cloud', 'joint-use', '--database', database, '--json'])).json
      a = (await ok(['estimate', '--scenario', 'kasumigaseki-cloud', '--database', database, '--json'])).json
      b = (await ok(['estimate', '--scenario', 'joint-use', '--database', database, '--json'])).json
    })

    it('gives A and B as the two estimates give them, and B − A as their exact difference', () => {
      for (const metric of MONEY) {
        expect(diff.total[metric].a, metric).toBe(a.totals[metric])
        expect(diff.total[metric].b, metric).toBe(b.totals[metric])
        expect(new Dec(diff.total[metric].difference).equals(new Dec(b.totals[metric]).minus(a.totals[metric])), metric).toBe(true)
      }
      expect(diff.total.hoursSaved).toMatchObject({a: a.hours.runRateSaved, b: b.hours.runRateSaved})
      expect(new Dec(diff.total.hoursSaved.difference).equals(new Dec(b.hours.runRateSaved).minus(a.hours.runRateSaved))).toBe(true)
      expect(diff.total.paybackYear).toEqual({
        a: a.totals.paybackYear,
        b: b.totals.paybackYear,
        difference: b.totals.paybackYear - a.totals.paybackYear,
        changePercent: null,
      })
    })

    it('gives the change in percent of A, and n/a (null) when A is 0', () => {
      const net = diff.total.net
      expect(net.changePercent).toBe(
        new Dec(net.b).minus(net.a).dividedBy(new Dec(net.a).abs()).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2),
      )
      // joint-use has no BPR: B's hours are 0, A's are not; from A = 0 there is no percentage.
      expect(diff.total.hoursSaved.changePercent).toBe('-100.00')
      const zeroA = diff.rows.filter((row: any) => new Dec(row.savings.a).isZero())
      for (const row of zeroA) expect(row.savings.changePercent).toBeNull()
    })

    it('has ministry rows that add up to the total (NPV up to its stated rounding residue)', () => {
      expect(diff.rows.map((row: any) => row.key)).toContain('mic')
      for (const metric of ADDITIVE) {
        for (const side of ['a', 'b', 'difference'] as const) {
          expect(sum(diff.rows.map((row: any) => row[metric][side])).equals(new Dec(diff.total[metric][side])), `${metric}.${side}`).toBe(true)
        }
      }
      for (const side of ['a', 'b'] as const) {
        expect(
          sum(diff.rows.map((row: any) => row.npv[side]))
            .plus(diff.npvRoundingResidue[side])
            .equals(new Dec(diff.total.npv[side])),
          `npv.${side}`,
        ).toBe(true)
      }
      // The per-ministry figures of each side are the estimate's own.
      const byMinistry = new Map(a.by.rows.map((row: any) => [row.key, row]))
      for (const row of diff.rows) {
        const own: any = byMinistry.get(row.key)
        expect({savings: row.savings.a, oneTime: row.oneTime.a, net: row.net.a, runRate: row.runRateSavings.a, hours: row.hoursSaved.a}).toEqual({
          savings: own.savings,
          oneTime: own.oneTime,
          net: own.net,
          runRate: own.runRateSavings,
          hours: own.hoursSaved,
        })
      }
    })

    it('prints the totals and a table per figure for people', async () => {
      const result = await ok(['estimate', 'diff', 'kasumigaseki-cloud', 'joint-use', '--database', database, '--unit', 'million-yen'])
      expect(result.stdout).toContain('A kasumigaseki-cloud vs B joint-use, FY2009–FY2015 (百万円; hours per year)')
      for (const title of ['run-rate savings/yr by ministry', 'NPV by ministry', 'payback year by ministry', 'hours saved/yr by ministry'])
        expect(result.stdout).toContain(title)
      expect(result.stdout).toContain('mic 総務省')
      expect(result.stdout).toContain('n/a')
      const one = await ok(['estimate', 'diff', 'kasumigaseki-cloud', 'joint-use', '--database', database, '--metric', 'npv'])
      expect(one.stdout).toContain('NPV by ministry')
      expect(one.stdout).not.toContain('one-time costs by ministry')
    })
  })

  it('compares by measure: shared measure ids line up, the others are zero on one side, rows add up', async () => {
    const diff = (await ok(['estimate', 'diff', 'joint-use', 'kasumigaseki-cloud', '--by', 'measure', '--database', database, '--json'])).json
    const keys = diff.rows.map((row: any) => row.key)
    expect(keys.slice(0, 3)).toEqual(['joint-e-application', 'joint-statistics', 'joint-publishing'])
    expect(keys).toContain('platform')
    const platform = diff.rows.find((row: any) => row.key === 'platform')
    expect(platform.savings.a).toBe('0')
    expect(platform.savings.changePercent).toBeNull()
    for (const metric of ADDITIVE)
      expect(sum(diff.rows.map((row: any) => row[metric].difference)).equals(new Dec(diff.total[metric].difference)), metric).toBe(true)
  })

  it('compares by category and by business area', async () => {
    for (const by of ['category', 'area']) {
      const diff = (await ok(['estimate', 'diff', 'lan-consolidation', 'kasumigaseki-cloud', '--by', by, '--database', database, '--json'])).json
      expect(diff.by).toBe(by)
      for (const metric of ADDITIVE)
        expect(sum(diff.rows.map((row: any) => row[metric].b)).equals(new Dec(diff.total[metric].b)), `${by} ${metric}`).toBe(true)
    }
  })

  it('refuses scenarios in different currencies (exit 3)', async () => {
    const file = join(tempDir('kasumi-diff-'), 'usd.yaml')
    writeFileSync(
      file,
      'name: usd\nbaseYear: 2008\nhorizon: [2009, 2015]\ncurrency: USD\nexchangeRates: rates.csv\nmeasures:\n  - {id: wan, type: network, reduction: 0.2}\n',
    )
    writeFileSync(
      join(file, '..', 'rates.csv'),
      'fiscal_year,currency,rate\n2008,JPY,0.009\n2009,JPY,0.0105\n2010,JPY,0.0114\n2011,JPY,0.0125\n2012,JPY,0.012\n2013,JPY,0.0103\n2014,JPY,0.0094\n2015,JPY,0.0083\n',
    )
    const result = await kasumi(['estimate', 'diff', 'kasumigaseki-cloud', file, '--database', database, '--json'])
    expect(result.exitCode, result.stderr).toBe(3)
    expect(result.json.error.message).toContain('different currencies')
  })

  it('warns when the horizons differ', async () => {
    const file = join(tempDir('kasumi-diff-'), 'short.yaml')
    writeFileSync(file, 'name: short\nbaseYear: 2008\nhorizon: [2009, 2012]\nmeasures:\n  - {id: wan, type: network, reduction: 0.2}\n')
    const result = await ok(['estimate', 'diff', 'kasumigaseki-cloud', file, '--database', database, '--json'])
    expect(result.json.warnings).toEqual([expect.stringContaining('horizons differ')])
  })
})
