/**
 * kasumi estimate end to end: the bundled sample register imported into a
 * fresh store, the bundled kasumigaseki-cloud scenario, the built CLI. The
 * figures are audited against the sample CSV files directly (baseline,
 * processing hours) and against a hand computation of NPV and payback from
 * the yearly nets; SQLite and PostgreSQL must give the same JSON.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {loadScenario} from '../../src/estimate/scenario.js'
import {locateScenario} from '../../src/ingest/scenarios.js'
import {ROOT} from '../support/cli.js'
import {BACKENDS, postgresAvailable} from '../support/stores.js'
import {decSum, ok, stores} from './helpers.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const DIMENSIONS = ['ministry', 'category', 'area', 'measure', 'system', 'year'] as const
const INTEGER = /^-?\d+$/

/** Rows of a simple CSV file (the samples quote nothing). */
function readCsv(file: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const keys = header.split(',')
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [keys[index], cell])))
}

interface Runs {
  main: any
  by: Record<string, any>
  window: any
  human: {stdout: string; stderr: string}
}

async function estimateAll(url: string): Promise<Runs> {
  const base = ['estimate', '--scenario', SCENARIO, '--database', url]
  const main = (await ok([...base, '--json'])).json
  const by: Record<string, any> = {}
  for (const dimension of DIMENSIONS) by[dimension] = (await ok([...base, '--by', dimension, '--json'])).json
  const window = (await ok([...base, '--by', 'ministry', '--from', '2011', '--to', '2013', '--json'])).json
  const human = await ok([...base, '--by', 'measure', '--effects'])
  return {main, by, window, human}
}

