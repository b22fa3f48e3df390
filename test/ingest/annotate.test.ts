import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {cli, csv, ok, tempDir} from '../inventory/helpers.js'
import {filesIn} from '../support/cli.js'

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

async function load(file: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(file)
  return workbook
}

function noteOf(cell: ExcelJS.Cell): string {
  const note = cell.note as unknown
  if (note === undefined || note === null) return ''
  if (typeof note === 'string') return note
  return ((note as {texts?: Array<{text: string}>}).texts ?? []).map((part) => part.text).join('')
}

function fillOf(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined
  return fill?.fgColor?.argb
}

/** The list sheet's rows below its header: number, severity, link formula and text, column, value, problem, hint. */
function listed(
  sheet: ExcelJS.Worksheet,
): Array<{severity: string; formula?: string; where: string; column: string; value: string; problem: string}> {
  const rows: Array<{severity: string; formula?: string; where: string; column: string; value: string; problem: string}> = []
  sheet.eachRow((row, number) => {
    if (number <= 4 || typeof row.getCell(1).value !== 'number') return
    const where = row.getCell(3).value as ExcelJS.CellFormulaValue | string
    rows.push({
      severity: String(row.getCell(2).value),
      formula: typeof where === 'object' ? where.formula : undefined,
      where: typeof where === 'object' ? String(where.result) : String(where),
      column: String(row.getCell(4).value ?? ''),
      value: String(row.getCell(5).value ?? ''),
      problem: String(row.getCell(6).value ?? ''),
    })
  })
  return rows
}

const ERROR_FILL = 'FFFFC7CE'
const WARNING_FILL = 'FFFFEB9C'

