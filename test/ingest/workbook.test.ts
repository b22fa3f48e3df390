import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import {backends, cli, contents, ok, storeFactory, tempDir} from '../inventory/helpers.js'
import {kasumiProcess} from '../support/cli.js'

const freshStore = storeFactory()

/**
 * Workbooks as ministries send them, built here with exceljs: title rows and a
 * date above the table, a two-row header with merged group cells, percent
 * cells, △ number formats, formulas with cached values, dates in year columns,
 * the money unit in a title row, totals and note rows, no ministry column.
 */
async function save(workbook: ExcelJS.Workbook, name: string): Promise<string> {
  const file = join(tempDir(), name)
  await workbook.xlsx.writeFile(file)
  return file
}

function systemsSheet(workbook: ExcelJS.Workbook, name = 'システム一覧'): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name)
  sheet.getCell('A1').value = '令和5年度 情報システム一覧'
  sheet.getCell('A2').value = '令和5年4月1日現在'
  // Row 3 is blank. Rows 4–5: a two-row header; サーバ is a group cell over two columns.
  sheet.getRow(4).values = ['システムID', 'システム名', '区分', 'サーバ', null, '利用者数']
  sheet.getRow(5).values = [null, null, null, '物理サーバ数', '利用率', null]
  sheet.mergeCells('A4:A5')
  sheet.mergeCells('B4:B5')
  sheet.mergeCells('C4:C5')
  sheet.mergeCells('D4:E4')
  sheet.mergeCells('F4:F5')
  sheet.getRow(6).values = ['MIC-0101', '統計LAN', '府省LAN', 12, 0.35, 1500]
  sheet.getRow(7).values = ['MIC-0102', '電子申請受付', '電子申請', 4, 0.125, {formula: 'F6*2', result: 3000}]
  sheet.getCell('E6').numFmt = '0%'
  sheet.getCell('E7').numFmt = '0.0%'
  sheet.getCell('F6').numFmt = '#,##0'
  sheet.getRow(8).values = ['合計', null, null, {formula: 'SUM(D6:D7)', result: 16}, null, {formula: 'SUM(F6:F7)', result: 4500}]
  sheet.getRow(10).values = ['※ 利用率は令和4年度の平均']
  return sheet
}

function costsSheet(workbook: ExcelJS.Workbook, name = '経費内訳'): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name)
  sheet.getCell('A1').value = '情報システム経費'
  sheet.getCell('F2').value = '（単位：千円）'
  sheet.getRow(4).values = ['システムID', '年度', '費目', '経費区分', '金額', '備考']
  sheet.getRow(5).values = ['MIC-0101', '令和3年度', 'ハードウェア', '運用等経費', 1234.5, null]
  sheet.getRow(6).values = ['MIC-0101', 2022, 'ソフトウェア', '運用等経費', -500, '削減']
  sheet.getCell('E6').numFmt = '#,##0;"△"#,##0'
  sheet.getRow(7).values = ['MIC-0102', new Date(Date.UTC(2023, 1, 10)), '通信', '整備等経費', {formula: 'E5*2', result: 2469}, null]
  sheet.getRow(8).values = ['MIC-0102', '令和4年度', 'その他', '運用等経費', '△1,000', '文字の△']
  sheet.getRow(9).values = ['合計', null, null, null, {formula: 'SUM(E5:E8)', result: 2203.5}]
  sheet.getRow(10).values = ['(注) 金額は税込み']
  return sheet
}

