import {existsSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {dirname, join, resolve} from 'node:path'

import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely'
import type BetterSqlite3 from 'better-sqlite3'
import type {PoolClient} from 'pg'

import {DatabaseUnavailableError, InternalError, UsageError} from '../domain/errors.js'
import {redactUrl, unencodedUserinfo} from '../domain/redact.js'
import {MIGRATION_NAMES, StaticMigrationProvider} from './migrations/index.js'
import type {Database} from './schema.js'

export type Dialect = 'sqlite' | 'postgres'

export interface Store {
  dialect: Dialect
  /** Where the store is, with any password removed. */
  location: string
  /**
   * The Kysely instance and (on SQLite) the raw handle: for src/store/ only.
   * Everything else uses the store's operations (register.ts, edits.ts, imports.ts, write.ts).
   */
  db: Kysely<Database>
  sqlite?: BetterSqlite3.Database
  /**
   * On PostgreSQL, the driver's client behind a connection of `db` (such as a
   * write transaction's), for what Kysely does not do: streaming COPY. For src/store/ only.
   */
  postgresClient?(connection: Kysely<Database>): Promise<PoolClient>
  close(): Promise<void>
}

export interface OpenResult {
  store: Store
  /** True when this call created the store (init on a new file or an empty database). */
  created: boolean
  /** Migrations applied by this call. */
  migrated: string[]
}

export {redactUrl}

export const DEFAULT_DATABASE = './kasumi.db'

export function isPostgresUrl(target: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(target)
}

function sqlitePath(target: string): string {
  return resolve(target.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, ''))
}

/**
 * Whether there may be a store at `target`: a SQLite file that exists, or any
 * PostgreSQL URL (whether its schema holds a store only opening can tell).
 */
export function storeExists(target: string): boolean {
  return isPostgresUrl(target) || existsSync(sqlitePath(target))
}

/**
 * Opens the store at `target` (a SQLite file path or a postgres:// URL).
 * `create: false` requires an initialised store and applies pending migrations;
 * `create: true` (kasumi init) creates the file or schema when missing.
 */
export async function openStore(target: string, options: {create: boolean}): Promise<OpenResult> {
  const store = isPostgresUrl(target) ? await openPostgres(target) : await openSqlite(target, options.create)
  // The common case, a SQLite store every migration has run on, in one query: Kysely's migrator would first look
  // at every table and its columns to find its own.
  if (store.sqlite && migrationsDone(store.sqlite)) return {store, created: false, migrated: []}
  try {
    const migrator = new Migrator({db: store.db as Kysely<any>, provider: new StaticMigrationProvider({dialect: store.dialect})})
    const known = await migrator.getMigrations()
    const initialised = known.some((migration) => migration.executedAt !== undefined)
    if (!initialised && !options.create) {
      throw new DatabaseUnavailableError(`${store.location} is not a kasumi store yet`, {
        suggestion: `run \`kasumi init${target === DEFAULT_DATABASE ? '' : ` --database ${store.location}`}\` first`,
      })
    }
    const pending = known.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
    if (pending.length > 0) {
      const {error, results} = await migrator.migrateToLatest()
      if (error) throw new InternalError(`migrating ${store.location} failed: ${(error as Error).message}`, {cause: error})
      const failed = results?.find((result) => result.status === 'Error')
      if (failed) throw new InternalError(`migration ${failed.migrationName} failed`)
    }
    return {store, created: !initialised, migrated: pending}
  } catch (error) {
    await store.close()
    throw error
  }
}

/**
 * Where another thread of this process can open the same store again, for reading beside this connection: a SQLite
 * store's file. Undefined for PostgreSQL, whose URL the store no longer holds with its password.
 */
export function reopenTarget(store: Store): string | undefined {
  return store.dialect === 'sqlite' ? store.location : undefined
}

/** Whether every migration kasumi knows is recorded as run in this SQLite store (false when that cannot be told). */
function migrationsDone(sqlite: BetterSqlite3.Database): boolean {
  try {
    const done = new Set(sqlite.prepare('SELECT name FROM kysely_migration').pluck().all())
    return MIGRATION_NAMES.every((name) => done.has(name))
  } catch {
    return false
  }
}

/**
 * The path of better-sqlite3's compiled addon, for its `nativeBinding` option, when it is where the package's own
 * lookup (the `bindings` package, which searches by parsing a stack trace) would find it first; else undefined,
 * and the package looks itself.
 */
