import {afterAll, describe, expect, it} from 'vitest'

import {kasumi} from './support/cli.js'
import {BACKENDS, postgresAvailable} from './support/stores.js'

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const drop of cleanups) await drop()
})

for (const backend of BACKENDS) {
  describe(`kasumi init on ${backend.name}`, async () => {
    const enabled = backend.name === 'sqlite' || (await postgresAvailable())
    it.runIf(enabled)('creates a store with the bundled ministries, and is a no-op the second time', async () => {
      const {url, drop} = await backend.fresh()
      cleanups.push(drop)
      const first = await kasumi(['init', '--database', url, '--json'])
      expect(first.exitCode, first.stderr).toBe(0)
      expect(first.json).toMatchObject({created: true, ministries: 19, dialect: backend.name})
      const second = await kasumi(['init', '--database', url, '--json'])
      expect(second.exitCode).toBe(0)
      expect(second.json).toMatchObject({created: false, ministries: 19})
      const human = await kasumi(['init', '--database', url])
      expect(human.stderr).toContain('already a kasumi store; nothing to do')
    })
  })
}

describe('a missing store', () => {
  it('exits 6 and says to run kasumi init', async () => {
    const result = await kasumi(['inventory', 'list', '--database', '/nonexistent/dir/kasumi.db'])
    expect(result.exitCode).toBe(6)
    expect(result.stderr).toContain('kasumi init')
  })
})
