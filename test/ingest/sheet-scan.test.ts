import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import type {SheetRow} from '../../src/ingest/workbook/cells.js'
import {readWorkbookParts, scanSheetRows} from '../../src/ingest/workbook/sheet-scan.js'
import {streamSheets, WHOLE_READ_BYTES} from '../../src/ingest/workbook/stream.js'
import {cli, ok, storeFactory, tempDir} from '../inventory/helpers.js'
import {BACKENDS} from '../support/stores.js'

/**
 * The worksheet XML reader that large workbooks are read with, against
 * workbooks written by exceljs: the same rows as exceljs reads from a small
 * workbook, and the XML that other writers produce (inline strings, cells
 * without a reference, phonetic readings, text split across chunks).
 */
async function save(workbook: ExcelJS.Workbook, name: string): Promise<string> {
  const file = join(tempDir(), name)
  await workbook.xlsx.writeFile(file)
  return file
}

async function scanned(file: string, part = 'xl/worksheets/sheet1.xml'): Promise<SheetRow[]> {
  const rows: SheetRow[] = []
  await scanSheetRows(file, part, await readWorkbookParts(file), (row) => {
    rows.push(row)
  })
  return rows
}

/** The rows as exceljs reads the small workbook whole (the reader kasumi uses below `WHOLE_READ_BYTES`). */
async function readWhole(file: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = []
  await streamSheets(
    file,
    () => true,
    (_sheet, row) => {
      rows.push(row)
    },
  )
  return rows
}

/** Replaces parts of a workbook's package; `store` keeps the given parts uncompressed. */
async function rewrite(file: string, parts: Record<string, string>, name: string, store: string[] = []): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(file))
  for (const [part, text] of Object.entries(parts)) zip.file(part, text, {compression: store.includes(part) ? 'STORE' : 'DEFLATE'})
  const out = join(tempDir(), name)
  writeFileSync(out, await zip.generateAsync({type: 'nodebuffer', compression: 'DEFLATE'}))
  return out
}

