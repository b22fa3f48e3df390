import type {Stats} from 'node:fs'
import {access, constants, stat} from 'node:fs/promises'

import {InvalidInputError, NotFoundError, UsageError} from '../domain/errors.js'

/** What a path names when it is not a regular file, in words. */
export function fileTypeName(info: Stats): string | undefined {
  if (info.isFile()) return undefined
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  return 'not a regular file'
}

/**
 * Checks that an input path names a readable regular file, before anything
 * opens it: opening a named pipe blocks until someone writes to it, a device
 * may never end, and neither can be read twice (kasumi hashes a file and reads
 * it). A folder, pipe, socket or device is refused as invalid input (exit 3).
 */
export async function checkInputFile(file: string): Promise<Stats> {
  let info: Stats
  try {
    info = await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFoundError(`no such file: ${file}`, {suggestion: 'check the path'})
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  }
  const type = fileTypeName(info)
  if (type !== undefined) {
    const what = type === 'not a regular file' ? type : `${type}, not a regular file`
    throw new InvalidInputError(`${file} is ${what}`, [
      {
        file,
        message: 'not a regular file: kasumi reads input only from files on disk',
        hint: info.isDirectory() ? 'name a file inside the folder' : 'save the data to a file first and pass the path of that file',
      },
    ])
  }
  try {
    await access(file, constants.R_OK)
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, {suggestion: 'check the file permissions'})
  }
  return info
}
