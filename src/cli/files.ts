import {access, constants, stat} from 'node:fs/promises'

import {NotFoundError, UsageError} from '../domain/errors.js'

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
