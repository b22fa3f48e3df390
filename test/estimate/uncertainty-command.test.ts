import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {ROOT, kasumi, tempDir} from '../support/cli.js'

/** `kasumi estimate` with --simulate and --sensitivity, run from the build on the 200-system sample register. */
let database: string
let dir: string

async function ok(argv: string[]) {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

beforeAll(async () => {
  dir = tempDir()
  database = join(dir, 'kasumi.db')
  await ok(['init', '--database', database])
  await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database])
  await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'costs.csv'), '--database', database])
})

const estimate = (...flags: string[]) => ['estimate', '--scenario', 'kasumigaseki-cloud', '--database', database, ...flags]

describe('kasumi estimate --simulate', () => {
  it('gives identical JSON for the same seed, and different figures for another seed', async () => {
    const first = await ok(estimate('--simulate', '120', '--seed', '42', '--json'))
    const again = await ok(estimate('--simulate', '120', '--seed', '42', '--json'))
    const other = await ok(estimate('--simulate', '120', '--seed', '43', '--json'))
    expect(again.stdout).toBe(first.stdout)
    expect(first.json.uncertainty).toMatchObject({simulations: 120, seed: 42})
    expect(other.json.uncertainty.npv).not.toEqual(first.json.uncertainty.npv)
    // The deterministic estimate is unchanged by the simulation.
    const plain = await ok(estimate('--json'))
    const {uncertainty, ...rest} = first.json
    expect(rest).toEqual(plain.json)
    expect(Object.keys(uncertainty.npv)).toEqual(['p10', 'p50', 'p90', 'mean'])
    expect(Object.keys(uncertainty.paybackYear)).toEqual(['p10', 'p50', 'p90', 'never', 'neverShare'])
    for (const value of [...Object.values(uncertainty.npv), ...Object.values(uncertainty.runRateSavings)]) expect(value).toMatch(/^-?\d+$/)
    expect(Number(uncertainty.npv.p10)).toBeLessThanOrEqual(Number(uncertainty.npv.p50))
    expect(Number(uncertainty.npv.p50)).toBeLessThanOrEqual(Number(uncertainty.npv.p90))
    expect(uncertainty.distributionNote).toContain('PERT')
  })

  it('gives the same figures with one worker and with two', async () => {
    const one = await ok(estimate('--simulate', '150', '--seed', '5', '--workers', '1', '--sensitivity', '--json'))
    const two = await ok(estimate('--simulate', '150', '--seed', '5', '--workers', '2', '--sensitivity', '--json'))
    expect(one.json.uncertainty.workers).toBe(1)
    expect(two.json.uncertainty.workers).toBe(2)
    expect({...two.json.uncertainty, workers: 0}).toEqual({...one.json.uncertainty, workers: 0})
    expect(two.json.sensitivity).toEqual(one.json.sensitivity)
  })

  it('prints the Monte Carlo and tornado tables after the deterministic ones, and no progress bar when stderr is not a terminal', async () => {
    const result = await ok(estimate('--simulate', '50', '--sensitivity'))
    const yearly = result.stdout.indexOf('Yearly cash flow')
    const carlo = result.stdout.indexOf('Monte Carlo: 50 runs, seed 1')
    const tornado = result.stdout.indexOf('Sensitivity of NPV')
    expect(yearly).toBeGreaterThanOrEqual(0)
    expect(carlo).toBeGreaterThan(yearly)
    expect(tornado).toBeGreaterThan(carlo)
    expect(result.stdout).toMatch(/payback year/)
    expect(result.stderr).not.toContain('\r')
    expect(result.stderr).not.toContain('runs')
  })

  it.each([
    [['--simulate', '0'], 'greater than or equal to 1'],
    [['--simulate', '-3'], ''],
    [['--simulate', '10', '--seed', '1.5'], 'Expected an integer'],
    [['--seed', '4'], '--simulate'],
    [['--workers', '2'], '--simulate'],
    [['--simulate', '10', '--workers', '0'], 'greater than or equal to 1'],
  ])('refuses %j with exit 2', async (flags, message) => {
    const result = await kasumi(estimate(...flags))
    expect(result.exitCode).toBe(2)
    expect(result.stderr + (result.error?.message ?? '')).toContain(message)
  })

  it('warns and exits 0 when the scenario has no uncertain parameter: "uncertainty": null, "sensitivity": []', async () => {
    const file = join(dir, 'certain.yaml')
    writeFileSync(
      file,
      [
        'name: certain',
        'baseYear: 2008',
        'horizon: [2009, 2012]',
        'measures:',
        '  - id: ops',
        '    type: unified-operations',
        '    reduction: 0.2',
        '',
      ].join('\n'),
    )
    const result = await ok(['estimate', '--scenario', file, '--database', database, '--simulate', '100', '--sensitivity', '--json'])
    expect(result.json.uncertainty).toBeNull()
    expect(result.json.sensitivity).toEqual([])
    expect(result.json.warnings.join('\n')).toContain('no uncertain parameter')
    const human = await ok(['estimate', '--scenario', file, '--database', database, '--simulate', '100'])
    expect(human.stderr).toContain('no uncertain parameter')
    expect(human.stdout).not.toContain('Monte Carlo')
  })
})

describe('kasumi estimate --sensitivity', () => {
  it('lists every uncertain parameter once, sorted by swing, with NPVs as decimal strings', async () => {
    const result = await ok(estimate('--sensitivity', '--json'))
    const rows = result.json.sensitivity as Array<{
      path: string
      low: string
      base: string
      high: string
      npvLow: string
      npvHigh: string
      swing: string
    }>
    expect(rows.length).toBeGreaterThan(1)
    expect(new Set(rows.map((row) => row.path)).size).toBe(rows.length)
    for (const row of rows) {
      expect(Object.keys(row).filter((key) => key !== 'measure')).toEqual(['path', 'low', 'base', 'high', 'npvLow', 'npvHigh', 'swing'])
      expect(BigInt(row.swing)).toBe(
        BigInt(row.npvHigh) > BigInt(row.npvLow) ? BigInt(row.npvHigh) - BigInt(row.npvLow) : BigInt(row.npvLow) - BigInt(row.npvHigh),
      )
    }
    for (let index = 1; index < rows.length; index++) expect(BigInt(rows[index - 1].swing) >= BigInt(rows[index].swing)).toBe(true)
    expect(result.json.uncertainty).toBeUndefined()
  })
})
