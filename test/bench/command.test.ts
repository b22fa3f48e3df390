import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {KPI_IDS} from '../../src/bench/kpis.js'
import type {BenchResult} from '../../src/bench/result.js'
import {SAMPLES_DIR} from '../../src/platform/paths.js'
import {buildBenchmarkSection} from '../../src/report/build-bench.js'
import {kasumiProcess} from '../support/cli.js'
import {describeEachBackend} from '../support/stores.js'
import {DCOI_FILE, csv, kasumi, ok, sampleStore, tempDir, tinyStore, writeFile} from '../fixtures/bench/helpers.js'

/** The store's change log, to show that nothing was written. */
async function changeLog(database: string): Promise<string> {
  return (await ok(['inventory:history', '--database', database, '--json'])).stdout
}

await describeEachBackend('kasumi bench on a tiny register, hand-computed end to end', (_backend, fresh) => {
  let store: Awaited<ReturnType<typeof tinyStore>>
  let result: BenchResult
  beforeAll(async () => {
    store = await tinyStore(await fresh())
    result = (await ok(['bench', '--database', store.database, '--scenario', store.scenario, '--json'])).json as BenchResult
  })

  it('runs the scenario and gives the KPIs of each ministry', () => {
    expect(result.formatVersion).toBe(1)
    expect(result.groups.map((group) => group.key)).toEqual(['mic', 'mof'])
    const value = (key: string, id: string) => result.groups.find((group) => group.key === key)!.kpis[id].value
    // mic: baseline 1,500,000 + 2,000,000; outside services −20 %: 200,000 + 400,000
    expect(value('mic', 'baseline')).toBe('3500000.00')
    expect(value('mic', 'savings')).toBe('600000.00')
    expect(value('mic', 'savings-ratio')).toBe('0.171429') // 600,000 ÷ 3,500,000 = 0.1714285…
    expect(value('mof', 'savings-ratio')).toBe('0.166667') // 100,000 ÷ 600,000
    expect(value('mic', 'cost-per-system')).toBe('1750000.00')
    expect(value('mic', 'cost-per-user')).toBe('8750.00') // 3,500,000 ÷ 400
    expect(value('mic', 'hours-per-system')).toBe('200.00') // 10 % of 1,000 h + 3,000 h = 400 h ÷ 2
    expect(value('mic', 'hours-per-user')).toBe('1.0000')
    expect(value('mic', 'hours-ratio')).toBe('0.100000')
    expect(value('mic', 'fte')).toBe('4.0') // 400 h ÷ 100 h per FTE
    expect(value('mof', 'fte')).toBe('0.5')
    expect(value('mic', 'onetime-per-saving')).toBe('0.0003') // 200 yen ÷ 600,000
    expect(value('mic', 'payback')).toBe('1') // positive from the first year of change
    expect(value('mic', 'virtualisation')).toBe('1.6000') // 16 OS ÷ 10 servers
    expect(value('mic', 'utilisation')).toBe('32.00') // (5 × 4 + 50 × 6) ÷ 10
    expect(value('mic', 'underutilised-servers')).toBe('4')
    expect(value('mof', 'virtualisation')).toBe('2.0000')
    expect(value('mic', 'pue')).toBeNull()
  })

  it('gives the peer median, percentile and the gap to the median', () => {
    const entry = result.groups[0].kpis['savings-ratio']
    // median of 0.171429 and 0.166667; mic: 1 below, itself equal → 75 %
    expect(entry).toEqual({value: '0.171429', unit: 'ratio', peerMedian: '0.169048', percentile: '75.00', z: '0.6745', outlier: false, rank: 1})
    expect(result.peers['savings-ratio']).toMatchObject({n: 2, median: '0.169048', league: ['mic', 'mof']})
    // mof at the median: 0.169048 × 600,000 = 101,428.8 → 101,429; 1,429 more than its 100,000
    expect(result.atPeerMedian.rows.find((row) => row.key === 'mof')).toMatchObject({savingsAtMedian: '101429', moneyGap: '1429', reached: false})
    expect(result.atPeerMedian.moneyGap).toBe('1429')
  })

  it('compares the tiny estimate with jp-2009', async () => {
    const reference = (
      (await ok(['bench', '--database', store.database, '--scenario', store.scenario, '--reference', 'jp-2009', '--kpi', 'savings', '--json']))
        .json as BenchResult
    ).reference!
    const personnel = reference.byArea.find((entry) => entry.areas.includes('人事・給与等業務'))!
    // MIC-1 saves 200,000 yen = 200 thousand, and 100 hours
    expect(personnel).toMatchObject({estimate: {cost: '200', hours: '100'}, reference: {cost: '1189160'}, costRatio: '0.0002', status: 'matched'})
    expect(reference.unmappedAreas).toEqual(['個別業務'])
    expect(reference.byMinistry.find((entry) => entry.codes.join('+') === 'npa+mic')).toMatchObject({estimate: {cost: '200'}})
    expect(reference.byMinistry.find((entry) => entry.codes.join('+') === 'mic')).toMatchObject({estimate: {cost: '400', hours: '300'}})
  })

  it('takes the plan from the estimate when the actuals have no planned column', async () => {
    const file = writeFile(store.dir, 'achieved.csv', csv('府省,年度,実績', '総務省,平成22年度,"540,000"', '財務省,平成23年度,"100,000"'))
    const actuals = (
      (await ok(['bench', '--database', store.database, '--scenario', store.scenario, '--actuals', file, '--kpi', 'savings', '--json']))
        .json as BenchResult
    ).actuals!
    expect(actuals.plannedSource).toBe('estimate')
    // mic FY2010: 600,000 planned (full effect from the start year), 540,000 achieved = 0.9
    expect(actuals.rows.map((row) => [row.key, row.fiscalYear, row.planned, row.achieved, row.achievement])).toEqual([
      ['mic', 2010, '600000', '540000', '0.9000'],
      ['mof', 2011, '100000', '100000', '1.0000'],
    ])
  })
})

