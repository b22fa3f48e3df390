import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {kasumiProcess} from '../support/cli.js'
import {freshPostgresUrl, postgresAvailable} from '../support/stores.js'
import {EN_COSTS, EN_SYSTEMS} from '../fixtures/registers.js'
import {csv, tempDir, writeText} from './helpers.js'

/** Runs bin/run.js as a user would, failing the test with its stderr unless it exits 0. */
function user(argv: string[], options: {cwd?: string; env?: Record<string, string>} = {}) {
  const result = kasumiProcess(argv, options)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}`).toBe(0)
  return result
}

const drops: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const drop of drops) await drop()
})

beforeAll(() => {
  // The default store is ./kasumi.db unless KASUMI_DATABASE says otherwise.
  delete process.env.KASUMI_DATABASE
})

describe('kasumi as a user runs it', () => {
  it('init, import and list in a folder, with the default ./kasumi.db', () => {
    const cwd = tempDir()
    const systems = writeText('systems.csv', EN_SYSTEMS, {dir: cwd})
    const costs = writeText('costs.csv', EN_COSTS, {dir: cwd})
    expect(user(['init'], {cwd}).stderr).toContain(`Created a kasumi store at ${join(cwd, 'kasumi.db')} with 19 ministries.`)
    expect(existsSync(join(cwd, 'kasumi.db'))).toBe(true)
    expect(user(['inventory', 'import', 'systems.csv'], {cwd}).stderr).toContain('Imported systems.csv: systems 6 inserted')
    expect(user(['inventory', 'import', costs], {cwd}).stderr).toContain('cost lines 9 inserted')
    const list = user(['inventory', 'list', '--ministry', '総務省'], {cwd})
    expect(list.stdout).toContain('総務省LAN')
    expect(list.stdout).toContain('total (3)')
    expect(list.stdout).not.toContain('MOF-0001')
    expect(list.stderr).toBe('')
    expect(systems).toBe(join(cwd, 'systems.csv'))
  })

  it('exits with the documented codes: 0 ok, 2 usage, 3 invalid input, 4 not found, 6 no store', () => {
    const cwd = tempDir()
    const noStore = kasumiProcess(['inventory', 'list'], {cwd})
    expect(noStore.exitCode).toBe(6)
    expect(noStore.stderr).toContain('no kasumi store at')
    expect(noStore.stderr).toContain('kasumi init')

    user(['init'], {cwd})
    writeText('systems.csv', EN_SYSTEMS, {dir: cwd})
    writeText('bad.csv', csv('id,ministry,name,category', 'X-1,総務相,X,lan'), {dir: cwd})
    expect(kasumiProcess(['inventory', 'import', 'systems.csv'], {cwd}).exitCode).toBe(0)

    const usage = kasumiProcess(['inventory', 'list', '--bogus'], {cwd})
    expect(usage.exitCode).toBe(2)
    expect(usage.stderr).toContain('--bogus')

    const invalid = kasumiProcess(['inventory', 'import', 'bad.csv'], {cwd})
    expect(invalid.exitCode).toBe(3)
    expect(invalid.stderr).toContain('bad.csv, line 2, column 2 (ministry): unknown ministry (value "総務相")')

    const notFound = kasumiProcess(['inventory', 'show', 'NOPE'], {cwd})
    expect(notFound.exitCode).toBe(4)
    expect(notFound.stderr).toContain('no system with id NOPE')

    const missingFile = kasumiProcess(['inventory', 'import', 'missing.csv'], {cwd})
    expect(missingFile.exitCode).toBe(4)
    expect(missingFile.stderr).toContain('no such file: missing.csv')
  })

  it('prints only JSON on stdout with --json, and nothing on stderr', () => {
    const cwd = tempDir()
    user(['init'], {cwd})
    writeText('systems.csv', EN_SYSTEMS, {dir: cwd})
    const imported = user(['inventory', 'import', 'systems.csv', '--json'], {cwd})
    expect(imported.json).toMatchObject({formatVersion: 1, inserted: 6})
    expect(imported.stderr).toBe('')
    const listed = user(['inventory', 'list', '--json'], {cwd})
    expect(listed.json).toMatchObject({formatVersion: 1, count: 6})
    expect(listed.stderr).toBe('')
  })
})

describe('kasumi on PostgreSQL as a user runs it', async () => {
  const enabled = await postgresAvailable()

  it.runIf(enabled)('init, import and list with KASUMI_DATABASE set to a postgres:// URL', async () => {
    const {url, drop} = await freshPostgresUrl()
    drops.push(drop)
    const env = {KASUMI_DATABASE: url}
    const cwd = tempDir()
    writeText('systems.csv', EN_SYSTEMS, {dir: cwd})
    expect(user(['init'], {cwd, env}).stderr).toContain('with 19 ministries')
    user(['inventory', 'import', 'systems.csv'], {cwd, env})
    expect(user(['inventory', 'list', '--status', 'retired'], {cwd, env}).stdout).toContain('防衛省OAネットワーク')
    expect(existsSync(join(cwd, 'kasumi.db'))).toBe(false)
  })

  it.runIf(enabled)('keeps two stores in two schemas of one database apart', async () => {
    const [first, second, empty] = [await freshPostgresUrl(), await freshPostgresUrl(), await freshPostgresUrl()]
    drops.push(first.drop, second.drop, empty.drop)
    user(['init', '--database', first.url])
    const result = kasumiProcess(['init', '--database', second.url, '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.json).toMatchObject({created: true, ministries: 19})
    const notYet = kasumiProcess(['inventory', 'list', '--database', empty.url])
    expect(notYet.exitCode, notYet.stderr).toBe(6)
    expect(notYet.stderr).toContain('is not a kasumi store yet')
  })
})