describe('inventory validate --annotate', () => {
  it('turns a CSV file with problems into a workbook with comments on the problem cells and a first sheet of links, in Japanese', async () => {
    const dir = tempDir()
    const file = join(dir, 'systems.csv')
    writeFileSync(
      file,
      csv(
        'id,ministry,name,category,utilisation_pct',
        'MIC-0001,総務省,統計LAN,lan,35',
        'MIC-0002,nosuch,電子申請,e-application,20',
        'MIC-0003,総務省,共通基盤,不明,150',
      ),
    )
    const before = sha256(file)
    const out = join(dir, 'systems-checked.xlsx')
    const result = await cli(['inventory', 'validate', file, '--database', join(dir, 'none.db'), '--annotate', out, '--lang', 'ja', '--json'])
    expect(result.exitCode).toBe(3)
    expect(result.json.error.annotated).toEqual({output: out, problems: 3, cells: 3, sheet: '問題点'})
    expect(sha256(file)).toBe(before)

    const workbook = await load(out)
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['問題点', 'systems'])
    const data = workbook.getWorksheet('systems')!
    // The CSV's records as they were sent, one row each.
    expect(data.getRow(3).values).toEqual([undefined, 'MIC-0002', 'nosuch', '電子申請', 'e-application', '20'])
    expect(noteOf(data.getCell('B3'))).toContain('エラー: unknown ministry')
    expect(noteOf(data.getCell('B3'))).toContain('値: nosuch')
    expect(noteOf(data.getCell('D4'))).toContain('エラー: not one of the accepted values')
    expect(noteOf(data.getCell('E4'))).toContain('utilisation must be between 0 and 100')
    for (const address of ['B3', 'D4', 'E4']) expect(fillOf(data.getCell(address))).toBe(ERROR_FILL)
    for (const address of ['A2', 'B2', 'C3', 'D3', 'A4']) {
      expect(noteOf(data.getCell(address))).toBe('')
      expect(fillOf(data.getCell(address))).toBeUndefined()
    }

    const list = workbook.getWorksheet('問題点')!
    expect(list.getCell('A1').value).toBe('kasumi が systems.csv で見つけた問題')
    expect(list.getCell('A2').value).toBe('エラー 3 件、警告 0 件')
    expect(list.getRow(4).values).toEqual([undefined, '番号', '重要度', 'セル', '列', '値', '問題', '対処'])
    expect(listed(list)).toEqual([
      {
        severity: 'エラー',
        formula: 'HYPERLINK("#systems!B3","systems!B3")',
        where: 'systems!B3',
        column: '2 (ministry)',
        value: 'nosuch',
        problem: expect.stringContaining('unknown ministry'),
      },
      {
        severity: 'エラー',
        formula: 'HYPERLINK("#systems!D4","systems!D4")',
        where: 'systems!D4',
        column: '4 (category)',
        value: '不明',
        problem: expect.stringContaining('not one of'),
      },
      {
        severity: 'エラー',
        formula: 'HYPERLINK("#systems!E4","systems!E4")',
        where: 'systems!E4',
        column: '5 (utilisation_pct)',
        value: '150',
        problem: expect.stringContaining('utilisation'),
      },
    ])
  })

  it("marks a workbook's problem cells and keeps its values, formats, widths, merged cells and comments; the original is unchanged", async () => {
    const dir = tempDir()
    const file = join(dir, 'ministry register.xlsx')
    const original = new ExcelJS.Workbook()
    original.addWorksheet('表紙').getCell('A1').value = '令和5年度 情報システム一覧（総務省）'
    const sheet = original.addWorksheet('システム 一覧')
    sheet.getCell('A1').value = '令和5年度 情報システム一覧'
    sheet.getRow(4).values = ['システムID', 'システム名', '区分', 'サーバ', null, '利用者数']
    sheet.getRow(5).values = [null, null, null, '物理サーバ数', '利用率', null]
    for (const range of ['A4:A5', 'B4:B5', 'C4:C5', 'D4:E4', 'F4:F5']) sheet.mergeCells(range)
    sheet.getRow(6).values = ['MIC-0101', '統計LAN', '府省LAN', 12, 1.5, 1500]
    sheet.getRow(7).values = ['MIC-0102', '電子申請受付', '不明', 4, 0.125, {formula: 'F6*2', result: 3000}]
    sheet.getRow(8).values = ['合計', null, null, {formula: 'SUM(D6:D7)', result: 16}, null, null]
    sheet.getCell('E6').numFmt = '0%'
    sheet.getCell('E7').numFmt = '0.0%'
    sheet.getColumn(2).width = 31
    sheet.getCell('C7').note = 'checked by the ministry'
    await original.xlsx.writeFile(file)
    const before = sha256(file)
    const out = join(dir, 'returned.xlsx')

    const result = await cli([
      'inventory',
      'validate',
      file,
      '--database',
      join(dir, 'none.db'),
      '--ministry',
      'mic',
      '--annotate',
      out,
      '--lang',
      'zh-TW',
    ])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain(`Wrote ${out}: 4 problems listed on the sheet 問題清單, 3 cells marked.`)
    expect(result.stderr).toContain(`Send ${out} back to whoever sent the file`)
    expect(sha256(file)).toBe(before)

    const copy = await load(out)
    expect(copy.worksheets.map((one) => one.name)).toEqual(['問題清單', '表紙', 'システム 一覧'])
    const data = copy.getWorksheet('システム 一覧')!
    expect(fillOf(data.getCell('E6'))).toBe(ERROR_FILL)
    expect(noteOf(data.getCell('E6'))).toBe('錯誤: utilisation must be between 0 and 100\n值: 150%')
    expect(noteOf(data.getCell('C7'))).toContain('\n處理方式: use one of: common, lan, e-application, small-scale')
    expect(fillOf(data.getCell('C7'))).toBe(ERROR_FILL)
    // The sender's own comment stays, kasumi's follows it.
    expect(noteOf(data.getCell('C7'))).toMatch(/^checked by the ministry\n\n錯誤: not one of the accepted values/)
    // The totals row is a warning on the row's first cell.
    expect(fillOf(data.getCell('A8'))).toBe(WARNING_FILL)
    expect(noteOf(data.getCell('A8'))).toContain('警告: a totals row (合計) is not data; skipped')
    // Everything else as it was.
    expect(data.getCell('E6').value).toBe(1.5)
    expect(data.getCell('E6').numFmt).toBe('0%')
    expect(data.getCell('E7').numFmt).toBe('0.0%')
    expect(data.getCell('F7').value).toEqual({formula: 'F6*2', result: 3000})
    expect(data.getColumn(2).width).toBe(31)
    expect(Object.keys((data as unknown as {_merges: Record<string, unknown>})._merges).sort()).toEqual(['A4', 'B4', 'C4', 'D4', 'F4'])
    expect(data.getCell('D5').value).toBe('物理サーバ数')
    expect(copy.getWorksheet('表紙')!.getCell('A1').value).toBe('令和5年度 情報システム一覧（総務省）')

    const list = copy.getWorksheet('問題清單')!
    expect(list.getCell('A1').value).toBe('kasumi 在 ministry register.xlsx 中發現的問題')
    expect(list.getRow(4).values).toEqual([undefined, '編號', '嚴重程度', '儲存格', '欄位', '值', '問題', '處理方式'])
    const rows = listed(list)
    expect(rows.slice(0, 2)).toEqual([
      {
        severity: '錯誤',
        formula: `HYPERLINK("#'システム 一覧'!E6","'システム 一覧'!E6")`,
        where: "'システム 一覧'!E6",
        column: 'utilisation_pct',
        value: '150%',
        problem: expect.stringContaining('utilisation'),
      },
      {
        severity: '錯誤',
        formula: `HYPERLINK("#'システム 一覧'!C7","'システム 一覧'!C7")`,
        where: "'システム 一覧'!C7",
        column: 'category',
        value: '不明',
        problem: expect.stringContaining('not one of'),
      },
    ])
    // Warnings follow the errors; a warning about the whole workbook is on the list only.
    expect(rows.slice(2).map((row) => [row.severity, row.where])).toEqual([
      ['警告', "'システム 一覧'!A8"],
      ['警告', '（整個檔案）'],
    ])
    expect(rows[3].problem).toBe('1 formula cell was read by the value saved with the workbook (formulas are never calculated)')
  })

  it('a missing column goes on the header row; a valid file gives a copy that says so', async () => {
    const dir = tempDir()
    const file = join(dir, 'costs.csv')
    writeFileSync(file, csv('system_id,fiscal_year,pool', 'MIC-0001,2023,hardware'))
    const out = join(dir, 'costs.xlsx')
    const result = await cli(['inventory', 'validate', file, '--database', join(dir, 'none.db'), '--kind', 'costs', '--annotate', out])
    expect(result.exitCode).toBe(3)
    const copy = await load(out)
    expect(noteOf(copy.getWorksheet('costs')!.getCell('A1'))).toContain('Error: the required column "amount" is missing')
    expect(listed(copy.getWorksheet('Problems')!)[0]).toMatchObject({where: 'costs!A1', problem: 'the required column "amount" is missing'})

    const good = join(dir, 'ministries.csv')
    writeFileSync(good, csv('code,name_zh', 'digital,數位廳'))
    const valid = await ok(['inventory', 'validate', good, '--database', join(dir, 'none.db'), '--annotate', join(dir, 'ministries.xlsx'), '--json'])
    expect(valid.json).toMatchObject({valid: true, annotated: {problems: 0, cells: 0, sheet: 'Problems'}})
    const clean = await load(join(dir, 'ministries.xlsx'))
    expect(clean.getWorksheet('Problems')!.getCell('A2').value).toBe('No problems found.')
  })

  it('refuses an output that exists, is a folder, is the checked file or is not .xlsx, leaving everything as it was', async () => {
    const dir = tempDir()
    const file = join(dir, 'systems.xlsx')
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('一覧').getRow(1).values = ['id', 'ministry', 'name', 'category']
    workbook.getWorksheet('一覧')!.getRow(2).values = ['MIC-0001', 'nosuch', 'LAN', 'lan']
    await workbook.xlsx.writeFile(file)
    const before = sha256(file)
    const existing = join(dir, 'existing.xlsx')
    writeFileSync(existing, 'keep me')
    mkdirSync(join(dir, 'folder.xlsx'))
    const database = join(dir, 'none.db')
    const listing = filesIn(dir)

    const exists = await cli(['inventory', 'validate', file, '--database', database, '--annotate', existing])
    expect(exists.exitCode).toBe(5)
    expect(exists.stderr).toContain(`${existing} already exists`)
    const self = await cli(['inventory', 'validate', file, '--database', database, '--annotate', file, '--force'])
    expect(self.exitCode).toBe(5)
    expect(self.stderr).toContain(`${file} is the file being checked; it was left as it is`)
    const folder = await cli(['inventory', 'validate', file, '--database', database, '--annotate', join(dir, 'folder.xlsx'), '--force'])
    expect(folder.exitCode).toBe(5)
    expect(folder.stderr).toContain('exists and is not a file (a folder, link or device)')
    const csvOut = await cli(['inventory', 'validate', file, '--database', database, '--annotate', join(dir, 'out.csv')])
    expect(csvOut.exitCode).toBe(2)
    const several = await cli(['inventory', 'validate', file, file, '--database', database, '--annotate', join(dir, 'out.xlsx')])
    expect(several.exitCode).toBe(2)
    expect(sha256(file)).toBe(before)
    expect(readFileSync(existing, 'utf8')).toBe('keep me')
    expect(filesIn(dir)).toEqual(listing)

    const replaced = await cli(['inventory', 'validate', file, '--database', database, '--annotate', existing, '--force'])
    expect(replaced.exitCode).toBe(3)
    expect((await load(existing)).worksheets.map((sheet) => sheet.name)).toEqual(['Problems', '一覧'])
    expect(filesIn(dir)).toEqual(listing)
    expect(sha256(file)).toBe(before)
  })
})
