import {readFile, readdir, stat} from 'node:fs/promises'

import {checkInputFile} from './input-file.js'

/**
 * Checks that a file named on the command line exists and is a readable regular
 * file, before anything opens it: not found is exit 4; a folder, named pipe,
 * socket or device is invalid input (exit 3); unreadable is usage (2).
 */
export async function requireReadableFile(file: string): Promise<void> {
  await checkInputFile(file)
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
