import {existsSync} from 'node:fs'
import {stat} from 'node:fs/promises'
import {basename, extname, join, resolve} from 'node:path'

import {InvalidInputError, NotFoundError} from '../domain/errors.js'
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
  throw new NotFoundError(`no scenario file or bundled scenario named ${nameOrFile}`, {
    suggestion: `bundled scenarios: ${names.join(', ')}; or give the path of a .yaml or .json file`,
  })
}

export async function bundledScenarioNames(): Promise<string[]> {
  const files = existsSync(SCENARIO_DIR) ? await listFolder(SCENARIO_DIR) : []
  return files
    .filter((file) => /\.(ya?ml|json)$/.test(file) && file !== 'schema.json')
    .map((file) => basename(file).replace(/\.(ya?ml|json)$/, ''))
    .sort()
}

/** The text of a scenario file (YAML or JSON): a regular file of at most maxBytes, refused before it is read. */
export async function readScenarioText(file: string, maxBytes: number): Promise<string> {
  let info
  try {
    info = await stat(file)
  } catch {
    throw new NotFoundError(`no scenario file ${file}`, {suggestion: 'check the path'})
  }
  if (!info.isFile()) throw new InvalidInputError(`${basename(file)}: not a regular file`, [{file, message: 'a scenario is a YAML or JSON file'}])
  if (info.size > maxBytes) throw scenarioTooLarge(file, info.size, maxBytes)
  return readTextFile(file)
}

export function scenarioTooLarge(file: string, bytes: number, maxBytes: number): InvalidInputError {
  return new InvalidInputError(`${basename(file)}: the scenario is too large`, [
    {
      file,
      message: `the file has ${bytes} bytes; a scenario may have at most ${maxBytes}`,
      hint: 'a scenario names measures and parameters; register data belongs in the store (kasumi inventory import)',
    },
  ])
}
