import {rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {Writable} from 'node:stream'

import iconv from 'iconv-lite'
import {afterAll, expect} from 'vitest'

import {exportTo} from '../../src/inventory/export.js'
import type {Store} from '../../src/store/open.js'
import {kasumi, tempDir as makeTempDir, type CommandResult} from '../support/cli.js'
import {BACKENDS, postgresAvailable, type Backend} from '../support/stores.js'

const TOPICS = new Set(['inventory', 'reference'])

const folders: string[] = []

/** A new temporary folder, removed when the test file is done. */
export function tempDir(): string {
  const folder = makeTempDir()
  folders.push(folder)
  return folder
}

afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, {recursive: true, force: true})
})

/**
 * Runs a built kasumi command in-process, written as a user types it:
 * `cli(['inventory', 'list', '--json'])`. oclif's runCommand takes the
 * command id (`inventory:list`), so the topic and verb are joined here.
 */
export function cli(argv: string[], options: {env?: Record<string, string | undefined>} = {}): Promise<CommandResult> {
  const [first, second, ...rest] = argv
  if (TOPICS.has(first) && second !== undefined && !second.startsWith('-')) return kasumi([`${first}:${second}`, ...rest], options)
  return kasumi(argv, options)
}

/** Like cli(), but fails the test with the command's stderr (and, with --json, the error it printed) unless it exits 0. */
export async function ok(argv: string[], options: {env?: Record<string, string | undefined>} = {}): Promise<CommandResult> {
  const result = await cli(argv, options)
  expect(result.exitCode, `kasumi ${argv.join(' ')}\n${result.stderr}${result.json?.error ? JSON.stringify(result.json.error) : ''}`).toBe(0)
  return result
}

/** The backends to run store tests on, each with whether it can run here. */
export async function backends(): Promise<Array<Backend & {enabled: boolean}>> {
  const pg = await postgresAvailable()
  return BACKENDS.map((backend) => ({...backend, enabled: backend.name === 'sqlite' || pg}))
}

/**
 * Hands out fresh, initialised stores for one test file and drops them
 * (PostgreSQL schemas) when the file is done.
 */
export function storeFactory(): (backend: Backend) => Promise<string> {
  const drops: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const drop of drops) await drop()
  })
  return async (backend) => {
    const {url, drop} = await backend.fresh()
    drops.push(drop)
    if (backend.name === 'sqlite') folders.push(dirname(url))
    await ok(['init', '--database', url, '--actor', 'tester'])
    return url
  }
}

/** What a store holds, as a user can see it: every system, every cost line, and the change sets. */
export interface StoreContents {
  systems: unknown[]
  costs: unknown[]
  changeSets: number
}

export async function contents(url: string): Promise<StoreContents> {
  const systems = await ok(['inventory', 'export', '--database', url, '--kind', 'systems', '--format', 'json'])
  const costs = await ok(['inventory', 'export', '--database', url, '--kind', 'costs', '--format', 'json'])
  const history = await ok(['inventory', 'history', '--database', url, '--json', '--limit', '100000'])
  return {systems: JSON.parse(systems.stdout).rows, costs: JSON.parse(costs.stdout).rows, changeSets: history.json.entries.length}
}

/** Writes a file in a fresh temporary folder: text in the given encoding (UTF-8 by default), or bytes as they are. */
export function writeText(
  name: string,
  text: string | Buffer,
  options: {encoding?: 'utf-8' | 'shift_jis' | 'big5'; bom?: boolean; dir?: string} = {},
): string {
  const file = join(options.dir ?? tempDir(), name)
  writeFileSync(file, typeof text === 'string' ? encodeText(text, options) : text)
  return file
}

export function encodeText(text: string, options: {encoding?: 'utf-8' | 'shift_jis' | 'big5'; bom?: boolean} = {}): Buffer {
  const encoding = options.encoding ?? 'utf-8'
  if (encoding === 'utf-8') return Buffer.concat([Buffer.from(options.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')])
  // Windows code pages, as Excel in Japan and Taiwan writes them.
  const codePage = encoding === 'shift_jis' ? 'cp932' : 'cp950'
  const bytes = iconv.encode(text, codePage)
  // A fixture must survive its own encoding, or the test proves nothing.
  expect(iconv.decode(bytes, codePage)).toBe(text)
  return bytes
}

/** CSV text from rows of cells (no quoting: fixtures quote what they need themselves). */
export function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`
}

/** A store's CSV export of systems or cost lines (no BOM), as text, and the rows it counts. */
export async function exportedCsv(store: Store, kind: 'systems' | 'costs'): Promise<{text: string; rows: number}> {
  let text = ''
  const rows = await exportTo(
    store,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8')
        done()
      },
    }),
    {kind, format: 'csv', bom: false},
  )
  return {text, rows}
}
