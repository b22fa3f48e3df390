/**
 * Audit bundles: `kasumi audit export` writes the inputs, the report and a
 * manifest; `kasumi audit verify` passes on a fresh bundle and fails (exit 7)
 * naming the file — and the figures — that one changed byte affects.
 */
import {createHash} from 'node:crypto'
import {cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {Dec} from '../../src/domain/money.js'
import {kasumi, ROOT, tempDir, type CommandResult} from '../support/cli.js'

const SAMPLES = join(ROOT, 'data', 'samples')
const SCENARIO = 'kasumigaseki-cloud'
const SCENARIO_FILE = join(ROOT, 'data', 'scenarios', `${SCENARIO}.yaml`)
const FORMATS = ['json', 'csv', 'xlsx', 'html', 'md', 'png', 'pdf']

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

describe('kasumi audit export and verify', () => {
  let dir: string
  let database: string
  let bundle: string
  let exported: any
  let manifest: any
  let manifestSha: string

  /** A copy of the fresh bundle to tamper with. */
  const copy = (name: string) => {
    const target = join(dir, name)
    cpSync(bundle, target, {recursive: true})
    return target
  }

  beforeAll(async () => {
    dir = tempDir('kasumi-audit-')
    database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', database])
    bundle = join(dir, 'bundle')
    exported = (await ok(['audit', 'export', '--scenario', SCENARIO, '--out', bundle, '--database', database, '--json'])).json
    manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))
    manifestSha = sha256(join(bundle, 'manifest.json'))
  }, 180_000)

  it('writes the inputs, the report in every format and the manifest', () => {
    const inputs = readdirSync(join(bundle, 'inputs')).sort()
    expect(inputs).toEqual(['costs.csv', 'ministries.csv', 'scenario.yaml', 'systems.csv'])
    expect(readFileSync(join(bundle, 'inputs', 'scenario.yaml')).equals(readFileSync(SCENARIO_FILE))).toBe(true)
    // The register snapshot has no BOM: its bytes are what the hash vouches for.
    expect(
      readFileSync(join(bundle, 'inputs', 'costs.csv'))
        .subarray(0, 9)
        .toString(),
    ).toBe('system_id')
    const outputs = manifest.outputs.map((output: {path: string}) => output.path)
    for (const expected of [
      'report/report.json',
      'report/report.xlsx',
      'report/report.html',
      'report/report.md',
      'report/report.pdf',
      'report/csv/cash-flow.csv',
    ])
      expect(outputs).toContain(expected)
    expect(outputs.some((path: string) => /^report\/charts\/.+\.png$/.test(path))).toBe(true)
    expect([...manifest.report.formats].sort()).toEqual([...FORMATS].sort())
    expect(exported.files.map((file: {path: string}) => file.path)).toContain('manifest.json')
  })

  it('records the version, time, command, every input with SHA-256 and rows, every output with SHA-256 and size', () => {
    expect(manifest).toMatchObject({
      formatVersion: 1,
      kind: 'kasumi-audit-bundle',
      kasumi: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    })
    expect(manifest.command).toBe(`kasumi audit export --scenario ${SCENARIO} --out ${bundle} --database ${database} --json`)
    expect(Date.now() - Date.parse(manifest.createdAt)).toBeLessThan(300_000)
    const byRole = Object.fromEntries(manifest.inputs.map((input: any) => [input.role, input]))
    expect(byRole.systems).toMatchObject({path: 'inputs/systems.csv', rows: 200})
    expect(byRole.costs).toMatchObject({path: 'inputs/costs.csv', rows: 6726, rowsOf: 'cost lines'})
    expect(byRole.scenario.sha256).toBe(sha256(SCENARIO_FILE))
    for (const entry of [...manifest.inputs, ...manifest.outputs]) {
      expect(sha256(join(bundle, entry.path)), entry.path).toBe(entry.sha256)
      expect(readFileSync(join(bundle, entry.path)).length, entry.path).toBe(entry.bytes)
    }
    // The report inside names the bundled inputs as its provenance.
    const report = JSON.parse(readFileSync(join(bundle, 'report', 'report.json'), 'utf8'))
    expect(report.provenance.inputs.map((input: any) => [input.file, input.sha256])).toEqual(
      manifest.inputs.map((input: any) => [input.path, input.sha256]),
    )
  })

  it('records the estimate totals and the reconciliation checks, all holding', async () => {
    const estimate = (await ok(['estimate', '--scenario', SCENARIO, '--json', '--database', database])).json
    expect(manifest.estimate.totals).toEqual(estimate.totals)
    expect(manifest.estimate.effects).toEqual(estimate.effects.totals)
    expect(manifest.estimate.jointUse).toEqual(estimate.effects.jointUseSummary)
    const ids = manifest.checks.map((check: {id: string}) => check.id)
    for (const id of ['by-ministry.savings', 'by-measure.net', 'by-year.savings', 'by-year.cumulative', 'joint-use.before-after'])
      expect(ids).toContain(id)
    for (const check of manifest.checks) {
      expect(Object.keys(check).sort()).toEqual(['actual', 'description', 'expected', 'id', 'ok'])
      expect(check.ok, check.id).toBe(true)
      expect(new Dec(check.expected).equals(check.actual), check.id).toBe(true)
    }
    const jointUse = manifest.checks.find((check: {id: string}) => check.id === 'joint-use.before-after')
    expect(jointUse.expected).toBe(estimate.effects.jointUseSummary.reduction)
  })

  it('verify passes on a fresh bundle (exit 0) and says what it checked', async () => {
    const human = await ok(['audit', 'verify', bundle])
    expect(human.stdout).toContain('Input files')
    expect(human.stdout).toContain('Recorded figures')
    expect(human.stderr).toContain('verifies')
    const {json} = await ok(['audit', 'verify', bundle, '--json'])
    expect(json.formatVersion).toBe(1)
    expect(json.ok).toBe(true)
    expect(json.mismatches).toEqual([])
    const names = json.checks.map((check: {name: string}) => check.name)
    expect(names).toContain('inputs/costs.csv')
    expect(names).toContain('report/report.xlsx')
    expect(names).toContain('totals.npv')
    expect(names).toContain('totals.byYear[3].savings')
    expect(names).toContain('by-ministry.savings')
    expect(json.checks.every((check: {ok: boolean}) => check.ok)).toBe(true)
  }, 60_000)

  it('fails (exit 7) when one digit of an amount in inputs/costs.csv changes, naming the file and the figures', async () => {
    const tampered = copy('tampered-input')
    const file = join(tampered, 'inputs', 'costs.csv')
    const lines = readFileSync(file, 'utf8').split('\r\n')
    const [header] = lines
    const amount = header.split(',').indexOf('amount')
    const year = header.split(',').indexOf('fiscal_year')
    const frequency = header.split(',').indexOf('frequency')
    // A recurring cost of the base year: the baseline and the savings move with it.
    const index = lines.findIndex((line) => {
      const cells = line.split(',')
      return cells[year] === '2008' && cells[frequency] === 'recurring' && /^[1-8]\d{3,}$/.test(cells[amount])
    })
    const cells = lines[index].split(',')
    cells[amount] = `${Number(cells[amount][0]) + 1}${cells[amount].slice(1)}`
    lines[index] = cells.join(',')
    writeFileSync(file, lines.join('\r\n'))
    expect(readFileSync(file).length).toBe(readFileSync(join(bundle, 'inputs', 'costs.csv')).length)

    const human = await kasumi(['audit', 'verify', tampered])
    expect(human.exitCode).toBe(7)
    expect(human.stderr).toContain('inputs/costs.csv sha256')
    expect(human.stderr).toMatch(/manifest\.json totals\.byYear\[\d+\]\.baseline/)

    const {json, exitCode} = await kasumi(['audit', 'verify', tampered, '--json'])
    expect(exitCode).toBe(7)
    expect(json.formatVersion).toBe(1)
    expect(json.ok).toBe(false)
    const files = new Set(json.mismatches.map((mismatch: {file: string}) => mismatch.file))
    // The input's hash, the figures the re-run gives, and the report re-derived from the changed input.
    expect([...files].filter((file) => !String(file).startsWith('report/')).sort()).toEqual(['inputs/costs.csv', 'manifest.json'])
    expect([...files]).toContain('report/report.json')
    expect(json.mismatches[0]).toMatchObject({file: 'inputs/costs.csv', figure: 'sha256'})
    const figures = json.mismatches
      .filter((mismatch: {file: string}) => mismatch.file === 'manifest.json')
      .map((mismatch: {figure: string}) => mismatch.figure)
    expect(figures).toContain('totals.byYear[0].baseline')
    expect(figures).toContain('totals.npv')
    for (const mismatch of json.mismatches.filter((entry: {figure: string}) => entry.figure === 'totals.npv')) {
      expect(mismatch.expected).toBe(manifest.estimate.totals.npv)
      expect(mismatch.actual).not.toBe(manifest.estimate.totals.npv)
    }
    // Only the cost file changed: the other inputs and every output still match.
    expect(
      json.checks
        .filter((check: {kind: string; ok: boolean}) => (check.kind === 'input' || check.kind === 'output') && !check.ok)
        .map((check: {name: string}) => check.name),
    ).toEqual(['inputs/costs.csv'])
  }, 60_000)

  it('fails (exit 7) naming an output file when one byte of it changes', async () => {
    const tampered = copy('tampered-output')
    const file = join(tampered, 'report', 'csv', 'cash-flow.csv')
    const content = readFileSync(file)
    const position = content.length - 5
    content[position] = content[position] === 0x31 ? 0x32 : 0x31
    writeFileSync(file, content)
    const result = await kasumi(['audit', 'verify', tampered, '--json'])
    expect(result.exitCode).toBe(7)
    // Its hash, and the file re-derived from the bundled inputs, which names the line.
    expect(result.json.mismatches).toEqual([
      expect.objectContaining({file: 'report/csv/cash-flow.csv', figure: 'sha256'}),
      expect.objectContaining({file: 'report/csv/cash-flow.csv', figure: expect.stringMatching(/^line \d+$/)}),
    ])
    const human = await kasumi(['audit', 'verify', tampered])
    expect(human.exitCode).toBe(7)
    expect(human.stderr).toContain('report/csv/cash-flow.csv')
    expect(human.stderr).not.toContain('inputs/')
  }, 60_000)

  it('fails (exit 7) on a missing file, on a file the manifest does not list (a note with --allow-extra) and on a changed recorded figure', async () => {
    const missing = copy('missing-output')
    const gone = manifest.outputs.find((output: {path: string}) => output.path.endsWith('.png') || output.path.endsWith('.md')).path
    rmSync(join(missing, gone))
    writeFileSync(join(missing, 'report', 'extra.txt'), 'not listed')
    const result = await kasumi(['audit', 'verify', missing, '--json'])
    expect(result.exitCode).toBe(7)
    expect(result.json.mismatches).toEqual([
      expect.objectContaining({file: gone, message: 'missing from the bundle'}),
      expect.objectContaining({file: 'report/extra.txt'}),
    ])
    const allowed = await kasumi(['audit', 'verify', missing, '--json', '--allow-extra'])
    expect(allowed.exitCode).toBe(7)
    expect(allowed.json.mismatches).toEqual([expect.objectContaining({file: gone, message: 'missing from the bundle'})])
    expect(allowed.json.notes).toContain('report/extra.txt is not listed in the manifest (not verified; allowed by --allow-extra)')

    const edited = copy('edited-manifest')
    const altered = JSON.parse(readFileSync(join(edited, 'manifest.json'), 'utf8'))
    altered.estimate.totals.npv = new Dec(altered.estimate.totals.npv).plus(1).toFixed()
    writeFileSync(join(edited, 'manifest.json'), JSON.stringify(altered, null, 2))
    const figure = await kasumi(['audit', 'verify', edited, '--json'])
    expect(figure.exitCode).toBe(7)
    expect(figure.json.mismatches).toEqual([
      expect.objectContaining({
        file: 'manifest.json',
        figure: 'totals.npv',
        expected: altered.estimate.totals.npv,
        actual: manifest.estimate.totals.npv,
      }),
    ])
  }, 60_000)

  it('export refuses an existing folder without --force (exit 5); verify of a folder without a manifest is exit 4', async () => {
    const refused = await kasumi(['audit', 'export', '--scenario', SCENARIO, '--out', bundle, '--database', database])
    expect(refused.exitCode).toBe(5)
    expect(refused.stderr).toContain('--force')
    expect(sha256(join(bundle, 'manifest.json'))).toBe(manifestSha)
    const empty = tempDir('kasumi-audit-empty-')
    expect((await kasumi(['audit', 'verify', empty])).exitCode).toBe(4)
    expect(existsSync(join(empty, 'manifest.json'))).toBe(false)
  })

  it('export --force replaces the bundle, which verifies', async () => {
    const again = copy('replaced')
    await ok(['audit', 'export', '--scenario', SCENARIO, '--out', again, '--format', 'json,csv', '--force', '--database', database])
    const replaced = JSON.parse(readFileSync(join(again, 'manifest.json'), 'utf8'))
    expect(replaced.outputs.every((output: {path: string}) => /^report\/(report\.json|csv\/.+\.csv)$/.test(output.path))).toBe(true)
    expect(existsSync(join(again, 'report', 'report.xlsx'))).toBe(false)
    await ok(['audit', 'verify', again])
  }, 120_000)

  it("bundles the scenario's exchange rates, and the re-run converts with the bundled ones", async () => {
    const store = join(dir, 'usd.db')
    await ok(['init', '--database', store])
    await ok(['inventory', 'import', join(SAMPLES, 'systems.csv'), '--database', store])
    await ok(['inventory', 'import', join(SAMPLES, 'costs.csv'), '--database', store])
    const usd = join(dir, 'usd-costs.csv')
    writeFileSync(
      usd,
      'system_id,fiscal_year,pool,spend_type,frequency,amount,currency,note\r\nCAS-0001,2008,hardware,operations,recurring,10000.50,USD,support contract\r\n',
    )
    await ok(['inventory', 'import', usd, '--database', store])
    const scenarioDir = tempDir('kasumi-audit-rates-')
    writeFileSync(join(scenarioDir, 'rates.csv'), 'fiscal_year,currency,rate\r\n2008,USD,103.39\r\n')
    const scenario = join(scenarioDir, 'with-rates.yaml')
    writeFileSync(scenario, `${readFileSync(SCENARIO_FILE, 'utf8')}\nexchangeRates: rates.csv\n`)

    const out = join(dir, 'rates-bundle')
    await ok(['audit', 'export', '--scenario', scenario, '--out', out, '--format', 'json,csv', '--database', store])
    expect(readFileSync(join(out, 'inputs', 'exchange-rates.csv'), 'utf8')).toBe(readFileSync(join(scenarioDir, 'rates.csv'), 'utf8'))
    const recorded = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(recorded.inputs.find((input: {role: string}) => input.role === 'exchange-rates')).toMatchObject({
      path: 'inputs/exchange-rates.csv',
      rows: 1,
    })
    // 10,000.50 USD at 103.39 yen: the base year's baseline holds it.
    expect(new Dec(recorded.estimate.totals.byYear[0].baseline).minus(manifest.estimate.totals.byYear[0].baseline).toFixed()).toBe(
      new Dec('10000.50').times('103.39').toFixed(0),
    )
    await ok(['audit', 'verify', out])

    const changed = join(dir, 'rates-changed')
    cpSync(out, changed, {recursive: true})
    writeFileSync(join(changed, 'inputs', 'exchange-rates.csv'), 'fiscal_year,currency,rate\r\n2008,USD,113.39\r\n')
    const result = await kasumi(['audit', 'verify', changed, '--json'])
    expect(result.exitCode).toBe(7)
    expect(result.json.mismatches[0]).toMatchObject({file: 'inputs/exchange-rates.csv', figure: 'sha256'})
    expect(result.json.mismatches.map((mismatch: {figure: string}) => mismatch.figure)).toContain('totals.byYear[0].baseline')
  }, 120_000)
})
