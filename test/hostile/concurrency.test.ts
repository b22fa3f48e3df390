import Database from 'better-sqlite3'
import pg from 'pg'
import {describe, expect, it} from 'vitest'

import {backends, csv, ok, storeFactory, writeText} from '../inventory/helpers.js'
import {expectCleanFailure, expectLogAgreesWithRows, query, together, type Finished} from './writers.js'

const freshStore = storeFactory()

const BUSY = 'another kasumi process is writing to this store; try again'
const HEADER = 'id,ministry,name,category'

/** `count` systems with ids PREFIX-0001 …, as a CSV file. */
function systemsFile(prefix: string, count: number, extra?: {header: string; value(index: number): string}): string {
  const lines = [extra ? `${HEADER},${extra.header}` : HEADER]
  for (let index = 1; index <= count; index++) {
    const id = `${prefix}-${String(index).padStart(4, '0')}`
    lines.push(`${id},mic,システム${index},lan${extra ? `,${extra.value(index)}` : ''}`)
  }
  return writeText(`${prefix}-${extra?.header ?? 'base'}.csv`, csv(...lines))
}

async function systemCount(url: string): Promise<number> {
  const rows = await query<{n: number | string}>(url, 'SELECT count(*) AS n FROM system')
  return Number(rows[0].n)
}

async function importSets(url: string): Promise<Array<{fileName: string; summary: string}>> {
  const entries = (await ok(['inventory', 'history', '--database', url, '--json'])).json.entries as Array<{
    kind: string
    fileName: string
    summary: string
  }>
  return entries.filter((entry) => entry.kind === 'import')
}

