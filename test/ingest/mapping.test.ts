import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {Dec} from '../../src/domain/money.js'
import ExcelJS from 'exceljs'
import {describe, expect, it} from 'vitest'

import {backends, cli, contents, ok, storeFactory, tempDir} from '../inventory/helpers.js'
import {BIN} from '../support/cli.js'

const freshStore = storeFactory()
const SAMPLES = join(import.meta.dirname, '..', '..', 'data', 'samples')
const sample = (name: string) => join(SAMPLES, name)

type Row = Record<string, unknown>
const total = (rows: unknown[]) => rows.reduce<Dec>((sum, row) => sum.plus((row as Row).amount as string), new Dec(0)).toFixed()

function writeMapping(text: string, name = 'mapping.yaml'): string {
  const file = join(tempDir(), name)
  writeFileSync(file, text)
  return file
}

describe.each(await backends())('saved mappings on $name', (backend) => {
  describe.skipIf(!backend.enabled)('bundled mappings read their samples', () => {
    it('it-dashboard-budget: systems and their cost lines from one file, in one import, totals to the yen', async () => {
      const url = await freshStore(backend)
      const result = await ok([
        'inventory',
        'import',
        sample('it-dashboard-budget.csv'),
        '--mapping',
        'it-dashboard-budget',
        '--database',
        url,
        '--json',
      ])
      expect(result.json).toMatchObject({
        records: 19,
        inserted: 19,
        mapping: {name: 'it-dashboard-budget', unit: 'thousand'},
        parts: [
          {kind: 'systems', records: 4, inserted: 4},
          {kind: 'costs', records: 15, inserted: 15},
        ],
        workbook: {headerRows: [1], unit: {name: 'thousand', source: 'mapping it-dashboard-budget'}},
      })
      const store = await contents(url)
      expect(store.changeSets).toBe(2)
      const systems = store.systems as Row[]
      expect(systems.map((system) => [system.id, system.ministry, system.category])).toEqual(
        expect.arrayContaining([
          ['0900000101', 'mic', 'small-scale'],
          ['0900000102', 'mic', 'lan'],
          ['1200000201', 'mof', 'e-application'],
          ['1400000301', 'mhlw', 'common'],
        ]),
      )
      expect(total(store.costs)).toBe('17852316000')
      const lines = store.costs as Row[]
      expect(lines.filter((line) => line.spendType === 'development').map((line) => line.amount)).toHaveLength(7)
      expect(lines.find((line) => line.systemId === '0900000101' && line.fiscalYear === 2022 && line.spendType === 'development')).toMatchObject({
        amount: '350000000',
        pool: 'other',
        frequency: 'one-time',
      })
    })

    it('it-dashboard-cost-reduction: base-year and measured-year operations costs of systems already in the store', async () => {
      const url = await freshStore(backend)
      const alone = await cli([
        'inventory',
        'import',
        sample('it-dashboard-cost-reduction.csv'),
        '--mapping',
        'it-dashboard-cost-reduction',
        '--database',
        url,
      ])
      expect(alone.exitCode).toBe(3)
      expect(alone.stderr).toContain('no system has this id')
      expect((await contents(url)).costs).toHaveLength(0)

      await ok(['inventory', 'import', sample('it-dashboard-budget.csv'), '--mapping', 'it-dashboard-budget', '--database', url])
      const result = await ok([
        'inventory',
        'import',
        sample('it-dashboard-cost-reduction.csv'),
        '--mapping',
        'it-dashboard-cost-reduction',
        '--database',
        url,
        '--json',
      ])
      expect(result.json).toMatchObject({kind: 'costs', records: 8, inserted: 8, parts: [{kind: 'costs', inserted: 8}]})
      const lines = (await contents(url)).costs as Row[]
      const reduction = lines.filter((line) => line.fiscalYear === 2013 || line.fiscalYear === 2021)
      expect(total(reduction)).toBe('18292020000')
      expect(reduction.find((line) => line.systemId === '1200000201' && line.fiscalYear === 2013)).toMatchObject({
        amount: '7810400000',
        spendType: 'operations',
        note: '基準年度（平成25年度）',
      })
    })

    it('gyosei-review-budget: a workbook with a title, the unit above the header, △ amounts, totals and notes', async () => {
      const url = await freshStore(backend)
      const result = await ok([
        'inventory',
        'import',
        sample('gyosei-review-budget.xlsx'),
        '--mapping',
        'gyosei-review-budget',
        '--database',
        url,
        '--json',
      ])
      expect(result.json).toMatchObject({
        parts: [
          {kind: 'systems', records: 3, inserted: 3},
          {kind: 'costs', records: 20, inserted: 20},
        ],
        workbook: {sheet: '予算額・執行額', headerRows: [4], unit: {name: 'million', source: "title '予算額・執行額'!I2"}},
      })
      const store = await contents(url)
      expect(total(store.costs)).toBe('13601350000')
      const lines = store.costs as Row[]
      expect(lines.find((line) => line.systemId === 'R5-MIC-0021' && line.fiscalYear === 2022 && line.note === '翌年度へ繰越し')).toMatchObject({
        amount: '-150200000',
      })
      expect((store.systems as Row[]).find((system) => system.id === 'R5-METI-0113')).toMatchObject({ministry: 'meti', category: 'common'})
    })
  })

  describe.skipIf(!backend.enabled)('problems', () => {
    it('a system on several rows with other values, and a total that differs: every problem listed, nothing written', async () => {
      const url = await freshStore(backend)
      const text = readFileSync(sample('it-dashboard-budget.csv'), 'utf8')
        .replace('2023,総務省,0900000101,統計情報システム', '2023,総務省,0900000101,統計情報システム（新）')
        .replace('"845,120","12,480","857,600"', '"845,120","12,480","857,601"')
      const file = join(tempDir(), 'budget.csv')
      writeFileSync(file, text)
      const before = await contents(url)
      const result = await cli(['inventory', 'import', file, '--mapping', 'it-dashboard-budget', '--database', url])
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toContain('budget!C3 (id)')
      expect(result.stderr).toContain('row 2 gives this system other values (name)')
      expect(result.stderr).toContain('budget!H4 (合計): the total differs from the sum of its parts (857600)')
      expect(result.stderr).not.toContain('no system has this id')
      expect(await contents(url)).toEqual(before)
    })

    it('a file whose title names another unit than the mapping assumes is refused', async () => {
      const url = await freshStore(backend)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.readFile(sample('gyosei-review-budget.xlsx'))
      workbook.getWorksheet('予算額・執行額')!.getCell('I2').value = '（単位：千円）'
      const file = join(tempDir(), 'review.xlsx')
      await workbook.xlsx.writeFile(file)
      const result = await cli(['inventory', 'import', file, '--mapping', 'gyosei-review-budget', '--database', url])
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toContain(
        'the mapping gyosei-review-budget assumes the unit million, which disagrees with the unit the sheet names (thousand)',
      )
      expect((await contents(url)).systems).toHaveLength(0)
    })
  })
})

