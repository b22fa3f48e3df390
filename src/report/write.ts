import {createHash} from 'node:crypto'
import {createReadStream, existsSync} from 'node:fs'
import {mkdir, readdir, rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, isAbsolute, join, normalize, relative, resolve, sep} from 'node:path'

import {ConflictError, UsageError} from '../domain/errors.js'
import type {RenderedFile} from './render/types.js'

/** A file written into a folder: its path relative to the folder (with /), SHA-256 and size. */
export interface WrittenFile {
  path: string
  sha256: string
  bytes: number
}

/** The default report folder: `reports/out/<name>-<YYYY-MM-DD>/` under the current directory, dated in local time. */
export function defaultReportFolder(name: string, now: Date = new Date(), cwd: string = process.cwd()): string {
  const date = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
  const safe = name.replace(/[\\/:*?"<>|]|[^\P{Cc}\u007f-\u009f]/gu, '-').replace(/^\.+/, '') || 'report'
  return join(cwd, 'reports', 'out', `${safe}-${date}`)
}

/** Fails (exit 5) when the folder exists and may not be replaced. */
export function assertWritable(folder: string, force: boolean): void {
  if (existsSync(folder) && !force) {
    throw new ConflictError(`${folder} already exists`, {suggestion: 'pass --force to replace it, or choose another --out'})
  }
}

/**
 * Fills a folder atomically: `fill` writes into a temporary sibling folder,
 * which is renamed into place only when it is complete. An existing folder is
 * replaced only with `force` (else ConflictError, exit 5), and only after the
 * new one is complete; a failure leaves the old folder as it was and no
 * temporary folder behind. Returns every file written, sorted by path.
 */
export async function writeFolder(folder: string, options: {force: boolean}, fill: (temporary: string) => Promise<void>): Promise<WrittenFile[]> {
  const target = resolve(folder)
  assertWritable(target, options.force)
  await mkdir(dirname(target), {recursive: true})
  const stamp = `${process.pid}-${Date.now().toString(36)}`
  const temporary = join(dirname(target), `.${basename(target)}.${stamp}.tmp`)
  const old = join(dirname(target), `.${basename(target)}.${stamp}.old`)
  await mkdir(temporary)
  try {
    await fill(temporary)
    const files = await listFiles(temporary)
    // Checked again now: the folder may have appeared while this one was being written.
    assertWritable(target, options.force)
    let moved = false
    if (existsSync(target)) {
      await rename(target, old)
      moved = true
    }
    try {
      await rename(temporary, target)
    } catch (error) {
      if (moved) await rename(old, target)
      throw error
    }
    if (moved) await rm(old, {recursive: true, force: true})
    return files
  } catch (error) {
    await rm(temporary, {recursive: true, force: true})
    throw error
  }
}

/** Writes rendered files under a folder (which must exist), creating subfolders. */
export async function writeFiles(folder: string, files: readonly RenderedFile[]): Promise<void> {
  for (const file of files) {
    const path = safeJoin(folder, file.path)
    await mkdir(dirname(path), {recursive: true})
    await writeFile(path, file.content)
  }
}

/** Writes a report folder atomically (see writeFolder). */
export function writeReportFolder(folder: string, files: readonly RenderedFile[], options: {force: boolean}): Promise<WrittenFile[]> {
  return writeFolder(folder, options, (temporary) => writeFiles(temporary, files))
}

/** Every file under a folder with its SHA-256 and size, by path (relative, with /). */
export async function listFiles(folder: string): Promise<WrittenFile[]> {
  const out: WrittenFile[] = []
  for (const path of await listPaths(folder)) out.push({path, ...(await hashFile(join(folder, path)))})
  return out
}

/** The paths of every file under a folder, relative, with /, sorted. */
export async function listPaths(folder: string): Promise<string[]> {
  const paths: string[] = []
  for (const entry of await readdir(folder, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) paths.push(relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
  }
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** SHA-256 (hex) and size of a file, read as a stream. */
export async function hashFile(file: string): Promise<{sha256: string; bytes: number}> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(file, {highWaterMark: 1 << 20})) {
    hash.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
  }
  return {sha256: hash.digest('hex'), bytes}
}

/** A relative path inside a folder; a path leaving it (absolute, or with ..) is refused. */
export function safeJoin(folder: string, path: string): string {
  const normalised = normalize(path)
  if (isAbsolute(normalised) || normalised === '..' || normalised.startsWith(`..${sep}`)) throw new UsageError(`${path} is not a path inside the folder`)
  return join(folder, normalised)
}
