import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {deflateRawSync} from 'node:zlib'

import * as XLSX from '@e965/xlsx'
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'

import {backends, cli, contents, ok, storeFactory, tempDir} from '../inventory/helpers.js'
import {kasumiProcess} from '../support/cli.js'

const freshStore = storeFactory()

/**
 * Legacy workbooks (.xls, .ods) as government offices still circulate them,
 * written here with SheetJS: a title row, the money unit in a title row, a
 * △ number format, a percent cell, a date in the year column, a cached
 * formula value, a totals row and a note row. They go through the same layout
 * finder and row reader as XLSX workbooks.
 */
function write(book: XLSX.WorkBook, name: string, bookType: 'xls' | 'ods'): string {
  const file = join(tempDir(), name)
  writeFileSync(file, XLSX.write(book, {bookType, type: 'buffer'}) as Buffer)
  return file
}

function book(sheets: Record<string, XLSX.WorkSheet>): XLSX.WorkBook {
  const workbook = XLSX.utils.book_new()
  for (const [name, sheet] of Object.entries(sheets)) XLSX.utils.book_append_sheet(workbook, sheet, name)
  return workbook
}

function systemsSheet(): XLSX.WorkSheet {
  const sheet = XLSX.utils.aoa_to_sheet([
    ['令和5年度 情報システム一覧'],
    ['令和5年4月1日現在'],
    [],
    ['システムID', 'システム名', '区分', '物理サーバ数', '利用率', '利用者数'],
    ['MIC-0101', '統計LAN', '府省LAN', 12, 0.35, 1500],
    ['MIC-0102', '電子申請受付', '電子申請', 4, 0.125, 3000],
    ['合計', null, null, 16, null, 4500],
    [],
    ['※ 利用率は令和4年度の平均'],
  ])
  sheet.E5.z = '0%'
  sheet.E6.z = '0.0%'
  return sheet
}

function costsSheet(): XLSX.WorkSheet {
  const sheet = XLSX.utils.aoa_to_sheet(
    [
      ['情報システム経費'],
      [null, null, null, null, null, '（単位：千円）'],
      [],
      ['システムID', '年度', '費目', '経費区分', '金額', '備考'],
      ['MIC-0101', '令和3年度', 'ハードウェア', '運用等経費', 1234.5, null],
      ['MIC-0101', 2022, 'ソフトウェア', '運用等経費', -500, '削減'],
      ['MIC-0102', new Date(Date.UTC(2023, 1, 10)), '通信', '整備等経費', 2469, null],
      ['MIC-0102', '令和4年度', 'その他', '運用等経費', '△1,000', '文字の△'],
      ['合計', null, null, null, 2203.5],
      ['(注) 金額は税込み'],
    ],
    {cellDates: true},
  )
  sheet.E6.z = '#,##0;"△"#,##0'
  sheet.E7.f = 'E5*2'
  return sheet
}

function writeIn(name: string, data: string | Buffer): string {
  const file = join(tempDir(), name)
  writeFileSync(file, data)
  return file
}

/** An .xls whose OLE container also holds a VBA project, as Excel saves a workbook with macros. */
function withMacros(file: string): string {
  const container = XLSX.CFB.read(readFileSync(file), {type: 'buffer'})
  XLSX.CFB.utils.cfb_add(container, '/_VBA_PROJECT_CUR/VBA/dir', Buffer.from('Attribute VB_Name = "Module1"'))
  return writeIn('macros.xls', XLSX.CFB.write(container, {type: 'buffer'}) as Buffer)
}

