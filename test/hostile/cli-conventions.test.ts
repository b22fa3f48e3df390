/**
 * oclif conventions through the built CLI as a child process: a mistyped
 * command gets a suggestion and a usage exit (2), never a stack trace; shell
 * completion is there; nothing is written by a command that does not exist.
 */
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {BIN, kasumiProcess, useTempDirs} from '../support/cli.js'

const tempDir = useTempDirs()

function unknown(argv: string[]) {
  const cwd = tempDir()
  // kasumi's cache folder (compiled code, font subsets) lies outside the working folder, as it does for a user.
  const result = kasumiProcess(argv, {cwd, env: {KASUMI_DATABASE: join(cwd, 'kasumi.db'), XDG_CACHE_HOME: join(tempDir(), 'cache')}})
  expect(result.exitCode, result.stderr).toBe(2)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  expect(result.stderr).not.toContain('fault in kasumi')
  expect(result.stderr.length).toBeLessThan(1000)
  expect(result.stdout).toBe('')
  expect(readdirSync(cwd)).toEqual([])
  return result.stderr.replace(/\s*›\s*/g, ' ')
}

describe('a command that does not exist', () => {
  it('a mistyped topic: the closest command is suggested', () => {
    const message = unknown(['inventroy', 'list'])
    expect(message).toContain('inventroy list is not a kasumi command')
    expect(message).toContain('Did you mean "kasumi inventory list"?')
  })

  it('a mistyped command in a known topic, with flags after it', () => {
    expect(unknown(['inventory', 'lst', '--json', '--no-input'])).toContain('Did you mean "kasumi inventory list"?')
  })

  it('a mistyped single command', () => {
    expect(unknown(['estimat', '--scenario', 'joint-use'])).toContain('Did you mean "kasumi estimate"?')
  })

  it('nothing close: no guess, the way to the list of commands', () => {
    const message = unknown(['frobnicate'])
    expect(message).toContain('frobnicate is not a kasumi command')
    expect(message).not.toContain('Did you mean')
    expect(message).toContain('kasumi --help')
  })
})

describe('shell completion', () => {
  it('kasumi autocomplete bash prints the set-up line; the completion script knows the commands', () => {
    const cwd = tempDir()
    const env = {XDG_CACHE_HOME: join(cwd, 'cache'), HOME: cwd}
    const instructions = kasumiProcess(['autocomplete', 'bash'], {cwd, env})
    expect(instructions.exitCode, instructions.stderr).toBe(0)
    expect(instructions.stdout).toContain('kasumi autocomplete script bash')
    const script = kasumiProcess(['autocomplete', 'script', 'bash'], {cwd, env})
    expect(script.exitCode, script.stderr).toBe(0)
    expect(script.stdout).toContain('KASUMI_AC_BASH_SETUP_PATH')
    const cache = readdirSync(join(cwd, 'cache', 'kasumi', 'autocomplete'), {recursive: true}).map(String)
    const functions = cache.find((file) => file.includes('bash') && file.endsWith('kasumi.bash'))
    expect(functions).toBeDefined()
  })
})

describe('a mistyped command on a terminal', () => {
  /** Runs kasumi on a pseudo-terminal (util-linux `script`), answering the prompt with `answer`. */
  function onTerminal(argv: string[], answer: string) {
    const cwd = tempDir()
    const db = join(cwd, 'kasumi.db')
    expect(kasumiProcess(['init', '--database', db]).exitCode).toBe(0)
    const command = [process.execPath, BIN, ...argv, '--database', db].map((word) => `'${word}'`).join(' ')
    const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'}
    delete env.CI
    const result = spawnSync('script', ['-qec', `${command}; echo "exit=$?"`, '/dev/null'], {
      cwd,
      input: answer,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    })
    return result.stdout
  }

  it('asks, and a yes runs the suggestion with the remaining arguments', () => {
    const output = onTerminal(['inventroy', 'list'], 'y\r')
    expect(output).toContain('Did you mean inventory list?')
    expect(output).toContain('No systems match.')
    expect(output).toContain('exit=0')
  })

  it('a no is the usage error (exit 2); --no-input never asks', () => {
    const declined = onTerminal(['inventroy', 'list'], 'n\r')
    expect(declined).toContain('Did you mean inventory list?')
    expect(declined).toContain('exit=2')
    const noInput = onTerminal(['inventroy', 'list', '--no-input'], '')
    expect(noInput).not.toContain('(Y/n)')
    expect(noInput).toContain('exit=2')
  })
})
