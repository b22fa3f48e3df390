/**
 * The XLSX renderer, read back with exceljs: one sheet per table, numbers
 * stored as numbers (money in thousands, `#,##0`), every value equal to the
 * JSON figures, frozen header row, bold totals, Assumptions and Provenance sheets.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {beforeAll, describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {loadScenario} from '../../src/estimate/scenario.js'
import {locateScenario} from '../../src/ingest/scenarios.js'
import type {ReportDocument} from '../../src/report/model.js'
import {ASSUMPTIONS_SHEET, PROVENANCE_SHEET, SheetNames, renderXlsx, xlsxValue} from '../../src/report/render/xlsx.js'
import {kasumi, ROOT, tempDir, type CommandResult} from '../support/cli.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

async function workbookOf(file: string | Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  if (typeof file === 'string') await workbook.xlsx.readFile(file)
  else await workbook.xlsx.load(file as unknown as ArrayBuffer)
  return workbook
}

/** The rows of a table sheet below its header, as arrays of cell values (column 1 first). */
function body(sheet: ExcelJS.Worksheet): Array<Array<ExcelJS.CellValue>> {
  const rows: Array<Array<ExcelJS.CellValue>> = []
  for (let number = 2; number <= sheet.rowCount; number++) {
    const row = sheet.getRow(number)
    rows.push(Array.from({length: sheet.columnCount}, (_, index) => row.getCell(index + 1).value))
  }
  return rows
}

function header(sheet: ExcelJS.Worksheet): string[] {
  return Array.from({length: sheet.columnCount}, (_, index) => String(sheet.getRow(1).getCell(index + 1).value ?? ''))
}

/** A money cell: a number of thousands that is exactly the JSON's yen. */
function expectYen(cell: ExcelJS.CellValue, yen: string, what: string): void {
  expect(typeof cell, what).toBe('number')
  expect(new Dec(cell as number).times(1000).toFixed(), what).toBe(new Dec(yen).toFixed())
}

/** A thousands, hours or FTE cell: a number exactly equal to the JSON's decimal, or empty for null. */
function expectExact(cell: ExcelJS.CellValue, value: string | number | null, what: string): void {
  if (value === null) {
    expect(cell, what).toBeNull()
    return
  }
  expect(typeof cell, what).toBe('number')
  expect(new Dec(cell as number).toFixed(), what).toBe(new Dec(value).toFixed())
}

describe('renderXlsx', () => {
  it('stores money as thousands, exactly, and as text only what a number cannot hold', () => {
    expect(xlsxValue('money', '1234567')).toBe(1234.567)
    expect(xlsxValue('money', '-946922683')).toBe(-946922.683)
    expect(xlsxValue('thousands', '81558.332')).toBe(81558.332)
    expect(xlsxValue('year', 2012)).toBe(2012)
    expect(xlsxValue('money', '—')).toBe('—')
    expect(xlsxValue('money', null)).toBeNull()
    expect(xlsxValue('text', '=1+1')).toBe('=1+1')
    // 20 significant digits: no binary number holds it, so it stays exact as text.
    expect(xlsxValue('money', '12345678901234567891')).toBe('12345678901234567.891')
  })

  it('keeps sheet names within 31 characters and unique regardless of case', () => {
    const names = new SheetNames()
    const long = 'a-table-id-that-is-much-longer-than-thirty-one-characters'
    const first = names.take(long)
    const second = names.take(long)
    expect(first).toHaveLength(31)
    expect(second.length).toBeLessThanOrEqual(31)
    expect(second).not.toBe(first)
    expect(names.take('assumptions')).not.toBe('assumptions')
    expect(names.take('Provenance').toLowerCase()).not.toBe('provenance')
    expect(names.take('a/b:c?[d]')).toBe('a-b-c--d-')
  })

  it('writes a table written by a text-only builder: text cells stay text, formulas are never created', async () => {
    const document: ReportDocument = {
      name: 't',
      title: 'T',
      lang: 'ja',
      currency: 'JPY',
      data: {},
      sections: [
        {
          id: 's',
          title: 'S',
          tables: [
            {
              id: 'x',
              title: 'X',
              columns: [
                {key: 'a', label: '名前', kind: 'text'},
                {key: 'b', label: '削減額', kind: 'money'},
              ],
              rows: [{a: '=SUM(A1:A2)', b: '1000'}],
              totals: [{a: null, b: '1000'}],
            },
          ],
        },
      ],
    }
    const [file] = await renderXlsx(document, {charts: new Map(), bom: true})
    expect(file.path).toBe('report.xlsx')
    const workbook = await workbookOf(file.content as Buffer)
    const sheet = workbook.getWorksheet('x')!
    expect(header(sheet)).toEqual(['名前', '削減額 (千円)'])
    expect(sheet.getCell('A2').value).toBe('=SUM(A1:A2)')
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.String)
    expect(sheet.getCell('B2').value).toBe(1)
    expect(sheet.getCell('A3').value).toBe('合計')
    expect(workbook.getWorksheet(PROVENANCE_SHEET)).toBeDefined()
    expect(workbook.getWorksheet(ASSUMPTIONS_SHEET)).toBeUndefined()
  })
})

