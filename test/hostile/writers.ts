/**
 * Helpers for the tests of concurrent writers and killed imports: the built
 * CLI as child processes started together, and a replay of the change log
 * against the rows it describes.
 */
import {spawn, type ChildProcess} from 'node:child_process'

import Database from 'better-sqlite3'
import pg from 'pg'
import {expect} from 'vitest'

import {SYSTEM_FIELDS} from '../../src/ingest/kinds.js'
import {BIN} from '../support/cli.js'
import {ok} from '../inventory/helpers.js'

export interface Finished {
  argv: string[]
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Starts the built CLI as a child process; `done` settles when it exits. */
export function start(argv: string[]): {child: ChildProcess; done: Promise<Finished>} {
  const child = spawn(process.execPath, [BIN, ...argv], {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode, signal) => resolve({argv, exitCode, signal, stdout, stderr}))
  })
  return {child, done}
}

/** Runs every command at once, each in its own process, and waits for all of them. */
export function together(commands: string[][]): Promise<Finished[]> {
  return Promise.all(commands.map((argv) => start(argv).done))
}

/** A concurrent writer may only succeed, or fail cleanly as "busy" (exit 6): never a fault, never a stack trace. */
export function expectCleanFailure(result: Finished, exitCode: number, message: string): void {
  expect(result.exitCode, `${result.argv.join(' ')}\n${result.stderr}`).toBe(exitCode)
  expect(result.stderr).toContain(message)
  expect(result.stderr).not.toContain('fault in kasumi')
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

/** Runs SQL on a store directly, as a second client would (SQLite file or PostgreSQL URL with a search_path). */
export async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  if (!url.startsWith('postgres')) {
    // Read-write, as kasumi opens it: after a killed writer SQLite may need to recover the WAL first.
    const db = new Database(url, {fileMustExist: true})
    try {
      return db.prepare(text).all() as T[]
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return (await client.query(text)).rows as T[]
  } finally {
    await client.end()
  }
}

const KEY_OF_HEADER = new Map(SYSTEM_FIELDS.map((field) => [field.header, field.key]))

/** A field's value as the change log writes it. */
function logText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.length === 0 ? null : value.join(';')
  return String(value)
}

/**
 * Replays the change log of every system and checks it against the stored
 * rows: each update's "before" is the value the log says the field had, and
 * the log's last value of every field is the value in the register. A lost
 * update breaks both. Returns how many changes were replayed.
 */
export async function expectLogAgreesWithRows(url: string): Promise<number> {
  const exported = await ok(['inventory', 'export', '--database', url, '--kind', 'systems', '--format', 'json'])
  const rows = new Map((JSON.parse(exported.stdout).rows as Array<Record<string, unknown>>).map((row) => [row.id as string, row]))
  const changes = await query<{entity_id: string; action: string; field: string | null; before: string | null; after: string | null}>(
    url,
    "SELECT entity_id, action, field, before, after FROM change WHERE entity = 'system' ORDER BY id",
  )
  const replayed = new Map<string, Map<string, string | null>>()
  for (const change of changes) {
    if (change.action === 'insert') {
      expect(replayed.has(change.entity_id), `${change.entity_id} inserted twice`).toBe(false)
      const record = JSON.parse(change.after!) as Record<string, unknown>
      replayed.set(change.entity_id, new Map(SYSTEM_FIELDS.map((field) => [field.key, logText(record[field.key])])))
      continue
    }
    const state = replayed.get(change.entity_id)
    expect(state, `${change.entity_id} changed before it was inserted`).toBeDefined()
    const key = KEY_OF_HEADER.get(change.field!)
    expect(key, `unknown field ${change.field}`).toBeDefined()
    expect(change.before, `${change.entity_id} ${change.field}: the log's "before" is not the value the log gave it`).toBe(state!.get(key!))
    state!.set(key!, change.after)
  }
  expect([...replayed.keys()].sort()).toEqual([...rows.keys()].sort())
  for (const [id, state] of replayed) {
    const row = rows.get(id)!
    for (const [key, value] of state) expect(logText(row[key]), `${id} ${key}: the register and its log disagree`).toBe(value)
  }
  return changes.length
}
