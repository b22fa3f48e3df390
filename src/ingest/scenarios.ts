import {existsSync} from 'node:fs'
import {basename, extname, join, resolve} from 'node:path'

import {NotFoundError} from '../domain/errors.js'
import {SCENARIO_DIR} from '../platform/paths.js'
import {listFolder, readTextFile} from './files.js'

// Scenario files: finding a bundled one by name, listing them, reading one's text (src/estimate parses and checks it).

/** Finds a bundled scenario by name, or takes a file path. */
export async function locateScenario(nameOrFile: string): Promise<string> {
  if (existsSync(nameOrFile) && extname(nameOrFile) !== '') return resolve(nameOrFile)
  for (const extension of ['.yaml', '.yml', '.json']) {
    const bundled = join(SCENARIO_DIR, `${nameOrFile}${extension}`)
    if (existsSync(bundled)) return bundled
  }
  const names = await bundledScenarioNames()
  throw new NotFoundError(`no scenario file or bundled scenario named ${nameOrFile}`, {suggestion: `bundled scenarios: ${names.join(', ')}; or give the path of a .yaml or .json file`})
}

export async function bundledScenarioNames(): Promise<string[]> {
  const files = existsSync(SCENARIO_DIR) ? await listFolder(SCENARIO_DIR) : []
  return files.filter((file) => /\.(ya?ml|json)$/.test(file) && file !== 'schema.json').map((file) => basename(file).replace(/\.(ya?ml|json)$/, '')).sort()
}

/** The text of a scenario file (YAML or JSON). */
export async function readScenarioText(file: string): Promise<string> {
  return readTextFile(file)
}