/** An .xls whose workbook stream carries a FILEPASS record after its BOF, as Excel writes a password-protected file. */
function withPassword(file: string): string {
  const container = XLSX.CFB.read(readFileSync(file), {type: 'buffer'})
  const entry = XLSX.CFB.find(container, 'Workbook') as {content: Buffer; size: number}
  const data = Buffer.from(entry.content)
  const bof = 4 + data.readUInt16LE(2)
  // FILEPASS (0x002F): XOR obfuscation with a key and a verifier.
  const filepass = Buffer.from([0x2f, 0x00, 0x06, 0x00, 0x00, 0x00, 0x34, 0x12, 0x78, 0x56])
  entry.content = Buffer.concat([data.subarray(0, bof), filepass, data.subarray(bof)])
  entry.size = entry.content.length
  return writeIn('locked.xls', XLSX.CFB.write(container, {type: 'buffer'}) as Buffer)
}

/** An .ods whose manifest says its parts are encrypted, as LibreOffice saves a file with a password. */
async function odsWithPassword(file: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(file))
  const manifest = await zip.file('META-INF/manifest.xml')!.async('string')
  const locked = manifest.replace(
    /(<manifest:file-entry manifest:full-path="content.xml"[^>]*?)\/>/,
    '$1><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/><manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" manifest:salt="x"/></manifest:encryption-data></manifest:file-entry>',
  )
  expect(locked).not.toBe(manifest)
  zip.file('META-INF/manifest.xml', locked)
  return writeIn('locked.ods', await zip.generateAsync({type: 'nodebuffer', compression: 'DEFLATE'}))
}

/**
 * A ZIP archive written by hand, one stored or deflated part at a time, so that
 * the central directory can declare sizes other than the true ones.
 */
