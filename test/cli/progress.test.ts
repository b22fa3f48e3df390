import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {progressLine} from '../../src/cli/progress.js'
import {ROOT, kasumi, tempDir} from '../support/cli.js'

const ERASE = '\r\u001B[2K'

function recorder() {
  const written: string[] = []
  return {written, stream: {write: (text: string) => written.push(text)}}
}

describe('progressLine', () => {
  it('writes nothing at all when it is not active', () => {
    const {written, stream} = recorder()
    const line = progressLine(stream, false)
    line.show('Hashing the files…')
    line.bar(5, 10, 'runs')
    line.clear()
    expect(line.active).toBe(false)
    expect(written).toEqual([])
  })

  it('redraws one line in place and erases it once at the end', () => {
    const {written, stream} = recorder()
    const line = progressLine(stream, true)
    line.show('Estimating…')
    line.show('Rendering html…')
    line.clear()
    line.clear()
    expect(written).toEqual([`${ERASE}Estimating…`, `${ERASE}Rendering html…`, ERASE])
  })

  it('does not erase a line it never drew', () => {
    const {written, stream} = recorder()
    progressLine(stream, true).clear()
    expect(written).toEqual([])
  })

  it('draws a bar at most ten times a second, and always its last state', () => {
    const {written, stream} = recorder()
    let now = 1000
    const line = progressLine(stream, true, () => now)
    line.bar(1, 4, 'runs')
    now += 50
    line.bar(2, 4, 'runs')
    now += 100
    line.bar(3, 4, 'runs')
    line.bar(4, 4, 'runs')
    expect(written).toEqual([
      `${ERASE}[#######-----------------------] 25% 1/4 runs`,
      `${ERASE}[######################--------] 75% 3/4 runs`,
      `${ERASE}[##############################] 100% 4/4 runs`,
    ])
  })
})

/** The commands through BaseCommand.progress() and warnIssues(), run from the build. */
describe('progress and warnings of the commands', () => {
  let database: string
  let dir: string

  async function ok(argv: string[]) {
    const result = await kasumi(argv)
    expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
    return result
  }

  /** Runs a command as if stderr were a terminal. */
  async function onTerminal(argv: string[]) {
    const saved = process.stderr.isTTY
    process.stderr.isTTY = true
    try {
      return await ok(argv)
    } finally {
      process.stderr.isTTY = saved
    }
  }

  beforeAll(async () => {
    dir = tempDir()
    database = join(dir, 'kasumi.db')
    await ok(['init', '--database', database])
    await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database])
    await ok(['inventory', 'import', join(ROOT, 'data', 'samples', 'costs.csv'), '--database', database])
  })

  it('draws the simulation bar on stderr only, erases it, and draws nothing with --json', async () => {
    const argv = ['estimate', '--scenario', 'kasumigaseki-cloud', '--database', database, '--simulate', '30', '--workers', '1']
    const human = await onTerminal(argv)
    expect(human.stderr).toContain(`${ERASE}[`)
    expect(human.stderr).toContain('30/30 runs')
    expect(human.stderr.endsWith(ERASE)).toBe(true)
    expect(human.stdout).not.toContain('\r')
    const json = await onTerminal([...argv, '--json'])
    expect(json.stderr).toBe('')
    expect(JSON.parse(json.stdout).uncertainty.simulations).toBe(30)
  })

  it('draws nothing when stderr is not a terminal', async () => {
    const result = await ok(['estimate', '--scenario', 'kasumigaseki-cloud', '--database', database, '--simulate', '30', '--workers', '1'])
    expect(result.stderr).not.toContain('\r')
  })

  it('prints each warning of a validator once, as formatIssue writes it', async () => {
    const file = join(dir, 'systems.csv')
    writeFileSync(file, 'id,ministry,name,category,colour\nS-1,mic,S,lan,red\n')
    const result = await ok(['inventory', 'validate', file, '--database', database, '--allow-unknown-columns'])
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('Warning:'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^Warning: .*systems\.csv, line 1, column 5 \(colour\): kasumi does not know this systems column \(value "colour"\) — /,
    )
  })

  it('prints the warnings of a run with the place written compactly', async () => {
    const scenario = join(dir, 'scenario.yaml')
    writeFileSync(
      scenario,
      [
        'name: none',
        'baseYear: 2008',
        'horizon: [2009, 2011]',
        'currency: JPY',
        'discount: {rate: 0.03}',
        'measures:',
        '  - id: nowhere',
        '    type: network',
        '    appliesTo: {systems: [NO-SUCH]}',
        '    reduction: 0.2',
        '    start: 2010',
        '',
      ].join('\n'),
    )
    const result = await ok(['estimate', '--scenario', scenario, '--database', database])
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('Warning:'))
    expect(warnings).toEqual([
      `Warning: ${scenario}:9 measures[0].appliesTo: measure nowhere applies to no system in the register (value "{\\"systems\\":[\\"NO-SUCH\\"]}")`,
    ])
  })
})