describe('mapping files are checked like scenarios', () => {
  it('reports each problem with its line and key path, exit 3, and nothing is written', async () => {
    const mapping = writeMapping(
      [
        'name: Bad Name',
        'unit: thousands',
        'costs:',
        '  columns:',
        '    system_id: 情報システムID',
        '    amout: 経費',
        '  values:',
        '    pool:',
        '      機器: hardwares',
        'colour: blue',
      ].join('\n'),
    )
    const database = join(tempDir(), 'store.db')
    const result = await cli(['inventory', 'import', sample('it-dashboard-budget.csv'), '--mapping', mapping, '--database', database, '--json'])
    expect(result.exitCode).toBe(3)
    const issues = result.json.error.issues as Array<{line: number; column: string; message: string}>
    expect(issues.map((issue) => [issue.line, issue.column])).toEqual([
      [1, 'name'],
      [2, 'unit'],
      [6, 'costs.columns.amout'],
      [9, 'costs.values.pool.機器'],
      [10, 'colour'],
    ])
    expect(issues[1].message).toBe('must be one of yen, thousand, million')
    expect(issues[2].message).toBe('amout is not a field of costs')
    const human = await cli(['inventory', 'validate', sample('it-dashboard-budget.csv'), '--mapping', mapping])
    expect(human.exitCode).toBe(3)
    expect(human.stderr).toContain('mapping.yaml: 5 problems in the mapping')
    expect(human.stderr).toMatch(/mapping\.yaml, line 6, column costs\.columns\.amout: amout is not a field of costs/)
  })

  it('a mapping that states no unit, feeds no kind, or maps a column twice', async () => {
    const mapping = writeMapping(['name: partial', 'ignore: [合計]', ''].join('\n'))
    const result = await cli(['inventory', 'validate', sample('it-dashboard-budget.csv'), '--mapping', mapping, '--json'])
    expect(result.exitCode).toBe(3)
    expect((result.json.error.issues as Array<{message: string}>).map((issue) => issue.message)).toEqual([
      'the mapping feeds no kind',
      'unit is required',
    ])
    const twice = writeMapping(
      ['name: twice', 'unit: yen', 'ignore: [合計]', 'costs:', '  columns:', '    system_id: ID', '    note: [備考, ID]', '  total: 合計'].join('\n'),
    )
    const second = await cli(['inventory', 'validate', sample('it-dashboard-budget.csv'), '--mapping', twice, '--json'])
    expect(second.exitCode).toBe(3)
    expect((second.json.error.issues as Array<{line: number; message: string}>).map((issue) => [issue.line, issue.message])).toEqual([
      [7, 'the column ID is already mapped by costs.columns.system_id'],
      [8, 'the column 合計 is also listed under ignore'],
      [8, 'a total needs amounts across the columns to check'],
    ])
  })

  it('an unknown bundled name lists the bundled mappings (exit 4)', async () => {
    const result = await cli(['inventory', 'validate', sample('it-dashboard-budget.csv'), '--mapping', 'no-such-layout'])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain('gyosei-review-budget, it-dashboard-budget, it-dashboard-cost-reduction')
  })

  it('validate --json reports what each kind of a mapped file holds', async () => {
    const copy = join(tempDir(), '予算.csv')
    copyFileSync(sample('it-dashboard-budget.csv'), copy)
    const result = await ok(['inventory', 'validate', copy, '--mapping', 'it-dashboard-budget', '--json'])
    expect(result.json).toMatchObject({
      valid: true,
      records: 19,
      mapping: {name: 'it-dashboard-budget', unit: 'thousand'},
      parts: [
        {kind: 'systems', records: 4},
        {kind: 'costs', records: 15},
      ],
    })
    const human = await ok(['inventory', 'validate', copy, '--mapping', 'it-dashboard-budget'])
    expect(human.stderr).toContain(
      'is valid: 4 systems and 15 cost lines (utf-8, header row 1, amounts in thousand yen (mapping it-dashboard-budget), mapping it-dashboard-budget)',
    )
  })

  it('the schema for editors is the one kasumi checks with', async () => {
    const {mappingSchema} = await import('../../src/ingest/mapping.js')
    const written = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'mappings', 'schema.json'), 'utf8'))
    expect(written).toEqual(JSON.parse(JSON.stringify(mappingSchema())))
  })
})