describe('XLSX of an estimate report, read back', () => {
  let json: any
  let byMeasure: any
  let byArea: any
  let workbook: ExcelJS.Workbook
  let japanese: ExcelJS.Workbook

  beforeAll(async () => {
    const dir = tempDir('kasumi-report-xlsx-')
    const database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
    await ok(['report', '--scenario', SCENARIO, '--format', 'xlsx,json', '--out', join(dir, 'en'), '--database', database])
    await ok(['report', '--scenario', SCENARIO, '--format', 'xlsx', '--lang', 'ja', '--out', join(dir, 'ja'), '--database', database])
    json = JSON.parse(readFileSync(join(dir, 'en', 'report.json'), 'utf8'))
    byMeasure = (await ok(['estimate', '--scenario', SCENARIO, '--by', 'measure', '--json', '--database', database])).json
    byArea = (await ok(['estimate', '--scenario', SCENARIO, '--by', 'area', '--json', '--database', database])).json
    workbook = await workbookOf(join(dir, 'en', 'report.xlsx'))
    japanese = await workbookOf(join(dir, 'ja', 'report.xlsx'))
  }, 180_000)

  it("has one sheet per table (the benchmark section's included), then Assumptions and Provenance; names of at most 31 characters, unique", () => {
    const names = workbook.worksheets.map((sheet) => sheet.name)
    const benchmark = [
      'bench-peers',
      'bench-league-savings-ratio',
      'bench-kpis',
      'bench-peer-median-gap',
      'bench-definitions',
      'bench-reference-areas',
      'bench-reference-ministries',
    ]
    expect(names).toEqual([
      'effects',
      'cash-flow',
      'by-ministry',
      'by-measure',
      'by-area',
      'joint-use',
      ...benchmark,
      ASSUMPTIONS_SHEET,
      PROVENANCE_SHEET,
    ])
    for (const name of names) expect(name.length).toBeLessThanOrEqual(31)
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length)
  })

  it('freezes the header row of every table sheet, bolds it, and bolds the totals row under a rule', () => {
    for (const name of ['effects', 'cash-flow', 'by-ministry', 'by-measure', 'by-area', 'joint-use']) {
      const sheet = workbook.getWorksheet(name)!
      expect(sheet.views[0], name).toMatchObject({state: 'frozen', ySplit: 1})
      expect(sheet.getRow(1).getCell(1).font?.bold, name).toBe(true)
    }
    const cash = workbook.getWorksheet('cash-flow')!
    const totals = cash.getRow(json.totals.byYear.length + 2)
    expect(totals.getCell(1).value).toBe('Total')
    expect(totals.getCell(4).font?.bold).toBe(true)
    expect(totals.getCell(4).border?.top?.style).toBe('thin')
  })

  it('names the unit in money headers: thousand yen in English, 千円 in Japanese', () => {
    expect(header(workbook.getWorksheet('cash-flow')!)).toEqual([
      'Fiscal year',
      'Baseline (thousand yen)',
      'Scenario (thousand yen)',
      'Savings (thousand yen)',
      'Cost avoidance (thousand yen)',
      'One-time costs (thousand yen)',
      'Net (thousand yen)',
      'Cumulative net (thousand yen)',
    ])
    const ja = header(japanese.getWorksheet('cash-flow')!)
    expect(ja[0]).toBe('年度')
    for (const cell of ja.slice(1)) expect(cell).toMatch(/（?\(?千円\)?）?$/)
    for (const cell of header(japanese.getWorksheet('effects')!).filter((text) => text.includes('削減経費'))) expect(cell).toContain('千円')
  })

  it('cash flow: every value is a number equal to the JSON, money in thousands formatted #,##0, years unformatted', () => {
    const sheet = workbook.getWorksheet('cash-flow')!
    const rows = body(sheet)
    const years = json.totals.byYear
    expect(rows).toHaveLength(years.length + 1)
    const keys = ['baseline', 'scenario', 'savings', 'avoidance', 'oneTime', 'net', 'cumulative']
    years.forEach((year: Record<string, string | number>, index: number) => {
      expect(rows[index][0]).toBe(year.year)
      keys.forEach((key, column) => expectYen(rows[index][column + 1], year[key] as string, `${year.year} ${key}`))
      expect(sheet.getRow(index + 2).getCell(2).numFmt).toBe('#,##0')
      expect(sheet.getRow(index + 2).getCell(1).numFmt).toBe('0')
    })
    const totals = rows.at(-1)!
    expect(totals[1]).toBeNull()
    expectYen(totals[3], json.totals.savings, 'total savings')
    expectYen(totals[4], json.totals.avoidance, 'total avoidance')
    expectYen(totals[5], json.totals.oneTime, 'total one-time')
    expectYen(totals[6], json.totals.net, 'total net')
  })

  const groupKeys = ['savings', 'avoidance', 'oneTime', 'net', 'runRateSavings'] as const

  function expectGroupSheet(name: string, result: any) {
    const rows = body(workbook.getWorksheet(name)!)
    expect(rows).toHaveLength(result.by.rows.length + 1)
    result.by.rows.forEach((group: Record<string, string>, index: number) => {
      groupKeys.forEach((key, column) => expectYen(rows[index][column + 1], group[key], `${name} ${group.key} ${key}`))
      expectExact(rows[index][6], group.hoursSaved, `${name} ${group.key} hours`)
      expectExact(rows[index][7], group.fte, `${name} ${group.key} fte`)
    })
    const totals = rows.at(-1)!
    groupKeys.forEach((key, column) => expectYen(totals[column + 1], result.totals[key], `${name} total ${key}`))
    expectExact(totals[6], result.hours.runRateSaved, `${name} total hours`)
    expectExact(totals[7], result.hours.runRateFte, `${name} total fte`)
  }

  it('by ministry, by measure and by area: every row and total equals the estimate JSON of that roll-up', () => {
    expectGroupSheet('by-ministry', json)
    expectGroupSheet('by-measure', byMeasure)
    expectGroupSheet('by-area', byArea)
    expect(workbook.getWorksheet('by-ministry')!.getRow(2).getCell(2).numFmt).toBe('#,##0')
    expect(workbook.getWorksheet('by-ministry')!.getRow(2).getCell(8).numFmt).toBe('#,##0.0')
  })

  it('effects and joint use: thousands as numbers equal to the JSON, years and hours likewise', () => {
    const effects = body(workbook.getWorksheet('effects')!)
    const rows = json.effects.rows
    rows.forEach((row: any, index: number) => {
      expectExact(effects[index][2], row.costReductionThousandYen, `effects ${index} cost`)
      expect(effects[index][3]).toBe(row.costYear)
      expectExact(effects[index][4], row.hoursReduction, `effects ${index} hours`)
      expect(effects[index][5]).toBe(row.hoursYear)
    })
    const total = effects[rows.length]
    expectExact(total[2], json.effects.totals.costReductionThousandYen, 'effects total cost')
    expectExact(total[4], json.effects.totals.hoursReduction, 'effects total hours')

    const joint = body(workbook.getWorksheet('joint-use')!)
    const jointRows = rows.filter((row: any) => row.kind === 'joint-use')
    expect(joint).toHaveLength(jointRows.length + 1)
    jointRows.forEach((row: any, index: number) => {
      expect(joint[index][0]).toBe(row.area)
      expectExact(joint[index][1], row.before, 'before')
      expectExact(joint[index][2], row.after, 'after')
      expectExact(joint[index][3], row.costReductionThousandYen, 'reduction')
    })
    const summary = json.effects.jointUseSummary
    expectExact(joint.at(-1)![1], summary.before, 'summary before')
    expectExact(joint.at(-1)![2], summary.after, 'summary after')
    expectExact(joint.at(-1)![3], summary.reduction, 'summary reduction')
  })

  it('the Assumptions sheet holds the assumptions register and the parameters of the scenario', async () => {
    const {scenario} = await loadScenario(await locateScenario(SCENARIO))
    const sheet = workbook.getWorksheet(ASSUMPTIONS_SHEET)!
    const columnA: string[] = []
    const rowNumbers: number[] = []
    sheet.eachRow((row, number) => {
      columnA.push(String(row.getCell(1).value ?? ''))
      rowNumbers.push(number)
    })
    expect(columnA[0]).toBe('Assumptions register')
    expect(columnA[1]).toBe('id')
    for (const assumption of scenario.assumptions) expect(columnA).toContain(assumption.id)
    // The parameters table comes second, under its own title and header.
    expect(columnA.filter((text) => text === 'Parameter')).toHaveLength(2)
    expect(columnA.lastIndexOf('discount.rate')).toBeGreaterThan(columnA.lastIndexOf('Parameter'))
    const rateRow = rowNumbers[columnA.lastIndexOf('discount.rate')]
    expect(sheet.getRow(rateRow).getCell(2).value).toBe('0.035')
  })

  it("the Provenance sheet is the report's provenance: version, time, command and every input with its SHA-256", () => {
    const sheet = workbook.getWorksheet(PROVENANCE_SHEET)!
    const pairs = new Map<string, string>()
    const inputs: string[][] = []
    sheet.eachRow((row) => {
      const values = [1, 2, 3, 4].map((column) => String(row.getCell(column).value ?? ''))
      if (/^[0-9a-f]{64}$/.test(values[2])) inputs.push(values)
      else pairs.set(values[0], values[1])
    })
    const provenance = json.provenance
    expect(pairs.get('kasumi')).toBe(provenance.kasumi)
    expect(pairs.get('Created')).toBe(provenance.createdAt)
    expect(pairs.get('Command')).toBe(provenance.command)
    expect(provenance.command).toMatch(/^kasumi report --scenario kasumigaseki-cloud --format xlsx,json --out /)
    expect(inputs.map((row) => row[0])).toEqual(provenance.inputs.map((input: {role: string}) => input.role))
    expect(inputs.map((row) => row[2])).toEqual(provenance.inputs.map((input: {sha256: string}) => input.sha256))
    expect(inputs.map((row) => row[3])).toEqual(provenance.inputs.map((input: {rows?: number}) => String(input.rows ?? '')))
  })
})
