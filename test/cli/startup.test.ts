import {spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

import {ROOT, kasumiProcess, tempDir} from '../support/cli.js'

/**
 * Runs the built CLI with a probe that notes every JavaScript file it loads (ES modules through a loader hook,
 * CommonJS files through the `.js` loader) and every native addon, and returns those under node_modules/ by package.
 */
function loadedPackages(argv: string[]): {exitCode: number; stdout: string; packages: Set<string>; own: string[]; collated: boolean} {
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
      // The first collation of a process costs ICU milliseconds: noted as `collation`.
      'const localeCompare = String.prototype.localeCompare',
      "String.prototype.localeCompare = function (...args) { appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, 'collation\\n'); return localeCompare.apply(this, args) }",
      'const Collator = Intl.Collator',
      "Intl.Collator = function (...args) { appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, 'collation\\n'); return new Collator(...args) }",
      "const compile = Module._extensions['.js']",
      "Module._extensions['.js'] = function (module, file) {",
      "  appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, file + '\\n')",
      '  return compile.call(this, module, file)',
      '}',
      "const addon = Module._extensions['.node']",
      "Module._extensions['.node'] = function (module, file) {",
      "  appendFileSync(process.env.KASUMI_TEST_LOAD_LOG, file + '\\n')",
      '  return addon.call(this, module, file)',
      '}',
      '',
    ].join('\n'),
  )
  // In an English locale, as a server's or a CI runner's usually is.
  const result = kasumiProcess(argv, {env: {NODE_OPTIONS: `--import ${probe}`, KASUMI_TEST_LOAD_LOG: log, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8'}})
  const packages = new Set<string>()
  const own: string[] = []
  const root = pathToFileURL(join(ROOT, 'package.json')).href.replace(/package\.json$/, '')
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)
    if (match) packages.add(match[1])
    else if (line.startsWith(root)) own.push(line.slice(root.length))
  }
  return {exitCode: result.exitCode, stdout: result.stdout, packages, own, collated: readFileSync(log, 'utf8').includes('collation\n')}
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
    // better-sqlite3's addon (its JavaScript is in the command's bundle).
    expect(table.packages).toContain('better-sqlite3')
    // Sorted by id (the default), with oclif's commands, in English: no collation is set up.
    expect(table.collated).toBe(false)
    // ASCII and common Japanese text: measured without string-width.
    expect(table.packages).not.toContain('string-width')
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

  it("oclif's bundle orders every plugin's commands as localeCompare does, in English and in other locales", () => {
    const core = pathToFileURL(join(ROOT, 'dist', 'vendor', 'oclif-core.js')).href
    const script = [
      `const {Config} = await import(${JSON.stringify(core)})`,
      `const config = await Config.load(${JSON.stringify(ROOT)})`,
      'const plugins = config.getPluginsList().map((plugin) => plugin.commands.map((command) => command.id))',
      'console.log(JSON.stringify({plugins, collated: plugins.map((ids) => [...ids].sort((a, b) => a.localeCompare(b)))}))',
    ].join('\n')
    for (const locale of ['C.UTF-8', 'en_GB.UTF-8', 'da_DK.UTF-8', 'ja_JP.UTF-8']) {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: {...process.env, LANG: locale, LC_ALL: locale, KASUMI_CACHE_DIR: ''},
      })
      expect(result.stderr).toBe('')
      const {plugins, collated} = JSON.parse(result.stdout) as {plugins: string[][]; collated: string[][]}
      expect(plugins.flat()).toContain('inventory:list')
      expect(plugins).toEqual(collated)
    }
  })
})