describe('worksheet XML reader', () => {
  it('reads the same cells as exceljs: entities, rich text, booleans, errors, formulas, dates, percent and △ formats, rows skipped', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('経費内訳')
    sheet.getCell('A1').value = 'R&D <研究> "開発" \'試行\''
    sheet.getCell('B1').value = {richText: [{text: '太字', font: {bold: true}}, {text: 'と普通 & more'}]}
    sheet.getCell('C1').value = true
    sheet.getCell('D1').value = false
    sheet.getCell('E1').value = {error: '#DIV/0!'}
    sheet.getRow(4).values = ['MIC-0101', 2022, 0.35, -50000, 50000, 1234.5, 0.1 + 0.2, 12345678901234]
    sheet.getCell('C4').numFmt = '0%'
    sheet.getCell('D4').numFmt = '#,##0;"△"#,##0'
    sheet.getCell('E4').numFmt = '"▲"#,##0'
    sheet.getCell('F4').numFmt = '#,##0.00'
    sheet.getRow(7).values = [
      new Date(Date.UTC(2023, 1, 10)),
      {formula: 'B4*2', result: 4044},
      {formula: 'A1&"x"', result: 'R&D <x>'},
      {formula: 'NOW()'} as ExcelJS.CellFormulaValue,
      null,
      '  spaced text  ',
    ]
    sheet.getCell('A7').numFmt = 'yyyy/m/d'
    sheet.getCell('H9').value = '列H'
    const file = await save(workbook, 'cells.xlsx')
    // This workbook is small: streamSheets reads it whole with exceljs.
    expect(readFileSync(file).length).toBeLessThan(WHOLE_READ_BYTES)

    const rows = await scanned(file)
    expect(rows.map((row) => row.row)).toEqual([1, 4, 7, 9])
    expect(rows).toEqual(await readWhole(file))
    const [first, numbers, formulas, last] = rows
    expect(first.cells.map((cell) => cell.text)).toEqual(['R&D <研究> "開発" \'試行\'', '太字と普通 & more', 'TRUE', 'FALSE', ''])
    expect(first.cells[4]).toMatchObject({display: '#DIV/0!', problem: expect.stringContaining('error value')})
    expect(numbers.cells.map((cell) => cell.text)).toEqual(['MIC-0101', '2022', '35', '-50000', '-50000', '1234.5', '0.3', '12345678901234'])
    expect(numbers.cells.map((cell) => cell.display).slice(2, 6)).toEqual(['35%', '△50,000', '▲50,000', '1,234.50'])
    expect(formulas.cells[0]).toMatchObject({text: '2023-02-10', date: new Date(Date.UTC(2023, 1, 10))})
    expect(formulas.cells[1]).toMatchObject({text: '4044', formula: true, number: 4044})
    expect(formulas.cells[2]).toMatchObject({text: 'R&D <x>', formula: true})
    expect(formulas.cells[3]).toMatchObject({formula: true, display: '=NOW()', problem: expect.stringContaining('without a cached value')})
    expect(formulas.cells[4]).toEqual({text: '', display: ''})
    expect(formulas.cells[5].text).toBe('  spaced text  ')
    expect(last.cells).toHaveLength(8)
    expect(last.cells[7].text).toBe('列H')
  })

  it('reads XML as other writers produce it: inline strings, cells and rows without a reference, <c/>, t="b" and t="e", phonetic readings, prefixes', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('Sheet1').getCell('A1').value = 'placeholder'
    const base = await save(workbook, 'base.xlsx')
    const sheetXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- written by hand, as a generator other than Excel might -->
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:sheetData>
  <x:row r="2">
    <x:c r="A2" t="inlineStr"><x:is><x:t>インライン &amp; &#x3042;&#12354;</x:t></x:is></x:c>
    <x:c r="B2" t="inlineStr"><x:is><x:r><x:t xml:space="preserve">前半 </x:t></x:r><x:r><x:t>後半</x:t></x:r><x:rPh sb="0" eb="2"><x:t>ゼンハン</x:t></x:rPh></x:is></x:c>
    <x:c r="D2" s="0"/>
    <x:c><x:v>7</x:v></x:c>
    <x:c t="b"><x:v>1</x:v></x:c>
    <x:c t="e"><x:v>#N/A</x:v></x:c>
    <x:c t="s"><x:v>0</x:v></x:c>
    <x:c t="s"><x:v>1</x:v></x:c>
    <x:c r="K2" t="str"><x:f>A2</x:f><x:v>a &lt; b</x:v></x:c>
    <x:c r="L2" t="b"><x:f>TRUE()</x:f><x:v>1</x:v></x:c>
    <x:c r="M2" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>
    <x:c r="N2"><x:v><![CDATA[42]]></x:v></x:c>
  </x:row>
  <x:row><x:c r="A3"><x:v>3</x:v></x:c></x:row>
  <x:row r="6" spans="1:2"/>
  <x:row r="7"><x:c r="B7" t="s"><x:v>2</x:v></x:c></x:row>
</x:sheetData>
<x:mergeCells count="1"><x:mergeCell ref="A9:B9"/></x:mergeCells>
</x:worksheet>`
    const sharedXml = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>経費</t><rPh sb="0" eb="2"><t>ケイヒ</t></rPh><phoneticPr fontId="1"/></si>
<si><r><rPr><b/></rPr><t>運用</t></r><r><t>等経費</t></r><rPh sb="0" eb="2"><t>ウンヨウ</t></rPh></si>
<si><t/></si>
</sst>`
    const file = await rewrite(base, {'xl/worksheets/sheet1.xml': sheetXml, 'xl/sharedStrings.xml': sharedXml}, 'hand.xlsx')
    const rows = await scanned(file)
    expect(rows.map((row) => [row.row, row.cells.length])).toEqual([
      [2, 14],
      [3, 1],
      [6, 0],
      [7, 0],
    ])
    const cells = rows[0].cells
    expect(cells.map((cell) => cell.text)).toEqual([
      'インライン & ああ',
      '前半 後半',
      '',
      '',
      '7',
      'TRUE',
      '',
      '経費',
      '運用等経費',
      '',
      'a < b',
      'TRUE',
      '',
      '42',
    ])
    expect(cells[3]).toEqual({text: '', display: ''})
    expect(cells[6]).toMatchObject({display: '#N/A', problem: 'an error value (#N/A)'})
    expect(cells[10]).toMatchObject({formula: true, display: 'a < b'})
    expect(cells[11]).toMatchObject({formula: true, text: 'TRUE'})
    expect(cells[12]).toMatchObject({formula: true, display: '#DIV/0!', problem: expect.stringContaining('#DIV/0!')})
  })

  it('reads UTF-8 split across chunk boundaries, compressed or stored, and stops at the end of the cell data', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('一覧')
    // Three-byte characters in cells of varying length: the 64 KiB chunks of the expanded part end inside some of them.
    const text = (index: number) => `情報システム${'経費'.repeat(index % 7)}№${index}`
    for (let index = 1; index <= 6000; index++) sheet.addRow([text(index), index, `備考「${index}」&<>`])
    sheet.mergeCells('A6002:C6002')
    const file = await save(workbook, 'long.xlsx')
    const zip = await JSZip.loadAsync(readFileSync(file))
    const sheetXml = await zip.file('xl/worksheets/sheet1.xml')!.async('string')
    expect(Buffer.byteLength(sheetXml)).toBeGreaterThan(4 * 65_536)
    const stored = await rewrite(file, {'xl/worksheets/sheet1.xml': sheetXml}, 'stored.xlsx', ['xl/worksheets/sheet1.xml'])
    const expected = Array.from({length: 6000}, (_, at) => [text(at + 1), String(at + 1), `備考「${at + 1}」&<>`])
    for (const candidate of [file, stored]) {
      const rows = await scanned(candidate)
      // The merged row has cells without values: it is read as a row with none.
      expect(rows.at(-1)).toEqual({row: 6002, cells: []})
      expect(rows.slice(0, -1).map((row) => row.cells.map((cell) => cell.text))).toEqual(expected)
    }
  })

  it('refuses a damaged sheet as a damaged workbook', async () => {
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('Sheet1').getCell('A1').value = 'x'
    const base = await save(workbook, 'base.xlsx')
    const truncated = await rewrite(
      base,
      {'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r='},
      'cut.xlsx',
    )
    await expect(scanned(truncated)).rejects.toThrow(/ends inside a tag/)
    const entity = await rewrite(
      base,
      {
        'xl/worksheets/sheet1.xml':
          '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&bogus;</t></is></c></row></sheetData></worksheet>',
      },
      'entity.xlsx',
    )
    await expect(scanned(entity)).rejects.toThrow(/unknown entity/)
    const missing = await rewrite(
      base,
      {'xl/worksheets/sheet1.xml': '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>5</v></c></row></sheetData></worksheet>'},
      'missing.xlsx',
    )
    await expect(scanned(missing)).rejects.toThrow(/shared string 5/)
  })
})

