/**
 * kasumi report --format pdf: the PDF's text, read back with PDF.js (a
 * reader kasumi does not use), holds the CJK names in embedded subsets of
 * Noto Sans, the totals of the JSON, a header and a page number on every
 * page, a table whose header row repeats on the pages it runs over, and every
 * chart; the same report and time give the same bytes.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {kasumi, ROOT, useTempDirs, type CommandResult} from '../support/cli.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const temp = useTempDirs()

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr.slice(0, 3000)}`).toBe(0)
  return result
}

interface Line {
  page: number
  y: number
  cells: string[]
}

/** Every page's text as lines (items on the same baseline, left to right). */
async function pdfLines(file: string): Promise<{pages: number; lines: Line[]}> {
  const {getDocument} = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await getDocument({data: new Uint8Array(readFileSync(file)), useSystemFonts: false, isEvalSupported: false}).promise
  const lines: Line[] = []
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number)
    const content = await page.getTextContent()
    const items = content.items
      .filter((item): item is Extract<typeof item, {str: string}> => 'str' in item && item.str.trim() !== '')
      .map((item) => ({x: item.transform[4], y: Math.round(item.transform[5]), text: item.str}))
    const byY = new Map<number, Array<{x: number; text: string}>>()
    for (const item of items) {
      const key = [...byY.keys()].find((y) => Math.abs(y - item.y) <= 1) ?? item.y
      byY.set(key, [...(byY.get(key) ?? []), item])
    }
    for (const [y, cells] of [...byY].sort((a, b) => b[0] - a[0]))
      lines.push({page: number, y, cells: cells.sort((a, b) => a.x - b.x).map((cell) => cell.text)})
  }
  await pdf.destroy()
  return {pages: pdf.numPages, lines}
}

/** A money figure (yen) as the report shows it: thousands, rounded half up, grouped. */
function thousands(yen: string): string {
  const value = BigInt(yen)
  const sign = value < 0n ? '-' : ''
  const magnitude = value < 0n ? -value : value
  const rounded = (magnitude + 500n) / 1000n
  return `${sign}${rounded.toLocaleString('en')}`
}

