import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'

import {backends, cli, contents, ok, storeFactory, tempDir, writeText} from '../inventory/helpers.js'
import {ROOT} from '../support/cli.js'

const freshStore = storeFactory()
const SAMPLE_CSV = join(ROOT, 'data', 'samples', 'focus.csv')
const SAMPLE_PARQUET = join(ROOT, 'data', 'samples', 'focus.parquet')
const SAMPLE_TEXT = readFileSync(SAMPLE_CSV, 'utf8')

const SYSTEMS = [
  'id,ministry,name,category',
  'CAS-0001,cas,内閣官房LAN,lan',
  'CAS-0002,cas,内閣官房電子申請システム,e-application',
  'CAS-0003,cas,共通クラウド基盤,common',
  '',
].join('\n')

/**
 * The sample's cost lines from EffectiveCost, worked out by hand from its
 * eleven rows (fiscal years from April): March 2025 is FY2024, and the
 * correction billed in April for a March day stays in FY2024.
 */
const EFFECTIVE_LINES = [
  {systemId: 'CAS-0001', fiscalYear: 2024, pool: 'cloud', frequency: 'recurring', amount: '1234.5', currency: 'JPY'},
  {systemId: 'CAS-0001', fiscalYear: 2024, pool: 'cloud', frequency: 'recurring', amount: '-234.5', currency: 'JPY'},
  // 0.25 (storage) + 10000.125 (compute covered by the commitment)
  {systemId: 'CAS-0001', fiscalYear: 2025, pool: 'cloud', frequency: 'recurring', amount: '10000.375', currency: 'JPY'},
  {systemId: 'CAS-0001', fiscalYear: 2025, pool: 'cloud', frequency: 'recurring', amount: '12000.02', currency: 'JPY'},
  // 10.0042 + 0.0001
  {systemId: 'CAS-0002', fiscalYear: 2025, pool: 'cloud', frequency: 'recurring', amount: '10.0043', currency: 'USD'},
  {systemId: 'CAS-0002', fiscalYear: 2025, pool: 'cloud', frequency: 'recurring', amount: '-5.5', currency: 'USD'},
  {systemId: 'CAS-0003', fiscalYear: 2025, pool: 'cloud', frequency: 'recurring', amount: '99.999', currency: 'JPY'},
  {systemId: 'CAS-0003', fiscalYear: 2025, pool: 'cloud', frequency: 'recurring', amount: '1.1', currency: 'USD'},
]

/** The file's own totals, added by hand. */
const FILE_TOTALS = [
  // 1234.5 + 0.25 + 120000 + 0 + 12000.02 - 234.5 + 99.999 ; 1234.5 + 0.25 + 0 + 10000.125 + 12000.02 - 234.5 + 99.999
  {currency: 'JPY', rows: 7, billedCost: '133100.269', effectiveCost: '23100.394', costLines: '23100.394'},
  // 10.0042 + 0.0001 - 5.5 + 1.1
  {currency: 'USD', rows: 4, billedCost: '5.6043', effectiveCost: '5.6043', costLines: '5.6043'},
]

const stripped = (rows: Array<Record<string, any>>) =>
  rows
    .map(({systemId, fiscalYear, pool, frequency, amount, currency}) => ({systemId, fiscalYear, pool, frequency, amount, currency}))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

async function registerWithSystems(url: string): Promise<void> {
  await ok(['inventory', 'import', writeText('systems.csv', SYSTEMS), '--database', url])
}

const TAGGED = ['--system-tag', 'SystemId', '--untagged', 'CAS-0003']

