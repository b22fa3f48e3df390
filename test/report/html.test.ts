import * as fontkit from 'fontkit'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {renderCharts} from '../../src/report/charts.js'
import type {ReportDocument} from '../../src/report/model.js'
import {columnHeading, escapeHtml, fillTemplate, formatCell, htmlPage, renderHtml, visibleText} from '../../src/report/render/html.js'
import {charactersOf} from '../../src/report/embed-fonts.js'
import type {RenderContext} from '../../src/report/render/types.js'
import {tempDir} from '../support/cli.js'

const HOSTILE = '<script>alert("x")</script> & 総務省\'s {{body}} $& system'

/** A small document with every kind of content, and user data that must be escaped. */
function sampleDocument(): ReportDocument {
  return {
    name: 'sample',
    title: `統合効果の試算: ${HOSTILE}`,
    subtitle: 'FY2010–FY2015 · JPY',
    lang: 'ja',
    currency: 'JPY',
    data: {},
    sections: [
      {
        id: 'summary',
        title: '概要',
        paragraphs: [`説明 ${HOSTILE}`],
        figures: [
          {label: '平年度削減額', value: '1,235 千円 (FY2013)'},
          {label: '正味現在価値', value: '-2 千円'},
          {label: 'Something else', value: '42'},
        ],
      },
      {
        id: 'cash-flow',
        title: '年度別キャッシュフロー',
        tables: [
          {
            id: 'cash-flow',
            title: '年度別キャッシュフロー',
            columns: [
              {key: 'year', label: '年度', kind: 'year'},
              {key: 'savings', label: '削減額', kind: 'money'},
              {key: 'net', label: '純効果', kind: 'money'},
              {key: 'hours', label: '削減時間', kind: 'hours'},
              {key: 'fte', label: '人年', kind: 'fte'},
              {key: 'effect', label: '削減経費（千円）', kind: 'thousands'},
            ],
            rows: [
              {year: 2010, savings: '1234500', net: '-1500', hours: '12345.5', fte: '0.25', effect: '73704'},
              {year: 2011, savings: '999', net: '-499.99', hours: null, fte: '12', effect: null},
            ],
            totals: [{year: '合計', savings: '1235499', net: '-1999.99', hours: '12345.5', fte: '12.25', effect: '73704'}],
            note: `注 ${HOSTILE}`,
          },
        ],
        charts: [
          {
            id: 'cumulative-net',
            kind: 'line',
            title: `累積純キャッシュフロー ${HOSTILE}`,
            labels: ['2010', '2011'],
            series: [{label: '累積', values: [-1.5, -2]}],
            yTitle: '千円',
          },
        ],
      },
      {
        id: 'by-ministry',
        title: '府省別',
        tables: [
          {
            id: 'by-ministry',
            title: '府省別',
            columns: [
              {key: 'key', label: '府省', kind: 'text'},
              {key: 'savings', label: '削減額', kind: 'money'},
            ],
            rows: [
              {key: HOSTILE, savings: '1000'},
              {key: '總務省', savings: '234500'},
            ],
            totals: [{key: '合計', savings: '235500'}],
          },
        ],
        charts: [
          {
            id: 'savings-by-ministry',
            kind: 'horizontal-bar',
            title: '府省別削減額',
            labels: [HOSTILE, '總務省'],
            series: [{label: '削減額', values: [1, 234.5]}],
            xTitle: '千円',
          },
        ],
      },
    ],
    provenance: {
      kasumi: '0.1.0',
      createdAt: '2025-01-01T00:00:00.000Z',
      command: 'kasumi report --scenario x',
      inputs: [{role: 'systems', file: `/tmp/${HOSTILE}.csv`, sha256: 'a'.repeat(64), rows: 1234}],
    },
  }
}

async function page(document = sampleDocument(), context: Partial<RenderContext> = {}) {
  const charts = context.charts ?? (await renderCharts(document))
  return (await htmlPage(document, {charts, bom: false, ...context})).page
}