const CORRUPTIONS: Array<{what: string; make(good: string): string; message: RegExp}> = [
  {
    what: 'a text file named .xlsx',
    make: () => writeIn('not.xlsx', 'システムID,府省\nMIC-1,総務省\n'),
    message: /not a workbook: an XLSX or ODS file is a ZIP archive and an XLS file an OLE document/,
  },
  {
    what: 'a password-protected workbook (an encrypted OLE file)',
    make: () => {
      const bytes = Buffer.alloc(4096)
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes)
      Buffer.from('EncryptionInfo', 'utf16le').copy(bytes, 1024)
      return writeIn('locked.xlsx', bytes)
    },
    message: /password-protected/,
  },
  {
    what: 'a truncated workbook',
    make: (good) => writeIn('cut.xlsx', readFileSync(good).subarray(0, 2000)),
    message: /damaged: its ZIP directory cannot be read/,
  },
  {
    what: 'a ZIP archive that is not a workbook',
    make: (good) => writeIn('other.xlsx', replaceAll(readFileSync(good), 'xl/workbook.xml', 'xl/workbooq.xml')),
    message: /a ZIP archive that is not an Excel workbook/,
  },
  {
    what: 'a part that would expand more than 200 times',
    make: (good) => writeIn('ratio.xlsx', declareSize(readFileSync(good), 'xl/worksheets/sheet1.xml', 100_000_000)),
    message: /expanded \d+ times\): refused before expanding it/,
  },
  {
    what: 'a zip bomb (a part declaring 3 GB uncompressed)',
    make: (good) => writeIn('bomb.xlsx', declareSize(readFileSync(good), 'xl/worksheets/sheet1.xml', 3_000_000_000)),
    message: /refused before expanding it, as a possible zip bomb/,
  },
]

function writeIn(name: string, data: string | Buffer): string {
  const file = join(tempDir(), name)
  writeFileSync(file, data)
  return file
}

function replaceAll(bytes: Buffer, from: string, to: string): Buffer {
  const copy = Buffer.from(bytes)
  const needle = Buffer.from(from)
  for (let at = copy.indexOf(needle); at >= 0; at = copy.indexOf(needle, at + 1)) Buffer.from(to).copy(copy, at)
  return copy
}

