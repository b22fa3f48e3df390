import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import MarkdownIt, {type Token} from 'markdown-it'
import {beforeAll, describe, expect, it} from 'vitest'

import {backends, cli, ok, storeFactory, tempDir, writeText} from '../inventory/helpers.js'

/**
 * Payloads a hostile register could carry, in every text field kasumi stores
 * (system name, business area, eligibility reason, cost-line note, ministry
 * names), taken through every way kasumi shows them: terminal tables, --json,
 * the report's HTML, Markdown (parsed by a CommonMark parser), CSV, XLSX and
 * JSON, and the inventory export. None may run, break a table or hide text.
 */
const PAYLOADS = {
  html: '<script>alert("x")</script><img src=x onerror=alert(1)>',
  formula: '=HYPERLINK("http://evil.example","click")',
  markdown: 'a|b|c [link](javascript:alert(1)) ![i](http://evil.example/x.png) **bold** <b>x</b> &lt;',
  carriageReturn: 'before\rafter',
  lineFeed: 'line1\nline2',
  bidi: 'invoice\u202Efdp.exe',
  long: `long ${'L'.repeat(190)}`,
} as const
const VALUES = Object.values(PAYLOADS)

const MINISTRY = {code: 'hx', zh: `部會 ${PAYLOADS.html}`, ja: `府省 ${PAYLOADS.bidi}`, en: `Ministry ${PAYLOADS.markdown}`}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`
const csvLines = (rows: string[][]) => `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`

const SYSTEMS = csvLines([
  ['id', 'ministry', 'name', 'category', 'business_area', 'physical_servers', 'users', 'eligibility', 'eligibility_reason'],
  ...VALUES.map((value, index) => [
    `X-${index}`,
    'hx',
    quote(value),
    'lan',
    quote(value),
    '3',
    '10',
    index % 2 ? 'must-stay' : 'eligible',
    index % 2 ? quote(value) : '',
  ]),
])
const COSTS = csvLines([
  ['system_id', 'fiscal_year', 'pool', 'amount', 'note'],
  ...VALUES.map((value, index) => [`X-${index}`, '2008', 'hardware', String((index + 1) * 1_000_000), quote(value)]),
])
const MINISTRIES = csvLines([
  ['code', 'name_zh', 'name_ja', 'name_en'],
  [MINISTRY.code, quote(MINISTRY.zh), quote(MINISTRY.ja), quote(MINISTRY.en)],
])

/** Characters a terminal acts on: C0 controls but tab and line feed, DEL, C1 controls, bidi controls, line separators. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

/** Every table a terminal shows keeps its grid: each row line has as many column rules as the head. */
function expectIntactTables(text: string): void {
  let rules: number | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('┌')) rules = undefined
    if (!line.startsWith('│')) continue
    const count = line.split('│').length
    rules ??= count
    expect(count, line).toBe(rules)
  }
}

/** Markdown cells as text: what a reader sees, a <br> as a line feed. */
function inlineText(token: Token | undefined): string {
  return (token?.children ?? [])
    .map((child) =>
      child.type === 'html_inline' ? (child.content === '<br>' ? '\n' : child.content) : child.type === 'softbreak' ? '\n' : child.content,
    )
    .join('')
}

interface MdTable {
  head: string[]
  rows: string[][]
}

function markdownTables(tokens: Token[]): MdTable[] {
  const tables: MdTable[] = []
  let current: MdTable | undefined
  let row: string[] | undefined
  let inHead = false
  tokens.forEach((token, index) => {
    if (token.type === 'table_open') {
      current = {head: [], rows: []}
    } else if (token.type === 'table_close') {
      tables.push(current!)
      current = undefined
    } else if (token.type === 'thead_open' || token.type === 'thead_close') {
      inHead = token.type === 'thead_open'
    } else if (token.type === 'tr_open') {
      row = []
    } else if (token.type === 'tr_close') {
      if (inHead) current!.head = row!
      else current!.rows.push(row!)
    } else if (token.type === 'th_open' || token.type === 'td_open') {
      row!.push(inlineText(tokens[index + 1]))
    }
  })
  return tables
}

function allStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') found.push(value)
  else if (Array.isArray(value)) for (const item of value) allStrings(item, found)
  else if (value && typeof value === 'object') for (const item of Object.values(value)) allStrings(item, found)
  return found
}

const freshStore = storeFactory()

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`injection payloads in every text field, through every renderer (${backend.name})`, () => {
    let url: string
    let systemsFile: string
    const reportDir = join(tempDir(), 'report')

    beforeAll(async () => {
      url = await freshStore(backend)
      await ok(['inventory', 'import', writeText('ministries.csv', MINISTRIES), '--database', url])
      systemsFile = writeText('systems.csv', SYSTEMS)
      await ok(['inventory', 'import', systemsFile, '--database', url])
      await ok(['inventory', 'import', writeText('costs.csv', COSTS), '--database', url])
      await ok(['report', '--scenario', 'kasumigaseki-cloud', '--database', url, '--out', reportDir, '--format', 'html,md,csv,xlsx,json'])
    })

    it('stores every payload exactly as written (inventory export --format json)', async () => {
      const systems = JSON.parse((await ok(['inventory', 'export', '--database', url, '--kind', 'systems', '--format', 'json'])).stdout).rows
      expect(systems.map((system: {name: string}) => system.name)).toEqual(VALUES)
      expect(systems.map((system: {businessArea: string}) => system.businessArea)).toEqual(VALUES)
      const costs = JSON.parse((await ok(['inventory', 'export', '--database', url, '--kind', 'costs', '--format', 'json'])).stdout).rows
      expect(costs.map((line: {note: string}) => line.note)).toEqual(VALUES)
    })

    it('warns on import about bidirectional controls: file, line, column, the value escaped', async () => {
      const result = await cli(['inventory', 'import', systemsFile, '--database', url, '--dry-run', '--on-conflict', 'update'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toMatch(new RegExp(`systems\\.csv, line \\d+, column 3 \\(name\\): Unicode bidirectional controls \\(U\\+202E\\)`))
      expect(result.stderr).toContain('(value "invoice\\u202efdp.exe")')
      expect(result.stderr).not.toMatch(TERMINAL_CONTROLS)
      const json = await cli(['inventory', 'import', systemsFile, '--database', url, '--dry-run', '--on-conflict', 'update', '--json'])
      expect(json.json.warnings).toEqual(
        expect.arrayContaining([expect.objectContaining({column: '5 (business_area)', value: PAYLOADS.bidi, severity: 'warning'})]),
      )
    })

    it('terminal tables show every payload escaped, with no control reaching the terminal and every grid intact', async () => {
      const outputs = [
        await ok(['inventory', 'list', '--database', url, '--columns', 'id,ministry,name,category,cost']),
        await ok(['inventory', 'summary', '--database', url]),
        ...(await Promise.all(VALUES.map((_, index) => ok(['inventory', 'show', `X-${index}`, '--database', url])))),
      ]
      for (const {stdout, stderr} of outputs) {
        expect(stdout).not.toMatch(TERMINAL_CONTROLS)
        expect(stderr).not.toMatch(TERMINAL_CONTROLS)
        expectIntactTables(stdout)
      }
      const list = outputs[0].stdout
      expect(list).toContain('before\\rafter')
      expect(list).toContain('invoice\\u202efdp.exe')
      expect(list).toContain(PAYLOADS.html)
      expect(list).toContain(PAYLOADS.long)
      expect(outputs[1].stdout).toContain('invoice\\u202efdp.exe')
    })

    it('--json on a terminal writes C1 and bidi controls as escapes, and parses back to the stored text', async () => {
      const result = await ok(['inventory', 'list', '--database', url, '--json'])
      expect(result.stdout).not.toMatch(TERMINAL_CONTROLS)
      expect(result.stdout).toContain('invoice\\u202efdp.exe')
      expect(allStrings(result.json)).toEqual(expect.arrayContaining([PAYLOADS.bidi, PAYLOADS.carriageReturn, PAYLOADS.lineFeed]))
    })

    it('HTML escapes every payload: no script, image or markup of the data', () => {
      const html = readFileSync(join(reportDir, 'report.html'), 'utf8')
      expect(html).not.toContain('<script>alert')
      expect(html).not.toContain('<img src=x')
      expect(html).not.toContain('<b>x</b>')
      expect(html).toContain('&lt;script&gt;alert(')
      expect(html).not.toMatch(/href="javascript:/i)
    })

    it('Markdown, read by a CommonMark parser: well-formed tables with the right rows and cells, no HTML or links from the data, controls shown escaped', () => {
      const text = readFileSync(join(reportDir, 'report.md'), 'utf8')
      expect(text).not.toContain('\r')
      expect(text).not.toMatch(TERMINAL_CONTROLS)
      const markdown = new MarkdownIt({html: true})
      const tokens = markdown.parse(text, {})
      const flat = tokens.flatMap((token) => [token, ...(token.children ?? [])])
      for (const token of flat.filter((candidate) => candidate.type === 'html_inline' || candidate.type === 'html_block'))
        expect(token.content.trim()).toBe('<br>')
      expect(flat.filter((token) => token.type === 'link_open')).toEqual([])
      for (const image of flat.filter((token) => token.type === 'image')) expect(image.attrGet('src')).toMatch(/^charts\/[a-z0-9-]+\.png$/)
      expect(markdown.render(text)).not.toMatch(/<script|<img src="?x|<b>x<\/b>/)

      const tables = markdownTables(tokens)
      expect(tables.length).toBe(text.split('\n').filter((line) => /^\|( -{3,}:? \|)+$/.test(line)).length)
      for (const table of tables) for (const row of table.rows) expect(row, JSON.stringify(table.head)).toHaveLength(table.head.length)

      const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'))
      const byArea = tables.find((table) => table.rows.some((row) => row[0] === PAYLOADS.html))
      expect(byArea, 'the table by business area').toBeDefined()
      const areaRows = byArea!.rows.filter((row) => !/^total|合計|總計/i.test(row[0]))
      expect(areaRows).toHaveLength(VALUES.length)
      expect(areaRows.map((row) => row[0]).sort()).toEqual(
        [PAYLOADS.html, PAYLOADS.formula, PAYLOADS.markdown, 'before\nafter', 'line1\nline2', 'invoice\\u202efdp.exe', PAYLOADS.long].sort(),
      )
      expect(report).toBeTruthy()

      const byMinistry = tables.find((table) => table.rows.some((row) => row[0] === MINISTRY.en))
      expect(byMinistry, 'the table by ministry, with the English ministry name whole').toBeDefined()
    })

    it('CSV: text cells that a spreadsheet would run start with an apostrophe; every row has every cell', () => {
      const folder = join(reportDir, 'csv')
      let seen = 0
      for (const name of readdirSync(folder)) {
        const rows = parse(readFileSync(join(folder, name)), {bom: true, relax_column_count: false}) as string[][]
        for (const row of rows.slice(1)) {
          for (const cell of row) {
            if (/^[=+\-@]/.test(cell)) expect(cell, `${name}: ${cell}`).toMatch(/^-?[\d.]+$/)
            if (cell === `'${PAYLOADS.formula}`) seen++
          }
        }
      }
      expect(seen).toBeGreaterThan(0)
    })

    it('XLSX: the payloads are text cells, never formulas', async () => {
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.readFile(join(reportDir, 'report.xlsx'))
      let found = 0
      workbook.eachSheet((sheet) => {
        sheet.eachRow((row) => {
          row.eachCell((cell) => {
            if (typeof cell.value === 'string' && VALUES.some((value) => cell.value === value || (cell.value as string).endsWith(value))) {
              expect(cell.type).toBe(ExcelJS.ValueType.String)
              found++
            }
            expect(cell.formula ?? undefined, `${sheet.name}!${cell.address}`).toBeUndefined()
          })
        })
      })
      expect(found).toBeGreaterThanOrEqual(VALUES.length)
    })

    it('JSON keeps every payload exactly: the estimate by business area, and the report file parses', async () => {
      const result = await ok(['estimate', '--scenario', 'kasumigaseki-cloud', '--by', 'area', '--database', url, '--json'])
      expect(result.stdout).not.toMatch(TERMINAL_CONTROLS)
      expect(result.json.by.rows.map((row: {key: string}) => row.key).sort()).toEqual([...VALUES].sort())
      expect(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'))).toMatchObject({formatVersion: 1})
    })

    it('the inventory CSV export neutralises formulas and reads back unchanged', async () => {
      const exported = (await ok(['inventory', 'export', '--database', url, '--kind', 'systems'])).stdout
      const rows = parse(exported, {bom: true, columns: true}) as Array<Record<string, string>>
      expect(rows.find((row) => row.id === 'X-1')?.name).toBe(`'${PAYLOADS.formula}`)
      const file = writeText('export.csv', exported)
      const again = await ok(['inventory', 'import', file, '--database', url, '--on-conflict', 'update', '--json'])
      expect(again.json).toMatchObject({updated: 0, unchanged: VALUES.length})
    })
  })
}
