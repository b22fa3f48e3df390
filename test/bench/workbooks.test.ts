import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import * as XLSX from '@e965/xlsx'
import ExcelJS from 'exceljs'
import {beforeAll, describe, expect, it} from 'vitest'

import type {BenchResult} from '../../src/bench/result.js'
import {InvalidInputError, type InputIssue} from '../../src/domain/errors.js'
import {readRates} from '../../src/ingest/rates.js'
import {loadActuals, type ActualsOptions} from '../../src/bench/actuals.js'
import {bundledMinistries} from '../../src/reference/ministries.js'
import {describeEachBackend} from '../support/stores.js'
import {DCOI_FILE, csv, kasumi, ok, sampleStore, tempDir, writeFile} from '../fixtures/bench/helpers.js'

/**
 * Actuals and exchange rates from workbooks, as ministries send them: the
 * table below a title, on a sheet that is not the first, found by its header
 * through the same layout finder as the register's sheets.
 */

async function options(extra: Partial<ActualsOptions> = {}): Promise<ActualsOptions> {
  return {encoding: 'auto', calendar: 'gregorian', ministries: await bundledMinistries(), areas: [], ...extra}
}

async function issuesOf(promise: Promise<unknown>): Promise<InputIssue[]> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError)
    expect((error as InvalidInputError).exitCode).toBe(3)
    return (error as InvalidInputError).issues
  }
  throw new Error('expected an InvalidInputError')
}

const DCOI_ROWS: Array<Array<string | number>> = [
  ['DOC', 'FY2017', 12.5, 10],
  ['DOC', 2018, 15, 15.75],
  ['DOC', 'FY2019', 20, 14],
  ['DHS', 'FY2017', 30, 27],
  ['DHS', 'FY2018', 25, 26.5],
  ['DHS', 'FY2019', 22, 0],
  ['USDA', 'FY2017', 8.25, 8.25],
  ['USDA', 'FY2018', 0, 1.2],
]

/** A cover sheet, then the table below a title and a date, a totals row and a note under it. */
async function dcoiWorkbook(name = 'dcoi.xlsx'): Promise<string> {
  const workbook = new ExcelJS.Workbook()
  workbook.addWorksheet('Cover').getCell('B2').value = 'Data Center Optimization Initiative — strategic plan'
  const sheet = workbook.addWorksheet('Savings')
  sheet.getCell('A1').value = 'Cost savings and avoidance'
  sheet.getCell('A2').value = 'as of 2019-09-30'
  sheet.getRow(4).values = ['Agency', 'Fiscal Year', 'Planned Savings ($M)', 'Achieved Savings ($M)']
  DCOI_ROWS.forEach((row, index) => (sheet.getRow(5 + index).values = row))
  sheet.getRow(13).values = ['Total', null, 132.75, 102.7]
  sheet.getRow(15).values = ['Note: figures as reported by the agencies']
  const file = join(tempDir(), name)
  await workbook.xlsx.writeFile(file)
  return file
}

describe('actuals from workbooks', () => {
  it('reads the table on the sheet whose header matches, below its title, with the same rows as the CSV file', async () => {
    const file = await dcoiWorkbook()
    const fromXlsx = await loadActuals(file, await options())
    const fromCsv = await loadActuals(DCOI_FILE, await options())
    expect(fromXlsx.format).toBe('xlsx')
    expect(fromXlsx.rows.map(({line, ...row}) => row)).toEqual(fromCsv.rows.map(({line, ...row}) => row))
    expect(fromXlsx.rows[0].line).toBe(5)
    expect(fromXlsx.warnings.map((warning) => [warning.cell, warning.message])).toEqual(
      expect.arrayContaining([
        ['Savings!13:13', 'a totals or note row is not data; skipped'],
        ['Savings!15:15', 'a totals or note row is not data; skipped'],
      ]),
    )
    // --sheet by name or position; a sheet that does not exist lists the sheets.
    expect((await loadActuals(file, await options({sheet: '2'}))).rows).toHaveLength(8)
    const missing = await issuesOf(loadActuals(file, await options({sheet: 'Plan'})))
    expect(missing[0]).toMatchObject({
      value: 'Plan',
      message: 'the workbook has no sheet of this name or position',
      hint: 'its sheets: 1. Cover, 2. Savings',
    })
    const cover = await issuesOf(loadActuals(file, await options({sheet: 'Cover'})))
    expect(cover[0].message).toMatch(/^rows 2–2 of Cover were tried; none names two or more columns of actuals/)
  })

  it('reads .xls and .ods actuals alike', async () => {
    const rows = [
      ['府省別削減実績'],
      ['（単位：千円）'],
      [],
      ['府省', '年度', '削減計画額（千円）', '削減実績額（千円）'],
      ['総務省', '平成22年度', 1000, 900],
      ['財務省', 2010, 2000, -150],
    ]
    for (const type of ['xls', 'ods'] as const) {
      const book = XLSX.utils.book_new()
      const sheet = XLSX.utils.aoa_to_sheet(rows)
      sheet.D6.z = '#,##0;"△"#,##0'
      XLSX.utils.book_append_sheet(book, sheet, '実績')
      const file = join(tempDir(), `actuals.${type}`)
      writeFileSync(file, XLSX.write(book, {bookType: type, type: 'buffer'}) as Buffer)
      const result = await loadActuals(file, await options())
      expect(result.format, type).toBe(type)
      expect(
        result.rows.map((row) => [row.key, row.fiscalYear, row.planned, row.achieved]),
        type,
      ).toEqual([
        ['mic', 2010, '1000000', '900000'],
        ['mof', 2010, '2000000', '-150000'],
      ])
    }
  })

  it('names bad cells as a spreadsheet does; refuses merged cells inside the data and formulas without a cached value', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('DCOI')
    sheet.addRow(['Agency', 'Fiscal Year', 'Planned Savings ($M)', 'Achieved Savings ($M)'])
    sheet.addRow(['DOC', 'FY2017', 12.5, 10])
    sheet.addRow(['DOC', 'next year', 'twelve', 10])
    const bad = join(tempDir(), 'bad.xlsx')
    await workbook.xlsx.writeFile(bad)
    expect((await issuesOf(loadActuals(bad, await options()))).map((issue) => [issue.cell, issue.column, issue.value])).toEqual([
      ['DCOI!B3', 'fiscal_year', 'next year'],
      ['DCOI!C3', 'planned', 'twelve'],
    ])

    const merged = new ExcelJS.Workbook()
    const mergedSheet = merged.addWorksheet('DCOI')
    mergedSheet.addRow(['Agency', 'Fiscal Year', 'Planned Savings ($M)', 'Achieved Savings ($M)'])
    mergedSheet.addRow(['DOC', 'FY2017', 12.5, 10])
    mergedSheet.addRow([null, 'FY2018', 15, {formula: 'C3*2'} as ExcelJS.CellFormulaValue])
    mergedSheet.mergeCells('A2:A3')
    const mergedFile = join(tempDir(), 'merged.xlsx')
    await merged.xlsx.writeFile(mergedFile)
    const issues = await issuesOf(loadActuals(mergedFile, await options()))
    expect(issues[0]).toMatchObject({cell: 'DCOI!A2:A3', column: 'Agency', message: expect.stringContaining('merged cells inside the data')})
    expect(issues).toContainEqual(
      expect.objectContaining({
        cell: 'DCOI!D3',
        message: expect.stringContaining('a formula without a cached value'),
        hint: expect.stringContaining('never calculates'),
      }),
    )
  })
})

