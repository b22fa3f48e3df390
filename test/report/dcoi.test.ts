/**
 * kasumi report: the DCOI metrics of the register's facilities in the
 * benchmark section, as `kasumi bench` shows them (targets with their OMB
 * memorandum, ✓/✗, n/a naming the field), and the closures by fiscal year;
 * exact in report.json, drawn in HTML, Markdown, CSV and XLSX.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {kasumi, ROOT, tempDir, type CommandResult} from '../support/cli.js'

const SAMPLES = join(ROOT, 'data', 'samples')

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

describe('kasumi report: DCOI metrics in the benchmark section', () => {
  let dir: string
  let database: string

  beforeAll(async () => {
    dir = tempDir('kasumi-report-dcoi-')
    database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'dcoi-idc-2024q3.csv'), '--database', database, '--period', '2024-Q3'])
    await ok(['inventory', 'import', join(SAMPLES, 'dcoi-idc-2024q4.csv'), '--database', database, '--period', '2024-Q4'])
  }, 120_000)

  it('report.json holds the metrics exactly as kasumi bench --json does; HTML, Markdown, CSV and XLSX show them with the targets', async () => {
    const out = join(dir, 'report')
    await ok(['report', '--scenario', 'kasumigaseki-cloud', '--format', 'json,html,md,csv,xlsx', '--out', out, '--database', database])
    const bench = (await ok(['bench', '--database', database, '--json'])).json

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(report.benchmark.facilities).toEqual(bench.facilities)
    const total = report.benchmark.facilities.total.metrics
    expect(total['energy-metering']).toMatchObject({value: '0.75', meetsTarget: false})
    expect(total.pue).toMatchObject({value: '1.3516', meetsTarget: true})
    expect(total.availability).toMatchObject({value: '0.999094'})
    expect(report.benchmark.facilities.closures).toEqual([
      {agency: 'DOX', fiscalYear: 2024, closed: 2, inMigration: 0, floorAreaRemoved: '3800', serversRemoved: 225, withoutFigures: 0},
    ])
    // The facilities are an input of the report.
    expect(report.provenance.inputs.map((input: {role: string}) => input.role)).toContain('facilities')

    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('DCOI metrics of the data centres, 2024-Q4')
    expect(html).toContain('Power usage effectiveness (PUE)')
    expect(html).toContain('1.35 ✓')
    expect(html).toContain('75.00% ✗')
    expect(html).toContain('99.91%')
    expect(html).toContain('29.19% ✗') // facility utilisation: 360 racks × 30 sq ft ÷ 37,000 sq ft
    expect(html).toContain('≤ 1.5; ≤ 1.4 for new data centres (OMB M-16-19; M-19-19 no longer sets one)')
    expect(html).toContain('agency-specific (OMB M-19-19)')
    expect(html).toContain('Data-centre closures by fiscal year')

    const md = readFileSync(join(out, 'report.md'), 'utf8')
    expect(md).toMatch(/\| Energy-metering coverage \| 100 % \(OMB M-16-19\) \| 75\.00% ✗ \| 75\.00% ✗ \|/)
    expect(md).toMatch(/\| Power usage effectiveness \(PUE\) \| .*M-16-19.* \| 1\.35 ✓ \| 1\.35 ✓ \|/)
    expect(md).toMatch(/\| FY2024 \| DOX \| 2 \| 0 \| 3,800 \| 225 \|/)
    expect(md).toMatch(
      /\| availability \| Availability \| agency-specific \(OMB M-19-19\) \| OMB M-19-19 \(availability = 1 − actual hours of downtime ÷ planned hours of availability\) \|/,
    )
    expect(md).toContain('DCOI 2024-Q4: Power usage effectiveness (PUE)')

    const csv = readFileSync(join(out, 'csv', 'bench-dcoi-metrics.csv'), 'utf8')
    expect(csv).toContain('Underutilised servers')
    expect(readFileSync(join(out, 'csv', 'bench-dcoi-closures.csv'), 'utf8')).toContain('FY2024')
  }, 180_000)
})
