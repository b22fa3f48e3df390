import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {InvalidInputError, type InputIssue} from '../../src/domain/errors.js'
import {Dec} from '../../src/domain/money.js'
import {SAMPLES_DIR} from '../../src/platform/paths.js'
import {bundledMinistries} from '../../src/reference/ministries.js'
import {loadActuals, type ActualsOptions, type EstimatePlan} from '../../src/bench/actuals.js'
import {DCOI_FILE, csv, tempDir, writeFile} from '../fixtures/bench/helpers.js'

const AREAS = ['府省LAN', '電子申請等受付業務', '統計調査等業務', '個別業務']

async function options(extra: Partial<ActualsOptions> = {}): Promise<ActualsOptions> {
  return {encoding: 'auto', calendar: 'gregorian', ministries: await bundledMinistries(), areas: AREAS, ...extra}
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

const pick = <T extends object>(rows: readonly T[], keys: Array<keyof T>) => rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key]])))

describe('a DCOI strategic-plan table (planned and achieved savings per agency, $M)', () => {
  it('reads agencies that are not ministries on their own, in US dollars', async () => {
    const result = await loadActuals(DCOI_FILE, await options())
    expect(result).toMatchObject({
      matching: 'external',
      level: 'ministry',
      currency: 'USD',
      unit: {factor: 1_000_000, label: '$M'},
      plannedSource: 'file',
      threshold: '0.8',
      format: 'csv',
    })
    expect(pick(result.rows, ['key', 'fiscalYear', 'planned', 'achieved', 'variance', 'achievement', 'cumulativeAchievement', 'shortfall'])).toEqual([
      // 10.00 ÷ 12.50 = 0.8: exactly the threshold, so not a shortfall
      {
        key: 'DOC',
        fiscalYear: 2017,
        planned: '12500000',
        achieved: '10000000',
        variance: '-2500000',
        achievement: '0.8000',
        cumulativeAchievement: '0.8000',
        shortfall: false,
      },
      // 15.75 ÷ 15 = 1.05; cumulative 25.75 ÷ 27.5 = 0.93636…
      {
        key: 'DOC',
        fiscalYear: 2018,
        planned: '15000000',
        achieved: '15750000',
        variance: '750000',
        achievement: '1.0500',
        cumulativeAchievement: '0.9364',
        shortfall: false,
      },
      // 14 ÷ 20 = 0.7 < 0.8; cumulative 39.75 ÷ 47.5 = 0.83684…
      {
        key: 'DOC',
        fiscalYear: 2019,
        planned: '20000000',
        achieved: '14000000',
        variance: '-6000000',
        achievement: '0.7000',
        cumulativeAchievement: '0.8368',
        shortfall: true,
      },
      {
        key: 'DHS',
        fiscalYear: 2017,
        planned: '30000000',
        achieved: '27000000',
        variance: '-3000000',
        achievement: '0.9000',
        cumulativeAchievement: '0.9000',
        shortfall: false,
      },
      // 26.5 ÷ 25 = 1.06; cumulative 53.5 ÷ 55 = 0.97272…
      {
        key: 'DHS',
        fiscalYear: 2018,
        planned: '25000000',
        achieved: '26500000',
        variance: '1500000',
        achievement: '1.0600',
        cumulativeAchievement: '0.9727',
        shortfall: false,
      },
      // 0 ÷ 22; cumulative 53.5 ÷ 77 = 0.69480…
      {
        key: 'DHS',
        fiscalYear: 2019,
        planned: '22000000',
        achieved: '0',
        variance: '-22000000',
        achievement: '0.0000',
        cumulativeAchievement: '0.6948',
        shortfall: true,
      },
      {
        key: 'USDA',
        fiscalYear: 2017,
        planned: '8250000',
        achieved: '8250000',
        variance: '0',
        achievement: '1.0000',
        cumulativeAchievement: '1.0000',
        shortfall: false,
      },
      // planned 0: no rate, never a division error; cumulative 9.45 ÷ 8.25 = 1.14545…
      {
        key: 'USDA',
        fiscalYear: 2018,
        planned: '0',
        achieved: '1200000',
        variance: '1200000',
        achievement: null,
        cumulativeAchievement: '1.1455',
        shortfall: false,
      },
    ])
    expect(result.rows.at(-1)!.achievementNote).toBe('planned is 0')
  })

  it('totals by fiscal year, by agency and overall', async () => {
    const result = await loadActuals(DCOI_FILE, await options())
    expect(pick(result.byYear, ['fiscalYear', 'planned', 'achieved', 'achievement', 'cumulativeAchievement'])).toEqual([
      // 45.25 ÷ 50.75 = 0.891625…
      {fiscalYear: 2017, planned: '50750000', achieved: '45250000', achievement: '0.8916', cumulativeAchievement: '0.8916'},
      // 43.45 ÷ 40 = 1.08625 → 1.0863 (half-up); cumulative 88.7 ÷ 90.75 = 0.97741…
      {fiscalYear: 2018, planned: '40000000', achieved: '43450000', achievement: '1.0863', cumulativeAchievement: '0.9774'},
      // 14 ÷ 42; cumulative 102.7 ÷ 132.75 = 0.77363…
      {fiscalYear: 2019, planned: '42000000', achieved: '14000000', achievement: '0.3333', cumulativeAchievement: '0.7736'},
    ])
    expect(result.total).toEqual({planned: '132750000', achieved: '102700000', variance: '-30050000', achievement: '0.7736', shortfall: true})
    expect(result.byKey.map((entry) => [entry.key, entry.achievement, entry.shortfall])).toEqual([
      ['DOC', '0.8368', false],
      ['DHS', '0.6948', true],
      ['USDA', '1.1455', false],
    ])
    expect(result.shortfalls).toEqual([
      {key: 'DOC', label: 'DOC', fiscalYear: 2019, achievement: '0.7000'},
      {key: 'DHS', label: 'DHS', fiscalYear: 2019, achievement: '0.0000'},
    ])
  })

  it('applies another threshold exactly', async () => {
    const result = await loadActuals(DCOI_FILE, await options({threshold: new Dec('0.9')}))
    // 0.8, 0.7 and 0 are below 0.9; DHS 2017 at exactly 0.9 is not
    expect(result.shortfalls.map((entry) => `${entry.key} ${entry.fiscalYear}`)).toEqual(['DOC 2017', 'DOC 2019', 'DHS 2019'])
  })

  it('reads the same table from the sheet of an XLSX workbook whose header matches', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('DCOI')
    sheet.addRow(['Agency', 'Fiscal Year', 'Planned Savings ($M)', 'Achieved Savings ($M)'])
    const lines = [
      ['DOC', 'FY2017', 12.5, 10],
      ['DOC', 2018, 15, 15.75],
      ['DOC', 'FY2019', 20, 14],
      ['DHS', 'FY2017', 30, 27],
      ['DHS', 'FY2018', 25, 26.5],
      ['DHS', 'FY2019', 22, 0],
      ['USDA', 'FY2017', 8.25, 8.25],
      ['USDA', 'FY2018', 0, 1.2],
    ]
    for (const line of lines) sheet.addRow(line)
    workbook.addWorksheet('ignored').addRow(['nothing', 'here'])
    const file = join(tempDir(), 'dcoi.xlsx')
    await workbook.xlsx.writeFile(file)
    const fromXlsx = await loadActuals(file, await options())
    const fromCsv = await loadActuals(DCOI_FILE, await options())
    expect(fromXlsx.format).toBe('xlsx')
    expect(fromXlsx.rows.map(({line, ...row}) => row)).toEqual(fromCsv.rows.map(({line, ...row}) => row))
    expect(fromXlsx.total).toEqual(fromCsv.total)
  })

  it('locates a bad cell of an XLSX sheet by its cell', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('DCOI')
    sheet.addRow(['Agency', 'Fiscal Year', 'Planned Savings ($M)', 'Achieved Savings ($M)'])
    sheet.addRow(['DOC', 'FY2017', 12.5, 10])
    sheet.addRow(['DOC', 'next year', 'twelve', 10])
    const file = join(tempDir(), 'bad.xlsx')
    await workbook.xlsx.writeFile(file)
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues.map((issue) => [issue.cell, issue.column, issue.value])).toEqual([
      ['DCOI!B3', 'fiscal_year', 'next year'],
      ['DCOI!C3', 'planned', 'twelve'],
    ])
  })
})