describe('a workbook large enough to be read from its XML', () => {
  const freshStore = storeFactory()
  const sqlite = BACKENDS.find((backend) => backend.name === 'sqlite')!

  /** 60 000 cost lines under a title naming the unit: more than `WHOLE_READ_BYTES` of XML. */
  async function costWorkbook(name: string, damage: boolean): Promise<string> {
    const file = join(tempDir(), name)
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({filename: file, useSharedStrings: true, useStyles: true})
    const sheet = writer.addWorksheet('経費内訳')
    sheet.addRow(['情報システム経費（単位：千円）']).commit()
    sheet.addRow(['system_id', 'fiscal_year', 'pool', 'spend_type', 'frequency', 'amount', 'currency', 'note']).commit()
    for (let index = 0; index < 60_000; index++) {
      const id = `MIC-${String((index % 2) + 1).padStart(4, '0')}`
      const row = sheet.addRow([id, 2020 + (index % 5), 'hardware', 'operations', 'recurring', 1000 + index, 'JPY', `行 ${index + 3} の備考 & 注記`])
      if (index === 59_990) row.getCell(6).numFmt = '#,##0;"△"#,##0'
      if (damage && index === 59_000) row.getCell(6).value = {formula: 'F3*2'} as ExcelJS.CellFormulaValue
      if (damage && index === 59_500) sheet.mergeCells(`C${index + 3}:D${index + 3}`)
      row.commit()
    }
    sheet.addRow(['合計', null, null, null, null, {formula: 'SUM(F3:F60002)', result: 1}]).commit()
    sheet.commit()
    await writer.commit()
    return file
  }

  it('imports its rows, and names the cells of a formula without a value and of merged cells in the data', async () => {
    const url = await freshStore(sqlite)
    const systems = join(tempDir(), 'systems.csv')
    writeFileSync(systems, 'id,ministry,name,category\nMIC-0001,mic,統計LAN,lan\nMIC-0002,mic,電子申請,e-application\n')
    await ok(['inventory', 'import', systems, '--database', url])
    const clean = await costWorkbook('clean.xlsx', false)
    const zip = await JSZip.loadAsync(readFileSync(clean))
    const xmlBytes = (await zip.file('xl/worksheets/sheet1.xml')!.async('uint8array')).length
    expect(xmlBytes).toBeGreaterThan(WHOLE_READ_BYTES)
    const imported = await ok(['inventory', 'import', clean, '--database', url, '--kind', 'costs', '--json'])
    expect(imported.json).toMatchObject({kind: 'costs', records: 60_000, workbook: {sheet: '経費内訳', unit: {name: 'thousand'}}})

    const damaged = await costWorkbook('damaged.xlsx', true)
    const refused = await cli(['inventory', 'validate', damaged, '--database', url, '--kind', 'costs'])
    expect(refused.exitCode).toBe(3)
    expect(refused.stderr).toContain('経費内訳!F59003')
    expect(refused.stderr).toContain('without a cached value')
    expect(refused.stderr).toContain('経費内訳!C59503:D59503')
  }, 120_000)
})
