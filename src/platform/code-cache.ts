import {closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs'
import {createRequire} from 'node:module'
import {basename, dirname, join} from 'node:path'
import {Script} from 'node:vm'
import zlib from 'node:zlib'

import {cacheDir} from './cache-dir.js'

/** Bumped when the layout of a cache file changes. */
const LAYOUT = 'kasumi code cache 1'

/**
 * Runs a CommonJS bundle that the build made (`scripts/vendor.js`) and returns its `module.exports`, as `require`
 * would, but compiled through V8's code cache: Node.js 20 compiles every module from its source at each start, and
 * for the bundles of oclif's core and kysely that was a large part of the start-up of a read command. The first run
 * keeps what V8 compiled (the functions the run called included) in kasumi's cache folder (`cacheDir()`, under
 * `code/`); later runs hand it back to V8 and skip that work.
 *
 * The cache is only ever a shortcut: a cache file is used only when it was made for this very bundle (its path, size,
 * modification time and inode), this Node.js and V8 and this processor, and its contents match their CRC-32 (V8 itself
 * checks little more than the length of the source); V8 may still reject it (other V8 flags), and then the bundle is
 * compiled from its source as usual. A missing, unreadable or unwritable cache folder (KASUMI_CACHE_DIR empty: none)
 * only means no cache. A new cache file is written when the process exits, beside the old one and renamed over it.
 *
 * `filename` is the file the bundled code believes it is (its `require`, `__filename` and `__dirname`): oclif's
 * core finds its package.json beside its own index. `modules` are what the bundle's `require` returns for the names
 * given, before Node.js resolves a name: a bundled command (scripts/bundle-commands.js) gets the bundles of oclif's
 * core and kysely this way, the very copies the rest of the process uses.
 */
export function loadBundle(file: string, filename: string = file, modules: Record<string, unknown> = {}): unknown {
  const bundle = runBundle(file, filename, cacheDir(), modules)
  if (!bundle.cached) process.once('exit', bundle.keep)
  return bundle.exports
}

/**
 * `loadBundle` with the cache folder given (undefined: none): the bundle's exports, whether V8 took them from the
 * cache, and `keep`, which writes what V8 has compiled so far as the bundle's cache (a no-op without a folder).
 */
export function runBundle(
  file: string,
  filename: string,
  folder: string | undefined,
  modules: Record<string, unknown> = {},
): {exports: unknown; cached: boolean; keep: () => void} {
  const source = readFileSync(file, 'utf8')
  const cache = folder === undefined ? undefined : cacheFile(folder, file)
  const cachedData = cache ? readCache(cache.path, cache.identity) : undefined
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __import) {${source}\n})`, {filename: file, cachedData})
  const module = {exports: {} as unknown, filename, id: filename, loaded: false}
  const run = script.runInThisContext() as (...parameters: unknown[]) => void
  const nodeRequire = createRequire(filename)
  const names = Object.keys(modules)
  const require =
    names.length === 0
      ? nodeRequire
      : Object.assign((name: string): unknown => (Object.hasOwn(modules, name) ? modules[name] : nodeRequire(name)), nodeRequire)
  run.call(module.exports, module.exports, require, module, filename, dirname(filename), dynamicImport)
  module.loaded = true
  return {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    keep: () => {
      if (cache) writeCache(cache.path, cache.identity, script)
    },
  }
}

/**
 * `import()` for the bundles (oclif loading a command or a hook): the build writes their `import(…)` as `__import(…)`,
 * since a script run through node:vm cannot import on Node.js 20 without an experimental flag. The specifiers they
 * import are absolute (file URLs and paths).
 */
function dynamicImport(specifier: string, options?: ImportCallOptions): Promise<unknown> {
  return options === undefined ? import(specifier) : import(specifier, options)
}

/** Where in FOLDER the cache of FILE lives, and what it must have been made for; undefined without a CRC-32. */
function cacheFile(folder: string, file: string): {path: string; identity: Buffer} | undefined {
  // zlib.crc32 came with Node.js 20.15; without it there is no cache.
  if (typeof zlib.crc32 !== 'function') return undefined
  try {
    const stat = statSync(file)
    const identity = [LAYOUT, file, stat.size, stat.mtimeMs, stat.ino, process.version, process.versions.v8, process.arch, process.platform]
    const name = `${basename(file)}-${(zlib.crc32(file) >>> 0).toString(16)}-${process.arch}-node${process.versions.modules}.bin`
    return {path: join(folder, 'code', name), identity: Buffer.from(JSON.stringify(identity))}
  } catch {
    return undefined
  }
}

/**
 * A cache file: the length of the identity (4 bytes), the identity, the CRC-32 of the data (4 bytes), V8's data.
 * Returns the data when the identity and the CRC-32 match, else undefined.
 */
function readCache(path: string, identity: Buffer): Buffer | undefined {
  try {
    const bytes = readFileSync(path)
    if (bytes.length < 8 || bytes.readUInt32LE(0) !== identity.length) return undefined
    const start = 8 + identity.length
    if (bytes.length <= start || !identity.equals(bytes.subarray(4, 4 + identity.length))) return undefined
    const data = bytes.subarray(start)
    return bytes.readUInt32LE(4 + identity.length) === zlib.crc32(data) >>> 0 ? data : undefined
  } catch {
    return undefined
  }
}

function writeCache(path: string, identity: Buffer, script: Script): void {
  const temporary = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`
  let descriptor: number | undefined
  try {
    // The file first: where nothing can be written, V8 is not asked for its data at all.
    mkdirSync(dirname(path), {recursive: true})
    descriptor = openSync(temporary, 'w')
    const data = script.createCachedData()
    const head = Buffer.alloc(8 + identity.length)
    head.writeUInt32LE(identity.length, 0)
    identity.copy(head, 4)
    head.writeUInt32LE(zlib.crc32(data) >>> 0, 4 + identity.length)
    writeSync(descriptor, head)
    writeSync(descriptor, data)
    closeSync(descriptor)
    descriptor = undefined
    renameSync(temporary, path)
  } catch {
    try {
      if (descriptor !== undefined) closeSync(descriptor)
      rmSync(temporary, {force: true})
    } catch {
      // Nothing to clean up, or nothing we may clean up: the cache is only a shortcut.
    }
  }
}