describe("actuals of the register's ministries", () => {
  it('reads the Japanese sample: 平成 years, 千円 headers, △ negatives, ministries by Japanese name', async () => {
    const result = await loadActuals(join(SAMPLES_DIR, 'actuals.csv'), await options())
    expect(result).toMatchObject({matching: 'register', currency: 'JPY', unit: {factor: 1000, label: '千円'}})
    expect(result.rows).toHaveLength(57)
    expect(result.rows[0]).toMatchObject({
      key: 'cas',
      label: '内閣官房',
      fiscalYear: 2010,
      planned: '8300000',
      achieved: '8630000',
      achievement: '1.0398',
      note: '合成データ（デモ用）',
    })
    const fsa = result.rows.find((row) => row.key === 'fsa' && row.fiscalYear === 2010)!
    // △1,200 千円 against 2,300 千円 planned: a cost increase, −0.52173…
    expect(fsa).toMatchObject({achieved: '-1200000', variance: '-3500000', achievement: '-0.5217', shortfall: true})
  })

  it('reads Traditional Chinese headers and ROC years', async () => {
    const file = writeFile(
      tempDir(),
      'roc.csv',
      csv('部會,會計年度,預定削減經費（千元（日幣））,實際削減經費（千元（日幣））', '總務省,民國99年,"1,000",900', '財務省,99年度,"2,000","1,500"'),
    )
    const result = await loadActuals(file, await options({calendar: 'roc'}))
    expect(result).toMatchObject({currency: 'JPY', unit: {factor: 1000, label: '千円'}})
    expect(pick(result.rows, ['key', 'fiscalYear', 'planned', 'achieved', 'achievement'])).toEqual([
      {key: 'mic', fiscalYear: 2010, planned: '1000000', achieved: '900000', achievement: '0.9000'},
      {key: 'mof', fiscalYear: 2010, planned: '2000000', achieved: '1500000', achievement: '0.7500'},
    ])
    // Without --calendar roc, 99年度 is ambiguous.
    await expect(issuesOf(loadActuals(file, await options()))).resolves.toMatchObject([
      {line: 3, column: '2 (fiscal_year)', value: '99年度', message: 'a two- or three-digit year is ambiguous'},
    ])
  })

  it('reads actuals per business area', async () => {
    const file = writeFile(tempDir(), 'areas.csv', csv('業務分野,年度,計画,実績', '府省LAN,2011,100,80', '電子申請等受付業務,2011,50,60'))
    const result = await loadActuals(file, await options())
    expect(result.level).toBe('area')
    expect(result.rows.map((row) => [row.key, row.achievement])).toEqual([
      ['府省LAN', '0.8000'],
      ['電子申請等受付業務', '1.2000'],
    ])
  })

  it('takes planned figures from the estimate when the file has none', async () => {
    const plan: EstimatePlan = {
      scenario: 'test',
      currency: 'JPY',
      years: [2009, 2010, 2011],
      planned: (_level, ministry, _area, year) =>
        year > 2011 ? undefined : ministry === 'mic' ? new Dec(year === 2010 ? 400_000 : year === 2011 ? 1_000_000 : 0) : new Dec(0),
      plannedHours: () => undefined,
    }
    const file = writeFile(
      tempDir(),
      'achieved.csv',
      csv('府省,年度,実績', '総務省,平成22年度,"300,000"', '総務省,平成23年度,"1,100,000"', 'mof,2011,5', 'mic,2012,1'),
    )
    const result = await loadActuals(file, await options({plan}))
    expect(result.plannedSource).toBe('estimate')
    expect(pick(result.rows, ['key', 'fiscalYear', 'planned', 'achieved', 'achievement', 'cumulativeAchievement', 'shortfall'])).toEqual([
      {key: 'mic', fiscalYear: 2010, planned: '400000', achieved: '300000', achievement: '0.7500', cumulativeAchievement: '0.7500', shortfall: true},
      // cumulative 1,400,000 ÷ 1,400,000
      {
        key: 'mic',
        fiscalYear: 2011,
        planned: '1000000',
        achieved: '1100000',
        achievement: '1.1000',
        cumulativeAchievement: '1.0000',
        shortfall: false,
      },
      {key: 'mic', fiscalYear: 2012, planned: null, achieved: '1', achievement: null, cumulativeAchievement: '1.0000', shortfall: false},
      {key: 'mof', fiscalYear: 2011, planned: '0', achieved: '5', achievement: null, cumulativeAchievement: null, shortfall: false},
    ])
    expect(result.rows[2].achievementNote).toBe('the estimate has no plan for FY2012 (horizon FY2009–FY2011)')
  })

  it('converts other currencies with dated rates', async () => {
    const file = writeFile(
      tempDir(),
      'mixed.csv',
      csv('ministry,fiscal_year,planned,achieved,currency', 'mic,2010,1000,900,JPY', 'mof,2010,10,8,USD'),
    )
    const result = await loadActuals(
      file,
      await options({rates: {file: 'rates.csv', currency: 'JPY', rates: new Map([['USD:2010', new Dec('88.5')]])}}),
    )
    expect(result.currency).toBe('JPY')
    expect(result.rows[1]).toMatchObject({planned: '885', achieved: '708', achievement: '0.8000'})
  })

  it('keeps unknown columns out with a warning when asked to', async () => {
    const file = writeFile(tempDir(), 'extra.csv', csv('ministry,fiscal_year,planned,achieved,owner', 'mic,2010,10,9,someone'))
    await expect(issuesOf(loadActuals(file, await options()))).resolves.toMatchObject([
      {line: 1, column: '5 (owner)', message: 'kasumi does not know this actuals column'},
    ])
    const result = await loadActuals(file, await options({allowUnknownColumns: true}))
    expect(result.warnings).toMatchObject([{column: '5 (owner)', severity: 'warning'}])
  })
})

