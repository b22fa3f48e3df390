import {beforeAll, describe, expect, it} from 'vitest'

import {EN_COSTS, EN_SYSTEMS} from '../fixtures/registers.js'
import {backends, cli, csv, ok, storeFactory, tempDir, writeText} from './helpers.js'

const freshStore = storeFactory()

/** An SGR escape (ESC [ … m). */
const ANSI = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;]*m`)

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`output for people and for programs (${backend.name})`, () => {
    let url: string
    let dir: string

    beforeAll(async () => {
      url = await freshStore(backend)
      dir = tempDir()
      await ok(['inventory', 'import', writeText('systems.csv', EN_SYSTEMS, {dir}), '--database', url])
      await ok(['inventory', 'import', writeText('costs.csv', EN_COSTS, {dir}), '--database', url])
    })

    describe('colour', () => {
      const commands = () => [
        ['inventory', 'list', '--database', url],
        ['inventory', 'summary', '--database', url],
        ['inventory', 'show', 'MIC-0001', '--database', url],
        ['inventory', 'history', '--database', url],
        ['inventory', 'validate', writeText('costs.csv', EN_COSTS), '--database', url],
        ['inventory', 'show', 'NOPE', '--database', url],
        ['inventory', 'import', writeText('bad.csv', csv('id,ministry,name,category', 'X-1,総務相,X,lan')), '--database', url],
      ]

      it('is on when forced (the control for the tests below)', async () => {
        let coloured = 0
        for (const argv of commands()) {
          const result = await cli(argv, {env: {FORCE_COLOR: '1', NO_COLOR: undefined}})
          if (ANSI.test(result.stdout + result.stderr)) coloured++
        }
        expect(coloured).toBe(commands().length)
      })

      it('is off with NO_COLOR, even when forced: no ANSI escapes on stdout or stderr', async () => {
        for (const argv of commands()) {
          const result = await cli(argv, {env: {FORCE_COLOR: '1', NO_COLOR: '1'}})
          expect(result.stdout + result.stderr, argv.join(' ')).not.toMatch(ANSI)
        }
      })

      it('is off with --no-color, even when forced', async () => {
        for (const argv of commands()) {
          const result = await cli([...argv, '--no-color'], {env: {FORCE_COLOR: '1', NO_COLOR: undefined}})
          expect(result.stdout + result.stderr, argv.join(' ')).not.toMatch(ANSI)
        }
      })
    })

    describe('--json', () => {
      it('every inventory command prints parseable JSON with formatVersion 1, and no colour', async () => {
        const commands = [
          ['inventory', 'list'],
          ['inventory', 'summary'],
          ['inventory', 'show', 'MIC-0001'],
          ['inventory', 'history'],
          ['inventory', 'history', 'MIC-0001'],
          ['inventory', 'export'],
          ['inventory', 'export', '--kind', 'costs'],
          ['inventory', 'validate', writeText('costs.csv', EN_COSTS)],
          ['inventory', 'import', writeText('more.csv', csv('id,ministry,name,category', 'J-1,moj,登記システム,common'))],
          ['inventory', 'add', '--no-input', '--id', 'J-2', '--ministry', '法務省', '--name', '戸籍システム', '--category', 'common'],
          ['inventory', 'update', 'J-2', '--set', 'users=10'],
          ['inventory', 'retire', 'J-2', '--force'],
        ]
        for (const argv of commands) {
          const result = await cli([...argv, '--database', url, '--json'], {env: {FORCE_COLOR: '1'}})
          expect(result.exitCode, `${argv.join(' ')}\n${result.stderr}`).toBe(0)
          expect(result.json, `${argv.join(' ')} printed ${result.stdout.slice(0, 200)}`).toMatchObject({formatVersion: 1})
          expect(result.stdout).not.toMatch(ANSI)
        }
      })

      it('errors too are JSON, with their exit code', async () => {
        const cases: Array<[string[], number, string]> = [
          [['inventory', 'list', '--bogus', '--database', url], 2, 'UsageError'],
          [['inventory', 'list', '--sort', 'colour', '--database', url], 2, 'UsageError'],
          [
            ['inventory', 'import', writeText('bad.csv', csv('id,ministry,name,category', 'X-1,総務相,X,lan')), '--database', url],
            3,
            'InvalidInputError',
          ],
          [['inventory', 'show', 'NOPE', '--database', url], 4, 'NotFoundError'],
          [['inventory', 'list', '--database', `${tempDir()}/none.db`], 6, 'DatabaseUnavailableError'],
        ]
        for (const [argv, exitCode, name] of cases) {
          const result = await cli([...argv, '--json'])
          expect(result.exitCode, argv.join(' ')).toBe(exitCode)
          expect(result.json, `${argv.join(' ')} printed ${result.stdout.slice(0, 200)}`).toMatchObject({formatVersion: 1, error: {name, exitCode}})
          expect(typeof result.json.error.message).toBe('string')
        }
      })
    })
  })
}
