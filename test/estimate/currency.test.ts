/**
 * Cost lines in other currencies: converted with a dated exchange-rate file
 * (fiscal_year, currency, rate = units of the reporting currency per unit),
 * and a missing rate is an input error naming the currency and the year.
 * Through the real store and the built CLI.
 */
import {expect, it} from 'vitest'

import {describeEachBackend} from '../support/stores.js'
import {csv, ok, run, storeWith, stores, tempDir, writeFile} from './helpers.js'

const SYSTEMS = csv(
  'id,ministry,name,category,business_area,physical_servers,utilisation_pct,users,annual_hours,last_fy',
  'MIC-1,mic,総務省LAN,lan,府省LAN,4,30,100,1000,',
  'MOF-1,mof,国税システム,common,税務,2,50,200,2000,',
)

// MIC-1 telecom 1 000 000 yen; MOF-1 telecom 1 234.56 USD in FY2008 and a one-time hardware line of 500 USD planned for FY2010.
const COSTS = csv(
  'system_id,fiscal_year,pool,spend_type,frequency,amount,currency',
  'MIC-1,2008,telecom,operations,recurring,1000000,JPY',
  'MOF-1,2008,telecom,operations,recurring,1234.56,USD',
  'MOF-1,2010,hardware,development,one-time,500,USD',
)

const scenarioText = (extra: string) => `name: fx
baseYear: 2008
horizon: [2009, 2011]
moneyUnit: one
${extra}
measures:
  - id: wan
    type: network
    reduction: 0.5
`

await describeEachBackend('cost lines in another currency', (backend) => {
  const fresh = stores()

  it('are converted at the rate of their fiscal year', async () => {
    // FY2008: 1 234.56 USD × 100.5 = 124 073.28 → 124 073 yen; FY2010: 500 USD × 90 = 45 000 yen.
    // Baseline: 1 000 000 + 124 073 = 1 124 073 a year; FY2010 + 45 000 = 1 169 073.
    // network 50 %: 500 000 + 124 073 × 0.5 = 62 036.5 → 62 037; 562 037 a year.
    const url = await fresh(backend)
    await storeWith(url, SYSTEMS, COSTS)
    const dir = tempDir()
    writeFile(dir, 'rates.csv', csv('fiscal_year,currency,rate', '2008,USD,100.5', '2009,USD,95', '2010,USD,90'))
    const file = writeFile(dir, 'fx.yaml', scenarioText('exchangeRates: rates.csv'))
    const result = await ok(['estimate', '--scenario', file, '--database', url, '--json'])
    expect(result.json.totals.byYear.map((row: {baseline: string}) => row.baseline)).toEqual(['1124073', '1169073', '1124073'])
    expect(result.json.totals.byYear.map((row: {savings: string}) => row.savings)).toEqual(['562037', '562037', '562037'])
  })

  it('a report in USD shows cents: JPY lines converted at a JPY→USD rate', async () => {
    // 1 000 000 yen × 0.0100 = 10 000.00 USD; 1 234.56 USD stays. Baseline 11 234.56 USD;
    // network 50 %: 5 000.00 + 617.28 = 5 617.28 USD.
    const url = await fresh(backend)
    await storeWith(url, SYSTEMS, COSTS)
    const dir = tempDir()
    writeFile(dir, 'rates.csv', csv('fiscal_year,currency,rate', '2008,JPY,0.0100', '2010,JPY,0.0111'))
    const file = writeFile(dir, 'usd.yaml', scenarioText('currency: USD\nexchangeRates: rates.csv'))
    const result = await ok(['estimate', '--scenario', file, '--database', url, '--json'])
    expect(result.json.scenario.currency).toBe('USD')
    expect(result.json.totals.byYear[0]).toMatchObject({baseline: '11234.56', savings: '5617.28', net: '5617.28'})
    // The planned 500 USD line needs no rate.
    expect(result.json.totals.byYear[1].baseline).toBe('11734.56')
  })

  it('a missing rate is an input error naming the currency and the year (exit 3)', async () => {
    const url = await fresh(backend)
    await storeWith(url, SYSTEMS, COSTS)
    const dir = tempDir()
    writeFile(dir, 'rates.csv', csv('fiscal_year,currency,rate', '2008,USD,100.5'))
    const file = writeFile(dir, 'fx.yaml', scenarioText('exchangeRates: rates.csv'))
    const result = await run(['estimate', '--scenario', file, '--database', url])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('no exchange rate from USD to JPY for fiscal year 2010')
    expect(result.stderr).toContain('rates.csv')

    const json = await run(['estimate', '--scenario', file, '--database', url, '--json'])
    expect(json.exitCode).toBe(3)
    expect(json.json.error.name).toBe('InvalidInputError')
    expect(json.json.error.issues).toEqual([expect.objectContaining({value: 'USD 2010', column: 'exchangeRates'})])
  })

  it('without a rate file, every foreign line is reported with its currency and year', async () => {
    const url = await fresh(backend)
    await storeWith(url, SYSTEMS, COSTS)
    const file = writeFile(tempDir(), 'fx.yaml', scenarioText(''))
    const result = await run(['estimate', '--scenario', file, '--database', url])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('no exchange rate from USD to JPY for fiscal year 2008')
    expect(result.stderr).toContain('no exchange rate from USD to JPY for fiscal year 2010')
    expect(result.stderr).toContain('exchangeRates')
  })
})