function sqliteAddon(): string | undefined {
  try {
    const build = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build')
    const addon = join(build, 'Release', 'better_sqlite3.node')
    if (existsSync(join(build, 'better_sqlite3.node')) || existsSync(join(build, 'Debug', 'better_sqlite3.node'))) return undefined
    return existsSync(addon) ? addon : undefined
  } catch {
    return undefined
  }
}

async function openSqlite(target: string, create: boolean): Promise<Store> {
  const file = sqlitePath(target)
  if (!create && !existsSync(file)) {
    throw new DatabaseUnavailableError(`no kasumi store at ${file}`, {
      suggestion: 'run `kasumi init` to create one here, or point --database (or KASUMI_DATABASE) at an existing store',
    })
  }
  if (create) await mkdir(dirname(file), {recursive: true})
  // better-sqlite3 is CommonJS: required as such, without the ES module loader's scan of its exports.
  const SqliteDatabase = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
  let sqlite: BetterSqlite3.Database
  try {
    const nativeBinding = sqliteAddon()
    sqlite = new SqliteDatabase(file, {fileMustExist: !create, ...(nativeBinding === undefined ? {} : {nativeBinding})})
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('busy_timeout = 5000')
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot open the SQLite store ${file}: ${(error as Error).message}`, {
      suggestion: 'check that the file is a kasumi store and that you may read and write it',
      cause: error,
    })
  }
  const db = new Kysely<Database>({dialect: new SqliteDialect({database: sqlite})})
  return {
    db,
    dialect: 'sqlite',
    location: file,
    sqlite,
    async close() {
      await db.destroy()
    },
  }
}

/**
 * Kysely's PostgreSQL introspector lists the tables of every schema, so a
 * second kasumi store in another schema of the same database would look
 * initialised. kasumi's stores are schemas: look only at the current one.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const {rows} = await sql<{name: string}>`select current_schema() as name`.execute(this.db)
    return rows.map((row) => ({name: row.name}))
  }

  async getTables(): Promise<TableMetadata[]> {
    const {rows} = await sql<{name: string; schema: string; type: string}>`
      select table_name as name, table_schema as schema, table_type as type
      from information_schema.tables where table_schema = current_schema()`.execute(this.db)
    return rows.map((row) => ({name: row.name, schema: row.schema, isView: row.type === 'VIEW', columns: []}))
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return {tables: await this.getTables()}
  }
}

class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db)
  }
}

async function openPostgres(target: string): Promise<Store> {
  const unencoded = unencodedUserinfo(target)
  if (unencoded.length > 0) {
    const codes = unencoded.map((char) => `${char} as %${char.charCodeAt(0).toString(16).toUpperCase()}`).join(', ')
    throw new UsageError(
      `the database URL ${redactUrl(target)} has ${unencoded.map((char) => JSON.stringify(char)).join(', ')} in its user name or password, which ends the host part of a URL`,
      {
        suggestion: `percent-encode them (${codes}), or give the password in PGPASSWORD or ~/.pgpass instead of the URL`,
      },
    )
  }
  const {default: pg} = await import('pg')
  // int8 (count(*), serial sums) as JS numbers when safe; amounts are text and stay exact.
  pg.types.setTypeParser(20, (value: string) => {
    const number = Number(value)
    return Number.isSafeInteger(number) ? number : value
  })
  const pool = new pg.Pool({connectionString: target, max: 4, connectionTimeoutMillis: 5000})
  pool.on('error', () => {})
  const location = redactUrl(target)
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => {})
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${location}: ${(error as Error).message}`, {
      suggestion: 'check that the server is running and the URL (host, port, database, user) is right',
      cause: error,
    })
  }
  // Each client the pool hands to Kysely, by its backend's process id: a connection's client is found by asking
  // the connection for pg_backend_pid() (see postgresClient).
  const clients = new Map<number, PoolClient>()
  const handing = {
    async connect(): Promise<PoolClient> {
      const client = await pool.connect()
      clients.set((client as unknown as {processID: number}).processID, client)
      return client
    },
    end: () => pool.end(),
  }
  const db = new Kysely<Database>({dialect: new CurrentSchemaPostgresDialect({pool: handing})})
  return {
    db,
    dialect: 'postgres',
    location,
    async postgresClient(connection: Kysely<Database>): Promise<PoolClient> {
      const {rows} = await sql<{pid: number}>`select pg_backend_pid() as pid`.execute(connection)
      const client = clients.get(Number(rows[0]?.pid))
      if (!client) throw new InternalError('the PostgreSQL client of this connection is unknown')
      return client
    },
    async close() {
      await db.destroy()
    },
  }
}
