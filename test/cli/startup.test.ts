import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

import {ROOT, kasumiProcess, tempDir} from '../support/cli.js'

/**
 * Runs the built CLI with a probe that notes every JavaScript file it loads (ES modules through a loader hook,
 * CommonJS files through the `.js` loader), and returns those under node_modules/ by package.
 */
function loadedPackages(argv: string[]): {exitCode: number; stdout: string; packages: Set<string>; own: string[]} {
  const folder = tempDir()
  const log = join(folder, 'loaded.txt')
  writeFileSync(log, '')
  const hooks = join(folder, 'hooks.mjs')
  writeFileSync(
    hooks,
    "import {appendFileSync} from 'node:fs'\nexport async function load(url, context, next) {\n  appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, url + '\\n')\n  return next(url, context)\n}\n",
  )
  const probe = join(folder, 'probe.mjs')
  writeFileSync(
    probe,
    [
      "import Module, {register} from 'node:module'",
      "import {appendFileSync} from 'node:fs'",
      `register(${JSON.stringify(`file://${hooks}`)})`,
      "const compile = Module._extensions['.js']",
      "Module._extensions['.js'] = function (module, file) {",
      "  appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, file + '\\n')",
      '  return compile.call(this, module, file)',
      '}',
      '',
    ].join('\n'),
  )
  const result = kasumiProcess(argv, {env: {NODE_OPTIONS: `--import ${probe}`, KASUMI_TEST_LOAD_LOG: log}})
  const packages = new Set<string>()
  const own: string[] = []
  const root = pathToFileURL(join(ROOT, 'package.json')).href.replace(/package\.json$/, '')
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)
    if (match) packages.add(match[1])
    else if (line.startsWith(root)) own.push(line.slice(root.length))
  }
  return {exitCode: result.exitCode, stdout: result.stdout, packages, own}
}

describe('start-up of a read command', () => {
  const database = join(tempDir(), 'register.db')
  const setUp = () => {
    expect(kasumiProcess(['init', '--database', database]).exitCode).toBe(0)
    expect(kasumiProcess(['inventory', 'import', join(ROOT, 'data', 'samples', 'systems.csv'), '--database', database]).exitCode).toBe(0)
  }

  it('inventory list loads oclif and kysely from their bundles, and no driver, renderer, chart or workbook library', () => {
    setUp()
    const table = loadedPackages(['inventory', 'list', '--database', database])
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toContain('内閣府LAN')
    for (const heavy of [
      '@oclif/core',
      'kysely',
      'pg',
      'chart.js',
      'chartjs-node-canvas',
      'exceljs',
      'pdfkit',
      'harfbuzzjs',
      'csv-parse',
      'semver',
      'cli-table3',
    ]) {
      expect(table.packages, heavy).not.toContain(heavy)
    }
    expect(table.packages).toContain('better-sqlite3')
    // kasumi's own modules come from the command's bundle: the only ES modules loaded are those that run the bundles.
    expect(table.own.sort()).toEqual([
      'bin/run.js',
      'dist/commands/inventory/list.js',
      'dist/src/platform/cache-dir.js',
      'dist/src/platform/code-cache.js',
      'dist/vendor/kysely.js',
      'dist/vendor/oclif-core.js',
    ])

    const json = loadedPackages(['inventory', 'list', '--database', database, '--json'])
    expect(json.exitCode).toBe(0)
    expect(JSON.parse(json.stdout).count).toBe(200)
    expect(json.packages).not.toContain('string-width')
  })
})
