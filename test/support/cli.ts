import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {spawnSync} from 'node:child_process'

import {Config, Errors} from '@oclif/core'
import {afterAll} from 'vitest'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'run.js')

export interface CommandResult {
  stdout: string
  stderr: string
  exitCode: number
  /** Parsed stdout when it is JSON. */
  json?: any
  error?: Error
}

let config: Config | undefined

/**
 * Runs a kasumi command in-process, from the built manifest and `dist/`,
 * capturing stdout, stderr and the exit code as a user would see them.
 */
export async function kasumi(argv: string[], options: {env?: Record<string, string | undefined>} = {}): Promise<CommandResult> {
  config ??= await Config.load(ROOT)
  const saved = {stdout: process.stdout.write, stderr: process.stderr.write, exitCode: process.exitCode}
  const savedEnv: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(options.env ?? {})) {
    savedEnv[key] = process.env[key]
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  let stdout = ''
  let stderr = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  }) as typeof process.stderr.write
  let exitCode = 0
  let error: Error | undefined
  try {
    // Topic words may be given apart, as a user types them: `inventory list` = `inventory:list`.
    let split = Math.min(argv.length, 3)
    while (split > 1 && !config.findCommand(argv.slice(0, split).join(':'))) split--
    await config.runCommand(argv.slice(0, split).join(':'), argv.slice(split))
  } catch (caught) {
    error = caught as Error
    const oclif = (caught as {oclif?: {exit?: number}}).oclif
    exitCode = oclif?.exit ?? 1
    if (!(caught instanceof Errors.ExitError) && oclif?.exit === undefined) stderr += String((caught as Error).stack)
    else if (!(caught instanceof Errors.ExitError)) stderr += (caught as Error).message
  } finally {
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    process.exitCode = saved.exitCode
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
  let json: unknown
  try {
    json = JSON.parse(stdout)
  } catch {
    json = undefined
  }
  return {stdout, stderr, exitCode, json, error}
}

/** Runs the built CLI as a child process, as a user would. */
export function kasumiProcess(argv: string[], options: {cwd?: string; env?: Record<string, string>; input?: string} = {}): CommandResult {
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    cwd: options.cwd,
    env: {...process.env, NO_COLOR: '1', ...options.env},
    input: options.input ?? '',
    encoding: 'utf8',
  })
  let json: unknown
  try {
    json = JSON.parse(result.stdout)
  } catch {
    json = undefined
  }
  return {stdout: result.stdout, stderr: result.stderr, exitCode: result.status ?? 1, json}
}

export function tempDir(prefix = 'kasumi-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A maker of temporary folders that are all removed when the calling test file is done. */
export function useTempDirs(): (prefix?: string) => string {
  const folders: string[] = []
  afterAll(() => {
    for (const folder of folders.splice(0)) rmSync(folder, {recursive: true, force: true})
  })
  return (prefix?: string) => {
    const folder = tempDir(prefix)
    folders.push(folder)
    return folder
  }
}

/** Every file under a folder, relative to it, with / as the separator, sorted. */
export function filesIn(folder: string): string[] {
  return readdirSync(folder, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(folder.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort()
}
