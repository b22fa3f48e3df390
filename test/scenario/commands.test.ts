import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {kasumi, useTempDirs, ROOT} from '../support/cli.js'

/** Temporary folders, removed when the file's tests are done. */
const tempDir = useTempDirs()

const SCENARIOS = join(ROOT, 'data', 'scenarios')

function write(name: string, text: string): string {
  const file = join(tempDir('kasumi-scenario-'), name)
  writeFileSync(file, text)
  return file
}

const VALID = `name: small
baseYear: 2008
horizon: [2009, 2012]
measures:
  - id: wan
    type: network
    reduction: {low: 0.1, base: 0.2, high: 0.3, distribution: triangular}
  - id: late
    type: bpr
    start: 2014
    reduction: 0.1
assumptions:
  - {id: wan.reduction, description: share of telecom removed, value: 0.2, source: planning assumption}
`

describe('kasumi scenario list', () => {
  it('lists the bundled scenarios with title, horizon and measures (--json)', async () => {
    const result = await kasumi(['scenario', 'list', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json.formatVersion).toBe(1)
    const byName = Object.fromEntries(result.json.scenarios.map((scenario: {name: string}) => [scenario.name, scenario]))
    expect(Object.keys(byName).sort()).toEqual(['citizen-services', 'joint-use', 'kasumigaseki-cloud', 'lan-consolidation'])
    expect(byName['citizen-services'].valid).toBe(true)
    expect(new Set(byName['citizen-services'].measures.map((measure: {type: string}) => measure.type))).toEqual(
      new Set(['e-post-box', 'once-only', 'one-stop', 'online-application']),
    )
    expect(byName['kasumigaseki-cloud']).toMatchObject({
      valid: true,
      baseYear: 2008,
      horizon: [2009, 2015],
      currency: 'JPY',
      file: join(SCENARIOS, 'kasumigaseki-cloud.yaml'),
    })
    const types = new Set(byName['kasumigaseki-cloud'].measures.map((measure: {type: string}) => measure.type))
    expect([...types].sort()).toEqual([
      'bpr',
      'facilities',
      'joint-use',
      'network',
      'pool-licences',
      'security-policy',
      'shared-auth',
      'unified-operations',
      'virtualize',
    ])
    expect(byName['lan-consolidation'].measures.map((measure: {type: string}) => measure.type).sort()).toEqual([
      'network',
      'unified-operations',
      'virtualize',
    ])
    expect(new Set(byName['joint-use'].measures.map((measure: {type: string}) => measure.type))).toEqual(new Set(['joint-use']))
  })

  it('prints a table for people', async () => {
    const result = await kasumi(['scenario', 'list'])
    expect(result.exitCode, result.stderr).toBe(0)
    for (const text of ['kasumigaseki-cloud', 'lan-consolidation', 'joint-use', 'FY2009–FY2015', 'Government Common Platform'])
      expect(result.stdout).toContain(text)
  })
})

describe('kasumi scenario show', () => {
  it("lists a scenario's citizens' side measures with what they reach, their ramp and parameters", async () => {
    const result = await kasumi(['scenario', 'show', 'citizen-services', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const online = result.json.serviceMeasures.find((measure: {id: string}) => measure.id === 'online-move')
    expect(online).toEqual({
      id: 'online-move',
      type: 'online-application',
      start: 2011,
      appliesTo: {lifeEvents: ['MOVE']},
      ramp: ['0.25', '0.5', '0.75', '1'],
      parameters: {takeUp: '0.4', formFactor: '0.8', staffFactor: '0.5'},
    })
    const people = await kasumi(['scenario', 'show', 'citizen-services'])
    expect(people.stdout).toContain("Citizens' side measures")
    expect(people.stdout).toMatch(/online-move\s+│ online-application │ FY2011/)
  })

  it('shows a bundled scenario as read: settings, measures with uncertain ranges and defaults, assumptions', async () => {
    const result = await kasumi(['scenario', 'show', 'kasumigaseki-cloud', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const {scenario, measures, assumptions} = result.json
    expect(scenario).toMatchObject({name: 'kasumigaseki-cloud', baseYear: 2008, horizon: [2009, 2015], currency: 'JPY', moneyUnit: 'thousand'})
    expect(scenario.discount).toMatchObject({kind: 'rate', rate: {base: '0.035', low: '0.02', high: '0.04'}})
    const platform = measures.find((measure: {id: string}) => measure.id === 'platform')
    expect(platform).toMatchObject({type: 'virtualize', start: 2010, timing: 'ramp'})
    expect(platform.ramp.map((share: {base: string}) => share.base)).toEqual(['0.3', '0.7', '1'])
    expect(platform.parameters.find((parameter: {name: string}) => parameter.name === 'targetUtilisation')).toMatchObject({
      base: '60',
      low: '50',
      high: '70',
      distribution: 'pert',
      given: true,
      assumption: 'platform.targetUtilisation',
    })
    const joint = measures.find((measure: {id: string}) => measure.id === 'joint-e-application')
    expect(joint.options).toEqual({groupBy: 'area', host: ''})
    expect(joint.appliesTo).toMatchObject({area: ['電子申請等受付業務']})
    expect(assumptions.length).toBeGreaterThan(20)
    expect(assumptions[0]).toMatchObject({id: 'baseYear', value: '2008'})
  })

  it('marks defaults the file leaves out, and reads a file', async () => {
    const file = write('small.yaml', VALID)
    const result = await kasumi(['scenario', 'show', file, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json.scenario.file).toBe(file)
    const wan = result.json.measures[0]
    expect(wan.parameters).toEqual([
      expect.objectContaining({
        name: 'reduction',
        base: '0.2',
        low: '0.1',
        high: '0.3',
        distribution: 'triangular',
        given: true,
        assumption: 'wan.reduction',
      }),
    ])
    const bpr = result.json.measures[1]
    expect(bpr.parameters.map((parameter: {name: string}) => parameter.name)).toEqual(['reduction'])
    // A measure that starts after the horizon is a warning, not an error.
    expect(result.json.warnings).toEqual([expect.objectContaining({message: expect.stringContaining('starts after the horizon')})])
    const human = await kasumi(['scenario', 'show', file])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toContain('Assumptions register (1):')
    expect(human.stdout).toMatch(/reduction.*0\.2.*0\.1.*0\.3.*triangular/)
    expect(human.stderr).toContain('starts after the horizon')
  })

  it('exits 4 for a scenario that does not exist', async () => {
    const result = await kasumi(['scenario', 'show', 'no-such-scenario'])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain('kasumigaseki-cloud')
  })
})

describe('kasumi scenario validate', () => {
  it('says valid, with warnings, and exits 0', async () => {
    const file = write('small.yaml', VALID)
    const result = await kasumi(['scenario', 'validate', file])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/valid/)
    expect(result.stderr).toMatch(/line 10, column measures\[1\]\.start: measure late starts after the horizon/)
    const json = await kasumi(['scenario', 'validate', file, '--json'])
    expect(json.json).toMatchObject({formatVersion: 1, valid: true, name: 'small', measures: 2, warnings: [{line: 10, column: 'measures[1].start'}]})
  })

  it('exits 3 with every schema problem, each with its key path and line', async () => {
    const file = write(
      'bad.yaml',
      `name: bad scenario
baseYear: 2008
horizon: [2009, 2012]
measures:
  - id: a
    type: virtualise
  - id: b
    type: network
    reduction: 0.2
    colour: red
  - id: c
    type: bpr
`,
    )
    const result = await kasumi(['scenario', 'validate', file, '--json'])
    expect(result.exitCode).toBe(3)
    const issues = result.json.error.issues.map((issue: {line: number; column: string}) => [issue.line, issue.column])
    expect(issues).toEqual(
      expect.arrayContaining([
        [1, 'name'],
        [6, 'measures[0].type'],
        [10, 'measures[1].colour'],
        [11, 'measures[2]'],
      ]),
    )
    expect(result.json.error.issues).toHaveLength(4)
    const human = await kasumi(['scenario', 'validate', file])
    expect(human.exitCode).toBe(3)
    expect(human.stderr).toContain('line 6, column measures[0].type: unknown measure type')
    expect(human.stderr).toContain('line 11, column measures[2]: reduction is required here')
  })

  it('exits 3 with every range and consistency problem, each with its key path and line', async () => {
    const file = write(
      'bad2.yaml',
      `name: bad2
baseYear: 2008
horizon: [2012, 2010]
measures:
  - id: b
    type: network
    reduction: 1.5
  - id: b
    type: bpr
    reduction: {low: 0.3, base: 0.1, high: 0.2}
`,
    )
    const result = await kasumi(['scenario', 'validate', file, '--json'])
    expect(result.exitCode).toBe(3)
    expect(result.json.error.issues.map((issue: {line: number; column: string}) => [issue.line, issue.column])).toEqual([
      [3, 'horizon'],
      [7, 'measures[0].reduction'],
      [8, 'measures[1].id'],
      [10, 'measures[1].reduction'],
    ])
  })

  it('exits 3 with the line of a YAML syntax error', async () => {
    const file = write('broken.yaml', 'name: broken\nbaseYear: 2008\nhorizon: [2009, 2012\nmeasures: []\n')
    const result = await kasumi(['scenario', 'validate', file, '--json'])
    expect(result.exitCode).toBe(3)
    expect(result.json.error.issues[0]).toMatchObject({message: expect.stringContaining('not valid YAML')})
    expect(result.json.error.issues[0].line).toBeGreaterThanOrEqual(3)
  })

  it('validates a bundled scenario by name', async () => {
    const result = await kasumi(['scenario', 'validate', 'lan-consolidation'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain('lan-consolidation.yaml: valid')
  })
})
