import {beforeAll, describe, expect, it} from 'vitest'

import {byArea, byLeadMinistry, computeTotals, loadReferenceTable, type ReferenceTable} from '../../src/reference/jp2009.js'
import {buildReferenceReport} from '../../src/report/build-reference.js'
import {renderCharts} from '../../src/report/charts.js'
import {LANGS} from '../../src/domain/lang.js'
import type {ReportDocument, ReportTable} from '../../src/report/model.js'
import {htmlPage} from '../../src/report/render/html.js'

let table: ReferenceTable

beforeAll(async () => {
  table = await loadReferenceTable('jp-2009')
})

const tableOf = (document: ReportDocument, id: string): ReportTable =>
  document.sections.flatMap((section) => section.tables ?? []).find((candidate) => candidate.id === id)!
const chartOf = (document: ReportDocument, id: string) =>
  document.sections.flatMap((section) => section.charts ?? []).find((candidate) => candidate.id === id)!

describe('reference report (jp-2009)', () => {
  it('has the sections in order', () => {
    const document = buildReferenceReport(table, 'zh-TW')
    expect(document.sections.map((section) => section.id)).toEqual([
      'reference-table',
      'by-lead-ministry',
      'by-area',
      'joint-use',
      'checks',
      'metadata',
    ])
    expect(document.name).toBe('reference-jp-2009')
    expect(document.lang).toBe('zh-TW')
    expect(document.currency).toBe('JPY')
  })

  it('shows the table as published, with its totals and the joint-use rows marked ＊', () => {
    const document = buildReferenceReport(table, 'zh-TW')
    const published = tableOf(document, 'reference-table')
    expect(published.rows).toHaveLength(table.rows.length)
    expect(published.totals![0]).toMatchObject({costReduction: '19725339', hoursReduction: '23784770'})
    expect(published.totals![1]).toMatchObject({costReduction: '392959'})
    const jointUse = table.rows.filter((row) => row.kind === 'joint-use').map((row) => row.seq)
    expect(jointUse.length).toBeGreaterThan(0)
    for (const seq of jointUse) expect(String(published.rows[seq - 1].area).startsWith('＊')).toBe(true)
    // The lead ministry is written at the start of its group only, as in the published table.
    expect(published.rows[0].leadMinistry).toBe('人事院‧總務省')
    expect(published.rows[1].leadMinistry).toBe('')
  })

  it('totals by lead ministry with src/reference, and charts them sorted', () => {
    const document = buildReferenceReport(table, 'ja')
    const groups = byLeadMinistry(table)
    const leads = tableOf(document, 'by-lead-ministry')
    expect(leads.rows.map((row) => row.ministry)).toEqual(groups.map((group) => group.ministries.join('')))
    expect(leads.rows.map((row) => row.costReduction)).toEqual(groups.map((group) => group.totals.costReductionThousandYen))
    expect(leads.totals![0]).toMatchObject({costReduction: '19725339', jointUse: '392959', hoursReduction: '23784770'})
    const chart = chartOf(document, 'reference-by-lead-ministry')
    expect(chart.kind).toBe('bar')
    const values = chart.series[0].values
    expect([...values].sort((a, b) => b - a)).toEqual(values)
    expect(values.reduce((total, value) => total + value, 0)).toBe(19_725_339)
    expect(chart.yTitle).toBe('千円')
  })

  it('lists every area row and charts the hours as horizontal bars, largest first', () => {
    const document = buildReferenceReport(table, 'en')
    const areas = tableOf(document, 'by-area')
    expect(areas.rows).toHaveLength(byArea(table).length)
    expect(areas.totals![0]).toMatchObject({costReduction: '19725339', jointUse: '392959', hoursReduction: '23784770'})
    const chart = chartOf(document, 'reference-hours-by-area')
    expect(chart.kind).toBe('horizontal-bar')
    const values = chart.series[0].values
    expect([...values].sort((a, b) => b - a)).toEqual(values)
    expect(values.every((value) => value > 0)).toBe(true)
    expect(values.reduce((total, value) => total + value, 0)).toBe(23_784_770)
    expect(chart.xTitle).toBe('hours')
  })

  it('shows the joint-use summary (實施前 / 實施後 / 削減經費) and the load checks', () => {
    const document = buildReferenceReport(table, 'zh-TW')
    const summary = tableOf(document, 'joint-use-summary')
    expect(summary.columns.map((column) => column.label)).toEqual(['實施前 (千元（日幣）)', '實施後 (千元（日幣）)', '削減經費 (千元（日幣）)'])
    expect(summary.rows).toEqual([{before: '2475877', after: '2082918', reduction: '392959'}])
    expect(tableOf(document, 'joint-use-rows').totals![0].costReduction).toBe(computeTotals(table.rows).jointUseThousandYen)
    const checks = tableOf(document, 'checks')
    expect(checks.rows.map((row) => row.id)).toEqual(table.checks.map((check) => check.id))
    expect(checks.rows.every((row) => String(row.result).startsWith('✓'))).toBe(true)
  })

  it('states the source, the publication date, the units and that the figures are estimates', () => {
    const document = buildReferenceReport(table, 'ja')
    const metadata = document.sections.find((section) => section.id === 'metadata')!
    const values = metadata.figures!.map((figure) => figure.value)
    expect(values).toContain('2009-08-31')
    expect(values).toContain('最適化計画（87分野）における効果一覧')
    expect(values.some((value) => value.includes('thousand yen (千円)') && value.includes('hours per year'))).toBe(true)
    expect(values.some((value) => value.startsWith('試算'))).toBe(true)
    expect(document.subtitle).toContain('2009-08-31')
  })

  for (const lang of LANGS) {
    it(`renders to HTML with the totals as exact values (${lang})`, async () => {
      const document = buildReferenceReport(table, lang)
      const charts = await renderCharts(document)
      expect([...charts.keys()]).toEqual(['reference-by-lead-ministry', 'reference-hours-by-area'])
      const html = (await htmlPage(document, {charts, bom: false})).page
      expect(html).toContain(`<html lang="${lang}">`)
      expect(html).toContain('data-value="19725339">19,725,339</td>')
      expect(html).toContain('data-value="392959">392,959</td>')
      expect(html).toContain('data-value="23784770">23,784,770</td>')
      expect(html).toContain('2009-08-31')
    })
  }
})
