/**
 * The base year's recurring costs and the planned one-time costs are converted line by line (rounded half away
 * from zero to the scenario's minor unit) before they are added. SQLite does it in kasumi; PostgreSQL sums the
 * same in the database, in batches: both backends must give the same figures to the yen.
 */
import {expect, it} from 'vitest'

import {describeEachBackend} from '../support/stores.js'
import {csv, ok, storeWith, stores, tempDir, writeFile} from './helpers.js'

const SYSTEMS = csv(
  'id,ministry,name,category,business_area,physical_servers,utilisation_pct,users,annual_hours,last_fy',
  'MIC-1,mic,総務省LAN,lan,府省LAN,4,30,100,1000,',
  'MOF-1,mof,国税システム,common,税務,2,50,200,2000,',
)

// MIC-1: three lines of 0.5 yen (each 1 yen once rounded: 3, not 2) and a refund of -0.5 (-1), beside 1 000 yen.
// MOF-1: 10.005 USD and 0.001 USD at 100 (1 000.5 → 1 001 and 0.1 → 0) in FY2008; 0.015 USD at 90 in FY2010 (1.35 → 1).
const COSTS = csv(
  'system_id,fiscal_year,pool,spend_type,frequency,amount,currency',
  'MIC-1,2008,telecom,operations,recurring,1000,JPY',
  'MIC-1,2008,telecom,operations,recurring,0.5,JPY',
  'MIC-1,2008,telecom,operations,recurring,0.5,JPY',
  'MIC-1,2008,telecom,operations,recurring,0.5,JPY',
  'MIC-1,2008,telecom,operations,recurring,-0.5,JPY',
  'MOF-1,2008,telecom,operations,recurring,10.005,USD',
  'MOF-1,2008,telecom,operations,recurring,0.001,USD',
  'MOF-1,2010,hardware,development,one-time,0.015,USD',
  'MOF-1,2007,telecom,operations,recurring,999,JPY',
)

await describeEachBackend('base-year sums', (backend) => {
  const fresh = stores()

  it('convert and round each line before adding them', async () => {
    const url = await fresh(backend)
    await storeWith(url, SYSTEMS, COSTS)
    const dir = tempDir()
    writeFile(dir, 'rates.csv', csv('fiscal_year,currency,rate', '2008,USD,100', '2010,USD,90'))
    const file = writeFile(
      dir,
      'sums.yaml',
      'name: sums\nbaseYear: 2008\nhorizon: [2009, 2011]\nmoneyUnit: one\nexchangeRates: rates.csv\nmeasures:\n  - id: wan\n    type: network\n    reduction: 0.5\n',
    )
    const result = await ok(['estimate', '--scenario', file, '--database', url, '--json'])
    // 1 000 + 1 + 1 + 1 − 1 = 1 002 (MIC-1) and 1 001 + 0 = 1 001 (MOF-1): 2 003 a year; FY2010 adds 1.
    expect(result.json.totals.byYear.map((row: {baseline: string}) => row.baseline)).toEqual(['2003', '2004', '2003'])
  })
})
