import {existsSync, readFileSync} from 'node:fs'
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

export {cacheDir} from './cache-dir.js'