/** Attributes of every element of a tag, as raw strings. */
function attributes(html: string, tag: string, name: string): string[] {
  const pattern = new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`, 'g')
  return [...html.matchAll(pattern)].map((match) => match[1])
}

describe('formatCell', () => {
  it('shows money in thousands, rounded half up, grouped', () => {
    expect(formatCell('1234500', 'money')).toBe('1,235')
    expect(formatCell('1234499.99', 'money')).toBe('1,234')
    expect(formatCell('-1500', 'money')).toBe('-2')
    expect(formatCell('499', 'money')).toBe('0')
    expect(formatCell(2500, 'money')).toBe('3')
  })

  it('shows thousands, hours, FTE and years as they should', () => {
    expect(formatCell('1189160', 'thousands')).toBe('1,189,160')
    expect(formatCell('12345.5', 'hours')).toBe('12,346')
    expect(formatCell('0.25', 'fte')).toBe('0.3')
    expect(formatCell('12', 'fte')).toBe('12.0')
    expect(formatCell(2013, 'year')).toBe('2013')
    expect(formatCell(null, 'money')).toBe('—')
    expect(formatCell('合計', 'year')).toBe('合計')
    expect(formatCell('1,234', 'text')).toBe('1,234')
  })

  it('names the money unit in the heading', () => {
    expect(columnHeading({key: 'a', label: '削減額', kind: 'money'}, {currency: 'JPY', lang: 'ja'})).toBe('削減額 (千円)')
    expect(columnHeading({key: 'a', label: 'Savings', kind: 'money'}, {currency: 'JPY', lang: 'en'})).toBe('Savings (thousand yen)')
    expect(columnHeading({key: 'a', label: 'Savings', kind: 'money'}, {currency: 'USD', lang: 'en'})).toBe('Savings (thousand USD)')
    expect(columnHeading({key: 'a', label: '削減経費（千円）', kind: 'thousands'}, {currency: 'JPY', lang: 'ja'})).toBe('削減経費（千円）')
  })
})

describe('HTML report', () => {
  it('is one self-contained file: no external src or href, charts and fonts as data: URIs, styles inline', async () => {
    const document = sampleDocument()
    const charts = await renderCharts(document)
    const files = await renderHtml(document, {charts, bom: false})
    expect(files.map((file) => file.path)).toEqual(['report.html'])
    const html = String(files[0].content)
    for (const value of [...html.matchAll(/\s(?:src|href|srcset|poster|data)="([^"]*)"/g)].map((match) => match[1])) {
      expect(value.startsWith('#') || value.startsWith('data:image/png;base64,'), value.slice(0, 60)).toBe(true)
    }
    // The only url() is each embedded font's, a data: URI.
    const fontUrls = html.match(/url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\) format\("woff2"\)/g) ?? []
    expect(fontUrls.length).toBeGreaterThanOrEqual(2)
    expect(/<link\b|<script\b|@import|url\(/i.test(html.replace(/url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\)/g, ''))).toBe(false)
    expect(html).toMatch(/<style>[\s\S]*\.table-wrap[\s\S]*<\/style>/)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(html).toContain('<html lang="ja">')
    expect(html).toMatch(/@media print[\s\S]*@page \{ size: A4/)
    // Every chart, with its title as alt text (escaped).
    for (const [id, png] of charts) {
      expect(html).toContain(`data:image/png;base64,${png.toString('base64')}`)
      expect(html).toContain(`data-chart="${id}"`)
    }
    expect(attributes(html, 'img', 'alt')).toEqual([escapeHtml(`累積純キャッシュフロー ${HOSTILE}`), '府省別削減額'])
  })

  it('embeds font subsets holding exactly the characters it shows, and reports the bytes they add; the same document gives the same bytes', async () => {
    const document = sampleDocument()
    const charts = await renderCharts(document)
    const [file] = await renderHtml(document, {charts, bom: false})
    const html = String(file.content)
    const fonts = file.fonts!
    const css = html.match(/@font-face[\s\S]*?\n(?=\/\*|[^@])/)![0]
    expect(fonts.addedBytes).toBe(Buffer.byteLength(css))
    expect(fonts.faces.map((face) => `${face.family} ${face.weight}`).slice(0, 2)).toEqual(['Noto Sans JP 400', 'Noto Sans JP 700'])
    const shown = new Set(charactersOf(visibleText(html)))
    const covered = new Set<string>()
    const sources = [...html.matchAll(/font-family: "([^"]+)"; font-style: normal; font-weight: (\d+);[^}]*base64,([A-Za-z0-9+/=]+)/g)]
    expect(sources).toHaveLength(fonts.faces.length)
    for (const [index, [, family, weight, base64]] of sources.entries()) {
      const woff2 = Buffer.from(base64, 'base64')
      expect(`${family} ${weight} ${woff2.length}`).toBe(`${fonts.faces[index].family} ${fonts.faces[index].weight} ${fonts.faces[index].bytes}`)
      const font = fontkit.create(woff2) as fontkit.Font
      // U+FFFF closes every format 4 cmap; fontkit lists it.
      const set = font.characterSet.filter((code) => code !== 0xffff).map((code) => String.fromCodePoint(code))
      // Nothing the page does not show.
      expect(set.filter((char) => !shown.has(char))).toEqual([])
      for (const char of set) covered.add(char)
    }
    // Everything it shows, but what neither font has.
    expect([...shown].filter((char) => !covered.has(char) && char !== ' ')).toEqual(fonts.missing)
    expect(shown.has('総')).toBe(true)
    expect(covered.has('総')).toBe(true)
    const [again] = await renderHtml(document, {charts, bom: false})
    expect(again.content === file.content).toBe(true)
  })

  it('escapes every text: names with <script> are shown, never run', async () => {
    const html = await page()
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 総務省&#39;s')
    // Placeholders inside user data are not filled, and $& is not a replacement pattern.
    expect(html).toContain('{{body}} $&amp; system')
    expect(html.match(/<main>/g)).toHaveLength(1)
    expect(html).toContain(`<title>統合効果の試算: ${escapeHtml(HOSTILE)}</title>`)
  })

  it('has every section in order, a table of contents, and the provenance', async () => {
    const html = await page()
    const sections = [...html.matchAll(/<section class="report-section[^"]*" id="([^"]+)"/g)].map((match) => match[1])
    expect(sections).toEqual(['section-summary', 'section-cash-flow', 'section-by-ministry', 'section-provenance'])
    const toc = [...html.matchAll(/<li><a href="#([^"]+)">/g)].map((match) => match[1])
    expect(toc).toEqual(sections)
    expect(html).toContain('<nav class="toc"')
    expect(html).toMatch(/@media print[\s\S]*\.toc \{ display: none; \}/)
    expect(html).toContain('a'.repeat(64))
    expect(html).toContain('data-value="1234"')
  })

  it('shows figures as a definition list with stable ids', async () => {
    const html = await page()
    expect(html).toContain('<dl class="figures">')
    expect(html).toContain('<div class="figure" id="figure-run-rate"><dt>平年度削減額</dt><dd>1,235 千円 (FY2013)</dd></div>')
    expect(html).toContain('id="figure-npv"')
    expect(html).toContain('id="figure-summary-3"')
  })

  it('draws tables with right-aligned numbers, totals in <tfoot> and exact values in data-value', async () => {
    const document = sampleDocument()
    const html = await page(document)
    for (const table of document.sections.flatMap((section) => section.tables ?? [])) {
      const match = new RegExp(`<table data-table="${table.id}">([\\s\\S]*?)</table>`).exec(html)
      expect(match, table.id).not.toBeNull()
      const body = match![1]
      const [tbody, tfoot] = [/<tbody>([\s\S]*?)<\/tbody>/.exec(body)![1], /<tfoot>([\s\S]*?)<\/tfoot>/.exec(body)![1]]
      const check = (part: string, rows: Array<Record<string, unknown>>) => {
        const rowsHtml = part.trim().split('\n')
        expect(rowsHtml).toHaveLength(rows.length)
        rows.forEach((row, index) => {
          for (const column of table.columns) {
            if (column.kind === 'text') continue
            const value = row[column.key]
            const cell = new RegExp(`<td class="([^"]*)" data-key="${column.key}"(?: data-value="([^"]*)")?>`).exec(rowsHtml[index])
            if (value === null || (typeof value === 'string' && !/^-?\d/.test(value))) continue
            expect(cell, `${table.id} ${column.key}`).not.toBeNull()
            expect(cell![1]).toContain('num')
            expect(cell![2]).toBe(String(value))
          }
        })
      }
      check(tbody, table.rows)
      check(tfoot, table.totals ?? [])
    }
    expect(html).toContain('<td class="num" data-key="savings" data-value="1234500">1,235</td>')
    expect(html).toContain('<td class="num" data-key="net" data-value="-1999.99">-2</td>')
    expect(html).toContain('<td class="num empty" data-key="hours">—</td>')
    expect(html).toContain('<th scope="col" class="num">削減額 <span class="unit">(千円)</span></th>')
    expect(html).toContain('td.num, th.num { text-align: right;')
  })

  it('uses a template folder when given, and the bundled CSS for what it lacks', async () => {
    const folder = tempDir('kasumi-template-')
    writeFileSync(
      join(folder, 'report.html'),
      '<!DOCTYPE html><html lang="{{lang}}"><head><title>{{title}}</title><style>{{styles}}</style></head><body class="custom">{{header}}{{body}}{{unknown}}</body></html>',
    )
    const html = await page(undefined, {templateDir: folder, charts: new Map()})
    expect(html).toContain('<body class="custom">')
    expect(html).toContain('.table-wrap')
    expect(html).toContain('{{unknown}}')
    expect(html).not.toContain('<nav')
    writeFileSync(join(folder, 'report.css'), 'body { color: red; } </style><script>')
    const styled = await page(undefined, {templateDir: folder, charts: new Map()})
    expect(styled).toContain('body { color: red; }')
    expect(styled).not.toContain('</style><script>')
  })

  it('notes a chart that was not rendered instead of a broken image', async () => {
    const html = await page(undefined, {charts: new Map()})
    expect(html).not.toContain('<img')
    expect(html).toContain('class="chart chart-missing"')
  })

  it('fills placeholders in one pass', () => {
    expect(fillTemplate('{{a}}-{{b}}-{{ c }}', {a: '{{b}}', b: '$&', c: 'x'})).toBe('{{b}}-$&-x')
  })
})
