/**
 * The CSV renderer: one file per table, BOM (or not), CRLF, units in the
 * header, totals marked at the end, text neutralised against formula
 * injection, and every figure the exact decimal of the JSON.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'csv-parse/sync'
import {beforeAll, describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import type {ReportDocument} from '../../src/report/model.js'
import {renderCsv} from '../../src/report/render/csv.js'
import {kasumi, ROOT, tempDir} from '../support/cli.js'

const SAMPLES = join(ROOT, 'data', 'samples')

function document(overrides: Partial<ReportDocument> = {}): ReportDocument {
  return {
    name: 'test',
    title: 'Test',
    lang: 'en',
    currency: 'JPY',
    data: {},
    sections: [
      {
        id: 'main',
        title: 'Main',
        tables: [
          {
            id: 'money',
            title: 'Money',
            columns: [
              {key: 'name', label: 'Name', kind: 'text'},
              {key: 'savings', label: 'Savings', kind: 'money'},
              {key: 'reduction', label: 'Reduction (thousand yen)', kind: 'thousands'},
              {key: 'plain', label: 'Plain', kind: 'thousands'},
              {key: 'year', label: 'Fiscal year', kind: 'year'},
            ],
            rows: [
              {name: '=HYPERLINK("http://evil")', savings: '-1234567', reduction: '1234.567', plain: '0.5', year: 2010},
              {name: '総務省, "本省"', savings: '0', reduction: null, plain: '12', year: null},
              {name: '@SUM(A1)', savings: '—', reduction: '1', plain: '2', year: 2011},
            ],
            totals: [{name: null, savings: '-1234567', reduction: '1235.567', plain: '14.5', year: null}],
          },
        ],
      },
      {id: 'other', title: 'Other', tables: [{id: 'money', title: 'Again', columns: [{key: 'a', label: 'A', kind: 'text'}], rows: [{a: '+1'}]}]},
    ],
    ...overrides,
  }
}

const text = (content: string | Buffer) => String(content)

describe('renderCsv', () => {
  it('writes one file per table, ids made unique, UTF-8 with a BOM and CRLF line ends', async () => {
    const files = await renderCsv(document(), {charts: new Map(), bom: true})
    expect(files.map((file) => file.path)).toEqual(['csv/money.csv', 'csv/money-2.csv'])
    const content = text(files[0].content)
    expect(content.startsWith('\uFEFF')).toBe(true)
    expect(content.endsWith('\r\n')).toBe(true)
    expect(content.replace(/\r\n/g, '')).not.toMatch(/\n/)
  })

  it('leaves the BOM out when asked (--no-bom)', async () => {
    const files = await renderCsv(document(), {charts: new Map(), bom: false})
    expect(text(files[0].content).charCodeAt(0)).not.toBe(0xfeff)
    expect(text(files[0].content).startsWith('Name,')).toBe(true)
  })

  it('names the unit in the header: the currency for money, thousands for thousands, once', async () => {
    const [file] = await renderCsv(document(), {charts: new Map(), bom: false})
    const header = text(file.content).split('\r\n')[0]
    expect(header).toBe('Name,Savings (JPY),Reduction (thousand yen),Plain (thousand JPY),Fiscal year')
    const [usd] = await renderCsv(document({currency: 'USD'}), {charts: new Map(), bom: false})
    const usdHeader = text(usd.content).split('\r\n')[0].split(',')
    expect(usdHeader[1]).toBe('Savings (USD)')
    expect(usdHeader[3]).toBe('Plain (thousand USD)')
  })

  it('neutralises text that a spreadsheet would run, never numbers; quotes as RFC 4180', async () => {
    const [file, second] = await renderCsv(document(), {charts: new Map(), bom: false})
    const rows = parse(text(file.content), {relax_column_count: true}) as string[][]
    expect(rows[1][0]).toBe(`'=HYPERLINK("http://evil")`)
    expect(rows[1][1]).toBe('-1234567')
    expect(rows[2][0]).toBe('総務省, "本省"')
    expect(rows[3][0]).toBe(`'@SUM(A1)`)
    // A marker in a number column is text, and is written as it is.
    expect(rows[3][1]).toBe('—')
    expect(text(second.content)).toBe(`A\r\n'+1\r\n`)
  })

  it('writes exact decimals, empty cells for nulls, and the totals last, marked in the first column', async () => {
    const [file] = await renderCsv(document(), {charts: new Map(), bom: false})
    const rows = parse(text(file.content)) as string[][]
    expect(rows[1]).toEqual([`'=HYPERLINK("http://evil")`, '-1234567', '1234.567', '0.5', '2010'])
    expect(rows[2]).toEqual(['総務省, "本省"', '0', '', '12', ''])
    expect(rows.at(-1)).toEqual(['Total', '-1234567', '1235.567', '14.5', ''])
    const [ja] = await renderCsv(document({lang: 'ja'}), {charts: new Map(), bom: false})
    expect((parse(text(ja.content)) as string[][]).at(-1)![0]).toBe('合計')
  })
})

describe('CSV of an estimate report', () => {
  let folder: string
  let json: any

  beforeAll(async () => {
    const dir = tempDir('kasumi-report-csv-')
    const database = join(dir, 'kasumi.db')
    for (const argv of [['init'], ['inventory', 'import', join(SAMPLES, 'systems.csv')], ['inventory', 'import', join(SAMPLES, 'costs.csv')]]) {
      const result = await kasumi([...argv, '--database', database])
      expect(result.exitCode, result.stderr).toBe(0)
    }
    folder = join(dir, 'report')
    const result = await kasumi(['report', '--scenario', 'kasumigaseki-cloud', '--format', 'csv,json', '--out', folder, '--database', database])
    expect(result.exitCode, result.stderr).toBe(0)
    json = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8'))
  }, 120_000)

  const read = (name: string) => {
    const content = readFileSync(join(folder, 'csv', name), 'utf8')
    expect(content.charCodeAt(0)).toBe(0xfeff)
    return parse(content.slice(1), {columns: true}) as Array<Record<string, string>>
  }

  it('cash flow: every figure is the exact decimal string of the JSON, in yen', () => {
    const rows = read('cash-flow.csv')
    const years = json.totals.byYear
    expect(rows).toHaveLength(years.length + 1)
    years.forEach((year: Record<string, string | number>, index: number) => {
      const row = rows[index]
      expect(row['Fiscal year']).toBe(String(year.year))
      for (const [header, key] of [
        ['Baseline (JPY)', 'baseline'],
        ['Scenario (JPY)', 'scenario'],
        ['Savings (JPY)', 'savings'],
        ['Cost avoidance (JPY)', 'avoidance'],
        ['One-time costs (JPY)', 'oneTime'],
        ['Net (JPY)', 'net'],
        ['Cumulative net (JPY)', 'cumulative'],
      ]) {
        expect(row[header], `${year.year} ${key}`).toBe(year[key])
      }
    })
    const total = rows.at(-1)!
    expect(total['Fiscal year']).toBe('Total')
    expect(total['Savings (JPY)']).toBe(json.totals.savings)
    expect(total['Net (JPY)']).toBe(json.totals.net)
    expect(total['One-time costs (JPY)']).toBe(json.totals.oneTime)
  })

  it('by ministry: every row and the totals equal the JSON', () => {
    const rows = read('by-ministry.csv')
    expect(rows).toHaveLength(json.by.rows.length + 1)
    json.by.rows.forEach((group: Record<string, string>, index: number) => {
      const row = rows[index]
      expect(row['Savings (JPY)']).toBe(group.savings)
      expect(row['Cost avoidance (JPY)']).toBe(group.avoidance)
      expect(row['One-time costs (JPY)']).toBe(group.oneTime)
      expect(row['Net (JPY)']).toBe(group.net)
      expect(row['Run-rate savings (JPY)']).toBe(group.runRateSavings)
      expect(row['Hours saved / year']).toBe(group.hoursSaved)
      expect(row.FTE).toBe(group.fte)
    })
    expect(rows.at(-1)!['Run-rate savings (JPY)']).toBe(json.totals.runRateSavings)
  })

  it('effects and joint use: thousands exact, as the JSON writes them', () => {
    const effects = read('effects.csv')
    const header = Object.keys(effects[0])
    const cost = header.find((name) => name.startsWith('Cost reduction'))!
    expect(cost).toContain('thousand yen')
    json.effects.rows.forEach((row: {costReductionThousandYen: string | null}, index: number) => {
      expect(effects[index][cost]).toBe(row.costReductionThousandYen ?? '')
    })
    expect(effects.at(-1)![cost]).toBe(json.effects.totals.costReductionThousandYen)
    const joint = read('joint-use.csv')
    const total = joint.at(-1)!
    const summary = json.effects.jointUseSummary
    expect(Object.values(total).slice(1, 4)).toEqual([summary.before, summary.after, summary.reduction])
    expect(new Dec(summary.before).minus(summary.after).equals(summary.reduction)).toBe(true)
  })
})