/** Rewrites the uncompressed size the central directory declares for one part. */
function declareSize(bytes: Buffer, part: string, size: number): Buffer {
  const copy = Buffer.from(bytes)
  for (let at = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
    const nameLength = copy.readUInt16LE(at + 28)
    if (copy.toString('utf8', at + 46, at + 46 + nameLength) === part) copy.writeUInt32LE(size, at + 24)
  }
  return copy
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`workbooks (${backend.name})`, () => {
    it('imports systems from a sheet with title rows, a merged two-row header, percent cells, totals and notes, and no ministry column', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      systemsSheet(workbook)
      const file = await save(workbook, 'systems.xlsx')
      const result = await ok(['inventory', 'import', file, '--database', url, '--ministry', '総務省', '--json'])
      expect(result.json).toMatchObject({kind: 'systems', records: 2, inserted: 2, workbook: {sheet: 'システム一覧', headerRows: [4, 5]}})
      const messages = result.json.warnings.map((warning: {cell?: string; message: string}) => `${warning.cell ?? ''} ${warning.message}`)
      expect(messages).toContain('システム一覧!8:8 a totals row (合計) is not data; skipped')
      expect(messages).toContain('システム一覧!10:10 a note row is not data; skipped')
      const stored = (await contents(url)).systems as Array<Record<string, unknown>>
      expect(stored.find((system) => system.id === 'MIC-0101')).toMatchObject({
        ministry: 'mic',
        name: '統計LAN',
        category: 'lan',
        physicalServers: 12,
        utilisation: '35',
        users: 1500,
      })
      expect(stored.find((system) => system.id === 'MIC-0102')).toMatchObject({
        ministry: 'mic',
        category: 'e-application',
        physicalServers: 4,
        utilisation: '12.5',
        users: 3000,
      })
    })

    it('imports cost lines with the unit of a title row, △ formats, cached formulas and dates as fiscal years', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      systemsSheet(workbook)
      await ok(['inventory', 'import', await save(workbook, 'systems.xlsx'), '--database', url, '--ministry', 'mic'])
      const books = new ExcelJS.Workbook()
      costsSheet(books)
      const file = await save(books, 'costs.xlsx')
      const result = await ok(['inventory', 'import', file, '--database', url, '--json'])
      expect(result.json).toMatchObject({
        kind: 'costs',
        records: 4,
        inserted: 4,
        workbook: {sheet: '経費内訳', headerRows: [4], unit: {name: 'thousand', factor: 1000, source: 'title 経費内訳!F2'}},
      })
      const human = await ok(['inventory', 'import', file, '--database', url, '--dry-run'])
      expect(human.stderr).toContain('sheet 経費内訳, header row 4, amounts in thousand yen (title 経費内訳!F2)')
      const costs = (await contents(url)).costs as Array<Record<string, unknown>>
      const mine = costs
        .filter((line) => String(line.systemId).startsWith('MIC-01'))
        .map((line) => [line.systemId, line.fiscalYear, line.pool, line.spendType, line.amount])
      expect(mine).toEqual(
        expect.arrayContaining([
          ['MIC-0101', 2021, 'hardware', 'operations', '1234500'],
          ['MIC-0101', 2022, 'software', 'operations', '-500000'],
          // 10 February 2023 is in Japan's fiscal year 2022 (April to March).
          ['MIC-0102', 2022, 'telecom', 'development', '2469000'],
          ['MIC-0102', 2022, 'other', 'operations', '-1000000'],
        ]),
      )
      expect(mine).toHaveLength(4)
      // With October as the start of the fiscal year (the US), the same date is in fiscal year 2023.
      const us = await ok(['inventory', 'validate', file, '--database', url, '--fiscal-year-start', 'october', '--json'])
      expect(us.json).toMatchObject({valid: true, records: 4})
    })

    it('names the cell, its value as shown and the reason; nothing is written', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      const sheet = systemsSheet(workbook)
      sheet.getCell('E6').value = 1.5
      sheet.getCell('C7').value = '不明'
      const file = await save(workbook, 'systems.xlsx')
      const before = await contents(url)
      const result = await cli(['inventory', 'import', file, '--database', url, '--ministry', 'mic'])
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toContain('システム一覧!E6 (utilisation_pct): utilisation must be between 0 and 100 (value "150%")')
      expect(result.stderr).toContain('システム一覧!C7 (category): not one of the accepted values (value "不明")')
      expect(await contents(url)).toEqual(before)
    })

    it('refuses a formula without a cached value, and a unit that the title and the header name differently', async () => {
      const url = await freshStore(backend)
      const systems = new ExcelJS.Workbook()
      systemsSheet(systems)
      await ok(['inventory', 'import', await save(systems, 'systems.xlsx'), '--database', url, '--ministry', 'mic'])
      const before = await contents(url)

      const uncached = new ExcelJS.Workbook()
      costsSheet(uncached).getCell('E5').value = {formula: 'B5*1000'} as ExcelJS.CellFormulaValue
      const first = await cli(['inventory', 'import', await save(uncached, 'uncached.xlsx'), '--database', url])
      expect(first.exitCode).toBe(3)
      expect(first.stderr).toContain('経費内訳!E5 (金額): a formula without a cached value')
      expect(first.stderr).toContain('kasumi never calculates formulas')

      const disagree = new ExcelJS.Workbook()
      costsSheet(disagree).getCell('E4').value = '金額（百万円）'
      const second = await cli(['inventory', 'import', await save(disagree, 'units.xlsx'), '--database', url, '--json'])
      expect(second.exitCode).toBe(3)
      expect(second.json.error.issues[0]).toMatchObject({
        cell: '経費内訳!F2',
        message: 'the title names the unit thousand but the header 経費内訳!E4 (金額（百万円）) names million',
      })

      const flag = await cli(['inventory', 'import', await save(disagree, 'units.xlsx'), '--database', url, '--unit', 'thousand'])
      expect(flag.exitCode).toBe(3)
      expect(await contents(url)).toEqual(before)
    })

    it('picks the sheet whose header matches; several candidates or an unknown --sheet are errors that list the sheets', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      workbook.addWorksheet('表紙').getCell('B2').value = '令和5年度 情報システム調査票'
      systemsSheet(workbook)
      const file = await save(workbook, 'two.xlsx')
      const picked = await ok(['inventory', 'validate', file, '--database', url, '--ministry', 'mic', '--json'])
      expect(picked.json).toMatchObject({valid: true, kind: 'systems', workbook: {sheet: 'システム一覧'}})

      systemsSheet(workbook, '別紙')
      const both = await save(workbook, 'three.xlsx')
      const ambiguous = await cli(['inventory', 'validate', both, '--database', url, '--ministry', 'mic'])
      expect(ambiguous.exitCode).toBe(3)
      expect(ambiguous.stderr).toContain('2 sheets hold tables kasumi can read')
      expect(ambiguous.stderr).toContain('表紙: no header found')
      expect(ambiguous.stderr).toContain('システム一覧: systems, header at rows 4–5 (id, name, category, physical_servers, utilisation_pct, users)')
      expect(ambiguous.stderr).toContain('pass --sheet NAME')
      const chosen = await ok(['inventory', 'validate', both, '--database', url, '--ministry', 'mic', '--sheet', '3', '--json'])
      expect(chosen.json.workbook.sheet).toBe('別紙')
      const missing = await cli(['inventory', 'validate', both, '--database', url, '--sheet', '経費'])
      expect(missing.exitCode).toBe(3)
      expect(missing.stderr).toContain('its sheets: 1. 表紙, 2. システム一覧, 3. 別紙')
    })

    it('reads a package that stores xl/workbook.xml after its sheets (any order is a valid zip), naming each sheet from the package', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      workbook.addWorksheet('表紙').getCell('B2').value = '令和5年度 情報システム調査票'
      systemsSheet(workbook)
      const written = await JSZip.loadAsync(readFileSync(await save(workbook, 'ordered.xlsx')))
      const names = Object.keys(written.files).filter((name) => !written.files[name].dir)
      const late = new JSZip()
      // The relationships and shared strings first, so that a streaming reader meets the sheets before the workbook part.
      const early = ['xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml']
      expect(names).toEqual(expect.arrayContaining(early))
      const order = [...early, ...names.filter((name) => !early.includes(name) && name !== 'xl/workbook.xml'), 'xl/workbook.xml']
      for (const name of order) late.file(name, await written.files[name].async('uint8array'))
      const file = join(tempDir(), 'late.xlsx')
      writeFileSync(file, await late.generateAsync({type: 'nodebuffer', compression: 'DEFLATE'}))
      const reordered = Object.keys((await JSZip.loadAsync(readFileSync(file))).files)
      expect(reordered.indexOf('xl/workbook.xml')).toBeGreaterThan(reordered.indexOf('xl/worksheets/sheet2.xml'))

      const picked = await ok(['inventory', 'validate', file, '--database', url, '--ministry', 'mic', '--json'])
      expect(picked.json).toMatchObject({valid: true, kind: 'systems', workbook: {sheet: 'システム一覧'}})
      const named = await ok(['inventory', 'validate', file, '--database', url, '--ministry', 'mic', '--sheet', 'システム一覧', '--json'])
      expect(named.json).toMatchObject({valid: true, workbook: {sheet: 'システム一覧'}})
    })

    it('reads wide layouts: fiscal years across the columns, and spend types across as the IT dashboard publishes them; 合計 is checked, not imported', async () => {
      const url = await freshStore(backend)
      const systems = new ExcelJS.Workbook()
      systemsSheet(systems)
      await ok(['inventory', 'import', await save(systems, 'systems.xlsx'), '--database', url, '--ministry', 'mic'])

      const years = new ExcelJS.Workbook()
      const byYear = years.addWorksheet('年度別')
      byYear.getCell('A1').value = '単位：千円'
      byYear.getRow(2).values = ['システムID', '費目', '令和2年度', '令和3年度', '令和4年度', '合計']
      byYear.getRow(3).values = ['MIC-0101', 'ハードウェア', 100, 200, null, {formula: 'SUM(C3:E3)', result: 300}]
      byYear.getRow(4).values = ['MIC-0102', 'ソフトウェア', 10, '△5', 1.5, 6.5]
      const yearFile = await save(years, 'years.xlsx')
      const read = await ok(['inventory', 'import', yearFile, '--database', url, '--json'])
      expect(read.json).toMatchObject({kind: 'costs', records: 5, inserted: 5, workbook: {unit: {name: 'thousand', source: 'title 年度別!A1'}}})

      const dashboard = new ExcelJS.Workbook()
      const budget = dashboard.addWorksheet('予算')
      budget.getRow(1).values = ['情報システムID', '組織名', '年（西暦）', '運用等経費（千円）', '整備等経費（千円）', '合計（千円）']
      budget.getRow(2).values = ['MIC-0101', '総務省', 2024, 1200, 300, 1500]
      budget.getRow(3).values = ['MIC-0102', '総務省', 2024, 800, null, 800]
      const dashboardFile = await save(dashboard, 'dashboard.xlsx')
      const spend = await ok(['inventory', 'import', dashboardFile, '--database', url, '--allow-unknown-columns', '--json'])
      expect(spend.json).toMatchObject({kind: 'costs', records: 3, inserted: 3, workbook: {unit: {name: 'thousand', source: 'header 予算!D1'}}})

      const costs = ((await contents(url)).costs as Array<Record<string, unknown>>).map((line) => [
        line.systemId,
        line.fiscalYear,
        line.pool,
        line.spendType,
        line.amount,
      ])
      expect(costs).toEqual(
        expect.arrayContaining([
          ['MIC-0101', 2020, 'hardware', 'operations', '100000'],
          ['MIC-0101', 2021, 'hardware', 'operations', '200000'],
          ['MIC-0102', 2020, 'software', 'operations', '10000'],
          ['MIC-0102', 2021, 'software', 'operations', '-5000'],
          ['MIC-0102', 2022, 'software', 'operations', '1500'],
          ['MIC-0101', 2024, 'other', 'operations', '1200000'],
          ['MIC-0101', 2024, 'other', 'development', '300000'],
          ['MIC-0102', 2024, 'other', 'operations', '800000'],
        ]),
      )
      expect(costs).toHaveLength(8)

      const before = await contents(url)
      budget.getCell('F3').value = 900
      const wrong = await cli(['inventory', 'import', await save(dashboard, 'wrong.xlsx'), '--database', url, '--allow-unknown-columns'])
      expect(wrong.exitCode).toBe(3)
      expect(wrong.stderr).toContain('予算!F3 (合計（千円）): the total differs from the sum of its parts (800) (value "900")')
      expect(await contents(url)).toEqual(before)
    })

    it('imports ministries from a workbook: デジタル庁, created after the 2009 table, with its code', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('府省一覧')
      sheet.getCell('A1').value = '府省コード表'
      sheet.getRow(3).values = ['コード', '名稱', '日本語名', '英語名']
      sheet.getRow(4).values = ['digital', '數位廳', 'デジタル庁', 'Digital Agency']
      const result = await ok(['inventory', 'import', await save(workbook, 'ministries.xlsx'), '--database', url, '--json'])
      expect(result.json).toMatchObject({kind: 'ministries', inserted: 1, workbook: {sheet: '府省一覧', headerRows: [3]}})
      const systems = new ExcelJS.Workbook()
      systemsSheet(systems)
      const read = await ok(['inventory', 'import', await save(systems, 'systems.xlsx'), '--database', url, '--ministry', 'デジタル庁', '--json'])
      expect(read.json).toMatchObject({kind: 'systems', inserted: 2})
      const stored = (await contents(url)).systems as Array<Record<string, unknown>>
      expect(
        stored
          .filter((system) => system.ministry === 'digital')
          .map((system) => system.id)
          .sort(),
      ).toEqual(['MIC-0101', 'MIC-0102'])
    })

    it('reads .xlsm workbooks alike, and says which rows it tried when no header is found', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      systemsSheet(workbook)
      const xlsm = join(tempDir(), 'systems.xlsm')
      writeFileSync(xlsm, readFileSync(await save(workbook, 'systems.xlsx')))
      const read = await ok(['inventory', 'import', xlsm, '--database', url, '--ministry', 'mic', '--json'])
      expect(read.json).toMatchObject({kind: 'systems', inserted: 2})

      const before = await contents(url)
      const odd = new ExcelJS.Workbook()
      const sheet = odd.addWorksheet('一覧')
      sheet.getCell('A1').value = '一覧表'
      sheet.getRow(3).values = ['番号', 'システム名', '担当課']
      sheet.getRow(4).values = ['1', '統計LAN', '情報政策課']
      const none = await cli(['inventory', 'import', await save(odd, 'odd.xlsx'), '--database', url])
      expect(none.exitCode).toBe(3)
      expect(none.stderr).toContain(
        'rows 1–4 of 一覧 were tried; none names two or more columns kasumi knows. The best candidate is row 3: it names name; kasumi does not know "番号", "担当課".',
      )
      expect(await contents(url)).toEqual(before)
    })

    it('refuses bad containers with a clear message, before expanding anything, and writes nothing', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      systemsSheet(workbook)
      const good = await save(workbook, 'good.xlsx')
      const before = await contents(url)
      for (const corruption of CORRUPTIONS) {
        const result = await cli(['inventory', 'import', corruption.make(good), '--database', url, '--ministry', 'mic'])
        expect(result.exitCode, corruption.what).toBe(3)
        expect(result.stderr, corruption.what).toMatch(corruption.message)
        expect(result.stderr, corruption.what).not.toMatch(/Unexpected error|fault in kasumi/)
      }
      expect(await contents(url)).toEqual(before)
    })
  })
}