for (const backend of await backends()) {
  describe.runIf(backend.enabled)(`concurrent writers (${backend.name})`, () => {
    it('concurrent updates of different fields of one system all land, and the change log agrees with the row', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', systemsFile('CON', 3), '--database', url])
      const assignments = [
        'users=1101',
        'physical_servers=12',
        'virtual_hosts=3',
        'os_instances=44',
        'storage_tb=5.5',
        'annual_hours=660',
        'business_area=共通基盤',
      ]
      const update = (id: string, assignment: string) => ['inventory', 'update', id, '--set', assignment, '--database', url, '--actor', 'tester']
      const results = await whileLocked(backend.name, url, [
        ...assignments.map((assignment) => update('CON-0001', assignment)),
        update('CON-0002', 'users=7'),
        update('CON-0002', 'status=migrating'),
      ])
      for (const result of results) expect(result.exitCode, `${result.argv.join(' ')}\n${result.stderr}`).toBe(0)

      const shown = (await ok(['inventory', 'show', 'CON-0001', '--database', url, '--json'])).json.system
      expect(shown).toMatchObject({
        users: 1101,
        physicalServers: 12,
        virtualHosts: 3,
        osInstances: 44,
        storageTb: '5.5',
        annualHours: '660',
        businessArea: '共通基盤',
      })
      expect((await ok(['inventory', 'show', 'CON-0002', '--database', url, '--json'])).json.system).toMatchObject({users: 7, status: 'migrating'})
      const history = (await ok(['inventory', 'history', 'CON-0001', '--database', url, '--json'])).json.entries as Array<{
        kind: string
        field: string
      }>
      expect(
        history
          .filter((entry) => entry.kind === 'update')
          .map((entry) => entry.field)
          .sort(),
      ).toEqual(['annual_hours', 'business_area', 'os_instances', 'physical_servers', 'storage_tb', 'users', 'virtual_hosts'])
      expect(await expectLogAgreesWithRows(url)).toBe(3 + assignments.length + 2)
    })

    it('two imports of the same 2,000 ids started together (--on-conflict fail): one writes them, the other writes nothing', async () => {
      const url = await freshStore(backend)
      const file = systemsFile('RACE', 2000)
      const results = await whileLocked(
        backend.name,
        url,
        [0, 1, 2].map(() => ['inventory', 'import', file, '--database', url, '--json']),
      )
      const succeeded = results.filter((result) => result.exitCode === 0)
      expect(succeeded, results.map((result) => result.stderr).join('\n')).toHaveLength(1)
      expect(JSON.parse(succeeded[0].stdout)).toMatchObject({inserted: 2000, updated: 0})
      for (const result of results.filter((candidate) => candidate.exitCode !== 0)) {
        if (result.exitCode === 6) expectCleanFailure(result, 6, BUSY)
        else
          expect(JSON.parse(result.stdout).error).toMatchObject({
            exitCode: 3,
            issues: expect.arrayContaining([expect.objectContaining({message: 'a system with this id is already in the store'})]),
            totalIssues: 2000,
          })
      }
      expect(await systemCount(url)).toBe(2000)
      expect(await importSets(url)).toHaveLength(1)
      expect(await expectLogAgreesWithRows(url)).toBe(2000)
    })

    it('imports updating different columns of the same systems together (--on-conflict update) all land', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', systemsFile('UPD', 500), '--database', url])
      const files = [
        systemsFile('UPD', 500, {header: 'users', value: (index) => String(index * 3)}),
        systemsFile('UPD', 500, {header: 'physical_servers', value: (index) => String(index % 17)}),
        systemsFile('UPD', 500, {header: 'storage_tb', value: (index) => `${index}.5`}),
      ]
      const results = await whileLocked(
        backend.name,
        url,
        files.map((file) => ['inventory', 'import', file, '--on-conflict', 'update', '--database', url, '--json']),
      )
      for (const result of results) {
        expect(result.exitCode, result.stderr).toBe(0)
        expect(JSON.parse(result.stdout)).toMatchObject({inserted: 0, updated: 500})
      }
      const rows = JSON.parse((await ok(['inventory', 'export', '--database', url, '--kind', 'systems', '--format', 'json'])).stdout).rows as Array<
        Record<string, unknown>
      >
      expect(rows).toHaveLength(500)
      for (const row of rows) {
        const index = Number((row.id as string).slice(4))
        expect(row).toMatchObject({users: index * 3, physicalServers: index % 17, storageTb: `${index}.5`})
      }
      expect(await expectLogAgreesWithRows(url)).toBe(500 + 3 * 500)
    })

    it('imports of the same new ids together with --on-conflict skip: each system inserted once, the rest skipped', async () => {
      const url = await freshStore(backend)
      const file = systemsFile('SKIP', 1000)
      const results = await together([0, 1].map(() => ['inventory', 'import', file, '--on-conflict', 'skip', '--database', url, '--json']))
      for (const result of results) expect(result.exitCode, result.stderr).toBe(0)
      const summaries = results.map((result) => JSON.parse(result.stdout))
      expect(summaries.map((summary) => summary.inserted).sort()).toEqual([0, 1000])
      expect(summaries.map((summary) => summary.skipped).sort()).toEqual([0, 1000])
      expect(await systemCount(url)).toBe(1000)
      expect(await expectLogAgreesWithRows(url)).toBe(1000)
    })

    it('a writer that holds the store longer than kasumi waits: exit 6 "try again", no stack trace, nothing written; then it works', async () => {
      const url = await freshStore(backend)
      await ok(['inventory', 'import', systemsFile('LOCK', 3), '--database', url])
      const before = await query(url, 'SELECT * FROM system ORDER BY id')
      const changeSets = await query(url, 'SELECT count(*) AS n FROM change_set')
      const release = await holdWriteLock(backend.name, url)
      let results
      try {
        results = await together([
          ['inventory', 'update', 'LOCK-0001', '--set', 'users=5', '--database', url],
          ['inventory', 'import', systemsFile('LOCK', 3, {header: 'users', value: () => '9'}), '--on-conflict', 'update', '--database', url],
          ['inventory', 'retire', 'LOCK-0002', '--force', '--database', url, '--json'],
        ])
      } finally {
        await release()
      }
      expectCleanFailure(results[0], 6, BUSY)
      expectCleanFailure(results[1], 6, BUSY)
      expect(results[2].exitCode).toBe(6)
      expect(JSON.parse(results[2].stdout).error).toMatchObject({exitCode: 6, message: BUSY})
      expect(await query(url, 'SELECT * FROM system ORDER BY id')).toEqual(before)
      expect(await query(url, 'SELECT count(*) AS n FROM change_set')).toEqual(changeSets)
      await ok(['inventory', 'update', 'LOCK-0001', '--set', 'users=5', '--database', url])
      await expectLogAgreesWithRows(url)
    })
  })
}

/**
 * Starts the commands while another client holds the write lock, and lets it go
 * after a moment (well within the 5 s a writer waits): the commands have read
 * whatever they read outside their write transaction by then, and all want to
 * write at once. A writer that read before it held the lock loses updates here.
 */
async function whileLocked(backend: 'sqlite' | 'postgres', url: string, commands: string[][]): Promise<Finished[]> {
  const release = await holdWriteLock(backend, url)
  let results: Promise<Finished[]>
  try {
    results = together(commands)
    await new Promise((resolve) => setTimeout(resolve, 2500))
  } finally {
    await release()
  }
  return results
}

/**
 * Another client takes the store's write lock and keeps it: on SQLite an open
 * BEGIN IMMEDIATE; on PostgreSQL an exclusive lock on the system table (as a
 * long write by another tool would hold). Returns the release.
 */
async function holdWriteLock(backend: 'sqlite' | 'postgres', url: string): Promise<() => Promise<void>> {
  if (backend === 'sqlite') {
    const db = new Database(url)
    db.exec('BEGIN IMMEDIATE')
    return async () => {
      db.exec('ROLLBACK')
      db.close()
    }
  }
  const client = new pg.Client({connectionString: url})
  await client.connect()
  await client.query('BEGIN')
  await client.query('LOCK TABLE system IN EXCLUSIVE MODE')
  return async () => {
    await client.query('ROLLBACK')
    await client.end()
  }
}
