import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {MEASURE_TYPES} from '../../src/estimate/measures/index.js'
import {parseScenario} from '../../src/estimate/scenario.js'
import {INIT_DEFAULTS, parseHorizon, scenarioInitText} from '../../src/estimate/scenario-init.js'
import {BIN, kasumi, useTempDirs} from '../support/cli.js'

/** Temporary folders, removed when the file's tests are done. */
const tempDir = useTempDirs()

const DATE = '2026-01-05'

describe('scenarioInitText', () => {
  it.each(MEASURE_TYPES)('writes a valid, commented scenario with the %s measure alone', async (type) => {
    const text = scenarioInitText({name: `only-${type}`, baseYear: 2008, horizon: [2009, 2015], currency: 'JPY', measures: [type], date: DATE})
    const {scenario, warnings} = await parseScenario(text, `${type}.yaml`)
    expect(warnings).toEqual([])
    expect(scenario.measures.map((measure) => measure.type)).toEqual([type])
    // Every parameter the file sets is in the assumptions register.
    for (const name of Object.keys(scenario.measures[0].params)) expect(scenario.assumptions.map((entry) => entry.id)).toContain(`${type}.${name}`)
    expect(text).toMatch(/^# /)
  })

  it('with every measure, in another currency, keeps the answers and explains each key', async () => {
    const text = scenarioInitText({
      name: 'all',
      title: 'Everything: at once',
      baseYear: 2011,
      horizon: [2012, 2016],
      currency: 'USD',
      measures: [...MEASURE_TYPES],
      schema: './schema.json',
      date: DATE,
    })
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json')
    const {scenario} = await parseScenario(text, 'all.yaml')
    expect(scenario).toMatchObject({
      name: 'all',
      title: 'Everything: at once',
      baseYear: 2011,
      horizon: [2012, 2016],
      currency: 'USD',
      moneyUnit: 'thousand',
    })
    expect(scenario.measures.map((measure) => measure.type)).toEqual([...MEASURE_TYPES])
    expect(scenario.assumptions.every((entry) => entry.date === DATE && entry.source)).toBe(true)
    // A comment above every top-level key, and one for each key every measure has.
    const lines = text.split('\n')
    for (const key of [
      'name',
      'title',
      'description',
      'baseYear',
      'horizon',
      'currency',
      'moneyUnit',
      'discount',
      'inflation',
      'hoursPerFte',
      'measures',
      'assumptions',
    ]) {
      const at = lines.findIndex((line) => line.startsWith(`${key}:`))
      expect(at, key).toBeGreaterThan(0)
      expect(lines[at - 1], key).toMatch(/^#/)
    }
    for (const key of ['id', 'type', 'label', 'appliesTo', 'start', 'ramp', 'timing', 'oneTime', 'parallelRunning'])
      expect(text, key).toMatch(new RegExp(`^#   ${key} +\\S`, 'm'))
    expect(text).toContain('thousands of USD')
  })

  it('is the same text for the same answers', () => {
    const options = {
      name: 'same',
      baseYear: 2008,
      horizon: [2009, 2015] as [number, number],
      currency: 'JPY',
      measures: ['network', 'bpr'],
      date: DATE,
    }
    expect(scenarioInitText(options)).toBe(scenarioInitText(options))
  })

  it('reads horizons as people write them and refuses backwards ones', () => {
    expect(parseHorizon('2010-2015')).toEqual([2010, 2015])
    expect(parseHorizon('2010..2015')).toEqual([2010, 2015])
    expect(parseHorizon('2010–2015')).toEqual([2010, 2015])
    expect(parseHorizon('2012')).toEqual([2012, 2012])
    expect(() => parseHorizon('2015-2010')).toThrow(/ends before it starts/)
    expect(() => parseHorizon('soon')).toThrow(/not a range/)
  })
})

describe('kasumi scenario init', () => {
  it('writes the file from flags under --no-input, and it validates', async () => {
    const file = join(tempDir('kasumi-init-'), 'lan.yaml')
    const result = await kasumi([
      'scenario',
      'init',
      file,
      '--name',
      'lan-2010',
      '--base-year',
      '2009',
      '--horizon',
      '2010-2015',
      '--currency',
      'JPY',
      '--measures',
      'network,virtualize,unified-operations',
      '--no-input',
      '--json',
    ])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json).toEqual({
      formatVersion: 1,
      file,
      name: 'lan-2010',
      title: 'lan-2010',
      baseYear: 2009,
      horizon: [2010, 2015],
      currency: 'JPY',
      measures: ['network', 'virtualize', 'unified-operations'],
      overwritten: false,
    })
    const text = readFileSync(file, 'utf8')
    expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=.*data\/scenarios\/schema\.json$/)
    const validate = await kasumi(['scenario', 'validate', file, '--json'])
    expect(validate.exitCode, validate.stderr).toBe(0)
    expect(validate.json).toMatchObject({valid: true, name: 'lan-2010', measures: 3, warnings: []})
    const show = await kasumi(['scenario', 'show', file, '--json'])
    expect(show.json.scenario).toMatchObject({baseYear: 2009, horizon: [2010, 2015], currency: 'JPY'})
  })

  it('refuses to overwrite an existing file without --force (exit 5), and overwrites it with --force', async () => {
    const file = join(tempDir('kasumi-init-'), 'mine.yaml')
    writeFileSync(file, 'keep me\n')
    const refused = await kasumi(['scenario', 'init', file, '--no-input'])
    expect(refused.exitCode).toBe(5)
    expect(refused.stderr).toContain('already exists')
    expect(refused.stderr).toContain('--force')
    expect(readFileSync(file, 'utf8')).toBe('keep me\n')
    const json = await kasumi(['scenario', 'init', file, '--no-input', '--json'])
    expect(json.exitCode).toBe(5)
    expect(json.json.error).toMatchObject({name: 'ConflictError', exitCode: 5})
    const forced = await kasumi(['scenario', 'init', file, '--no-input', '--force', '--json'])
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect(forced.json.overwritten).toBe(true)
    expect((await kasumi(['scenario', 'validate', file])).exitCode).toBe(0)
  })

  it('with --no-input and nothing else uses the defaults (into a folder given as FILE)', async () => {
    const folder = tempDir('kasumi-init-')
    const result = await kasumi(['scenario', 'init', folder, '--no-input', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json).toMatchObject({
      file: join(folder, `${INIT_DEFAULTS.name}.yaml`),
      name: INIT_DEFAULTS.name,
      baseYear: 2008,
      horizon: [2009, 2015],
      currency: 'JPY',
      measures: [...MEASURE_TYPES],
    })
    expect((await kasumi(['scenario', 'validate', result.json.file])).exitCode).toBe(0)
  })

  it('never prompts when input is not a terminal: with no flags at all it writes <name>.yaml in the current folder', () => {
    const folder = tempDir('kasumi-init-')
    const child = spawnSync(process.execPath, [BIN, 'scenario', 'init'], {
      cwd: folder,
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
      env: {...process.env, NO_COLOR: '1'},
    })
    expect(child.error, 'the command did not finish').toBeUndefined()
    expect(child.status, child.stderr).toBe(0)
    expect(existsSync(join(folder, 'my-scenario.yaml'))).toBe(true)
    expect(child.stderr).toContain('Wrote')
  })

  it('rejects answers that would not validate, before writing (exit 2)', async () => {
    const folder = tempDir('kasumi-init-')
    for (const flags of [
      ['--horizon', '2015-2010'],
      ['--base-year', '2020', '--horizon', '2011-2015'],
      ['--name', 'has space'],
      ['--currency', 'JPYY'],
      ['--measures', 'virtualise'],
    ]) {
      const result = await kasumi(['scenario', 'init', join(folder, 'x.yaml'), '--no-input', ...flags])
      expect(result.exitCode, flags.join(' ')).toBe(2)
    }
    expect(existsSync(join(folder, 'x.yaml'))).toBe(false)
  })
})