describe('loading', () => {
  it('loads exceljs only to read a workbook, never for kasumi --version or a CSV file', async () => {
    const hook = writeIn(
      'hook.cjs',
      "process.on('exit', () => process.stderr.write(`exceljs modules: ${Object.keys(require.cache).filter((name) => name.includes('/exceljs/')).length}\\n`))\n",
    )
    const env = {NODE_OPTIONS: `--require ${hook}`}
    expect(kasumiProcess(['--version'], {env}).stderr).toContain('exceljs modules: 0')
    const workbook = new ExcelJS.Workbook()
    systemsSheet(workbook)
    const file = await save(workbook, 'systems.xlsx')
    const database = join(tempDir(), 'none.db')
    const read = kasumiProcess(['inventory', 'validate', file, '--database', database, '--ministry', 'mic'], {env})
    expect(read.stderr).toMatch(/is valid: 2 systems[\s\S]*exceljs modules: [1-9]/)
    const csv = writeIn('systems.csv', 'id,ministry,name,category\nMIC-1,mic,LAN,lan\n')
    expect(kasumiProcess(['inventory', 'validate', csv, '--database', database], {env}).stderr).toContain('exceljs modules: 0')
  })
})

describe('--ministry', () => {
  it('gives CSV files without a ministry column their ministry too', async () => {
    const file = writeIn('systems.csv', 'id,name,category\nMIC-1,LAN,lan\n')
    const database = join(tempDir(), 'none.db')
    const without = await cli(['inventory', 'validate', file, '--database', database])
    expect(without.exitCode).toBe(3)
    expect(without.stderr).toContain('the required column "ministry" is missing')
    const given = await ok(['inventory', 'validate', file, '--database', database, '--ministry', '総務省', '--json'])
    expect(given.json).toMatchObject({valid: true, kind: 'systems', records: 1})
  })
})