/** The stored cost lines, as `inventory export --format json` gives them. */
async function costsOf(url: string): Promise<Array<Record<string, any>>> {
  return (await contents(url)).costs as Array<Record<string, any>>
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`FOCUS import (${backend.name})`, () => {
    it('imports the sample CSV into cost lines whose totals equal the file’s own to the last digit, per currency', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      const result = await ok(['inventory', 'import', SAMPLE_CSV, '--database', url, ...TAGGED, '--json'])
      expect(result.json).toMatchObject({kind: 'focus', format: 'csv', rows: 11, cost: 'effective', costColumn: 'EffectiveCost', inserted: 8})
      expect(result.json.currencies).toEqual(FILE_TOTALS)
      expect(result.json.totals).toEqual([
        {
          provider: 'Kumo Cloud',
          billingPeriodStart: '2025-03-01T00:00:00Z',
          billingPeriodEnd: '2025-04-01T00:00:00Z',
          currency: 'JPY',
          rows: 1,
          billedCost: '1234.5',
          effectiveCost: '1234.5',
        },
        // billed: 0.25 + 120000 + 0 + 12000.02 - 234.5 + 99.999 ; effective: 0.25 + 0 + 10000.125 + 12000.02 - 234.5 + 99.999
        {
          provider: 'Kumo Cloud',
          billingPeriodStart: '2025-04-01T00:00:00Z',
          billingPeriodEnd: '2025-05-01T00:00:00Z',
          currency: 'JPY',
          rows: 6,
          billedCost: '131865.769',
          effectiveCost: '21865.894',
        },
        {
          provider: 'Northwind Cloud',
          billingPeriodStart: '2025-04-01T00:00:00Z',
          billingPeriodEnd: '2025-05-01T00:00:00Z',
          currency: 'USD',
          rows: 4,
          billedCost: '5.6043',
          effectiveCost: '5.6043',
        },
      ])
      expect(result.json.charges).toEqual([
        {charge: 'usage', currency: 'JPY', rows: 4, billedCost: '1334.749', effectiveCost: '11334.874'},
        {charge: 'usage', currency: 'USD', rows: 2, billedCost: '10.0043', effectiveCost: '10.0043'},
        {charge: 'purchase', currency: 'JPY', rows: 1, billedCost: '120000', effectiveCost: '0'},
        {charge: 'tax', currency: 'JPY', rows: 1, billedCost: '12000.02', effectiveCost: '12000.02'},
        {charge: 'credit', currency: 'USD', rows: 1, billedCost: '-5.5', effectiveCost: '-5.5'},
        {charge: 'adjustment', currency: 'USD', rows: 1, billedCost: '1.1', effectiveCost: '1.1'},
        {charge: 'correction', currency: 'JPY', rows: 1, billedCost: '-234.5', effectiveCost: '-234.5'},
      ])
      expect(result.json.untagged).toMatchObject({rows: 2, assignedTo: 'CAS-0003'})
      const stored = await costsOf(url)
      expect(stripped(stored)).toEqual(stripped(EFFECTIVE_LINES))
      const correction = stored.find((line) => line.amount === '-234.5')
      expect(correction?.note).toMatch(/ChargeClass Correction/)
      expect(stored.find((line) => line.amount === '12000.02')?.note).toMatch(/ChargeCategory Tax/)
      // People see the same totals, digit for digit, BilledCost beside EffectiveCost.
      const human = await ok(['inventory', 'import', SAMPLE_CSV, '--database', url, ...TAGGED, '--dry-run'])
      expect(human.stdout).toMatch(/total +│ +│ JPY +│ +7 │ 133,100\.269 │ +23,100\.394 │/)
      expect(human.stdout).toMatch(/Kumo Cloud +│ 2025-03-01 – 2025-04-01 +│ JPY/)
    })

    it('reads the same rows as Parquet and as gzip’d CSV into identical cost lines', async () => {
      const fromCsv = await freshStore(backend)
      await registerWithSystems(fromCsv)
      const csvResult = await ok(['inventory', 'import', SAMPLE_CSV, '--database', fromCsv, ...TAGGED, '--json'])
      const fromParquet = await freshStore(backend)
      await registerWithSystems(fromParquet)
      const parquet = await ok(['inventory', 'import', SAMPLE_PARQUET, '--database', fromParquet, ...TAGGED, '--json'])
      expect(parquet.json.format).toBe('parquet')
      expect(parquet.json.currencies).toEqual(csvResult.json.currencies)
      expect(parquet.json.totals).toEqual(csvResult.json.totals)
      expect(stripped(await costsOf(fromParquet))).toEqual(stripped(await costsOf(fromCsv)))

      const gz = join(tempDir(), 'focus.csv.gz')
      writeFileSync(gz, gzipSync(readFileSync(SAMPLE_CSV)))
      const fromGzip = await freshStore(backend)
      await registerWithSystems(fromGzip)
      const gzip = await ok(['inventory', 'import', gz, '--database', fromGzip, ...TAGGED, '--json'])
      expect(gzip.json.format).toBe('csv.gz')
      expect(stripped(await costsOf(fromGzip))).toEqual(stripped(await costsOf(fromCsv)))
    })

    it('takes BilledCost with --cost billed: the commitment purchase is a one-time line', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      const result = await ok(['inventory', 'import', SAMPLE_CSV, '--database', url, ...TAGGED, '--cost', 'billed', '--json'])
      expect(result.json.currencies.map((entry: {costLines: string}) => entry.costLines)).toEqual(['133100.269', '5.6043'])
      const stored = await costsOf(url)
      expect(stored.find((line) => line.amount === '120000')).toMatchObject({frequency: 'one-time', fiscalYear: 2025})
      // 0.25 + 0: the compute day the commitment covered is billed at 0.
      expect(stored.find((line) => line.amount === '0.25')).toMatchObject({systemId: 'CAS-0001', fiscalYear: 2025})
    })

    it('maps sub-accounts to systems and service categories to pools from files', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      const dir = tempDir()
      const systems = writeText(
        'accounts.csv',
        'SubAccountId,system_id\nkumo-sub-01,CAS-0001\nkumo-sub-02,CAS-0003\nnw-acct-a,CAS-0002\nnw-acct-b,CAS-0003\n',
        {dir},
      )
      const pools = writeText('pools.csv', 'ServiceCategory,pool\nNetworking,telecom\n', {dir})
      const result = await ok(['inventory', 'import', SAMPLE_CSV, '--database', url, '--system-map', systems, '--pool-map', pools, '--json'])
      expect(result.json.untagged.rows).toBe(0)
      const stored = await costsOf(url)
      expect(stored.find((line) => line.amount === '99.999')).toMatchObject({systemId: 'CAS-0003', pool: 'telecom'})
      expect(result.json.currencies.map((entry: {costLines: string}) => entry.costLines)).toEqual(['23100.394', '5.6043'])

      // Parquet reads SubAccountId only when a map asks for it: the same lines either way.
      const fromParquet = await freshStore(backend)
      await registerWithSystems(fromParquet)
      await ok(['inventory', 'import', SAMPLE_PARQUET, '--database', fromParquet, '--system-map', systems, '--pool-map', pools, '--json'])
      expect(stripped(await costsOf(fromParquet))).toEqual(stripped(stored))
    })

    it('counts fiscal years from --fiscal-year-start', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      await ok(['inventory', 'import', SAMPLE_CSV, '--database', url, ...TAGGED, '--fiscal-year-start', '1'])
      const years = new Set((await costsOf(url)).map((line) => line.fiscalYear))
      expect([...years]).toEqual([2025])
    })

    it('feeds estimates: the cloud pool is in the baseline, dollars only through a dated rate', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      await ok(['inventory', 'import', SAMPLE_CSV, '--database', url, ...TAGGED])
      const dir = tempDir()
      const scenario = readFileSync(join(ROOT, 'data', 'scenarios', 'kasumigaseki-cloud.yaml'), 'utf8')
        .replace(/^baseYear: 2008$/m, 'baseYear: 2025')
        .replace(/^horizon: \[2009, 2015\]$/m, 'horizon: [2026, 2030]')
      const withoutRates = writeText('cloud.yaml', scenario, {dir})
      const refused = await cli(['estimate', '--scenario', withoutRates, '--database', url, '--json'])
      expect(refused.exitCode).toBe(3)
      expect(refused.json.error.issues[0].message).toBe('no exchange rate from USD to JPY for fiscal year 2025 (3 cost lines)')
      writeText('rates.csv', 'fiscal_year,currency,rate\n2025,USD,150\n', {dir})
      const file = writeText('cloud-fx.yaml', scenario.replace(/^currency: JPY$/m, 'currency: JPY\nexchangeRates: rates.csv'), {dir})
      const estimate = await ok(['estimate', '--scenario', file, '--database', url, '--json'])
      // FY2025 lines: 10000.375 + 12000.02 + 99.999 yen, and (10.0043 - 5.5 + 1.1) dollars × 150 = 840.645 yen: 22941.039, in whole yen.
      expect(estimate.json.totals.byYear[0]).toMatchObject({year: 2026, baseline: '22941'})
    })

    it('refuses rows that name no system, with their total, and writes nothing', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      const before = await contents(url)
      const result = await cli(['inventory', 'import', SAMPLE_CSV, '--database', url, '--system-tag', 'SystemId', '--json'])
      expect(result.exitCode).toBe(3)
      expect(result.json.error.issues[0].message).toBe('2 rows name no system (EffectiveCost JPY 99.999, USD 1.1)')
      expect(result.json.error.issues[0].hint).toMatch(/--untagged SYSTEM/)
      const after = await contents(url)
      expect(after.costs).toHaveLength(0)
      expect(after.changeSets).toBe(before.changeSets)
    })

    it('refuses a tag that names no system in the register', async () => {
      const url = await freshStore(backend)
      await registerWithSystems(url)
      const text = SAMPLE_TEXT.replace('""SystemId"":""CAS-0002""}",CC-200\nnw-7788', '""SystemId"":""CAS-9999""}",CC-200\nnw-7788')
      const result = await cli(['inventory', 'import', writeText('focus.csv', text), '--database', url, ...TAGGED, '--json'])
      expect(result.exitCode).toBe(3)
      expect(result.json.error.issues).toEqual([
        expect.objectContaining({file: 'focus.csv', line: 9, column: 'Tags', value: 'CAS-9999', message: 'no system has this id'}),
      ])
      expect(await costsOf(url)).toHaveLength(0)
    })
  })
}