describe('kasumi estimate on the sample register', () => {
  const fresh = stores()
  const runs: Partial<Record<'sqlite' | 'postgres', Runs>> = {}
  const locations: Partial<Record<'sqlite' | 'postgres', string>> = {}
  let pg = false

  beforeAll(async () => {
    pg = await postgresAvailable()
    for (const backend of BACKENDS) {
      if (backend.name === 'postgres' && !pg) continue
      const url = await fresh(backend)
      await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', url])
      await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', url])
      locations[backend.name] = url
      runs[backend.name] = await estimateAll(url)
    }
  }, 300_000)

  const sqlite = () => runs.sqlite!

  it('--json is the versioned contract: yearly rows of decimal strings, NPV, payback, hours, effects', async () => {
    const json = sqlite().main
    const scenario = (await loadScenario(await locateScenario(SCENARIO))).scenario
    expect(json.formatVersion).toBe(1)
    expect(json.scenario).toMatchObject({name: SCENARIO, baseYear: scenario.baseYear, horizon: scenario.horizon, currency: 'JPY'})
    const years = json.totals.byYear.map((row: {year: number}) => row.year)
    expect(years[0]).toBe(scenario.horizon[0])
    expect(years.at(-1)).toBe(scenario.horizon[1])
    expect(years).toHaveLength(scenario.horizon[1] - scenario.horizon[0] + 1)
    for (const row of json.totals.byYear) {
      for (const field of ['baseline', 'scenario', 'savings', 'avoidance', 'oneTime', 'net', 'cumulative', 'nonCash']) {
        expect(typeof row[field], field).toBe('string')
        expect(row[field], field).toMatch(INTEGER)
      }
    }
    expect(json.totals.npv).toMatch(INTEGER)
    expect(json.totals.paybackYear === null || years.includes(json.totals.paybackYear)).toBe(true)
    expect(json.hours.byYear.map((row: {year: number}) => row.year)).toEqual(years)
    for (const row of json.hours.byYear) for (const field of ['before', 'saved', 'after', 'fte']) expect(row[field]).toMatch(/^-?\d+(\.\d+)?$/)
    expect(json.effects.rows.length).toBeGreaterThan(0)
    expect(json.warnings).toEqual([])
    expect(json.measures.map((measure: {id: string}) => measure.id)).toEqual(scenario.measures.map((measure) => measure.id))
    for (const measure of json.measures) expect(measure.systems).toBeGreaterThan(0)
  })

  it("the baseline is the base year's recurring cost lines held flat (a retired system's only to its last year) plus each year's planned one-time lines (from the CSVs)", () => {
    const json = sqlite().main
    const costs = readCsv(join(SAMPLES, 'costs.csv'))
    const systems = new Map(readCsv(join(SAMPLES, 'systems.csv')).map((system) => [system.id, system]))
    const baseYear = json.scenario.baseYear
    const runsIn = (systemId: string, year: number) => {
      const system = systems.get(systemId)!
      return system.status !== 'retired' || (system.last_fy !== '' && year <= Number(system.last_fy))
    }
    for (const row of json.totals.byYear) {
      const recurring = decSum(
        costs
          .filter((line) => Number(line.fiscal_year) === baseYear && line.frequency === 'recurring' && runsIn(line.system_id, row.year))
          .map((line) => line.amount),
      )
      const planned = decSum(
        costs
          .filter((line) => Number(line.fiscal_year) === row.year && row.year > baseYear && line.frequency === 'one-time')
          .map((line) => line.amount),
      )
      expect(row.baseline, `FY${row.year}`).toBe(new Dec(recurring).plus(planned).toFixed())
    }
  })

  it("processing hours before are the register's annual hours (from systems.csv)", () => {
    const systems = readCsv(join(SAMPLES, 'systems.csv'))
    const total = decSum(systems.map((system) => system.annual_hours || '0'))
    for (const row of sqlite().main.hours.byYear) {
      expect(row.before).toBe(total)
      expect(new Dec(row.before).minus(row.saved).toFixed()).toBe(row.after)
    }
  })

  it("each year's row reconciles: net, scenario cost and the running cumulative", () => {
    let cumulative = new Dec(0)
    for (const row of sqlite().main.totals.byYear) {
      expect(row.net).toBe(new Dec(row.savings).plus(row.avoidance).minus(row.oneTime).toFixed())
      expect(row.scenario).toBe(new Dec(row.baseline).minus(row.savings).minus(row.avoidance).plus(row.oneTime).toFixed())
      cumulative = cumulative.plus(row.net)
      expect(row.cumulative).toBe(cumulative.toFixed())
    }
  })

  it('NPV and the payback year agree with a hand computation from the yearly nets', async () => {
    const json = sqlite().main
    const {scenario} = await loadScenario(await locateScenario(SCENARIO))
    if (scenario.discount.kind !== 'rate') throw new Error('the bundled scenario is expected to use a flat rate')
    const rate = new Dec(scenario.discount.rate.base)
    const npv = json.totals.byYear.reduce(
      (total: Dec, row: {net: string}, t: number) => total.plus(new Dec(row.net).dividedBy(rate.plus(1).pow(t))),
      new Dec(0),
    )
    expect(json.totals.npv).toBe(npv.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed())
    // Payback: from the first year with a non-zero net, the first year after which the cumulative never goes below zero.
    const rows = json.totals.byYear as Array<{year: number; cumulative: string}>
    const first = rows.findIndex((row) => !new Dec(row.cumulative).isZero())
    let payback: number | null = null
    for (let index = rows.length - 1; index >= first && first >= 0; index--) {
      if (new Dec(rows[index].cumulative).isNegative()) break
      payback = rows[index].year
    }
    expect(json.totals.paybackYear).toBe(payback)
  })

  it('--by each dimension: the group rows add up exactly to the totals', () => {
    for (const dimension of DIMENSIONS) {
      const json = sqlite().by[dimension]
      expect(json.by.dimension).toBe(dimension)
      expect(json.by.rows.length, dimension).toBeGreaterThan(0)
      for (const field of ['savings', 'avoidance', 'oneTime', 'net'] as const) {
        expect(decSum(json.by.rows.map((row: Record<string, string>) => row[field])), `${dimension} ${field}`).toBe(
          new Dec(json.totals[field]).toFixed(),
        )
      }
      if (dimension !== 'year')
        expect(decSum(json.by.rows.map((row: {runRateSavings: string}) => row.runRateSavings))).toBe(json.totals.runRateSavings)
      if (dimension !== 'year' && dimension !== 'measure') {
        expect(decSum(json.by.rows.map((row: {baseline: string}) => row.baseline))).toBe(
          decSum(json.totals.byYear.map((row: {baseline: string}) => row.baseline)),
        )
      }
      // The totals do not depend on how they are rolled up.
      expect(json.totals).toEqual(sqlite().main.totals)
    }
    expect(sqlite().by.ministry.by.rows[0].key).toBe('cas')
    expect(sqlite().by.measure.by.rows.map((row: {key: string}) => row.key)).toEqual(
      sqlite().main.measures.map((measure: {id: string}) => measure.id),
    )
    expect(sqlite().by.system.by.rows).toHaveLength(200)
  })

  it('--from/--to shows and sums only the window; NPV and payback still use the whole horizon', () => {
    const {window, main} = sqlite()
    expect(window.window).toEqual([2011, 2013])
    expect(window.totals.byYear.map((row: {year: number}) => row.year)).toEqual([2011, 2012, 2013])
    expect(window.totals.byYear).toEqual(main.totals.byYear.filter((row: {year: number}) => row.year >= 2011 && row.year <= 2013))
    for (const field of ['savings', 'avoidance', 'oneTime', 'net', 'nonCash'] as const)
      expect(window.totals[field]).toBe(decSum(window.totals.byYear.map((row: Record<string, string>) => row[field])))
    for (const field of ['savings', 'oneTime'] as const)
      expect(decSum(window.by.rows.map((row: Record<string, string>) => row[field]))).toBe(window.totals[field])
    expect(window.hours.byYear.map((row: {year: number}) => row.year)).toEqual([2011, 2012, 2013])
    expect(window.totals.npv).toBe(main.totals.npv)
    expect(window.totals.paybackYear).toBe(main.totals.paybackYear)
    expect(window.totals.runRateSavings).toBe(main.totals.runRateSavings)
  })

  it('the effects rows add up to their totals, and each ＊ joint-use row follows a row of its area', () => {
    const {effects} = sqlite().main
    const area = effects.rows.filter((row: {kind: string}) => row.kind === 'area')
    const joint = effects.rows.filter((row: {kind: string}) => row.kind === 'joint-use')
    expect(joint.length).toBeGreaterThan(0)
    expect(decSum(area.map((row: {costReductionThousandYen: string | null}) => row.costReductionThousandYen ?? '0'))).toBe(
      effects.totals.costReductionThousandYen,
    )
    expect(decSum(joint.map((row: {costReductionThousandYen: string}) => row.costReductionThousandYen))).toBe(effects.totals.jointUseThousandYen)
    expect(new Dec(effects.jointUseSummary.before).minus(effects.jointUseSummary.after).toFixed()).toBe(effects.jointUseSummary.reduction)
    for (const row of joint) {
      const index = effects.rows.indexOf(row)
      const previous = effects.rows
        .slice(0, index)
        .reverse()
        .find((candidate: {kind: string}) => candidate.kind === 'area')
      expect(previous.area).toBe(row.area)
    }
  })

  it('prints the yearly table, the measure table and the effects table for people', () => {
    const {stdout, stderr} = sqlite().human
    expect(stdout).toContain('Yearly cash flow')
    expect(stdout).toContain('By measure')
    expect(stdout).toContain('Optimization effects')
    expect(stdout).toContain('＊共同利用')
    expect(stderr).not.toContain('Error')
  })

  it('SQLite and PostgreSQL give identical JSON, apart from where the store is', async (context) => {
    if (!pg) context.skip()
    const strip = (backend: 'sqlite' | 'postgres', value: unknown) => JSON.parse(JSON.stringify(value).split(locations[backend]!).join('<store>'))
    const a = runs.sqlite!
    const b = runs.postgres!
    expect(strip('postgres', b.main)).toEqual(strip('sqlite', a.main))
    for (const dimension of DIMENSIONS) expect(strip('postgres', b.by[dimension]), dimension).toEqual(strip('sqlite', a.by[dimension]))
    expect(strip('postgres', b.window)).toEqual(strip('sqlite', a.window))
    expect(b.human.stdout).toBe(a.human.stdout)
  })
})
