import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ESLint} from 'eslint'
import {beforeAll, describe, expect, it} from 'vitest'

import {ROOT} from '../support/cli.js'

/**
 * The walls between rooms are a lint rule (eslint.config.js) and a table in ARCHITECTURE.md.
 * These tests prove the rule bites, and that the rule and the document say the same.
 */

let eslint: ESLint
let rooms: Record<string, string[]>

beforeAll(async () => {
  eslint = new ESLint({cwd: ROOT})
  rooms = (await import(join(ROOT, 'eslint.config.js'))).ROOMS
})

async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: join(ROOT, filePath)})
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`)
}

describe('the architecture lint rule', () => {
  it('refuses a command that imports a database driver or Kysely', async () => {
    const messages = await lint(
      'commands/inventory/zz-probe.ts',
      "import Database from 'better-sqlite3'\nimport {sql} from 'kysely'\nconsole.log(Database, sql)\n",
    )
    expect(messages.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(2)
    expect(messages.join('\n')).toMatch(/only store may use better-sqlite3/)
  })

  it('refuses an import from a lower room into a higher one', async () => {
    const messages = await lint('src/domain/zz-probe.ts', "import {BaseCommand} from '../cli/base.js'\nconsole.log(BaseCommand)\n")
    expect(messages.join('\n')).toMatch(/boundaries\/dependencies: .*"domain".*"cli"/)
    const store = await lint('src/store/zz-probe.ts', "import {estimateLoaded} from '../estimate/run.js'\nconsole.log(estimateLoaded)\n")
    expect(store.join('\n')).toMatch(/boundaries\/dependencies: .*"store".*"estimate"/)
  })

  it('refuses a cycle between files', async () => {
    // engine.ts imports a module of its own room; that module importing engine.ts back closes a cycle.
    const engine = readFileSync(join(ROOT, 'src/estimate/engine.ts'), 'utf8')
    const target = /^import \{[^}]+\} from '\.\/([\w-]+)\.js'/m.exec(engine)?.[1]
    expect(target, 'engine.ts imports a sibling module').toBeTruthy()
    const code = `${readFileSync(join(ROOT, `src/estimate/${target}.ts`), 'utf8')}\nimport * as engine from './engine.js'\nexport const probe = engine\n`
    const messages = await lint(`src/estimate/${target}.ts`, code)
    expect(messages.join('\n')).toMatch(/import-x\/no-cycle/)
  })

  it('accepts the allowed edges', async () => {
    const messages = await lint(
      'src/report/zz-probe.ts',
      "import {Dec} from '../domain/money.js'\nimport {DATA_DIR} from '../platform/paths.js'\nconsole.log(Dec, DATA_DIR)\n",
    )
    expect(messages).toEqual([])
  })

  it('is the table of allowed imports in ARCHITECTURE.md', () => {
    const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8')
    const section = text.split('## Allowed imports')[1].split('\n## ')[0]
    const documented: Record<string, string[]> = {}
    for (const line of section.split('\n')) {
      const match = /^\| `([a-z]+)` \|([^|]*)\|$/.exec(line)
      if (match) documented[match[1]] = [...match[2].matchAll(/`([a-z]+)`/g)].map((m) => m[1])
    }
    expect(documented).toEqual(rooms)
  })
})