await describeEachBackend('kasumi bench on the sample register', (_backend, fresh) => {
  let database: string
  beforeAll(async () => {
    database = await sampleStore(await fresh())
  })

  it('draws the league table with the peer median, percentiles and outlier marks', async () => {
    const {stdout} = await ok(['bench', '--database', database, '--kpi', 'savings-ratio,hours-ratio'])
    const result = (await ok(['bench', '--database', database, '--kpi', 'savings-ratio,hours-ratio', '--json'])).json as BenchResult
    expect(stdout).toContain('Savings ratio (%) by ministry, highest first')
    expect(stdout).toMatch(/peer median \(n = 19\)/)
    // The best ministry first, with its percentile rank.
    const best = result.groups.find((group) => group.key === result.peers['savings-ratio'].league[0])!
    const percentile = Math.round(Number(best.kpis['savings-ratio'].percentile))
    expect(stdout).toMatch(new RegExp(`│\\s+1 │ ${best.key} ${best.names.ja}\\s+│\\s+[\\d.]+% │\\s+P${percentile} │`))
    expect(stdout).toContain('Hours saved ratio (%) by ministry')
    // Every outlier of the JSON is marked in its row of the table.
    const outliers = [...result.peers['savings-ratio'].outliers, ...result.peers['hours-ratio'].outliers]
    expect(outliers.length).toBeGreaterThan(0)
    for (const key of result.peers['hours-ratio'].outliers) expect(stdout).toMatch(new RegExp(`│ ${key} .*⚑`))
    expect(stdout).toContain('Peer statistics by ministry (19 peers')
    expect(stdout).toContain('At the peer median')
  })

  it('gives every KPI with value, unit, peer median, percentile and outlier flag in --json', async () => {
    const result = (await ok(['bench', '--database', database, '--json'])).json as BenchResult
    expect(result.formatVersion).toBe(1)
    expect(result.by).toBe('ministry')
    expect(result.scenario).toMatchObject({name: 'kasumigaseki-cloud', currency: 'JPY'})
    expect(result.kpis).toEqual([...KPI_IDS])
    expect(result.definitions.map((kpi) => kpi.id)).toEqual([...KPI_IDS])
    expect(result.groups).toHaveLength(19)
    for (const group of result.groups) {
      expect(Object.keys(group.kpis)).toEqual([...KPI_IDS])
      for (const entry of Object.values(group.kpis)) {
        expect(Object.keys(entry)).toEqual(expect.arrayContaining(['value', 'unit', 'peerMedian', 'percentile', 'z', 'outlier', 'rank']))
        if (entry.value !== null) expect(entry.value).toMatch(/^-?\d+(\.\d+)?$/)
        else expect(entry.reason).toBeTruthy()
      }
    }
    expect(result.groups[0].kpis.availability).toMatchObject({
      value: null,
      missing: ['facility downtime_hours', 'facility planned_hours'],
    })
    expect(result.peers['savings-ratio'].n).toBe(19)
    expect(result.method.quantile).toMatch(/type 7/)
    expect(result.atPeerMedian.rows).toHaveLength(19)
  })

  it('compares categories, areas and systems too', async () => {
    const byCategory = (await ok(['bench', '--database', database, '--by', 'category', '--kpi', 'cost-per-user', '--json'])).json as BenchResult
    expect(byCategory.groups.map((group) => group.key).sort()).toEqual(['common', 'e-application', 'lan', 'small-scale'])
    expect(byCategory.groups[0].names.ja).toBeTruthy()
    const byArea = (await ok(['bench', '--database', database, '--by', 'area', '--kpi', 'savings-ratio', '--json'])).json as BenchResult
    expect(byArea.groups.some((group) => group.key === '府省LAN')).toBe(true)
    const bySystem = (await ok(['bench', '--database', database, '--by', 'system', '--kpi', 'virtualisation', '--json'])).json as BenchResult
    expect(bySystem.groups).toHaveLength(200)
  })

  it('compares with jp-2009 in the terminal', async () => {
    const {stdout} = await ok(['bench', '--database', database, '--reference', 'jp-2009', '--kpi', 'savings'])
    expect(stdout).toContain('Estimate against jp-2009 by business area')
    expect(stdout).toContain('Estimate against jp-2009 by ministry')
    expect(stdout).toMatch(/The estimate adds \(no reference row\): .*個別業務/)
    expect(stdout).toMatch(/The estimate leaves out: /)
  })

  it('imports the DCOI table and gives its achievement rates', async () => {
    const result = (await ok(['bench', '--database', database, '--actuals', DCOI_FILE, '--kpi', 'savings', '--json'])).json as BenchResult
    expect(result.actuals).toMatchObject({matching: 'external', currency: 'USD', total: {achievement: '0.7736', shortfall: true}})
    expect(result.actuals!.rows.map((row) => row.achievement)).toEqual(['0.8000', '1.0500', '0.7000', '0.9000', '1.0600', '0.0000', '1.0000', null])
    const {stdout} = await ok(['bench', '--database', database, '--actuals', DCOI_FILE, '--kpi', 'savings', '--threshold', '0.9'])
    expect(stdout).toContain('Planned against achieved savings ($M; planned from the file); ⚑ = below 90% of plan')
    expect(stdout).toMatch(/│ DOC\s+│ FY2017 │\s+12\.50 │\s+10\.00 │\s+-2\.50 │\s+80\.0% │\s+80\.0% │ ⚑/)
  })

  it('reads the sample actuals', async () => {
    const result = (await ok(['bench', '--database', database, '--actuals', join(SAMPLES_DIR, 'actuals.csv'), '--kpi', 'savings', '--json']))
      .json as BenchResult
    expect(result.actuals).toMatchObject({matching: 'register', plannedSource: 'file', unit: {label: '千円'}})
    expect(result.actuals!.rows).toHaveLength(57)
  })

  it('exits 3 on bad actuals with located messages, and writes nothing', async () => {
    const before = await changeLog(database)
    const dir = tempDir()
    const file = writeFile(
      dir,
      'bad.csv',
      csv('府省,年度,計画,実績,通貨', '総務省,平成22年度,100,90,JPY', '総務所,2010,100,90,JPY', 'mof,2010,50,40,USD', 'mof,FY2010,50,40,USD'),
    )
    const result = await kasumi(['bench', '--database', database, '--actuals', file])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain(
      `${file}, line 3, column ministry: kasumi does not know this ministry (value "総務所") — did you mean 総務省 (mic)?`,
    )
    expect(result.stderr).toContain(`${file}, line 5, column fiscal_year: a second row for 財務省 in FY2010 (line 4 has it too)`)
    expect(result.stderr).toContain('nothing was written')
    const json = await kasumi(['bench', '--database', database, '--actuals', file, '--json'])
    expect(json.exitCode).toBe(3)
    expect(json.json).toMatchObject({formatVersion: 1, error: {name: 'InvalidInputError', exitCode: 3}})
    // line 4 starts a second currency (USD after JPY)
    expect(json.json.error.issues.map((issue: {line: number}) => issue.line)).toEqual([3, 4, 5])
    const mixed = writeFile(dir, 'mixed.csv', csv('ministry,fiscal_year,planned,achieved,currency', 'mic,2010,1,1,JPY', 'mof,2010,1,1,USD'))
    const currencies = await kasumi(['bench', '--database', database, '--actuals', mixed])
    expect(currencies.exitCode).toBe(3)
    expect(currencies.stderr).toContain('mixed currencies without exchange rates: JPY (line 2), USD (line 3)')
    expect(await changeLog(database)).toBe(before)
  })

  it('refuses bad flags with exit 2', async () => {
    expect((await kasumi(['bench', '--database', database, '--kpi', 'speed'])).exitCode).toBe(2)
    expect((await kasumi(['bench', '--database', database, '--threshold', 'eighty'])).exitCode).toBe(2)
    expect((await kasumi(['bench', '--database', database, '--area-map', 'x.csv'])).exitCode).toBe(2)
  })

  it('makes a report section with tables and charts', async () => {
    const dir = tempDir()
    const result = (await ok(['bench', '--database', database, '--reference', 'jp-2009', '--actuals', DCOI_FILE, '--json'])).json as BenchResult
    writeFile(dir, 'bench.json', JSON.stringify(result))
    const section = buildBenchmarkSection(JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as BenchResult, 'ja')
    expect(section.id).toBe('benchmark')
    expect(section.title).toBe('ベンチマーク')
    expect(section.tables!.map((table) => table.id)).toEqual([
      'bench-peers',
      'bench-league-savings-ratio',
      'bench-kpis',
      'bench-peer-median-gap',
      'bench-definitions',
      'bench-reference-areas',
      'bench-reference-ministries',
      'bench-actuals',
      'bench-actuals-years',
    ])
    const [kpiChart, referenceChart, actualsChart] = section.charts!
    expect(kpiChart).toMatchObject({
      id: 'bench-kpi-savings-ratio',
      kind: 'bar',
      referenceLine: {label: 'ピア中央値', value: Number(result.peers['savings-ratio'].median) * 100},
    })
    expect(kpiChart.labels).toHaveLength(19)
    expect(referenceChart).toMatchObject({kind: 'grouped-bar', series: [{label: '試算'}, {label: '参照表'}]})
    expect(actualsChart).toMatchObject({
      kind: 'grouped-bar',
      labels: ['FY2017 (89.2%)', 'FY2018 (108.6%)', 'FY2019 (33.3%)'],
      series: [
        {label: '計画', values: [50.75, 40, 42]},
        {label: '実績', values: [45.25, 43.45, 14]},
      ],
    })
    const english = buildBenchmarkSection(result, 'en')
    expect(english.tables![0].title).toBe('Peer statistics (ministry)')
  })
})

describe('kasumi bench --help', () => {
  it('lists every KPI with its definition, and says which scenario it runs by default', () => {
    const {stdout, exitCode} = kasumiProcess(['bench', '--help'])
    expect(exitCode).toBe(0)
    for (const id of KPI_IDS) expect(stdout).toContain(`${id} —`)
    expect(stdout).toContain('OMB M-16-19')
    expect(stdout).toContain('default: the bundled kasumigaseki-cloud scenario')
  })
})