describe('bad actuals: every problem located, one error, exit 3', () => {
  it('names ministries kasumi does not know, with suggestions, when the others are known', async () => {
    const file = writeFile(tempDir(), 'typo.csv', csv('府省,年度,計画,実績', '総務省,2010,100,90', '総務所,2010,100,90', '財務省,2010,100,90'))
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues).toEqual([
      {file, line: 3, column: 'ministry', value: '総務所', message: 'kasumi does not know this ministry', hint: 'did you mean 総務省 (mic)?'},
    ])
  })

  it("needs the register's ministries for planned figures from an estimate", async () => {
    const plan: EstimatePlan = {scenario: 'test', currency: 'USD', years: [2017], planned: () => undefined, plannedHours: () => undefined}
    const file = writeFile(tempDir(), 'agencies.csv', csv('Agency,Fiscal Year,Achieved Savings ($M)', 'DOC,FY2017,10'))
    const issues = await issuesOf(loadActuals(file, await options({plan})))
    expect(issues).toMatchObject([{line: 2, column: 'ministry', value: 'DOC', message: 'kasumi does not know this ministry'}])
    expect(issues[0].hint).toMatch(/planned figures from the estimate need the register's ministries/)
  })

  it('refuses a second row for one ministry and year, whatever the year notation', async () => {
    const file = writeFile(tempDir(), 'twice.csv', csv('府省,年度,計画,実績', '総務省,平成22年度,100,90', 'mof,2010,1,1', 'mic,FY2010,100,90'))
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues).toEqual([
      {
        file,
        line: 4,
        column: 'fiscal_year',
        value: '2010',
        message: 'a second row for 総務省 in FY2010 (line 2 has it too)',
        hint: 'give one row per ministry (or area) and fiscal year; add the figures up if they are parts',
      },
    ])
  })

  it('refuses mixed currencies without rates', async () => {
    const file = writeFile(
      tempDir(),
      'mixed.csv',
      csv('ministry,fiscal_year,planned,achieved,currency', 'mic,2010,1000,900,JPY', 'mof,2010,10,8,USD', 'moj,2010,10,8,US$'),
    )
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues).toMatchObject([
      {file, line: 3, column: 'currency', value: 'USD', message: 'mixed currencies without exchange rates: JPY (line 2), USD (lines 3, 4)'},
    ])
  })

  it('refuses a currency column that contradicts the unit of the headers', async () => {
    const file = writeFile(
      tempDir(),
      'conflict.csv',
      csv('Agency,Fiscal Year,Planned Savings ($M),Achieved Savings ($M),Currency', 'DOC,FY2017,1,1,JPY'),
    )
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues).toMatchObject([{line: 2, column: '5 (currency)', message: 'the money headers count USD, this row says JPY'}])
  })

  it('collects every bad cell and header problem at once', async () => {
    const file = writeFile(tempDir(), 'cells.csv', csv('ministry,fiscal_year,planned,achieved', 'mic,17,100,90', 'mof,2010,abc,90', 'moj,2010,,'))
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues.map((issue) => [issue.line, issue.column, issue.message])).toEqual([
      [2, '2 (fiscal_year)', 'a two- or three-digit year is ambiguous'],
      [3, '3 (planned)', 'not a number'],
      [4, '4 (achieved)', 'the row has no figures'],
    ])
    const header = writeFile(tempDir(), 'header.csv', csv('fiscal_year,achieved', '2010,1'))
    expect((await issuesOf(loadActuals(header, await options()))).map((issue) => issue.message)).toEqual([
      'the file names neither a ministry (agency) nor a business area column',
      'the required column "planned" is missing',
    ])
  })

  it('names business areas no system has', async () => {
    const file = writeFile(tempDir(), 'areas.csv', csv('業務分野,年度,計画,実績', '府省LAN,2011,100,80', '府省LANN,2011,50,60'))
    const issues = await issuesOf(loadActuals(file, await options()))
    expect(issues).toMatchObject([
      {
        line: 3,
        column: 'business_area',
        value: '府省LANN',
        message: 'no system of the register has this business area',
        hint: 'did you mean 府省LAN?',
      },
    ])
  })
})
