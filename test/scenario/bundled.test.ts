import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {scenarioSchema} from '../../src/estimate/schema.js'
import {kasumi, useTempDirs, ROOT, type CommandResult} from '../support/cli.js'

/** Temporary folders, removed when the file's tests are done. */
const tempDir = useTempDirs()

const SCENARIOS = join(ROOT, 'data', 'scenarios')
const BUNDLED = ['kasumigaseki-cloud', 'lan-consolidation', 'joint-use']

async function ok(argv: string[]): Promise<CommandResult> {
  const result = await kasumi(argv)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

describe('data/scenarios/schema.json', () => {
  it('is what scenarioSchema() produces now (npm run build writes it)', () => {
    const text = readFileSync(join(SCENARIOS, 'schema.json'), 'utf8')
    expect(text).toBe(`${JSON.stringify(scenarioSchema(), null, 2)}\n`)
  })
})

describe.each(BUNDLED)('bundled scenario %s', (name) => {
  const file = join(SCENARIOS, `${name}.yaml`)

  it('names the schema for editors on its first line', () => {
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json')
  })

  it('validates with no warnings', async () => {
    const result = await ok(['scenario', 'validate', name, '--json'])
    expect(result.json).toMatchObject({formatVersion: 1, valid: true, name, warnings: []})
  })

  it('documents every parameter it sets in the assumptions register, with a source, an owner and a date', async () => {
    const result = await ok(['scenario', 'show', name, '--json'])
    const {measures, assumptions} = result.json as {
      measures: Array<{id: string; parameters: Array<{name: string; given: boolean; assumption?: string}>}>
      assumptions: Array<Record<string, string>>
    }
    for (const measure of measures) {
      for (const parameter of measure.parameters.filter((candidate) => candidate.given)) {
        expect(parameter.assumption, `${name}: ${measure.id}.${parameter.name} has no assumptions entry`).toBe(`${measure.id}.${parameter.name}`)
      }
    }
    for (const assumption of assumptions) {
      for (const key of ['id', 'description', 'value', 'source', 'owner', 'date'])
        expect(assumption[key], `${name}: ${assumption.id}.${key}`).toBeTruthy()
      expect(assumption.date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    }
    expect(new Set(assumptions.map((assumption) => assumption.id)).size, 'assumption ids are unique').toBe(assumptions.length)
  })
})

describe('the bundled scenarios on the sample register', () => {
  let database: string
  beforeAll(async () => {
    database = join(tempDir('kasumi-scenarios-'), 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'costs.csv'), '--database', database])
  })

  it.each(BUNDLED)('%s runs with no warnings, every measure selecting systems, and pays back', async (name) => {
    const result = await ok(['estimate', '--scenario', name, '--database', database, '--effects', '--json'])
    expect(result.json.warnings).toEqual([])
    expect(result.stderr).not.toMatch(/applies to no system|Warning/)
    for (const measure of result.json.measures) expect(measure.systems, `${name}: ${measure.id}`).toBeGreaterThan(0)
    const totals = result.json.totals
    expect(Number(totals.runRateSavings)).toBeGreaterThan(0)
    expect(Number(totals.npv)).toBeGreaterThan(0)
    expect(totals.paybackYear).not.toBeNull()
    // Savings stay well below the baseline they come from.
    expect(Number(totals.runRateSavings)).toBeLessThan(0.5 * Number(totals.byYear.at(-1).baseline))
  })

  it('the human output of estimate --scenario joint-use --effects prints no warning', async () => {
    const result = await ok(['estimate', '--scenario', 'joint-use', '--database', database, '--effects'])
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('＊共同利用化的效果')
  })

  it("lan-consolidation touches only the ministries' LANs", async () => {
    const byCategory = await ok(['estimate', '--scenario', 'lan-consolidation', '--database', database, '--by', 'category', '--json'])
    for (const row of byCategory.json.by.rows) {
      if (row.key === 'lan') expect(Number(row.savings)).toBeGreaterThan(0)
      else expect({key: row.key, savings: row.savings, oneTime: row.oneTime}).toEqual({key: row.key, savings: '0', oneTime: '0'})
    }
  })

  it('joint-use changes only the systems of the three shared business areas', async () => {
    const byArea = await ok(['estimate', '--scenario', 'joint-use', '--database', database, '--by', 'area', '--json'])
    const changed = byArea.json.by.rows
      .filter((row: {savings: string; oneTime: string}) => row.savings !== '0' || row.oneTime !== '0')
      .map((row: {key: string}) => row.key)
    expect(changed.sort()).toEqual(['統計調査等業務', '行政情報の電子的提供業務', '電子申請等受付業務'].sort())
    expect(byArea.json.effects.rows.filter((row: {kind: string}) => row.kind === 'joint-use')).toHaveLength(3)
  })
})
