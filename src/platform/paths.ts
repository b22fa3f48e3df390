import {existsSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The folder holding kasumi's package.json, whether running from `dist/` or from sources. */
function findPackageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(folder, 'package.json')
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'kasumi') return folder
    const parent = dirname(folder)
    if (parent === folder) throw new Error('kasumi: cannot find its package folder')
    folder = parent
  }
}

export const PACKAGE_ROOT = findPackageRoot()
export const DATA_DIR = join(PACKAGE_ROOT, 'data')
export const REFERENCE_DIR = join(DATA_DIR, 'reference')
export const SAMPLES_DIR = join(DATA_DIR, 'samples')
export const SCENARIO_DIR = join(DATA_DIR, 'scenarios')
export const MAPPING_DIR = join(DATA_DIR, 'mappings')

/**
 * The folder for kasumi's caches (what it can always make again, such as the
 * font subsets a report embeds): KASUMI_CACHE_DIR when set (an empty value:
 * no cache), else the system's cache folder — $XDG_CACHE_HOME or ~/.cache on
 * Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows — with a
 * `kasumi` folder in it. Undefined when there is none.
 */
export function cacheDir(): string | undefined {
  const set = process.env.KASUMI_CACHE_DIR
  if (set !== undefined) return set === '' ? undefined : set
  const home = homedir()
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ? join(process.env.LOCALAPPDATA, 'kasumi', 'Cache') : undefined
  if (process.platform === 'darwin') return home ? join(home, 'Library', 'Caches', 'kasumi') : undefined
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : undefined)
  return base ? join(base, 'kasumi') : undefined
}
