import {sql, type Kysely} from 'kysely'

import {DatabaseUnavailableError} from '../domain/errors.js'
import type {Store} from './open.js'
import type {Database} from './schema.js'

/** How long a writer waits for another writer before giving up (SQLite's busy timeout is the same). */
export const LOCK_WAIT_MS = 5000

/** PostgreSQL serialization failures and deadlocks are retried this many times in all before they are reported. */
const SERIALIZATION_ATTEMPTS = 3

/** Another process holds the store's write lock longer than kasumi waits for it. Exit 6. */
export class StoreBusyError extends DatabaseUnavailableError {
  constructor(location: string, cause?: unknown) {
    super('another kasumi process is writing to this store; try again', {
      suggestion: `wait until the other command writing to ${location} has finished (a large import can take a minute), then run this one again; nothing was written`,
      cause,
    })
    this.name = 'StoreBusyError'
  }
}

const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/
/** serialization_failure, deadlock_detected */
const PG_RETRY = new Set(['40001', '40P01'])
/** lock_not_available (lock_timeout) */
const PG_BUSY = new Set(['55P03', ...PG_RETRY])

function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as {cause?: unknown}).cause, depth++) {
    const code = (current as {code?: unknown}).code
    if (typeof code === 'string') return code
  }
  return undefined
}

/** Whether a database error means that another writer holds the store (lock, busy, serialization, deadlock). */
export function isStoreBusy(error: unknown): boolean {
  const code = codeOf(error)
  return code !== undefined && (SQLITE_BUSY.test(code) || PG_BUSY.has(code))
}

/** A database error that means "another writer has the store" as the user error it is; anything else unchanged. */
export function storeFailure(error: unknown, location = 'the store'): unknown {
  if (error instanceof DatabaseUnavailableError) return error
  return isStoreBusy(error) ? new StoreBusyError(location, error) : error
}

/**
 * Runs `work` as one write transaction that holds the store's write lock from
 * its first statement, so that everything it reads stays true until it commits:
 * SQLite `BEGIN IMMEDIATE`; on PostgreSQL a transaction-scoped advisory lock
 * on the store's schema (one writer per store, readers never wait). Waits up
 * to LOCK_WAIT_MS for another writer, then fails with StoreBusyError.
 * PostgreSQL serialization failures and deadlocks are retried a few times;
 * `work` must therefore be safe to run again (it starts from what it reads).
 * Anything `work` throws rolls everything back.
 */
export async function writeTransaction<T>(store: Store, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.db.connection().execute(async (connection) => {
        // A SQLite BEGIN IMMEDIATE that fails has opened nothing; on PostgreSQL the transaction is open from BEGIN on.
        await sql.raw(store.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(connection)
        let result: T
        try {
          if (store.dialect === 'postgres') {
            await sql.raw(`set local lock_timeout = ${LOCK_WAIT_MS}`).execute(connection)
            await sql`select pg_advisory_xact_lock(hashtext('kasumi store ' || current_schema()))`.execute(connection)
          }
          result = await work(connection)
          await sql`commit`.execute(connection)
        } catch (error) {
          await sql`rollback`.execute(connection).catch(() => {})
          throw error
        }
        return result
      })
    } catch (error) {
      const code = codeOf(error)
      if (store.dialect === 'postgres' && code !== undefined && PG_RETRY.has(code) && attempt < SERIALIZATION_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.floor(Math.random() * 50)))
        continue
      }
      throw storeFailure(error, store.location)
    }
  }
}
