/**
 * kasumi report: the report folder with every format, written atomically,
 * never overwritten without --force, with its provenance; --reference; the
 * default folder under the current directory.
 */
import {createHash} from 'node:crypto'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {kasumi, kasumiProcess, ROOT, tempDir, type CommandResult, filesIn} from '../support/cli.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const SCENARIO_FILE = join(ROOT, 'data', 'scenarios', `${SCENARIO}.yaml`)

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

describe('kasumi report', () => {
  let dir: string
  let database: string

  beforeAll(async () => {
    dir = tempDir('kasumi-report-command-')
    database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
  }, 120_000)

  it('writes the folder with every format; --json lists each file with its SHA-256 and size, and the totals', async () => {
    const out = join(dir, 'all')
    const result = await ok(['report', '--scenario', SCENARIO, '--out', out, '--database', database, '--json'])
    const json = result.json
    expect(json.formatVersion).toBe(1)
    expect(json.folder).toBe(out)
    const paths = json.files.map((file: {path: string}) => file.path)
    expect(paths).toEqual(filesIn(out))
    for (const expected of ['report.html', 'report.md', 'report.json', 'report.xlsx', 'csv/cash-flow.csv', 'csv/by-ministry.csv', 'csv/effects.csv'])
      expect(paths).toContain(expected)
    expect(paths.filter((path: string) => path.startsWith('charts/') && path.endsWith('.png')).length).toBeGreaterThan(0)
    for (const file of json.files) {
      expect(sha256(join(out, file.path)), file.path).toBe(file.sha256)
      expect(readFileSync(join(out, file.path)).length, file.path).toBe(file.bytes)
    }
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(json.totals).toEqual(report.totals)
    expect(report.formatVersion).toBe(1)
    // Nothing left beside the folder: the temporary one was renamed into place.
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([])
    // The fonts report.html embeds, and the bytes they add to it.
    expect(json.fonts.file).toBe('report.html')
    expect(json.fonts.faces.map((face: {family: string; weight: number}) => `${face.family} ${face.weight}`)).toContain('Noto Sans JP 700')
    expect(json.fonts.addedBytes).toBeGreaterThan(json.fonts.faces.reduce((sum: number, face: {bytes: number}) => sum + face.bytes, 0))
    expect(json.fonts.addedBytes).toBeLessThan(1_000_000)
  }, 120_000)

  it('says on stderr what the embedded fonts add to report.html', async () => {
    const out = join(dir, 'fonts')
    const result = await ok(['report', '--scenario', SCENARIO, '--format', 'html', '--lang', 'zh-TW', '--out', out, '--database', database])
    expect(result.stderr).toMatch(/^report\.html embeds font subsets adding [\d,]+ bytes: Noto Sans TC \([\d,]+ characters, weights 400 and 700\)/m)
    expect(result.stdout).not.toContain('embeds font subsets')
  }, 120_000)

  it('records the provenance: version, time, the exact command and every input with SHA-256 and rows', async () => {
    const out = join(dir, 'provenance')
    await ok(['report', '--scenario', SCENARIO, '--format', 'json', '--out', out, '--database', database])
    const {provenance} = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(provenance.kasumi).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
    expect(Date.now() - Date.parse(provenance.createdAt)).toBeLessThan(120_000)
    expect(provenance.command).toBe(`kasumi report --scenario ${SCENARIO} --format json --out ${out} --database ${database}`)
    expect(provenance.inputs.map((input: {role: string}) => input.role)).toEqual(['scenario', 'ministries', 'systems', 'costs'])
    const [scenario, , systems, costs] = provenance.inputs
    expect(scenario).toMatchObject({file: SCENARIO_FILE, sha256: sha256(SCENARIO_FILE)})
    expect(systems.rows).toBe(200)
    expect(costs.rows).toBe(6726)
    // The register's hashes are those of its canonical export (no BOM), as an audit bundle holds it.
    const exported = join(dir, 'systems-export.csv')
    await ok(['inventory', 'export', '--kind', 'systems', '--no-bom', '--output', exported, '--database', database])
    expect(systems.sha256).toBe(sha256(exported))
    const exportedCosts = join(dir, 'costs-export.csv')
    await ok(['inventory', 'export', '--kind', 'costs', '--no-bom', '--output', exportedCosts, '--database', database])
    expect(costs.sha256).toBe(sha256(exportedCosts))
  })

  it('refuses to overwrite a folder without --force (exit 5), and replaces it whole with --force', async () => {
    const out = join(dir, 'again')
    await ok(['report', '--scenario', SCENARIO, '--format', 'csv,json', '--out', out, '--database', database])
    const before = sha256(join(out, 'report.json'))
    const refused = await kasumi(['report', '--scenario', SCENARIO, '--format', 'xlsx', '--out', out, '--database', database])
    expect(refused.exitCode).toBe(5)
    expect(refused.stderr).toContain('already exists')
    expect(refused.stderr).toContain('--force')
    expect(sha256(join(out, 'report.json'))).toBe(before)
    expect(existsSync(join(out, 'report.xlsx'))).toBe(false)

    const refusedJson = await kasumi(['report', '--scenario', SCENARIO, '--format', 'xlsx', '--out', out, '--database', database, '--json'])
    expect(refusedJson.exitCode).toBe(5)
    expect(refusedJson.json.error.exitCode).toBe(5)

    await ok(['report', '--scenario', SCENARIO, '--format', 'xlsx', '--out', out, '--database', database, '--force'])
    expect(filesIn(out)).toEqual(['.kasumi-output', 'report.xlsx'])
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([])
  }, 120_000)

  it('writes CSV with a BOM by default and without one with --no-bom', async () => {
    await ok(['report', '--scenario', SCENARIO, '--format', 'csv', '--out', join(dir, 'bom'), '--database', database])
    await ok(['report', '--scenario', SCENARIO, '--format', 'csv', '--out', join(dir, 'no-bom'), '--no-bom', '--database', database])
    const bom = readFileSync(join(dir, 'bom', 'csv', 'cash-flow.csv'))
    const plain = readFileSync(join(dir, 'no-bom', 'csv', 'cash-flow.csv'))
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(plain.subarray(0, 11).toString()).toBe('Fiscal year')
    expect(bom.subarray(3).equals(plain)).toBe(true)
  })

  it('prints a summary table and the paths written on stdout, nothing on stderr when it is not a terminal', async () => {
    const out = join(dir, 'human')
    const result = await ok(['report', '--scenario', SCENARIO, '--format', 'csv,json', '--out', out, '--database', database])
    expect(result.stdout).toContain('Net present value')
    // 15 CSV tables (8 of the estimate, 7 of the benchmark section), report.json and the .kasumi-output marker.
    expect(result.stdout).toContain(`Wrote 17 files to ${out}:`)
    expect(result.stdout).toContain('  report.json')
    expect(result.stdout).toContain('  csv/cash-flow.csv')
    expect(result.stderr).toBe('')
  })

  it('needs exactly one of --scenario and --reference (exit 2)', async () => {
    const neither = await kasumi(['report', '--format', 'json', '--out', join(dir, 'x'), '--database', database])
    expect(neither.exitCode).toBe(2)
    expect(neither.stderr).toMatch(/Exactly one of the following must be provided: --reference, --scenario/)
    const both = await kasumi([
      'report',
      '--scenario',
      SCENARIO,
      '--reference',
      'jp-2009',
      '--format',
      'json',
      '--out',
      join(dir, 'y'),
      '--database',
      database,
    ])
    expect(both.exitCode).toBe(2)
    expect(existsSync(join(dir, 'x'))).toBe(false)
    expect(existsSync(join(dir, 'y'))).toBe(false)
  })

  it('refuses an unknown format (exit 2) and an unknown scenario (exit 4)', async () => {
    expect((await kasumi(['report', '--scenario', SCENARIO, '--format', 'docx', '--out', join(dir, 'docx'), '--database', database])).exitCode).toBe(
      2,
    )
    expect(
      (await kasumi(['report', '--scenario', 'no-such-scenario', '--format', 'json', '--out', join(dir, 'none'), '--database', database])).exitCode,
    ).toBe(4)
  })

  it('reports a reference table (--reference jp-2009) without a store', async () => {
    const out = join(dir, 'reference')
    const result = await ok([
      'report',
      '--reference',
      'jp-2009',
      '--format',
      'csv,xlsx,json',
      '--lang',
      'ja',
      '--out',
      out,
      '--database',
      join(dir, 'no-store.db'),
      '--json',
    ])
    expect(result.json.totals.costReductionThousandYen).toMatch(/^\d+(\.\d+)?$/)
    expect(filesIn(out)).toContain('report.xlsx')
    const {provenance} = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(provenance.inputs.map((input: {role: string}) => input.role)).toEqual(['reference-meta', 'reference-data'])
    expect(provenance.inputs[1].sha256).toBe(sha256(join(ROOT, 'data', 'reference', 'jp-2009.csv')))
    expect(existsSync(join(dir, 'no-store.db'))).toBe(false)
  }, 120_000)

  it('writes to reports/out/<name>-<YYYY-MM-DD>/ under the current directory by default (the built CLI)', () => {
    const cwd = tempDir('kasumi-report-cwd-')
    const result = kasumiProcess(['report', '--scenario', SCENARIO, '--format', 'json', '--database', database, '--json'], {cwd})
    expect(result.exitCode, result.stderr).toBe(0)
    const now = new Date()
    const date = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
    const folder = join(cwd, 'reports', 'out', `${SCENARIO}-${date}`)
    expect(result.json.folder).toBe(folder)
    expect(filesIn(folder)).toEqual(['.kasumi-output', 'report.json'])
  }, 60_000)
})
