/**
 * Hostile scenarios through the built CLI as a child process: each is refused
 * with exit 3, the key path and the line, a short message and no stack trace;
 * the store and the working folder are left as they were.
 */
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {ROOT, kasumiProcess, useTempDirs} from '../support/cli.js'

const tempDir = useTempDirs()
const HEAD = ['name: hostile', 'baseYear: 2008']
const NETWORK = ['measures:', '  - {id: wan, type: network, reduction: 0.25}']

let db = ''
let work = ''

beforeAll(() => {
  work = tempDir()
  db = join(tempDir(), 'kasumi.db')
  for (const argv of [
    ['init'],
    ['inventory', 'import', join(ROOT, 'data/samples/systems.csv')],
    ['inventory', 'import', join(ROOT, 'data/samples/costs.csv')],
  ]) {
    const result = kasumiProcess([...argv, '--database', db, '--no-input'])
    expect(result.exitCode, result.stderr).toBe(0)
  }
})

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

interface Expected {
  /** [key path, line] of every problem expected, in file order. */
  problems: Array<[string, number | undefined]>
  fragments?: string[]
}

/** Writes the scenario, runs `estimate` and `estimate --json` on it (with any extra flags), and checks both refusals. */
function refused(name: string, text: string, expected: Expected, ...extra: string[]) {
  const file = join(tempDir(), name)
  writeFileSync(file, text)
  const before = digest(db)
  const entries = readdirSync(work)
  const human = kasumiProcess(['estimate', '--scenario', file, '--database', db, '--no-input', ...extra], {cwd: work})
  expect(human.exitCode, human.stderr).toBe(3)
  expect(human.stderr).not.toMatch(/\n\s+at /)
  expect(human.stderr).not.toContain('fault in kasumi')
  expect(human.stderr.length).toBeLessThan(4000)
  expect(human.stdout).toBe('')
  for (const [path, line] of expected.problems)
    expect(human.stderr).toContain(line === undefined ? name : path === '' ? `line ${line}` : `line ${line}, column ${path}`)
  for (const fragment of expected.fragments ?? []) expect(human.stderr).toContain(fragment)
  const json = kasumiProcess(['estimate', '--scenario', file, '--database', db, '--json', '--no-input', ...extra], {cwd: work})
  expect(json.exitCode).toBe(3)
  expect(json.json.error.name).toBe('InvalidInputError')
  const issues = json.json.error.issues as Array<{line?: number; column?: string}>
  const keyed = issues.filter((issue) => issue.column !== undefined && !issue.column.startsWith('col '))
  expect(keyed.map((issue) => [issue.column, issue.line])).toEqual(expected.problems.filter(([path]) => path !== ''))
  expect(json.stdout.length).toBeLessThan(8000)
  expect(digest(db)).toBe(before)
  expect(readdirSync(work)).toEqual(entries)
}

