import {access, constants, readFile, readdir, stat} from 'node:fs/promises'

import {NotFoundError, UsageError} from '../domain/errors.js'

/** Checks that a file named on the command line exists, is a file and can be read: not found is exit 4, anything else usage (2). */
export async function requireReadableFile(file: string): Promise<void> {
  try {
    const info = await stat(file)
    if (info.isDirectory()) throw new UsageError(`${file} is a folder, not a file`)
    await access(file, constants.R_OK)
  } catch (error) {
    if (error instanceof UsageError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new NotFoundError(`no such file: ${file}`, {suggestion: 'check the path'})
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** A whole UTF-8 text file (metadata, scenarios). */
export async function readTextFile(file: string): Promise<string> {
  return readFile(file, 'utf8')
}

/** The names in a folder. */
export async function listFolder(folder: string): Promise<string[]> {
  return readdir(folder)
}
