import {createHash} from 'node:crypto'
import {createReadStream, existsSync, lstatSync, readFileSync, readdirSync, type Stats} from 'node:fs'
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

/**
 * The marker kasumi writes into every report folder and audit bundle: only a
 * folder holding it (or an empty folder) may be replaced with --force.
 */
export const OUTPUT_MARKER = '.kasumi-output'

export type OutputKind = 'report' | 'audit-bundle'

/**
 * The marker's content: what wrote the folder, when, and every other file it
 * wrote (relative paths, sorted). Deterministic given its fields.
 */
export function markerContent(kind: OutputKind, kasumi: string, createdAt: string, files: readonly string[]): string {
  const listed = files.filter((path) => path !== OUTPUT_MARKER).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return `${JSON.stringify({format: 'kasumi-output', kind, kasumi, createdAt, files: listed}, null, 2)}\n`
}

const MARKER_LIMIT = 1024 * 1024
const WALK_LIMIT = 100_000

/** The files a folder's marker lists, or undefined when it has no marker (a regular file, not a link, that parses as one). */
export function markedFiles(folder: string): Set<string> | undefined {
  const file = join(folder, OUTPUT_MARKER)
  try {
    const stats = lstatSync(file)
    if (!stats.isFile() || stats.size > MARKER_LIMIT) return undefined
    const marker = JSON.parse(readFileSync(file, 'utf8')) as {format?: unknown; files?: unknown}
    if (marker?.format !== 'kasumi-output' || !Array.isArray(marker.files)) return undefined
    return new Set(marker.files.filter((path): path is string => typeof path === 'string'))
  } catch {
    return undefined
  }
}

/** Entries under a folder that its marker does not list: files kasumi did not write, links, pipes (at most `limit + 1`). */
function unmarkedEntries(folder: string, marked: ReadonlySet<string>, limit = WALK_LIMIT): string[] {
  const out: string[] = []
  const visit = (relative: string) => {
    for (const entry of readdirSync(relative ? join(folder, relative) : folder, {withFileTypes: true})) {
      if (out.length > limit) return
      const path = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) visit(path)
      else if (!entry.isFile() || (path !== OUTPUT_MARKER && !marked.has(path))) out.push(path)
    }
  }
  visit('')
  return out.sort()
}

const SHOWN_ENTRIES = 5

function describeEntries(entries: readonly string[], what = ''): string {
  const shown = entries
    .slice(0, SHOWN_ENTRIES)
    .map((entry) => JSON.stringify(entry))
    .join(', ')
  const count = entries.length > WALK_LIMIT ? `more than ${WALK_LIMIT.toLocaleString('en')}` : String(entries.length)
  return `${count} entr${entries.length === 1 ? 'y' : 'ies'}${what ? ` ${what}` : ''} (${shown}${entries.length > SHOWN_ENTRIES ? ', …' : ''})`
}

function whatIsThere(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isFile()) return `a file of ${stats.size.toLocaleString('en')} bytes`
  if (stats.isFIFO()) return 'a named pipe'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device'
  return 'something other than a folder'
}

const FORCE_RULE =
  '--force replaces only a folder kasumi wrote (a report or an audit bundle, recognised by its .kasumi-output marker, holding only the files it lists) or an empty folder'

/**
 * Fails (exit 5) when the output folder may not be written: it exists and
 * --force was not given, or --force was given but what is there is not an
 * earlier kasumi output folder nor an empty folder (a file, a link, a folder
 * of other things), or it is the root of the file system. Names what is there.
 */