describe('exchange rates from workbooks', () => {
  it('reads the rate table below a title on the sheet whose header matches, or the one named', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('説明').getCell('A1').value = '為替レート（年度平均）'
    const sheet = workbook.addWorksheet('レート')
    sheet.getCell('A1').value = '年度平均レート（円）'
    sheet.getRow(3).values = ['年度', '通貨', 'レート', '備考']
    sheet.getRow(4).values = [2010, 'USD', 88.5, '日銀']
    sheet.getRow(5).values = [2011, 'usd', 79.75, null]
    const file = join(tempDir(), 'rates.xlsx')
    await workbook.xlsx.writeFile(file)
    const rates = await readRates(file, 'JPY')
    expect([...rates.entries()].map(([key, rate]) => [key, rate.toString()])).toEqual([
      ['USD:2010', '88.5'],
      ['USD:2011', '79.75'],
    ])
    expect((await readRates(file, 'JPY', {sheet: 'レート'})).size).toBe(2)
    sheet.getCell('C5').value = -1
    await workbook.xlsx.writeFile(file)
    expect((await issuesOf(readRates(file, 'JPY'))).map((issue) => [issue.cell, issue.message])).toEqual([['レート!C5', 'a rate must be positive']])
  })
})

await describeEachBackend('kasumi bench --actuals and --rates workbooks', (_backend, fresh) => {
  let database: string
  beforeAll(async () => {
    database = await sampleStore(await fresh())
  })

  it('reads actuals and rates from workbooks with --sheet and --rates-sheet; the same result as from CSV', async () => {
    const fromCsv = (await ok(['bench', '--database', database, '--actuals', DCOI_FILE, '--kpi', 'savings', '--json'])).json as BenchResult
    const file = await dcoiWorkbook()
    const fromXlsx = (await ok(['bench', '--database', database, '--actuals', file, '--sheet', 'Savings', '--kpi', 'savings', '--json']))
      .json as BenchResult
    expect(fromXlsx.actuals!.rows.map(({line, ...row}) => row)).toEqual(fromCsv.actuals!.rows.map(({line, ...row}) => row))
    expect(fromXlsx.actuals!.format).toBe('xlsx')

    const mixed = writeFile(
      tempDir(),
      'mixed.csv',
      csv('ministry,fiscal_year,planned,achieved,currency', 'mic,2010,1000,900,JPY', 'mof,2010,10,8,USD'),
    )
    const book = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['メモ']]), '表紙')
    XLSX.utils.book_append_sheet(
      book,
      XLSX.utils.aoa_to_sheet([['為替レート'], [], ['fiscal_year', 'currency', 'rate'], [2010, 'USD', 88.5]]),
      'rates',
    )
    const rates = join(tempDir(), 'rates.ods')
    writeFileSync(rates, XLSX.write(book, {bookType: 'ods', type: 'buffer'}) as Buffer)
    const converted = (
      await ok(['bench', '--database', database, '--actuals', mixed, '--rates', rates, '--rates-sheet', 'rates', '--kpi', 'savings', '--json'])
    ).json as BenchResult
    expect(converted.actuals!.currency).toBe('JPY')
    expect(converted.actuals!.rows[1]).toMatchObject({planned: '885', achieved: '708'})

    const wrong = await kasumi(['bench', '--database', database, '--actuals', mixed, '--rates', rates, '--rates-sheet', 'レート'])
    expect(wrong.exitCode).toBe(3)
    expect(wrong.stderr).toContain('its sheets: 1. 表紙, 2. rates')
  })
})