describe('scenario bombs and silent nonsense', () => {
  it('a horizon from year −5: the year is out of range (it used to estimate NPV 0)', () => {
    refused('negative.yaml', [...HEAD, 'horizon: [-5, 2015]', ...NETWORK, ''].join('\n'), {
      problems: [['horizon[0]', 3]],
      fragments: ['fiscal year -5 is outside 1900–2100'],
    })
  })

  it('a horizon to the year 100000, and a horizon longer than a century', () => {
    refused('far.yaml', [...HEAD, 'horizon: [2009, 100000]', ...NETWORK, ''].join('\n'), {problems: [['horizon[1]', 3]]})
    refused('long.yaml', [...HEAD, 'horizon: [1990, 2100]', ...NETWORK, ''].join('\n'), {
      problems: [['horizon', 3]],
      fragments: ['111 years', 'at most 100'],
    })
  })

  it('.nan and .inf in a discount rate, hoursPerFte, targetUtilisation, a range, a ramp, a schedule and an assumption', () => {
    const text = [
      ...HEAD,
      'horizon: [2009, 2015]', //                                   3
      'discount: {rate: .nan}', //                                  4
      'hoursPerFte: .nan', //                                       5
      'inflation: .inf', //                                         6
      'measures:',
      '  - id: v',
      '    type: virtualize',
      '    targetUtilisation: .nan', //                             10
      '    ramp: [0.5, -.inf]', //                                  11
      '    oneTime: {perSystem: {low: 1, base: .NaN, high: 3}}', // 12
      '  - {id: f, type: facilities, reduction: 1e999}', //         13
      'assumptions:',
      '  - {id: a, description: b, value: .inf}', //               15
      '',
    ].join('\n')
    refused(
      'nan.yaml',
      text,
      {
        problems: [
          ['discount.rate', 4],
          ['hoursPerFte', 5],
          ['inflation', 6],
          ['measures[0].targetUtilisation', 10],
          ['measures[0].ramp[1]', 11],
          ['measures[0].oneTime.perSystem.base', 12],
          ['measures[1].reduction', 13],
          ['assumptions[0].value', 15],
        ],
        fragments: ['must be a finite number, not NaN', 'not Infinity', 'not -Infinity'],
      },
      '--simulate',
      '50',
      '--seed',
      '1',
    )
    refused('schedule.yaml', [...HEAD, 'horizon: [2009, 2015]', 'discount: {schedule: [0.03, .nan]}', ...NETWORK, ''].join('\n'), {
      problems: [['discount.schedule[1]', 4]],
    })
  })

  it('numbers out of every range: money beyond exact arithmetic, watts, PUE', () => {
    const text = [
      ...HEAD,
      'horizon: [2009, 2015]',
      'measures:',
      '  - {id: b, type: bpr, reduction: 0.1, hourlyCost: 1e20}',
      '  - {id: f, type: facilities, wattsPerHost: 1e300, pueBefore: 50, pueAfter: 1.2, pricePerKwh: 20}',
      '',
    ].join('\n')
    refused('ranges.yaml', text, {
      problems: [
        ['measures[0].hourlyCost', 5],
        ['measures[1].wattsPerHost', 6],
        ['measures[1].pueBefore', 6],
      ],
      fragments: ['between 0 and 1000000000'],
    })
  })

  it('schema and range problems in one report', () => {
    const text = [
      ...HEAD,
      'horizon: [2009, 2015]',
      'colour: blue',
      'measures:',
      '  - {id: a, type: network, reduction: 1.5}',
      '  - {id: b, type: teleport}',
      '',
    ].join('\n')
    refused('mixed.yaml', text, {
      problems: [
        ['colour', 4],
        ['measures[0].reduction', 6],
        ['measures[1].type', 7],
      ],
    })
    const file = join(tempDir(), 'mixed.yaml')
    writeFileSync(file, text)
    const validate = kasumiProcess(['scenario', 'validate', file, '--json', '--no-input'])
    expect(validate.exitCode).toBe(3)
    expect(validate.json.error.issues.map((issue: {column: string; line: number}) => [issue.column, issue.line])).toEqual([
      ['colour', 4],
      ['measures[0].reduction', 6],
      ['measures[1].type', 7],
    ])
  })

  it('a YAML alias bomb is refused, not reported as a fault', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
      ['h', 'g'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`)
    refused('bomb.yaml', [...HEAD, 'horizon: [2009, 2015]', ...levels, ...NETWORK, ''].join('\n'), {
      problems: [['', 5]],
      fragments: ['line 5', 'aliases'],
    })
  })

  it('715 000 assumption rows: the file is too large, refused before it is parsed', () => {
    const rows = Array.from({length: 715_000}, (_, index) => `  - {id: a${index}, description: b}`)
    refused('rows.yaml', [...HEAD, 'horizon: [2009, 2015]', ...NETWORK, 'assumptions:', ...rows, ''].join('\n'), {
      problems: [['', undefined]],
      fragments: ['too large', 'at most 1048576'],
    })
  })

  it('a thousand and one assumptions within the size limit: the list is too long', () => {
    const rows = Array.from({length: 1001}, (_, index) => `  - {id: a${index}, description: b}`)
    refused('many.yaml', [...HEAD, 'horizon: [2009, 2015]', ...NETWORK, 'assumptions:', ...rows, ''].join('\n'), {
      problems: [['assumptions', 6]],
      fragments: ['more than 1000 items'],
    })
  })

  it('nesting too deep to parse', () => {
    refused('deep.yaml', [...HEAD, 'horizon: [2009, 2015]', `x: ${'['.repeat(50_000)}${']'.repeat(50_000)}`, ...NETWORK, ''].join('\n'), {
      problems: [['', 4]],
      fragments: ['nested too deeply'],
    })
  })

  it('a FIFO named as the scenario is refused at once, not read until it closes', () => {
    const fifo = join(tempDir(), 'scenario.yaml')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const result = kasumiProcess(['scenario', 'validate', fifo, '--no-input'])
    expect(result.exitCode, result.stderr).toBe(3)
    expect(result.stderr).toContain('not a regular file')
  })
})
