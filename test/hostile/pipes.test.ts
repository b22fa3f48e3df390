/**
 * A reader that closes the pipe early (`kasumi … | head`) is no fault: kasumi stops quietly with exit 0,
 * whether the output is a long export or a table.
 */
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {BIN, kasumi, ROOT, useTempDirs} from '../support/cli.js'

const tempDir = useTempDirs()

describe('a closed pipe on stdout', () => {
  let database: string
  beforeAll(async () => {
    database = join(tempDir('kasumi-pipes-'), 'kasumi.db')
    for (const argv of [
      ['init', '--database', database],
      ['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database],
      ['inventory', 'import', join(ROOT, 'data', 'samples', 'costs.csv'), '--database', database],
    ]) {
      const result = await kasumi(argv)
      expect(result.exitCode, result.stderr).toBe(0)
    }
  })

  for (const argv of [
    ['inventory', 'export', '--kind', 'costs'],
    ['inventory', 'list'],
    ['inventory', 'export', '--kind', 'costs', '--json'],
  ]) {
    it(`ends \`kasumi ${argv.join(' ')} | head -n 1\` quietly with exit 0`, () => {
      const command = `"${process.execPath}" "${BIN}" ${argv.join(' ')} --database "${database}" | head -n 1; echo "kasumi exit: \${PIPESTATUS[0]}" >&2`
      const result = spawnSync('bash', ['-c', command], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
      expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1)
      expect(result.stderr).not.toMatch(/fault|Unexpected error|EPIPE/)
      expect(result.stderr).toContain('kasumi exit: 0')
    })
  }
})

describe('a long error on a pipe', () => {
  it('reaches the reader whole: a --json error with thousands of issues is not cut at 64 KiB', () => {
    const dir = tempDir('kasumi-pipes-')
    const file = join(dir, 'bad.csv')
    const rows = Array.from({length: 1500}, (_, index) => `X-${index},no-such-ministry,N,lan`)
    writeFileSync(file, ['id,ministry,name,category', ...rows, ''].join('\n'))
    const result = spawnSync(
      process.execPath,
      [BIN, 'inventory', 'validate', file, '--json', '--max-issues', '5000', '--database', join(dir, 'none.db')],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: {...process.env, NO_COLOR: '1'},
      },
    )
    expect(result.status).toBe(3)
    expect(result.stdout.length).toBeGreaterThan(200_000)
    const json = JSON.parse(result.stdout)
    expect(json.error.issues).toHaveLength(1500)
    expect(json.error.issues.at(-1)).toMatchObject({line: 1501, value: 'no-such-ministry'})
  })
})