describe('mapping init and mapping test', () => {
  async function ministryWorkbook(): Promise<string> {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('経費')
    sheet.getCell('A1').value = '令和5年度 情報システム経費（総務省）'
    sheet.getRow(3).values = ['システムID', '年度', '費目', '経費額（千円）', '担当課']
    sheet.getRow(4).values = ['MIC-0001', '令和4年度', 'ハードウェア', 1234.5, '情報システム室']
    sheet.getRow(5).values = ['MIC-0001', '令和5年度', '通信', 800, '情報システム室']
    const file = join(tempDir(), '総務省経費.xlsx')
    await workbook.xlsx.writeFile(file)
    return file
  }

  it('init without a terminal: known headers mapped, a fuzzy match with its score, unmatched columns ignored, each open question a TODO', async () => {
    const file = await ministryWorkbook()
    const output = join(tempDir(), 'mic.yaml')
    const result = await ok(['inventory:mapping:init', file, '--kind', 'costs', '--output', output, '--name', 'mic-costs', '--no-input', '--json'])
    expect(result.json).toMatchObject({
      output,
      name: 'mic-costs',
      kind: 'costs',
      headerRows: [3],
      unit: {name: 'thousand', source: 'header 経費!D3'},
      columns: [
        {index: 1, header: 'システムID', match: 'known', field: 'system_id', score: null},
        {index: 2, header: '年度', match: 'known', field: 'fiscal_year'},
        {index: 3, header: '費目', match: 'known', field: 'pool'},
        {index: 4, header: '経費額（千円）', match: 'fuzzy', field: 'amount', score: 0.83},
        {index: 5, header: '担当課', match: 'unmatched', field: null},
      ],
    })
    expect((result.json.questions as Array<{about: string}>).map((question) => question.about)).toEqual(['fuzzy', 'unmatched'])
    const text = readFileSync(output, 'utf8')
    expect(text).toContain('    system_id: システムID # 経費!A3, known header\n')
    expect(text).toContain(
      '    # TODO: 経費額（千円） (経費!D3) looks like amount (score 0.83): check it\n    amount: 経費額（千円） # 経費!D3, fuzzy match, score 0.83\n',
    )
    expect(text).toContain(
      'ignore:\n  # TODO: 担当課 (経費!E3) matches no costs field: it is ignored; map it under columns if it is one\n  - 担当課\n',
    )
    expect(text).toContain('unit: thousand # named by the header 経費!D3\n')

    // The proposal imports as it stands; amounts in thousands of yen.
    const url = await freshStore((await backends())[0])
    await ok(['inventory', 'import', sample('systems.csv'), '--database', url])
    const before = (await contents(url)).costs.length
    await ok(['inventory', 'import', file, '--mapping', output, '--database', url])
    const lines = ((await contents(url)).costs as Row[]).filter((line) => line.fiscalYear === 2022 || line.fiscalYear === 2023)
    expect(lines.map((line) => [line.systemId, line.fiscalYear, line.pool, line.amount])).toEqual([
      ['MIC-0001', 2022, 'hardware', '1234500'],
      ['MIC-0001', 2023, 'telecom', '800000'],
    ])
    expect((await contents(url)).costs).toHaveLength(before + 2)
  })

  it('init on a terminal asks about each open question, and the answers settle them (no TODO left)', async () => {
    const file = await ministryWorkbook()
    const output = join(tempDir(), 'mic-asked.yaml')
    // A terminal for the command: util-linux's script runs it on a pseudo-terminal; CI unset, as on a person's machine.
    const command = [process.execPath, BIN, 'inventory', 'mapping', 'init', file, '--kind', 'costs', '--output', output]
    const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', TERM: 'xterm'}
    delete env.CI
    const child = spawn('script', ['-qfec', command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'], {env})
    let screen = ''
    const answered = new Set<string>()
    // Each answer is typed once its question is on the screen: Enter keeps the fuzzy match; for 担当課, four
    // arrows down from "(ignore it)" past spend_type, frequency and currency reach note.
    const answers: Array<[string, string]> = [
      ['Map 経費額（千円）', '\r'],
      ['担当課 (経費!E3) matches no costs field', '\u001B[B\u001B[B\u001B[B\u001B[B\r'],
    ]
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8')
      for (const [question, keys] of answers) {
        if (!answered.has(question) && screen.includes(question)) {
          answered.add(question)
          setTimeout(() => child.stdin.write(keys), 200)
        }
      }
    })
    const [code] = (await once(child, 'exit')) as [number]
    expect([...answered], screen).toEqual(answers.map(([question]) => question))
    expect(code, screen).toBe(0)
    const text = readFileSync(output, 'utf8')
    expect(text).not.toContain('TODO')
    expect(text).toContain('amount: 経費額（千円）')
    expect(text).toContain('note: 担当課')
    const url = await freshStore((await backends())[0])
    await ok(['inventory', 'import', sample('systems.csv'), '--database', url])
    await ok(['inventory', 'import', file, '--mapping', output, '--database', url])
    const lines = ((await contents(url)).costs as Row[]).filter((line) => line.fiscalYear === 2022 || line.fiscalYear === 2023)
    expect(lines.map((line) => [line.amount, line.note])).toEqual([
      ['1234500', '情報システム室'],
      ['800000', '情報システム室'],
    ])
  })

  it('init refuses to overwrite a file without --force, and prints the mapping without --output', async () => {
    const file = await ministryWorkbook()
    const output = writeMapping('name: kept\n', 'kept.yaml')
    const refused = await cli(['inventory:mapping:init', file, '--output', output, '--no-input'])
    expect(refused.exitCode).toBe(5)
    expect(readFileSync(output, 'utf8')).toBe('name: kept\n')
    const printed = await ok(['inventory:mapping:init', file, '--no-input'])
    expect(printed.stdout).toContain('name: my-layout\n')
    expect(printed.stdout).toContain('costs:\n  columns:\n')
  })

  it('mapping test shows the first rows of each kind as kasumi reads them, in a table and as JSON', async () => {
    const human = await ok(['inventory:mapping:test', 'it-dashboard-budget', sample('it-dashboard-budget.csv'), '--rows', '3'])
    expect(human.stdout).toContain('systems: 4, the first 3')
    expect(human.stdout).toContain('cost lines: 15, the first 3')
    expect(human.stdout).toMatch(/0900000101\s+│\s+mic\s+│\s+統計情報システム\s+│\s+small-scale/)
    expect(human.stdout).toMatch(/0900000101\s+│\s+2022\s+│\s+other\s+│\s+operations\s+│\s+recurring\s+│\s+1204512000/)
    const json = await ok(['inventory:mapping:test', 'gyosei-review-budget', sample('gyosei-review-budget.xlsx'), '--json'])
    expect(json.json).toMatchObject({
      mapping: {name: 'gyosei-review-budget', unit: 'million'},
      workbook: {sheet: '予算額・執行額', headerRows: [4]},
      kinds: [
        {kind: 'systems', records: 3, columns: expect.arrayContaining(['id', 'ministry', 'name', 'category'])},
        {kind: 'costs', records: 20},
      ],
    })
    expect((json.json.kinds as Array<{rows: string[][]}>)[1].rows[0]).toEqual([
      'R5-MIC-0021',
      '2022',
      'other',
      'operations',
      'recurring',
      '4210500000',
      'JPY',
      '当初予算',
    ])
  })

  it('mapping test lists the problems of a file that does not fit the mapping (exit 3)', async () => {
    const result = await cli(['inventory:mapping:test', 'gyosei-review-budget', sample('it-dashboard-budget.csv')])
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toContain('the required column "id" is missing')
  })
})