function zipWith(parts: Array<{name: string; data: Buffer; declare?: number}>): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const name = Buffer.from(part.name)
    const compressed = deflateRawSync(part.data)
    const size = part.declare ?? part.data.length
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(8, 8)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    const entry = Buffer.alloc(46)
    entry.writeUInt32LE(0x02014b50, 0)
    entry.writeUInt16LE(20, 4)
    entry.writeUInt16LE(20, 6)
    entry.writeUInt16LE(8, 10)
    entry.writeUInt32LE(compressed.length, 20)
    entry.writeUInt32LE(size, 24)
    entry.writeUInt16LE(name.length, 28)
    entry.writeUInt32LE(offset, 42)
    locals.push(local, name, compressed)
    central.push(entry, name)
    offset += 30 + name.length + compressed.length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`legacy workbooks (${backend.name})`, () => {
    it('imports systems and cost lines from .xls and .ods through the same layout finder as XLSX: title rows, units, percent, △, dates, cached formulas, totals and notes', async () => {
      for (const type of ['xls', 'ods'] as const) {
        const url = await freshStore(backend)
        const systems = await ok([
          'inventory',
          'import',
          write(book({システム一覧: systemsSheet()}), `systems.${type}`, type),
          '--database',
          url,
          '--ministry',
          '総務省',
          '--json',
        ])
        expect(systems.json, type).toMatchObject({kind: 'systems', inserted: 2, encoding: type, workbook: {sheet: 'システム一覧', headerRows: [4]}})
        const stored = ((await contents(url)).systems as Array<Record<string, unknown>>).map((system) => [
          system.id,
          system.ministry,
          system.physicalServers,
          system.utilisation,
          system.users,
        ])
        expect(stored, type).toEqual(
          expect.arrayContaining([
            ['MIC-0101', 'mic', 12, '35', 1500],
            ['MIC-0102', 'mic', 4, '12.5', 3000],
          ]),
        )
        expect(systems.json.warnings.map((warning: {message: string}) => warning.message)).toEqual(
          expect.arrayContaining(['a totals row (合計) is not data; skipped', 'a note row is not data; skipped']),
        )

        const costs = await ok(['inventory', 'import', write(book({経費内訳: costsSheet()}), `costs.${type}`, type), '--database', url, '--json'])
        expect(costs.json, type).toMatchObject({
          kind: 'costs',
          inserted: 4,
          workbook: {sheet: '経費内訳', headerRows: [4], unit: {name: 'thousand', source: 'title 経費内訳!F2'}},
        })
        const lines = ((await contents(url)).costs as Array<Record<string, unknown>>).map((line) => [
          line.systemId,
          line.fiscalYear,
          line.pool,
          line.spendType,
          line.amount,
        ])
        expect(lines, type).toEqual(
          expect.arrayContaining([
            ['MIC-0101', 2021, 'hardware', 'operations', '1234500'],
            ['MIC-0101', 2022, 'software', 'operations', '-500000'],
            // 2023-02-10 falls in fiscal year 2022 (April start).
            ['MIC-0102', 2022, 'telecom', 'development', '2469000'],
            ['MIC-0102', 2022, 'other', 'operations', '-1000000'],
          ]),
        )
        expect(lines).toHaveLength(4)
      }
    })

    it('reads the △ format of an .xls cell as the sheet shows it, and names legacy cells as a spreadsheet user does', async () => {
      const url = await freshStore(backend)
      const sheet = systemsSheet()
      sheet.E5 = {t: 'n', v: 1.5, z: '0%'}
      const file = write(book({システム一覧: sheet}), 'bad.xls', 'xls')
      const before = await contents(url)
      const result = await cli(['inventory', 'import', file, '--database', url, '--ministry', 'mic'])
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toContain('システム一覧!E5 (utilisation_pct): utilisation must be between 0 and 100 (value "150%")')
      expect(await contents(url)).toEqual(before)
      const missing = await cli(['inventory', 'import', file, '--database', url, '--sheet', '経費'])
      expect(missing.exitCode).toBe(3)
      expect(missing.stderr).toContain('no sheet "経費"')
      expect(missing.stderr).toContain('its sheets: 1. システム一覧')
      expect(await contents(url)).toEqual(before)
    })

    it('refuses an .xls with macros, password-protected .xls and .ods files and damaged ones: a clear message, exit 3, nothing written', async () => {
      const url = await freshStore(backend)
      const good = write(book({システム一覧: systemsSheet()}), 'good.xls', 'xls')
      const goodOds = write(book({システム一覧: systemsSheet()}), 'good.ods', 'ods')
      const before = await contents(url)
      const cases: Array<{what: string; file: string; message: RegExp}> = [
        {what: 'macros', file: withMacros(good), message: /the \.xls workbook carries macros \(a VBA project\)[\s\S]*save it as \.xlsx/},
        {what: 'xls password', file: withPassword(good), message: /locked\.xls: the workbook is password-protected \(encrypted\)/},
        {what: 'ods password', file: await odsWithPassword(goodOds), message: /locked\.ods: the workbook is password-protected \(encrypted\)/},
        {what: 'truncated xls', file: writeIn('cut.xls', readFileSync(good).subarray(0, 3000)), message: /the workbook is damaged/},
        {
          what: 'an OLE file that is no workbook',
          file: (() => {
            const container = XLSX.CFB.utils.cfb_new()
            XLSX.CFB.utils.cfb_add(container, '/WordDocument', Buffer.from('text'))
            return writeIn('letter.xls', XLSX.CFB.write(container, {type: 'buffer'}) as Buffer)
          })(),
          message: /an OLE document that is not an Excel workbook/,
        },
      ]
      for (const bad of cases) {
        const result = await cli(['inventory', 'import', bad.file, '--database', url, '--ministry', 'mic'])
        expect(result.exitCode, bad.what).toBe(3)
        expect(result.stderr, bad.what).toMatch(bad.message)
        expect(result.stderr, bad.what).toContain('nothing was written')
        expect(result.stderr, bad.what).not.toMatch(/Unexpected error|fault in kasumi/)
      }
      expect(await contents(url)).toEqual(before)
    })

    it("reads years over spend types (令和2年度 over 運用等経費 | 整備等経費 | 合計) as cost lines, each year's 合計 checked against its parts", async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', write(book({システム一覧: systemsSheet()}), 'systems.xls', 'xls'), '--database', url, '--ministry', 'mic'])
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('予算')
      sheet.getCell('A1').value = '情報システム予算（単位：千円）'
      sheet.getRow(3).values = ['システムID', '費目', '令和2年度', null, null, '令和3年度', null, null]
      sheet.getRow(4).values = [null, null, '運用等経費', '整備等経費', '合計', '運用等経費', '整備等経費', '合計']
      sheet.mergeCells('A3:A4')
      sheet.mergeCells('B3:B4')
      sheet.mergeCells('C3:E3')
      sheet.mergeCells('F3:H3')
      sheet.getRow(5).values = ['MIC-0101', 'ハードウェア', 100, 20, {formula: 'C5+D5', result: 120}, 110, null, 110]
      sheet.getRow(6).values = ['MIC-0102', 'ソフトウェア', 50, 0, 50, '△10', 5, -5]
      sheet.getRow(7).values = ['合計', null, 150, 20, 170, 100, 5, 105]
      const file = join(tempDir(), 'grid.xlsx')
      await workbook.xlsx.writeFile(file)
      const read = await ok(['inventory', 'import', file, '--database', url, '--json'])
      expect(read.json).toMatchObject({kind: 'costs', records: 7, inserted: 7, workbook: {headerRows: [3, 4], unit: {name: 'thousand'}}})
      expect(read.json.warnings.map((warning: {message: string}) => warning.message)).toContainEqual(
        expect.stringContaining(
          'cost lines laid out across the columns (years and spend types: 令和2年度 運用等経費, 令和2年度 整備等経費, 令和3年度 運用等経費',
        ),
      )
      const lines = ((await contents(url)).costs as Array<Record<string, unknown>>).map((line) => [
        line.systemId,
        line.fiscalYear,
        line.pool,
        line.spendType,
        line.amount,
      ])
      expect(lines).toEqual(
        expect.arrayContaining([
          ['MIC-0101', 2020, 'hardware', 'operations', '100000'],
          ['MIC-0101', 2020, 'hardware', 'development', '20000'],
          ['MIC-0101', 2021, 'hardware', 'operations', '110000'],
          ['MIC-0102', 2020, 'software', 'operations', '50000'],
          ['MIC-0102', 2020, 'software', 'development', '0'],
          ['MIC-0102', 2021, 'software', 'operations', '-10000'],
          ['MIC-0102', 2021, 'software', 'development', '5000'],
        ]),
      )
      expect(lines).toHaveLength(7)

      // A year's 合計 that differs from its parts: the cell, its value and the sum; nothing written.
      const before = await contents(url)
      sheet.getCell('H6').value = 5
      const wrong = join(tempDir(), 'wrong.xlsx')
      await workbook.xlsx.writeFile(wrong)
      const result = await cli(['inventory', 'import', wrong, '--database', url, '--on-conflict', 'fail'])
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toMatch(/予算!H6 \([^)]*合計\): the total differs from the sum of its parts \(-5\) \(value "5"\)/)
      expect(await contents(url)).toEqual(before)
    })

    it('reads a workbook on the reading thread (--parallel always) as on the main one; its problems are still exit 3 with their cells', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', write(book({システム一覧: systemsSheet()}), 'systems.xls', 'xls'), '--database', url, '--ministry', 'mic'])
      const file = write(book({経費内訳: costsSheet()}), 'costs.ods', 'ods')
      const threaded = await ok(['inventory', 'import', file, '--database', url, '--parallel', 'always', '--kind', 'costs', '--dry-run', '--json'])
      const inline = await ok(['inventory', 'import', file, '--database', url, '--parallel', 'never', '--dry-run', '--json'])
      expect(threaded.json).toMatchObject({kind: 'costs', records: 4, workbook: {sheet: '経費内訳', unit: {name: 'thousand'}}})
      expect({...threaded.json, sha256: undefined}).toEqual({...inline.json, sha256: undefined})
      const before = await contents(url)
      const sheet = costsSheet()
      sheet.E5 = {t: 's', v: '千二百'}
      const bad = await cli([
        'inventory',
        'import',
        write(book({経費内訳: sheet}), 'bad.ods', 'ods'),
        '--database',
        url,
        '--parallel',
        'always',
        '--json',
      ])
      expect(bad.exitCode).toBe(3)
      expect(bad.json.error.issues[0]).toMatchObject({cell: '経費内訳!E5', value: '千二百'})
      const locked = await cli([
        'inventory',
        'import',
        withPassword(write(book({経費内訳: costsSheet()}), 'c.xls', 'xls')),
        '--database',
        url,
        '--parallel',
        'always',
      ])
      expect(locked.exitCode).toBe(3)
      expect(locked.stderr).toContain('the workbook is password-protected (encrypted)')
      expect(await contents(url)).toEqual(before)
    })

    it('refuses merged cells inside the data (not in the header) in .xlsx, .xls and .ods alike', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', write(book({システム一覧: systemsSheet()}), 'systems.xls', 'xls'), '--database', url, '--ministry', 'mic'])
      const before = await contents(url)

      // XLSX: a title merged across the table is fine; a system id merged over two data rows is not.
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('経費内訳')
      sheet.getCell('A1').value = '情報システム経費（単位：円）'
      sheet.mergeCells('A1:E1')
      sheet.getRow(2).values = ['システムID', '年度', '費目', '経費区分', '金額']
      sheet.getRow(3).values = ['MIC-0101', 2022, 'ハードウェア', '運用等経費', 100]
      sheet.getRow(4).values = [null, 2023, 'ハードウェア', '運用等経費', 120]
      sheet.mergeCells('A3:A4')
      const xlsx = join(tempDir(), 'merged.xlsx')
      await workbook.xlsx.writeFile(xlsx)

      const legacy = XLSX.utils.aoa_to_sheet([
        ['システムID', '年度', '費目', '経費区分', '金額'],
        ['MIC-0101', 2022, 'ハードウェア', '運用等経費', 100],
        ['MIC-0101', 2023, 'ハードウェア', '運用等経費', 120],
      ])
      legacy['!merges'] = [XLSX.utils.decode_range('C2:C3')]
      const xls = write(book({経費内訳: legacy}), 'merged.xls', 'xls')
      const ods = write(book({経費内訳: legacy}), 'merged.ods', 'ods')

      for (const [file, cell, value] of [
        [xlsx, '経費内訳!A3:A4', 'MIC-0101'],
        [xls, '経費内訳!C2:C3', 'ハードウェア'],
        [ods, '経費内訳!C2:C3', 'ハードウェア'],
      ]) {
        const result = await cli(['inventory', 'import', file, '--database', url, '--json'])
        expect(result.exitCode, file).toBe(3)
        expect(result.json.error.issues[0], file).toMatchObject({
          cell,
          value,
          message: expect.stringContaining('merged cells inside the data'),
          hint: expect.stringContaining('unmerge the cells and fill the value into every row'),
        })
        const human = await cli(['inventory', 'validate', file, '--database', url])
        expect(human.exitCode).toBe(3)
        expect(human.stderr).toContain(`${cell}`)
      }
      expect(await contents(url)).toEqual(before)
    })

    it('refuses a zip whose central directory understates a part, while expanding it and before it is read', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      const sheet = workbook.addWorksheet('一覧')
      sheet.getRow(1).values = ['システムID', '府省', 'システム名', '区分']
      sheet.getRow(2).values = ['MIC-0101', 'mic', '統計LAN', '府省LAN']
      const good = join(tempDir(), 'good.xlsx')
      await workbook.xlsx.writeFile(good)
      const parts = await JSZip.loadAsync(readFileSync(good))
      const names = Object.keys(parts.files).filter((name) => !parts.files[name].dir)
      const rebuilt: Array<{name: string; data: Buffer; declare?: number}> = []
      for (const name of names) {
        let data = Buffer.from(await parts.files[name].async('uint8array'))
        let declare: number | undefined
        if (name === 'xl/worksheets/sheet1.xml') {
          // 64 MB of padding inside the sheet that deflates to ~64 KB, declared as 4 KB.
          data = Buffer.from(data.toString('utf8').replace('<sheetData>', `<sheetData>${' '.repeat(64 * 1024 * 1024)}`))
          declare = 4096
        }
        rebuilt.push({name, data, declare})
      }
      const bomb = writeIn('liar.xlsx', zipWith(rebuilt))
      const before = await contents(url)
      const started = Date.now()
      const result = await cli(['inventory', 'import', bomb, '--database', url, '--json'])
      expect(result.exitCode).toBe(3)
      expect(result.json.error.issues[0].message).toMatch(
        /the archive's directory declares 4,096 bytes for xl\/worksheets\/sheet1\.xml, but it expands to more \(stopped at [\d,]+\): refused as a possible zip bomb/,
      )
      expect(Date.now() - started).toBeLessThan(30_000)
      expect(await contents(url)).toEqual(before)
      // The same package written with its true parts and sizes reads.
      const honest: Array<{name: string; data: Buffer}> = []
      for (const name of names) honest.push({name, data: Buffer.from(await parts.files[name].async('uint8array'))})
      const read = await ok(['inventory', 'validate', writeIn('honest.xlsx', zipWith(honest)), '--database', url, '--json'])
      expect(read.json).toMatchObject({valid: true, kind: 'systems', records: 1})
    })
  })
}

