import {describe, expect, it} from 'vitest'

import {
  cellReference,
  columnLetters,
  fiscalYearOfDate,
  isDateFormat,
  numberDisplay,
  numberText,
  parseDateText,
  sheetCell,
} from '../../src/ingest/workbook/cells.js'

describe('workbook cells', () => {
  it('reads numbers with Excel’s 15 digits, percent formats as percent, and △ formats as negative', () => {
    expect(numberText(1189160, '#,##0')).toBe('1189160')
    expect(numberText(0.1 + 0.2, undefined)).toBe('0.3')
    expect(numberText(0.35, '0%')).toBe('35')
    expect(numberText(0.125, '0.0%')).toBe('12.5')
    expect(numberText(-50000, '#,##0;"△"#,##0')).toBe('-50000')
    // A positive value that its format shows with a △ is negative as the sheet shows it.
    expect(numberText(50000, '"△"#,##0')).toBe('-50000')
    expect(numberText(1e21, undefined)).toBe('1000000000000000000000')
  })

  it('shows values as the sheet does, for messages', () => {
    expect(numberDisplay(-50000, '#,##0;"▲"#,##0')).toBe('▲50,000')
    expect(numberDisplay(1.5, '0%')).toBe('150%')
    expect(numberDisplay(1234.5, '#,##0.00')).toBe('1,234.50')
    expect(numberDisplay(-3, '0')).toBe('-3')
    expect(sheetCell({formula: 'A1*2'}, undefined)).toMatchObject({formula: true, problem: expect.stringContaining('without a cached value')})
    expect(sheetCell({error: '#DIV/0!'}, undefined)).toMatchObject({display: '#DIV/0!', problem: expect.stringContaining('error')})
  })

  it('tells date formats from number formats', () => {
    expect(isDateFormat('yyyy/m/d')).toBe(true)
    expect(isDateFormat('[$-ja-JP]ggge"年"m"月"d"日"')).toBe(true)
    expect(isDateFormat('#,##0;"△"#,##0')).toBe(false)
    expect(isDateFormat('0%')).toBe(false)
    expect(isDateFormat('General')).toBe(false)
  })

  it('puts dates in the fiscal year of the start month: April (Japan), October (US), January (Taiwan)', () => {
    const day = (text: string) => new Date(`${text}T00:00:00Z`)
    expect(fiscalYearOfDate(day('2023-03-31'), 4)).toBe(2022)
    expect(fiscalYearOfDate(day('2023-04-01'), 4)).toBe(2023)
    expect(fiscalYearOfDate(day('2022-10-01'), 10)).toBe(2023)
    expect(fiscalYearOfDate(day('2022-09-30'), 10)).toBe(2022)
    expect(fiscalYearOfDate(day('2022-12-31'), 1)).toBe(2022)
    expect(parseDateText('令和5年4月1日')?.toISOString().slice(0, 10)).toBe('2023-04-01')
    expect(parseDateText('民國111年1月5日')?.toISOString().slice(0, 10)).toBe('2022-01-05')
    expect(parseDateText('2022/2/30')).toBeUndefined()
  })

  it('names cells as a spreadsheet does', () => {
    expect(columnLetters(0)).toBe('A')
    expect(columnLetters(26)).toBe('AA')
    expect(cellReference('経費内訳', 4, 7)).toBe('経費内訳!E7')
    expect(cellReference('My sheet', 0, 1)).toBe("'My sheet'!A1")
  })
})
