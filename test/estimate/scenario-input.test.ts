/**
 * Bad scenarios through the built CLI, as a user meets them: every problem
 * exits 3 and names the key path and the line; a measure that selects no
 * system is a warning naming its filter, and the estimate still runs.
 */
import {beforeAll, describe, expect, it} from 'vitest'

import {BACKENDS} from '../support/stores.js'
import {csv, run, storeWith, stores, tempDir, writeFile} from './helpers.js'

const HEADER = ['name: bad', 'baseYear: 2008', 'horizon: [2009, 2012]', 'moneyUnit: one']

/** A scenario file from lines; line numbers in the tests count from 1 here. */
function scenarioFile(...lines: string[]): string {
  return writeFile(tempDir(), 'scenario.yaml', `${lines.join('\n')}\n`)
}

describe('kasumi estimate with a bad scenario', () => {
  const fresh = stores()
  let url = ''

  beforeAll(async () => {
    url = await fresh(BACKENDS.find((backend) => backend.name === 'sqlite')!)
    await storeWith(
      url,
      csv(
        'id,ministry,name,category,business_area,physical_servers,users,annual_hours',
        'MIC-1,mic,総務省LAN,lan,府省LAN,4,100,1000',
        'MOF-1,mof,国税,common,税務,2,50,500',
      ),
      csv('system_id,fiscal_year,pool,amount', 'MIC-1,2008,telecom,1000000', 'MOF-1,2008,software,500000'),
    )
  })

  const estimate = (file: string, ...extra: string[]) => run(['estimate', '--scenario', file, '--database', url, ...extra])

  /** Exit 3, with every expected fragment in the message; also in the --json error's issues. */
  async function rejected(file: string, ...fragments: string[]) {
    const result = await estimate(file)
    expect(result.exitCode, result.stderr).toBe(3)
    for (const fragment of fragments) expect(result.stderr).toContain(fragment)
    const json = await estimate(file, '--json')
    expect(json.exitCode).toBe(3)
    expect(json.json.error.name).toBe('InvalidInputError')
    return {stderr: result.stderr, issues: json.json.error.issues as Array<{line?: number; column?: string; message: string; value?: string}>}
  }

  it('an unknown measure type: the message lists the known types', async () => {
    const file = scenarioFile(...HEADER, 'measures:', '  - id: a', '    type: network', '    reduction: 0.1', '  - id: b', '    type: teleport')
    const {stderr, issues} = await rejected(file, 'measures[1].type', 'line 10', 'unknown measure type')
    for (const type of [
      'virtualize',
      'pool-licences',
      'shared-auth',
      'unified-operations',
      'facilities',
      'network',
      'security-policy',
      'joint-use',
      'bpr',
    ])
      expect(stderr).toContain(type)
    expect(issues).toEqual([expect.objectContaining({line: 10, column: 'measures[1].type', value: 'teleport'})])
  })

  it('a reduction above 1', async () => {
    const file = scenarioFile(
      ...HEADER,
      'measures:',
      '  - id: a',
      '    type: network',
      '    reduction: 0.1',
      '  - id: b',
      '    type: pool-licences',
      '    reduction: 1.5',
    )
    const {issues} = await rejected(file, 'measures[1].reduction', 'line 11', 'between 0 and 1', '1.5')
    expect(issues).toEqual([expect.objectContaining({line: 11, column: 'measures[1].reduction'})])
  })

  it('negative hours, money and months, and values out of range, all reported at once', async () => {
    const file = scenarioFile(
      ...HEADER,
      'hoursPerFte: -5', //                                         line 5
      'measures:',
      '  - id: a',
      '    type: bpr',
      '    reduction: -0.1', //                                     line 9
      '    hourlyCost: -3', //                                      line 10
      '    oneTime: {perSystem: -100}', //                          line 11
      '    parallelRunning: {months: 200}', //                      line 12
      '    ramp: [0.5, 1.2]', //                                    line 13
      '  - id: v',
      '    type: virtualize',
      '    targetUtilisation: 0', //                                line 16
    )
    const {issues} = await rejected(
      file,
      'hoursPerFte',
      'line 5',
      'measures[0].reduction',
      'line 9',
      'measures[0].hourlyCost',
      'line 10',
      'measures[0].oneTime.perSystem',
      'line 11',
      'measures[0].parallelRunning.months',
      'line 12',
      'measures[0].ramp[1]',
      'line 13',
      'measures[1].targetUtilisation',
      'line 16',
    )
    expect(issues.map((issue) => [issue.column, issue.line]).sort()).toEqual(
      [
        ['hoursPerFte', 5],
        ['measures[0].reduction', 9],
        ['measures[0].hourlyCost', 10],
        ['measures[0].oneTime.perSystem', 11],
        ['measures[0].parallelRunning.months', 12],
        ['measures[0].ramp[1]', 13],
        ['measures[1].targetUtilisation', 16],
      ].sort(),
    )
  })

  it('a horizon that ends before it starts', async () => {
    const file = scenarioFile(
      'name: bad',
      'baseYear: 2008',
      'horizon: [2012, 2009]',
      'measures:',
      '  - id: a',
      '    type: network',
      '    reduction: 0.1',
    )
    await rejected(file, 'horizon', 'line 3', 'ends (2009) before it starts (2012)')
  })

  it('a base year with no cost data: the years that have some are suggested', async () => {
    const file = scenarioFile(
      'name: bad',
      'horizon: [2009, 2012]',
      'baseYear: 2005',
      'measures:',
      '  - id: a',
      '    type: network',
      '    reduction: 0.1',
    )
    const {issues} = await rejected(file, 'baseYear', 'line 3', 'the base year 2005 has no recurring cost lines', '2008')
    expect(issues).toEqual([expect.objectContaining({line: 3, column: 'baseYear', value: '2005'})])
  })

  it('two measures with one id', async () => {
    const file = scenarioFile(
      ...HEADER,
      'measures:',
      '  - id: wan',
      '    type: network',
      '    reduction: 0.1',
      '  - id: wan',
      '    type: network',
      '    reduction: 0.2',
    )
    await rejected(file, 'measures[1].id', 'line 9', 'two measures have the id wan', 'measures[0]')
  })

  it('a facilities measure without a reduction or a whole set of energy parameters', async () => {
    const file = scenarioFile(...HEADER, 'measures:', '  - id: dc', '    type: facilities', '    wattsPerHost: 300', '    pueBefore: 2')
    const {issues} = await rejected(file, 'measures[0]', 'line 6', 'needs reduction', 'wattsPerHost, pueBefore, pueAfter, pricePerKwh')
    expect(issues).toHaveLength(1)
  })

  it('an unknown key, at the top, on a measure, and in a filter', async () => {
    const file = scenarioFile(
      ...HEADER,
      'colour: blue',
      'measures:',
      '  - id: a',
      '    type: network',
      '    reduction: 0.1',
      '    reductoin: 0.2',
      '    appliesTo: {ministri: mic}',
    )
    const {issues} = await rejected(file, 'colour', 'line 5', 'measures[0].reductoin', 'line 10', 'measures[0].appliesTo.ministri', 'line 11')
    const byColumn = Object.fromEntries(issues.map((issue) => [issue.column, issue]))
    expect(byColumn.colour.message).toBe('unknown key')
    expect(byColumn['measures[0].reductoin'].message).toBe('unknown key for a network measure; its parameters are reduction')
    // A filter's key is not one of the measure's parameters.
    expect(byColumn['measures[0].appliesTo.ministri'].message).toBe('unknown key')
  })

  it('YAML that cannot be read gives the line', async () => {
    const unclosed = scenarioFile(
      'name: bad',
      'baseYear: 2008',
      'horizon: [2009, 2012',
      'measures:',
      '  - id: a',
      '    type: network',
      '    reduction: 0.1',
    )
    const {issues} = await rejected(unclosed, 'not valid YAML', 'line 4')
    expect(issues[0].line).toBe(4)
    const duplicate = scenarioFile(
      'name: bad',
      'baseYear: 2008',
      'baseYear: 2009',
      'horizon: [2009, 2012]',
      'measures:',
      '  - id: a',
      '    type: network',
      '    reduction: 0.1',
    )
    await rejected(duplicate, 'not valid YAML', 'line 3', 'Map keys must be unique')
  })

  it('a measure whose filter selects no system is a warning naming the filter; the estimate still runs', async () => {
    const file = scenarioFile(
      ...HEADER,
      'measures:',
      '  - id: wan',
      '    type: network',
      '    reduction: 0.5',
      '  - id: env',
      '    type: network',
      '    reduction: 0.5',
      '    appliesTo: {ministry: moe}',
    )
    const human = await estimate(file)
    expect(human.exitCode, human.stderr).toBe(0)
    expect(human.stderr).toMatch(/Warning:.*scenario\.yaml:12 measures\[1\]\.appliesTo: measure env applies to no system in the register/)
    const json = await estimate(file, '--json')
    expect(json.exitCode).toBe(0)
    expect(json.json.warnings).toContain('measure env applies to no system (filter {"ministry":["moe"]})')
    expect(json.json.measures).toEqual([
      {id: 'wan', type: 'network', systems: 2},
      {id: 'env', type: 'network', systems: 0},
    ])
    // telecom 1 000 000 × 0.5 from the first measure only.
    expect(json.json.totals.runRateSavings).toBe('500000')
  })

  it('--from/--to that leave nothing of the horizon are a usage error (exit 2), not an empty estimate', async () => {
    const file = scenarioFile(...HEADER, 'measures:', '  - id: wan', '    type: network', '    reduction: 0.5')
    for (const window of [
      ['--from', '2020'],
      ['--to', '2000'],
      ['--from', '2012', '--to', '2010'],
    ]) {
      const result = await estimate(file, ...window, '--json')
      expect(result.exitCode, window.join(' ')).toBe(2)
      expect(result.json.error.message).toContain('horizon FY2009–FY2012')
    }
    // A window that overlaps the horizon is cut to it.
    const overlap = await estimate(file, '--from', '2005', '--to', '2010', '--json')
    expect(overlap.exitCode).toBe(0)
    expect(overlap.json.window).toEqual([2009, 2010])
  })

  it('a bundled scenario name that does not exist is not found (exit 4), listing the bundled ones', async () => {
    const result = await run(['estimate', '--scenario', 'no-such-scenario', '--database', url])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain('kasumigaseki-cloud')
  })
})
