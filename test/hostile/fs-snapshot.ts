import {createHash} from 'node:crypto'
import {lstatSync, readFileSync, readdirSync, readlinkSync} from 'node:fs'
import {join} from 'node:path'

import {expect} from 'vitest'

import type {CommandResult} from '../support/cli.js'

/**
 * Everything under a folder, by relative path: a file's SHA-256 and mode, a
 * link's target, a folder or a special file as such. Two equal snapshots mean nothing was added,
 * removed, replaced or changed.
 */
export function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {}
  const visit = (relative: string) => {
    for (const name of readdirSync(join(folder, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name
      const stats = lstatSync(join(folder, path))
      if (stats.isSymbolicLink()) out[path] = `link -> ${readlinkSync(join(folder, path))}`
      else if (stats.isDirectory()) {
        out[path] = 'folder'
        visit(path)
      } else if (stats.isFile())
        out[path] = `${createHash('sha256')
          .update(readFileSync(join(folder, path)))
          .digest('hex')} ${(stats.mode & 0o777).toString(8)}`
      // A pipe, socket or device is never opened: reading a pipe blocks.
      else out[path] = `special ${(stats.mode & 0o170000).toString(8)}`
    }
  }
  visit('')
  return out
}

/** A refusal as a user sees it: the exit code, a clean message (no stack trace), and a bounded amount of output. */
export function expectRefusal(result: CommandResult, exitCode: number, message: RegExp | string, limit = 4096): void {
  const context = `exit ${result.exitCode}\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`
  expect(result.exitCode, context).toBe(exitCode)
  if (typeof message === 'string') expect(result.stderr, context).toContain(message)
  else expect(result.stderr, context).toMatch(message)
  expect(result.stderr, context).not.toMatch(/\n\s+at .+:\d+:\d+|Unexpected error|fault in kasumi/)
  expect(result.stdout.length + result.stderr.length, context).toBeLessThan(limit)
}