describe('loading', () => {
  it('loads SheetJS only to read a legacy workbook, never for kasumi --version, a CSV file or an XLSX workbook', async () => {
    // SheetJS is an ES module: a loader hook notes every file of it that is loaded.
    const log = join(tempDir(), 'loaded.txt')
    writeFileSync(log, '')
    const hooks = writeIn(
      'hooks.mjs',
      "import {appendFileSync} from 'node:fs'\nexport async function load(url, context, next) {\n  if (url.includes('/@e965/xlsx/')) appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, url + '\\n')\n  return next(url, context)\n}\n",
    )
    const probe = writeIn('probe.mjs', `import {register} from 'node:module'\nregister(${JSON.stringify(`file://${hooks}`)})\n`)
    const env = {NODE_OPTIONS: `--import ${probe}`, KASUMI_TEST_LOAD_LOG: log}
    const loaded = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length
    const database = join(tempDir(), 'none.db')
    expect(kasumiProcess(['--version'], {env}).exitCode).toBe(0)
    expect(loaded()).toBe(0)
    const csv = writeIn('systems.csv', 'id,ministry,name,category\nMIC-1,mic,LAN,lan\n')
    expect(kasumiProcess(['inventory', 'validate', csv, '--database', database], {env}).stderr).toContain('is valid')
    const workbook = new ExcelJS.Workbook()
    workbook.addWorksheet('一覧').addRows([
      ['id', 'ministry', 'name', 'category'],
      ['MIC-1', 'mic', 'LAN', 'lan'],
    ])
    const xlsx = join(tempDir(), 'systems.xlsx')
    await workbook.xlsx.writeFile(xlsx)
    expect(kasumiProcess(['inventory', 'validate', xlsx, '--database', database], {env}).stderr).toContain('is valid')
    expect(loaded()).toBe(0)
    const xls = write(book({システム一覧: systemsSheet()}), 'systems.xls', 'xls')
    expect(kasumiProcess(['inventory', 'validate', xls, '--database', database, '--ministry', 'mic'], {env}).stderr).toContain('is valid: 2 systems')
    expect(loaded()).toBeGreaterThan(0)
  })
})
