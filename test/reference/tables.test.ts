import {describe, expect, it} from 'vitest'

import {Painter, renderTable} from '../../src/cli/output.js'
import {computeTotals, loadReferenceTable} from '../../src/reference/jp2009.js'
import {
  areaTable,
  checkLines,
  displayWidth,
  leadMinistryTable,
  implementingMinistryTable,
  listTable,
  publishedTable,
  referenceNotes,
  wrap,
} from '../../src/reference/tables.js'

const table = await loadReferenceTable('jp-2009')

/** A shown amount ("1,189,160", "-50,000", "-") as a plain integer string. */
const parseShownAmount = (text: string): string | null => (text === '-' ? null : text.replace(/,/g, ''))

describe('the published layout', () => {
  const data = publishedTable(table)

  it('has the published headings and one line per row', () => {
    expect(data.head).toEqual([
      '負責單位',
      '業務‧作業系統名稱',
      '削減經費（試算）\n千元（日幣）',
      '年度',
      '業務處理時間削減成果（試算）\n時間',
      '年度',
    ])
    expect(data.rows).toHaveLength(49)
    expect(data.title).toBe('表一、整合後（87分部）的效果一覽表－各部門共通業務作業系統及一部分關係部門業務系統（20分部）2009年8月31日發表')
  })

  it('writes rows as the table does', () => {
    expect(data.rows[0]).toEqual(['人事院‧總務省', '人事‧薪資等業務', '1,189,160', '2013', '10,500,000', '2013'])
    expect(data.rows[1]).toEqual(['', '  ＊共同利用化的效果', '73,704', '-', '-', '-'])
    expect(data.rows[2]).toEqual(['內閣府', '災害管理業務', '-50,000', '2006', '0', '-'])
    expect(data.rows[9]).toEqual(['', '共通作業系統（政府認証）', '781,523', '-', '3,046', '2009'])
    expect(data.rows[12][1]).toBe('（內閣官房）（內閣府）內閣府LAN')
    expect(data.rows[32][1].split('\n')[0]).toBe('共同利用系統')
    expect(data.rows[32][1].replace(/^共同利用系統\n/, '').replace(/\n/g, '')).toBe(table.rows[32].note)
    expect(data.rows[46]).toEqual(['經濟產業省', '物品管理業務／禮金‧各補助業務／旅費業務', '129,414', '2013', '9,045,536', '2013'])
  })

  it('has totals in the footer', () => {
    expect(data.footer).toEqual([
      ['', '合計（不含＊列）', '19,725,339', '', '23,784,770', ''],
      ['', '＊共同利用化的效果 合計', '392,959', '', '', ''],
    ])
  })

  it('draws aligned columns for CJK text', () => {
    const lines = renderTable(data, new Painter(false)).split('\n').slice(1)
    const widths = new Set(lines.map(displayWidth))
    expect(widths.size).toBe(1)
  })
})

describe('the ministry and area views', () => {
  const totals = computeTotals(table.rows)
  const sumColumn = (rows: string[][], column: number) => rows.reduce((sum, row) => sum + BigInt(parseShownAmount(row[column]) ?? '0'), 0n).toString()

  it('lead-ministry subtotals add up to the footer', () => {
    const data = leadMinistryTable(table, 'en')
    expect(data.head[0]).toBe('Lead ministry')
    expect(data.rows.map((row) => row[0])).toEqual(['人事院‧總務省', '內閣府', '總務省', '財務省', '文部科學省', '經濟產業省', '國土交通省'])
    expect(sumColumn(data.rows, 2)).toBe(totals.costReductionThousandYen)
    expect(sumColumn(data.rows, 3)).toBe(totals.jointUseThousandYen)
    expect(sumColumn(data.rows, 4)).toBe(totals.hoursReduction)
    expect(data.footer![0].slice(1)).toEqual(['42', '19,725,339', '392,959', '23,784,770'])
  })

  it('implementing-ministry subtotals add up to the footer', () => {
    const data = implementingMinistryTable(table)
    expect(data.rows.at(-1)![0]).toBe('（未標示實施單位）')
    expect(sumColumn(data.rows, 2)).toBe(totals.costReductionThousandYen)
    expect(sumColumn(data.rows, 4)).toBe(totals.hoursReduction)
  })

  it('the area view has one line per area with its joint-use effect', () => {
    const data = areaTable(table, 'ja')
    expect(data.head).toContain('＊共同利用化の効果\n千円')
    expect(data.rows).toHaveLength(42)
    expect(sumColumn(data.rows, 3)).toBe(totals.costReductionThousandYen)
    expect(sumColumn(data.rows, 5)).toBe(totals.jointUseThousandYen)
    expect(sumColumn(data.rows, 6)).toBe(totals.hoursReduction)
  })
})

describe('notes, checks and the list', () => {
  it('notes carry the footnote, the joint-use summary and the source', () => {
    const notes = referenceNotes(table)
    expect(notes).toContain('註：補助金額的比率業務不列入此範圍之內')
    expect(notes.join('\n')).toContain('實施前 2,475,877，實施後 2,082,918，削減經費 392,959')
    expect(notes.join('\n')).toContain('最適化計画（87分野）における効果一覧')
  })

  it('check lines say what passed and what was expected', () => {
    expect(checkLines(table.checks)[0]).toBe("✓ joint-use rows (＊共同利用化的效果) sum to the summary's 削減經費 392,959")
    expect(checkLines([{id: 'x', description: 'sum', expected: '392959', actual: '392960', ok: false}])).toEqual([
      '✗ sum: expected 392,959, found 392,960',
    ])
  })

  it('lists id, title, date, rows and units', () => {
    expect(listTable([table], 'en').rows).toEqual([['jp-2009', table.meta.title.en, '2009-08-31', '49', 'thousand yen (千円); hours per year']])
  })

  it('wraps CJK text by display width, preferring a break after a comma', () => {
    expect(wrap('甲乙丙，丁戊己庚', 8)).toEqual(['甲乙丙，', '丁戊己庚'])
    for (const line of wrap(table.rows[32].note!, 40)) expect(displayWidth(line)).toBeLessThanOrEqual(40)
  })
})
