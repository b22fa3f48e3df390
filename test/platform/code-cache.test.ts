import {spawnSync} from 'node:child_process'
import {chmodSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {describe, expect, it} from 'vitest'

import {ROOT, kasumiProcess, useTempDirs} from '../support/cli.js'

const tempDirs = useTempDirs()
const codeCache = pathToFileURL(join(ROOT, 'dist', 'src', 'platform', 'code-cache.js')).href

/**
 * Runs BUNDLE in a new Node.js process through the built code cache, with the cache folder FOLDER (undefined: none),
 * as `loadBundle` does (keeping the cache when it was not used), and returns what `value()` of its exports gave and
 * whether the code came from the cache.
 */
function run(bundle: string, folder: string | undefined): {value: unknown; cached: boolean} {
  const script = [
    `import {runBundle} from ${JSON.stringify(codeCache)}`,
    `const bundle = runBundle(${JSON.stringify(bundle)}, ${JSON.stringify(bundle)}, ${JSON.stringify(folder)})`,
    'if (!bundle.cached) process.once("exit", bundle.keep)',
    'console.log(JSON.stringify({value: await bundle.exports.value(), cached: bundle.cached}))',
  ].join('\n')
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'})
  expect(result.stderr).toBe('')
  expect(result.status).toBe(0)
  return JSON.parse(result.stdout) as {value: unknown; cached: boolean}
}

/** A CommonJS bundle as the build writes them: its exports, a function calling others, an `import()` as `__import`. */
function writeBundle(folder: string, answer: number): string {
  const helper = join(folder, 'helper.mjs')
  writeFileSync(helper, 'export const twice = (n) => 2 * n\n')
  const bundle = join(folder, 'bundle.cjs')
  writeFileSync(
    bundle,
    [
      `const base = ${answer}`,
      'function add(a, b) { return a + b }',
      `module.exports.value = async () => (await __import(${JSON.stringify(pathToFileURL(helper).href)})).twice(add(base, 1))`,
      '',
    ].join('\n'),
  )
  return bundle
}

const cacheFiles = (folder: string) => readdirSync(join(folder, 'code')).map((name) => join(folder, 'code', name))

describe('the code cache of the bundles', () => {
  it('keeps what V8 compiled on the first run and gives it back on the next', () => {
    const folder = tempDirs()
    const bundle = writeBundle(folder, 20)
    const cache = join(folder, 'cache')
    expect(run(bundle, cache)).toEqual({value: 42, cached: false})
    const [file] = cacheFiles(cache)
    const written = statSync(file).mtimeMs
    expect(run(bundle, cache)).toEqual({value: 42, cached: true})
    expect(run(bundle, cache)).toEqual({value: 42, cached: true})
    // Used, so not written again.
    expect(statSync(file).mtimeMs).toBe(written)
    expect(cacheFiles(cache)).toHaveLength(1)
  })

  it('ignores a cache whose contents are damaged or cut short, and writes a good one', () => {
    const folder = tempDirs()
    const bundle = writeBundle(folder, 20)
    const cache = join(folder, 'cache')
    run(bundle, cache)
    const [file] = cacheFiles(cache)
    const good = readFileSync(file)
    const damaged = Buffer.from(good)
    damaged[damaged.length - 10] ^= 0xff
    writeFileSync(file, damaged)
    expect(run(bundle, cache)).toEqual({value: 42, cached: false})
    expect(run(bundle, cache)).toEqual({value: 42, cached: true})
    writeFileSync(file, good.subarray(0, good.length >> 1))
    expect(run(bundle, cache)).toEqual({value: 42, cached: false})
    writeFileSync(file, '')
    expect(run(bundle, cache)).toEqual({value: 42, cached: false})
    expect(run(bundle, cache)).toEqual({value: 42, cached: true})
  })

  it('never uses the cache of an earlier bundle at the same place, even of the same length', () => {
    const folder = tempDirs()
    const cache = join(folder, 'cache')
    const bundle = writeBundle(folder, 20)
    run(bundle, cache)
    expect(run(bundle, cache).cached).toBe(true)
    writeBundle(folder, 30)
    // A later modification time, as a new build gives it.
    const later = new Date(statSync(bundle).mtimeMs + 5000)
    utimesSync(bundle, later, later)
    expect(run(bundle, cache)).toEqual({value: 62, cached: false})
    expect(run(bundle, cache)).toEqual({value: 62, cached: true})
  })

  it("gives the bundle's require the modules handed in, and Node.js's require for every other name", () => {
    const folder = tempDirs()
    const bundle = join(folder, 'bundle.cjs')
    writeFileSync(
      bundle,
      'const given = require("kasumi:given"); const {join} = require("node:path"); module.exports.value = () => [given.answer, join("a", "b"), typeof require.resolve]\n',
    )
    const script = [
      `import {runBundle} from ${JSON.stringify(codeCache)}`,
      `const bundle = runBundle(${JSON.stringify(bundle)}, ${JSON.stringify(bundle)}, undefined, {'kasumi:given': {answer: 42}})`,
      'console.log(JSON.stringify(bundle.exports.value()))',
    ].join('\n')
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'})
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual([42, join('a', 'b'), 'function'])
  })

  it('runs the bundle without a cache folder, or with one it cannot write', () => {
    const folder = tempDirs()
    const bundle = writeBundle(folder, 20)
    expect(run(bundle, undefined)).toEqual({value: 42, cached: false})
    // The cache folder's place is taken by a file: nothing can be written there.
    const blocked = join(folder, 'blocked')
    writeFileSync(blocked, '')
    expect(run(bundle, blocked)).toEqual({value: 42, cached: false})
    expect(run(bundle, blocked)).toEqual({value: 42, cached: false})
    if (process.getuid?.() !== 0) {
      const readOnly = join(folder, 'read-only')
      run(bundle, readOnly)
      chmodSync(join(readOnly, 'code'), 0o500)
      for (const file of cacheFiles(readOnly)) writeFileSync(file, 'not a cache')
      expect(run(bundle, readOnly)).toEqual({value: 42, cached: false})
      chmodSync(join(readOnly, 'code'), 0o700)
    }
  })

  it('kasumi answers the same with no cache, a new cache, a kept cache and a damaged cache', () => {
    const cache = tempDirs()
    const database = join(tempDirs(), 'register.db')
    expect(kasumiProcess(['init', '--database', database], {env: {KASUMI_CACHE_DIR: ''}}).exitCode).toBe(0)
    const list = (folder: string) => kasumiProcess(['inventory', 'list', '--database', database], {env: {KASUMI_CACHE_DIR: folder}})
    const plain = list('')
    expect(plain.exitCode).toBe(0)
    expect(plain.stderr).toContain('No systems match.')
    const first = list(cache)
    const files = cacheFiles(cache)
    expect(files.map((file) => file.slice(join(cache, 'code').length + 1).replace(/\.cjs-.*/, '')).sort()).toEqual([
      'inventory-list',
      'kysely',
      'oclif-core',
    ])
    const written = files.map((file) => statSync(file).mtimeMs)
    const second = list(cache)
    expect(files.map((file) => statSync(file).mtimeMs)).toEqual(written)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (let index = bytes.length - 1; index > bytes.length - 4000; index -= 7) bytes[index] ^= 0x5a
      writeFileSync(file, bytes)
    }
    const damaged = list(cache)
    for (const result of [first, second, damaged]) expect(result).toEqual(plain)
  })
})
