/**
 * kill -9 in the middle of a large import, again and again: the store holds
 * the old cost lines or the old plus all of the file's, never part of it; it
 * passes its integrity checks; and the import succeeds afterwards.
 * A short loop runs in `npm test`; KASUMI_HOSTILE_LONG=1 runs a long one.
 */
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'

import {ROOT} from '../support/cli.js'
import {backends, ok, storeFactory, tempDir} from '../inventory/helpers.js'
import {query, start} from './writers.js'

const freshStore = storeFactory()
const LONG = process.env.KASUMI_HOSTILE_LONG === '1'

/** Cost lines per import and kills per backend. */
const PLAN = {
  sqlite: LONG ? {lines: 1_000_000, kills: 20} : {lines: 150_000, kills: 3},
  postgres: LONG ? {lines: 300_000, kills: 6} : {lines: 40_000, kills: 2},
}

function samples(lines: number): {systems: string; costs: string} {
  const out = tempDir()
  const generated = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts', 'generate-samples.js'), '--systems', '2000', '--cost-lines', String(lines), '--out', out],
    {encoding: 'utf8'},
  )
  expect(generated.status, generated.stderr).toBe(0)
  return {systems: join(out, 'systems.csv'), costs: join(out, 'costs.csv')}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await condition()) return true
    await sleep(20)
  }
  return false
}

/** Whether some process is inside a write transaction on the store right now. */
async function writing(backend: 'sqlite' | 'postgres', url: string): Promise<boolean> {
  if (backend === 'sqlite') {
    const db = new Database(url, {fileMustExist: true, timeout: 0})
    try {
      db.exec('BEGIN IMMEDIATE')
      db.exec('ROLLBACK')
      return false
    } catch (error) {
      if (/^SQLITE_BUSY/.test((error as {code?: string}).code ?? '')) return true
      throw error
    } finally {
      db.close()
    }
  }
  const rows = await query<{n: number | string}>(
    url,
    `SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname = 'cost_line' AND n.nspname = current_schema() AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()`,
  )
  return Number(rows[0].n) > 0
}

async function costLines(url: string): Promise<number> {
  return Number((await query<{n: number | string}>(url, 'SELECT count(*) AS n FROM cost_line'))[0].n)
}

/** The store's own checks after a kill: integrity, foreign keys, the cost-line index, and change sets that add up. */
async function expectIntact(backend: 'sqlite' | 'postgres', url: string, lines: number): Promise<void> {
  if (backend === 'sqlite') {
    expect(await query(url, 'PRAGMA integrity_check')).toEqual([{integrity_check: 'ok'}])
    expect(await query(url, 'PRAGMA foreign_key_check')).toEqual([])
    expect(await query(url, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'cost_line_system_year_idx'")).toHaveLength(1)
  } else {
    expect(await query(url, 'SELECT c.id FROM cost_line c LEFT JOIN system s ON s.id = c.system_id WHERE s.id IS NULL LIMIT 1')).toEqual([])
  }
  expect(await query(url, "SELECT id FROM change_set WHERE summary = 'import in progress'")).toEqual([])
  const logged = await query<{n: number | string | null}>(
    url,
    "SELECT sum(rows) AS n FROM change_set WHERE kind = 'import' AND summary LIKE '%cost lines inserted%'",
  )
  expect(Number(logged[0].n ?? 0)).toBe(lines)
}

for (const backend of await backends()) {
  const plan = PLAN[backend.name]
  describe.runIf(backend.enabled)(`kill -9 during an import (${backend.name})`, () => {
    it(
      `leaves the old cost lines or all of them, never part, through ${plan.kills} kills; then the import succeeds`,
      {timeout: LONG ? 3_600_000 : 180_000},
      async () => {
        const url = await freshStore(backend)
        const files = samples(plan.lines)
        await ok(['inventory', 'import', files.systems, '--database', url])
        const importCosts = ['inventory', 'import', files.costs, '--database', url]

        // One whole import: the old count for the kills, and how long its writing takes.
        const first = start(importCosts)
        expect(await until(() => writing(backend.name, url), 60_000)).toBe(true)
        const writingFrom = Date.now()
        const firstResult = await first.done
        expect(firstResult.exitCode, firstResult.stderr).toBe(0)
        const writeMs = Date.now() - writingFrom
        let expected = plan.lines
        expect(await costLines(url)).toBe(expected)

        let interrupted = 0
        for (let kill = 0; kill < plan.kills; kill++) {
          const run = start(importCosts)
          const seen = await until(() => writing(backend.name, url), 60_000)
          if (seen) await sleep(Math.floor(Math.random() * writeMs * 0.9))
          run.child.kill('SIGKILL')
          const result = await run.done
          // The server notices a killed client's connection soon, not at once; its transaction is rolled back.
          if (backend.name === 'postgres') await until(async () => !(await writing(backend.name, url)), 30_000)
          const count = await costLines(url)
          if (count === expected + plan.lines) {
            // The import committed before the kill reached it.
            expected += plan.lines
          } else {
            expect(count, `after kill ${kill + 1}: ${count} cost lines, neither the old count ${expected} nor old + all`).toBe(expected)
            if (result.signal === 'SIGKILL') interrupted++
          }
          await expectIntact(backend.name, url, expected)
        }
        expect(interrupted, 'no kill landed inside an import').toBeGreaterThan(0)

        const again = await ok([...importCosts, '--json'])
        expect(again.json).toMatchObject({inserted: plan.lines})
        expect(await costLines(url)).toBe(expected + plan.lines)
        await expectIntact(backend.name, url, expected + plan.lines)
      },
    )
  })
}
