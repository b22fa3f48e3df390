import {existsSync, lstatSync} from 'node:fs'
import {readFile} from 'node:fs/promises'

import {InvalidInputError, NotFoundError} from '../domain/errors.js'

const KEY_FILE_LIMIT = 64 * 1024

/**
 * The text of a key file (PEM) named on the command line: a regular file of
 * at most 64 KiB (a link or a pipe is refused, not followed or opened).
 */
export async function readKeyText(file: string, what: string): Promise<string> {
  if (!existsSync(file)) throw new NotFoundError(`no such ${what} file: ${file}`, {suggestion: 'make a key pair with `kasumi audit keygen`'})
  const stats = lstatSync(file)
  if (!stats.isFile() || stats.size > KEY_FILE_LIMIT) {
    throw new InvalidInputError(`${file} is not a key file`, [{file, message: `a ${what} is a small PEM text file`}])
  }
  return readFile(file, 'utf8')
}