describe('FOCUS bad input: exit 3, a clear message, nothing written', () => {
  const line = (number: number) => SAMPLE_TEXT.split('\n')[number - 1]

  async function refused(file: string): Promise<Array<Record<string, unknown>>> {
    const url = await freshStore({name: 'sqlite', fresh: async () => ({url: join(tempDir(), 'k.db'), drop: async () => {}})})
    await registerWithSystems(url)
    const before = await contents(url)
    const imported = await cli(['inventory', 'import', file, '--database', url, ...TAGGED, '--kind', 'focus', '--json'])
    expect(imported.exitCode).toBe(3)
    const after = await contents(url)
    expect(after.costs).toEqual(before.costs)
    expect(after.changeSets).toBe(before.changeSets)
    const validated = await cli(['inventory', 'validate', file, '--kind', 'focus', '--json'])
    expect(validated.exitCode).toBe(3)
    expect(validated.json.error.issues).toEqual(imported.json.error.issues)
    return imported.json.error.issues
  }

  it('a missing mandatory column', async () => {
    const text = SAMPLE_TEXT.replace('ChargeCategory,', 'Charge_Category,')
    expect(await refused(writeText('focus.csv', text))).toEqual([
      expect.objectContaining({
        file: 'focus.csv',
        line: 1,
        column: 'ChargeCategory',
        message: 'the mandatory FOCUS column ChargeCategory is missing',
      }),
    ])
  })

  it('a currency sign and a thousands separator in a cost', async () => {
    const text = SAMPLE_TEXT.replace(line(2), line(2).replace(',1234.5,1234.5,1500,', ',"¥1,234.5",1234.5,"1,500",'))
    expect(await refused(writeText('focus.csv', text))).toEqual([
      expect.objectContaining({line: 2, column: 'BilledCost', value: '¥1,234.5', message: 'a currency sign in a number'}),
      expect.objectContaining({line: 2, column: 'ListCost', value: '1,500', message: 'a thousands separator in a number'}),
    ])
  })

  it('a local time without an offset, an offset other than Z, and an inclusive end', async () => {
    const text = SAMPLE_TEXT.replace(
      line(3),
      line(3).replace('2025-04-02T00:00:00Z,2025-04-03T00:00:00Z', '2025-04-02T09:00:00,2025-04-03T09:00:00+09:00'),
    ).replace(line(4), line(4).replace('2025-04-01T00:00:00Z,2025-04-02T00:00:00Z', '2025-04-01T00:00:00Z,2025-04-01T23:59:59Z'))
    const issues = await refused(writeText('focus.csv', text))
    expect(issues).toEqual([
      expect.objectContaining({line: 3, column: 'ChargePeriodStart', value: '2025-04-02T09:00:00', message: 'a local time without a UTC offset'}),
      expect.objectContaining({line: 3, column: 'ChargePeriodEnd', value: '2025-04-03T09:00:00+09:00'}),
      expect.objectContaining({
        line: 4,
        column: 'ChargePeriodEnd',
        value: '2025-04-01T23:59:59Z',
        message: 'ChargePeriodEnd looks like an inclusive end (23:59:59)',
      }),
    ])
    expect(issues[0].hint).toMatch(/2025-04-01T00:00:00Z/)
  })

  it('values the specification does not allow, and nulls where it forbids them', async () => {
    const text = SAMPLE_TEXT.replace(line(2), line(2).replace(',Usage,,Virtual', ',usage,N/A,Virtual').replace(',Compute,Kumo', ',Computing,Kumo'))
      .replace(line(3), line(3).replace(',JPY,', ',,'))
      .replace(line(4), line(4).replace(',One-Time,', ',Usage-Based,'))
    const issues = await refused(writeText('focus.csv', text))
    expect(issues.map((issue) => [issue.line, issue.column, issue.message])).toEqual([
      [2, 'ChargeCategory', 'not an allowed ChargeCategory'],
      [2, 'ServiceCategory', 'not an allowed ServiceCategory'],
      [2, 'ChargeClass', 'ChargeClass is null or "Correction"'],
      [3, 'BillingCurrency', 'BillingCurrency must not be null'],
      [4, 'ChargeFrequency', 'a Purchase is never "Usage-Based"'],
    ])
    expect(issues[0].hint).toBe('write it as "Usage": FOCUS values are case-sensitive')
  })

  it('nulls the specification ties to the charge: pricing columns, names, consumed quantity (FOCUS 1.0 and 1.1)', async () => {
    // Usage without a PricingQuantity, a Tax row with a PricingUnit, a row without a ServiceName.
    const text = SAMPLE_TEXT.replace(line(2), line(2).replace(',1234.5,24,Hours,', ',1234.5,,Hours,'))
      .replace(line(3), line(3).replace(',Kumo Object Storage,', ',,'))
      .replace(line(6), line(6).replace(',12000.02,,,', ',12000.02,,Hours,'))
    const issues = await refused(writeText('focus.csv', text))
    expect(issues.map((issue) => [issue.line, issue.column, issue.message])).toEqual([
      [2, 'PricingQuantity', 'PricingQuantity must not be null for a Usage charge'],
      [3, 'ServiceName', 'ServiceName must not be null'],
      [6, 'PricingUnit', 'PricingUnit must be null for a Tax charge'],
    ])
    expect(issues[0].hint).toMatch(/^FOCUS 1\.0: PricingQuantity MUST NOT be null when ChargeCategory is "Usage" or "Purchase"/)

    // ConsumedQuantity, when the file has it: null outside usage in both versions, positive for usage in 1.1.
    const consumed = ['ConsumedQuantity', '0', '1', '', '2', '', '-4', '1', '1', '1', '3', '']
    const withConsumed = (extra?: string) =>
      SAMPLE_TEXT.trimEnd()
        .split('\n')
        .map((row, index) => `${row},${consumed[index]}${extra === undefined ? '' : `,${index === 0 ? extra : ''}`}`)
        .join('\n')
        .concat('\n')
    const asOne = await refused(writeText('focus-1.0.csv', withConsumed()))
    expect(asOne.map((issue) => [issue.line, issue.column, issue.message])).toEqual([
      [11, 'ConsumedQuantity', 'ConsumedQuantity must be null for a Credit charge'],
    ])
    // SkuMeter came with FOCUS 1.1: the same rows checked as 1.1 also need a positive quantity for usage.
    const asOneOne = await refused(writeText('focus-1.1.csv', withConsumed('SkuMeter')))
    expect(asOneOne.map((issue) => [issue.line, issue.column, issue.value, issue.message])).toEqual([
      [2, 'ConsumedQuantity', '0', 'ConsumedQuantity must be positive for a Usage charge'],
      [11, 'ConsumedQuantity', '3', 'ConsumedQuantity must be null for a Credit charge'],
    ])
    expect(asOneOne[1].hint).toMatch(/^FOCUS 1\.1:/)
  })

  it('a truncated or corrupt Parquet file, and a truncated gzip archive', async () => {
    const bytes = readFileSync(SAMPLE_PARQUET)
    const truncated = await refused(writeText('focus.parquet', bytes.subarray(0, bytes.length - 200)))
    expect(truncated).toEqual([expect.objectContaining({file: 'focus.parquet', message: expect.stringMatching(/^not a readable Parquet file/)})])
    expect(truncated[0].hint).toMatch(/damaged or cut short/)

    const corrupt = Buffer.from(bytes)
    corrupt.fill(0x41, 200, 1200)
    const damaged = await refused(writeText('focus.parquet', corrupt))
    expect(damaged).toEqual([expect.objectContaining({cell: 'rows 1–11', message: expect.stringMatching(/^a row group cannot be read/)})])

    const gzip = gzipSync(readFileSync(SAMPLE_CSV))
    const cut = await refused(writeText('focus.csv.gz', gzip.subarray(0, gzip.length - 40)))
    expect(cut).toEqual([expect.objectContaining({message: expect.stringMatching(/^the gzip data is damaged or cut short/)})])
  })

  it('detects a FOCUS file from its column IDs and ignores custom x_ columns', async () => {
    const result = await ok(['inventory', 'validate', SAMPLE_CSV, '--json'])
    expect(result.json).toMatchObject({valid: true, kind: 'focus', version: '1.0', rows: 11})
    expect(result.json.currencies).toEqual(FILE_TOTALS.map(({costLines: _, ...rest}) => ({...rest, costLines: '0'})))
  })
})
