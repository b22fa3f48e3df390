import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import pg from 'pg'
import {afterAll, describe} from 'vitest'

import {tempDir} from './cli.js'

export const PG_BASE_URL = process.env.KASUMI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

let pgReachable: Promise<boolean> | undefined

/** Whether the PostgreSQL server for tests answers. In CI a missing server is a failure, never a skip. */
export function postgresAvailable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const client = new pg.Client({connectionString: PG_BASE_URL, connectionTimeoutMillis: 3000})
    try {
      await client.connect()
      await client.end()
      return true
    } catch (error) {
      const message = `PostgreSQL is not reachable at ${PG_BASE_URL} (${(error as Error).message}).`
      if (process.env.CI) throw new Error(`${message} CI must run the store tests on PostgreSQL: start the server (see .ci/run).`)
      process.stderr.write(
        `\n!!! ${message}\n!!! The PostgreSQL half of the store tests is SKIPPED. Start the server (pg_ctlcluster … main start) to run it.\n\n`,
      )
      return false
    }
  })()
  return pgReachable
}

/** A fresh, empty schema on the test server, as a kasumi --database URL; dropped by the returned cleanup. */
export async function freshPostgresUrl(): Promise<{url: string; drop(): Promise<void>}> {
  const schema = `kasumi_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({connectionString: PG_BASE_URL})
  await admin.connect()
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.end()
  const url = `${PG_BASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  return {
    url,
    async drop() {
      const client = new pg.Client({connectionString: PG_BASE_URL})
      await client.connect()
      await client.query(`DROP SCHEMA ${schema} CASCADE`)
      await client.end()
    },
  }
}

export function freshSqlitePath(): string {
  return join(tempDir(), 'kasumi.db')
}

export interface Backend {
  name: 'sqlite' | 'postgres'
  /** A new, uninitialised store location. */
  fresh(): Promise<{url: string; drop(): Promise<void>}>
}

export const BACKENDS: Backend[] = [
  {name: 'sqlite', fresh: async () => ({url: freshSqlitePath(), drop: async () => {}})},
  {name: 'postgres', fresh: freshPostgresUrl},
]

/**
 * Runs a store-backed suite once per backend: SQLite always, PostgreSQL when the server answers
 * (under CI a missing server fails the run; elsewhere the PostgreSQL half is skipped loudly).
 * `fresh()` makes an empty store location on that backend, removed when the suite is done.
 */
export async function describeEachBackend(title: string, body: (backend: Backend, fresh: () => Promise<string>) => void): Promise<void> {
  // postgresAvailable() says loudly that the PostgreSQL half is left out (and fails the run under CI).
  const postgres = await postgresAvailable()
  for (const backend of BACKENDS) {
    if (backend.name === 'postgres' && !postgres) continue
    describe(`${title} (${backend.name})`, () => {
      const drops: Array<() => Promise<void>> = []
      afterAll(async () => {
        for (const drop of drops.splice(0)) await drop()
      })
      body(backend, async () => {
        const {url, drop} = await backend.fresh()
        drops.push(drop)
        return url
      })
    })
  }
}
