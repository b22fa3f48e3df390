import {describe, expect, it} from 'vitest'

import {loadReferenceTable} from '../../src/reference/jp2009.js'
import {buildReferenceReport} from '../../src/report/build-reference.js'
import type {ReportDocument} from '../../src/report/model.js'
import {escapeMarkdown, markdownText, renderMarkdown} from '../../src/report/render/markdown.js'

const HOSTILE = 'a|b <script>x</script> *bold* [link](http://example.com) 総務省'

const document: ReportDocument = {
  name: 'sample',
  title: `Estimate ${HOSTILE}`,
  subtitle: 'FY2010–FY2015 · JPY',
  lang: 'en',
  currency: 'JPY',
  data: {},
  sections: [
    {
      id: 'summary',
      title: 'Summary',
      paragraphs: ['Line one\nline two'],
      figures: [
        {label: 'Net present value', value: '1,235 thousand yen'},
        {label: 'Payback year', value: 'FY2013'},
      ],
    },
    {
      id: 'by-ministry',
      title: 'By ministry',
      tables: [
        {
          id: 'by-ministry',
          title: 'By ministry',
          columns: [
            {key: 'key', label: 'Ministry', kind: 'text'},
            {key: 'savings', label: 'Savings', kind: 'money'},
            {key: 'hours', label: 'Hours | per year', kind: 'hours'},
            {key: 'fte', label: 'FTE', kind: 'fte'},
          ],
          rows: [
            {key: HOSTILE, savings: '1234500', hours: '10.5', fte: '0.25'},
            {key: 'multi\nline', savings: null, hours: null, fte: null},
          ],
          totals: [{key: 'Total', savings: '1234500', hours: '10.5', fte: '0.25'}],
          note: 'Note with | pipe',
        },
      ],
      charts: [
        {id: 'savings-by-ministry', kind: 'horizontal-bar', title: 'Savings [by] ministry', labels: ['a'], series: [{label: 's', values: [1]}]},
      ],
    },
  ],
  provenance: {
    kasumi: '0.1.0',
    createdAt: '2025-01-01T00:00:00.000Z',
    command: 'kasumi report',
    inputs: [{role: 'systems', file: 'systems|x.csv', sha256: 'f'.repeat(64), rows: 12}],
  },
}

/** Cells of a table line: split on pipes that are not escaped. */
function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
}

/** Every pipe table of a Markdown text: header, rule, rows. */
function tables(text: string): string[][] {
  const found: string[][] = []
  let current: string[] | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) (current ??= []).push(line)
    else if (current) {
      found.push(current)
      current = undefined
    }
  }
  if (current) found.push(current)
  return found
}

function expectWellFormed(table: string[]) {
  const width = cells(table[0]).length
  expect(table[1]).toMatch(/^\|( -{3,}:? \|)+$/)
  for (const line of table) {
    expect(line.endsWith('|'), line).toBe(true)
    expect(cells(line), line).toHaveLength(width)
  }
}

describe('Markdown report', () => {
  it('writes report.md only; charts are image links to the png format files', async () => {
    const files = await renderMarkdown(document, {charts: new Map(), bom: false})
    expect(files.map((file) => file.path)).toEqual(['report.md'])
    const text = String(files[0].content)
    expect(text).toContain('![Savings \\[by\\] ministry](charts/savings-by-ministry.png)')
  })

  it('draws well-formed tables, numbers right-aligned, totals in bold', async () => {
    const text = await markdownText(document, {})
    const found = tables(text)
    expect(found).toHaveLength(2)
    found.forEach(expectWellFormed)
    const [table] = found
    expect(table[0]).toBe('| Ministry | Savings (thousand yen) | Hours \\| per year | FTE |')
    expect(table[1]).toBe('| --- | ---: | ---: | ---: |')
    expect(table[2]).toBe('| a\\|b \\<script\\>x\\</script\\> \\*bold\\* \\[link\\](http://example.com) 総務省 | 1,235 | 11 | 0.3 |')
    expect(table[3]).toBe('| multi<br>line | — | — | — |')
    expect(table[4]).toBe('| **Total** | **1,235** | **11** | **0.3** |')
  })

  it('has the title, contents, figures as a list, paragraphs and provenance', async () => {
    const text = await markdownText(document, {})
    expect(text.startsWith(`# Estimate ${escapeMarkdown(HOSTILE)}\n`)).toBe(true)
    expect(text).toContain('1. Summary\n2. By ministry\n3. Provenance')
    expect(text).toContain('- **Net present value**: 1,235 thousand yen\n- **Payback year**: FY2013')
    expect(text).toContain('Line one line two')
    expect(text).toContain('## Provenance')
    expect(text).toContain('| systems | systems\\|x.csv |')
    expect(text).not.toMatch(/<script>/)
    expect(text).not.toMatch(/\n{3,}/)
  })

  it('renders the 2009 reference report with well-formed tables', async () => {
    const reference = buildReferenceReport(await loadReferenceTable('jp-2009'), 'zh-TW')
    const text = await markdownText(reference, {})
    const found = tables(text)
    expect(found.length).toBe(reference.sections.reduce((total, section) => total + (section.tables?.length ?? 0), 0))
    found.forEach(expectWellFormed)
    expect(text).toContain('**19,725,339**')
    expect(text).toContain('**392,959**')
    expect(text).toContain('**23,784,770**')
    expect(text).toContain('](charts/reference-by-lead-ministry.png)')
    expect(text).toContain('](charts/reference-hours-by-area.png)')
  })
})
