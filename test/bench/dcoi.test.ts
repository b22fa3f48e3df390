/**
 * The DCOI metrics of `kasumi bench`, from the facilities of the sample
 * inventories (data/samples/dcoi-idc-2024q3.csv and …2024q4.csv), worked by
 * hand. The population is open, agency-owned, Tier 1–4 data centres:
 * DCOI-DC-10001, 10004 (a tenant), 10005 (key mission) and 10008; 10002 is
 * non-tiered, 10003 closed, 10007 a cloud region, the new one colocation.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect, it} from 'vitest'

import type {BenchResult} from '../../src/bench/result.js'
import {ROOT} from '../support/cli.js'
import {describeEachBackend} from '../support/stores.js'
import {kasumi, ok, sampleStore, tempDir, writeFile} from '../fixtures/bench/helpers.js'

const Q3 = join(ROOT, 'data/samples/dcoi-idc-2024q3.csv')
const Q4 = join(ROOT, 'data/samples/dcoi-idc-2024q4.csv')

await describeEachBackend('kasumi bench: DCOI metrics from the facilities', (_backend, fresh) => {
  it('per agency and in total, with OMB’s targets, for the latest period or --period', async () => {
    const database = await sampleStore(await fresh())
    await ok(['inventory:import', Q3, '--database', database, '--period', '2024-Q3'])
    await ok(['inventory:import', Q4, '--database', database, '--period', '2024-Q4'])
    const result = (await ok(['bench', '--database', database, '--json'])).json as BenchResult
    const facilities = result.facilities!
    expect(facilities.period).toBe('2024-Q4')
    expect(facilities.periods).toEqual(['2024-Q3', '2024-Q4'])
    expect(facilities.agencies.map((group) => group.agency)).toEqual(['DOX'])
    const dox = facilities.agencies[0]
    expect({facilities: dox.facilities, population: dox.population}).toEqual({facilities: 8, population: 4})
    const value = (id: string) => dox.metrics[id as keyof typeof dox.metrics]
    expect(value('energy-metering')).toMatchObject({value: '0.75', facilities: 4, meetsTarget: false}) // 3 of 4 metered; target 100 %
    // (820,000 + 1,500,000 + 390,000) ÷ (505,000 + 1,200,000 + 300,000) = 2,710,000 ÷ 2,005,000 = 1.351620…
    expect(value('pue')).toMatchObject({value: '1.3516', facilities: 3, meetsTarget: true})
    // 1 − (2 + 0 + 4) ÷ (3 × 2,208) = 1 − 6 ÷ 6,624 = 0.999094… (the tenant gives no hours)
    expect(value('availability')).toMatchObject({value: '0.999094', facilities: 3})
    expect(value('availability').meetsTarget).toBeUndefined() // agency-specific target (M-19-19)
    expect(value('virtualisation')).toMatchObject({value: '0.258515', facilities: 4}) // (150 + 6 + 80 + 60) ÷ (610 + 25 + 350 + 160) = 296 ÷ 1,145
    expect(value('underutilised-servers')).toMatchObject({value: '40', facilities: 3}) // 35 + 0 + 5
    expect(value('underutilised-share')).toMatchObject({value: '0.035714'}) // 40 ÷ (610 + 350 + 160)
    // (120 + 200 + 40) racks × 30 sq ft ÷ (12,000 + 20,000 + 5,000) sq ft = 10,800 ÷ 37,000 = 0.291891… (the tenant gives no floor area)
    expect(value('facility-utilisation')).toMatchObject({value: '0.291892', facilities: 3, meetsTarget: false})
    expect(facilities.total.metrics.pue.value).toBe('1.3516')
    expect(facilities.definitions.find((metric) => metric.id === 'pue')!.target).toContain('M-16-19')
    expect(facilities.definitions.find((metric) => metric.id === 'availability')!.source).toContain('M-19-19')

    // Closures at the latest period: the annex (800 sq ft, 45 servers) and Denver (3,000 sq ft, 180 servers), both FY2024.
    expect(facilities.closures).toEqual([
      {agency: 'DOX', fiscalYear: 2024, closed: 2, inMigration: 0, floorAreaRemoved: '3800', serversRemoved: 225, withoutFigures: 0},
    ])

    const q3 = (await ok(['bench', '--database', database, '--period', '2024q3', '--json'])).json as BenchResult
    const early = q3.facilities!.agencies[0].metrics
    expect(early.pue.value).toBe('1.325') // (850,000 + 1,500,000 + 300,000) ÷ (500,000 + 1,200,000 + 300,000)
    expect(early['virtualisation'].value).toBe('0.260793') // 296 ÷ 1,135
    expect(early['underutilised-servers'].value).toBe('45') // 40 + 0 + 5

    const human = await ok(['bench', '--database', database])
    expect(human.stdout).toContain('DCOI metrics from the facilities, 2024-Q4')
    expect(human.stdout).toContain('Power usage effectiveness (PUE)')
    expect(human.stdout).toContain('1.35 ✓')
    expect(human.stdout).toContain('75.00% ✗')
    expect(human.stdout).toContain('29.19% ✗')
    expect(human.stdout).toMatch(/FY2024 +│ DOX +│ +2 │ +0 │ +3,800 │ +225/)

    const missing = await kasumi(['bench', '--database', database, '--period', '2023-Q1'])
    expect(missing.exitCode).toBe(4)
    expect(missing.stderr).toContain('no facility has figures for 2023-Q1')
  })

  it('a ministry’s energy-metering, PUE and availability come from the facilities of its agency', async () => {
    const database = await sampleStore(await fresh())
    const before = (await ok(['bench', '--database', database, '--json'])).json as BenchResult
    const mic = (result: BenchResult) => result.groups.find((group) => group.key === 'mic')!.kpis
    expect(before.facilities).toBeUndefined()
    expect(mic(before).pue).toMatchObject({value: null, missing: ['facility avg_electricity_kwh', 'facility avg_it_electricity_kwh']})

    const file = writeFile(tempDir(), 'mic.csv', readFileSync(Q4, 'utf8').replaceAll('DOX,', 'mic,'))
    await ok(['inventory:import', file, '--database', database, '--period', '2024-Q4'])
    const after = (await ok(['bench', '--database', database, '--json'])).json as BenchResult
    expect(mic(after)['energy-metering'].value).toBe('0.750000')
    expect(mic(after).pue.value).toBe('1.3516')
    expect(mic(after).availability.value).toBe('0.999094')
    const mof = after.groups.find((group) => group.key === 'mof')!.kpis
    expect(mof.availability).toMatchObject({value: null, missing: ['facility downtime_hours', 'facility planned_hours']})
  })
})