describe('kasumi report --format pdf', () => {
  let dir: string
  let database: string
  let estimate: any
  let read: {pages: number; lines: Line[]}
  let bytes: Buffer

  beforeAll(async () => {
    dir = temp('kasumi-pdf-')
    database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
    await ok(['report', '--scenario', SCENARIO, '--format', 'pdf,json', '--lang', 'ja', '--out', join(dir, 'ja'), '--database', database])
    estimate = JSON.parse(readFileSync(join(dir, 'ja', 'report.json'), 'utf8'))
    bytes = readFileSync(join(dir, 'ja', 'report.pdf'))
    read = await pdfLines(join(dir, 'ja', 'report.pdf'))
  }, 300_000)

  it('is an A4 PDF with the report’s fonts embedded as subsets', () => {
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7')
    expect(bytes.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/)
    const fonts = new Set([...bytes.toString('latin1').matchAll(/\/BaseFont \/([A-Z]{6})\+(NotoSans[\w-]+)/g)].map((match) => match[2]))
    expect([...fonts].sort()).toEqual(expect.arrayContaining(['NotoSansJP-Bold', 'NotoSansJP-Regular']))
    expect(bytes.toString('latin1')).toContain('/FontFile3')
    // Every character was in the subsets the PDF was set from: no font is embedded twice (once more from the whole font).
    const names = [...bytes.toString('latin1').matchAll(/\/Type \/Font\s*\/Subtype \/Type0\s*\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map(
      (match) => match[1],
    )
    expect(names.length).toBeGreaterThan(0)
    expect(new Set(names).size).toBe(names.length)
  })

  it('holds the ministries’ names and the totals of the JSON', () => {
    const text = read.lines.map((line) => line.cells.join(' ')).join('\n')
    expect(text).toContain('総務省')
    expect(text).toContain('経済産業省')
    const totals = estimate.totals
    // The yearly cash flow's total row: savings, avoidance, one-time costs and net, in that order.
    const wanted = [totals.savings, totals.avoidance, totals.oneTime, totals.net].map(thousands)
    const row = read.lines.find((line) => line.cells[0] === '合計' && wanted.every((value) => line.cells.includes(value)))
    expect(row, `a total row with ${wanted.join(', ')}`).toBeDefined()
    const positions = wanted.map((value) => row!.cells.indexOf(value))
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    // The ministries' run-rate savings, each in its row.
    for (const ministry of estimate.by.rows.slice(0, 5)) {
      expect(read.lines.some((line) => line.cells.includes(thousands(ministry.runRateSavings)))).toBe(true)
    }
    const npv = read.lines.find((line) => line.cells.includes('正味現在価値'))
    expect(npv).toBeDefined()
    expect(read.lines.some((line) => line.cells.some((cell) => cell === `${thousands(totals.npv)} 千円`))).toBe(true)
  })

  it('has a header with the title and date and a page number on every page; a long table repeats its header row', () => {
    expect(read.pages).toBeGreaterThan(3)
    const date = estimate.provenance.createdAt.slice(0, 10)
    for (let page = 1; page <= read.pages; page++) {
      const lines = read.lines.filter((line) => line.page === page)
      expect(lines[0].cells, `page ${page}`).toEqual(['Government Common Platform (Kasumigaseki Cloud)', date])
      expect(lines.at(-1)!.cells, `page ${page}`).toEqual([`${page} / ${read.pages}`])
    }
    // The optimization effects table runs over pages: its header row is on each of them.
    const header = read.lines.filter((line) => line.cells[0] === '担当府省' && line.cells.includes('業務・システム名'))
    expect(new Set(header.map((line) => line.page)).size).toBeGreaterThan(1)
  })

  it('sets the floor brackets of the method notes, which neither Noto Sans CJK form has, in DejaVu Sans', () => {
    const text = read.lines.map((line) => line.cells.join('')).join('\n')
    expect(text).toContain('⌊h⌋')
    expect(bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/)
  })

  it('draws every chart and ends with the provenance', () => {
    const images = bytes.toString('latin1').match(/\/Subtype \/Image/g) ?? []
    expect(images.length).toBeGreaterThanOrEqual(5)
    const text = read.lines.map((line) => line.cells.join(' ')).join('\n')
    expect(text).toContain('前提条件一覧')
    // A SHA-256 wraps in its column: its pieces, in order.
    const hex = read.lines.flatMap((line) => line.cells.filter((cell) => /^[0-9a-f]{8,}$/.test(cell))).join('')
    for (const input of estimate.provenance.inputs) expect(hex).toContain(input.sha256)
    // The command line wraps beside its label.
    expect(text.replace(/\s+/g, '')).toContain(estimate.provenance.command.replace(/\s+/g, ''))
  })

  it('sets Traditional Chinese names in the 2009 reference table: 總務省', async () => {
    await ok(['report', '--reference', 'jp-2009', '--format', 'pdf', '--lang', 'zh-TW', '--out', join(dir, 'reference')])
    const reference = await pdfLines(join(dir, 'reference', 'report.pdf'))
    const text = reference.lines.map((line) => line.cells.join(' ')).join('\n')
    expect(text).toContain('總務省')
    expect(text).toContain('19,725,339')
    const pdf = readFileSync(join(dir, 'reference', 'report.pdf')).toString('latin1')
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHant-Regular/)
  }, 120_000)

  it('gives the same bytes for the same report and time (an audit bundle verifies)', async () => {
    const bundle = join(dir, 'bundle')
    await ok(['audit', 'export', '--scenario', SCENARIO, '--format', 'pdf', '--lang', 'ja', '--out', bundle, '--database', database])
    const result = await ok(['audit', 'verify', bundle, '--json'])
    expect(result.json.checks).toContainEqual(expect.objectContaining({kind: 'derived', name: 'report/report.pdf', ok: true, actual: 'bytes'}))
  }, 180_000)
})