export function assertWritable(folder: string, force: boolean): void {
  const target = resolve(folder)
  const shown = folder === target ? folder : `${folder} (${target})`
  if (dirname(target) === target) {
    throw new ConflictError(`${target} is the root of the file system, not a place for an output folder`, {
      suggestion: 'choose a new folder with --out, e.g. --out reports/out/mine',
    })
  }
  let stats: Stats
  try {
    stats = lstatSync(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw outputError(target, error)
  }
  if (!stats.isDirectory()) {
    const there = whatIsThere(stats)
    throw new ConflictError(`${shown} already exists and is ${there}, not an output folder${force ? '; it was left as it is' : ''}`, {
      suggestion: force ? `${FORCE_RULE}: choose another --out` : 'choose another --out',
    })
  }
  let entries: string[]
  try {
    entries = readdirSync(target).sort()
  } catch (error) {
    throw outputError(target, error)
  }
  if (!force) {
    throw new ConflictError(`${shown} already exists${entries.length === 0 ? ' (an empty folder)' : ''}`, {
      suggestion: 'pass --force to replace it, or choose another --out',
    })
  }
  if (entries.length === 0) return
  const marked = markedFiles(target)
  if (marked) {
    let foreign: string[]
    try {
      foreign = unmarkedEntries(target, marked)
    } catch (error) {
      throw outputError(target, error)
    }
    if (foreign.length === 0) return
    throw new ConflictError(
      `${shown} is a folder kasumi wrote, but it now holds ${describeEntries(foreign, 'that kasumi did not write')}; it was left as it is`,
      {
        suggestion: 'move those files out of it first, or choose a new folder with --out',
      },
    )
  }
  throw new ConflictError(
    `${shown} is not a folder kasumi wrote: it holds ${describeEntries(entries)} and no ${OUTPUT_MARKER} marker; it was left as it is`,
    {
      suggestion: `${FORCE_RULE}: choose a new folder with --out`,
    },
  )
}

/** A file-system error while writing an output folder, as an error a person can act on (exit 5). */
export function outputError(target: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException)?.code
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'the operation is not permitted',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is not a folder',
    ENOENT: 'a part of the path does not exist and cannot be created',
    ENAMETOOLONG: 'the path is too long',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    EEXIST: 'something appeared at that path while the folder was written',
    ENOTEMPTY: 'something appeared at that path while the folder was written',
    EISDIR: 'a part of the path is a folder where a file was expected',
    ELOOP: 'too many symbolic links in the path',
    EXDEV: 'the path crosses file systems',
    EBUSY: 'the path is in use',
  }
  if (!code || !(code in reasons)) return error as Error
  return new ConflictError(`cannot write ${target}: ${reasons[code]} (${code})`, {
    suggestion: 'choose a path you may write (--out, --output)',
    cause: error,
  })
}

/**
 * Fills a folder atomically: `fill` writes into a temporary sibling folder,
 * which is renamed into place only when it is complete. An existing folder is
 * replaced only with `force` and only when it is an earlier kasumi output
 * folder or empty (see assertWritable; else ConflictError, exit 5), and only
 * after the new one is complete; a failure leaves the old folder as it was and
 * no temporary folder behind. The marker is written first. Returns every file
 * written (the marker too), sorted by path.
 */
export async function writeFolder(
  folder: string,
  options: {force: boolean; kind: OutputKind; kasumi: string; createdAt: string},
  fill: (temporary: string) => Promise<void>,
): Promise<WrittenFile[]> {
  const target = resolve(folder)
  assertWritable(target, options.force)
  const stamp = `${process.pid}-${Date.now().toString(36)}`
  const temporary = join(dirname(target), `.${basename(target)}.${stamp}.tmp`)
  const old = join(dirname(target), `.${basename(target)}.${stamp}.old`)
  try {
    await mkdir(dirname(target), {recursive: true})
    await mkdir(temporary)
  } catch (error) {
    throw outputError(target, error)
  }
  try {
    await fill(temporary)
    // The marker last: it lists every file written, so that --force later replaces only those.
    await writeFile(join(temporary, OUTPUT_MARKER), markerContent(options.kind, options.kasumi, options.createdAt, await listPaths(temporary)))
    const files = await listFiles(temporary)
    // Checked again now: the folder may have appeared or changed while this one was being written.
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
    throw outputError(target, error)
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
export function writeReportFolder(
  folder: string,
  files: readonly RenderedFile[],
  options: {force: boolean; kasumi: string; createdAt: string},
): Promise<WrittenFile[]> {
  return writeFolder(folder, {...options, kind: 'report'}, (temporary) => writeFiles(temporary, files))
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
  if (isAbsolute(normalised) || normalised === '..' || normalised.startsWith(`..${sep}`))
    throw new UsageError(`${path} is not a path inside the folder`)
  return join(folder, normalised)
}
