import type BetterSqlite3 from 'better-sqlite3'
import type {Kysely} from 'kysely'

import type {Category, Eligibility, SystemRecord, SystemStatus} from '../../domain/inventory.js'
import type {Database, SystemTable} from '../schema.js'

/** Each system field with its column: the one place that maps the domain to the table. */
export const SYSTEM_COLUMNS = {
  id: 'id',
  ministry: 'ministry_code',
  name: 'name',
  category: 'category',
  businessArea: 'business_area',
  status: 'status',
  physicalServers: 'physical_servers',
  virtualHosts: 'virtual_hosts',
  osInstances: 'os_instances',
  utilisation: 'utilisation_pct',
  storageTb: 'storage_tb',
  users: 'users',
  annualHours: 'annual_hours',
  firstYear: 'first_fy',
  lastYear: 'last_fy',
  eligibility: 'eligibility',
  eligibilityReason: 'eligibility_reason',
  tags: 'tags',
  retiredReason: 'retired_reason',
  facilityId: 'facility_id',
} as const satisfies Record<keyof SystemRecord, keyof SystemTable>

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

export function systemFromRow(row: SystemTable): SystemRecord {
  return {
    id: row.id,
    ministry: row.ministry_code,
    name: row.name,
    category: row.category as Category,
    businessArea: row.business_area,
    status: row.status as SystemStatus,
    physicalServers: nullableNumber(row.physical_servers),
    virtualHosts: nullableNumber(row.virtual_hosts),
    osInstances: nullableNumber(row.os_instances),
    utilisation: row.utilisation_pct,
    storageTb: row.storage_tb,
    users: nullableNumber(row.users),
    annualHours: row.annual_hours,
    firstYear: nullableNumber(row.first_fy),
    lastYear: nullableNumber(row.last_fy),
    eligibility: row.eligibility as Eligibility,
    eligibilityReason: row.eligibility_reason,
    tags: JSON.parse(row.tags) as string[],
    retiredReason: row.retired_reason,
    facilityId: row.facility_id ?? null,
  }
}

export function systemToRow(system: SystemRecord, now: string): SystemTable {
  return {
    id: system.id,
    ministry_code: system.ministry,
    name: system.name,
    category: system.category,
    business_area: system.businessArea,
    status: system.status,
    physical_servers: system.physicalServers,
    virtual_hosts: system.virtualHosts,
    os_instances: system.osInstances,
    utilisation_pct: system.utilisation,
    storage_tb: system.storageTb,
    users: system.users,
    annual_hours: system.annualHours,
    first_fy: system.firstYear,
    last_fy: system.lastYear,
    eligibility: system.eligibility,
    eligibility_reason: system.eligibilityReason,
    tags: JSON.stringify(system.tags),
    retired_reason: system.retiredReason,
    facility_id: system.facilityId ?? null,
    created_at: now,
    updated_at: now,
  }
}

/** A field's value as the change log records it: text, or null. */
export function fieldText(system: SystemRecord, field: keyof SystemRecord): string | null {
  const value = system[field]
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.length === 0 ? null : value.join(';')
  return String(value)
}

export interface SystemFilter {
  ministry?: string[]
  category?: string[]
  status?: string[]
  ids?: string[]
}

/** The columns a system is read from, in the order of `systemFromValues`. */
const SYSTEM_READ_COLUMNS = [
  'id',
  'ministry_code',
  'name',
  'category',
  'business_area',
  'status',
  'physical_servers',
  'virtual_hosts',
  'os_instances',
  'utilisation_pct',
  'storage_tb',
  'users',
  'annual_hours',
  'first_fy',
  'last_fy',
  'eligibility',
  'eligibility_reason',
  'tags',
  'retired_reason',
  'facility_id',
] as const satisfies ReadonlyArray<keyof SystemTable>

/** A system from a row read as values, in SYSTEM_READ_COLUMNS order. */
function systemFromValues(v: unknown[]): SystemRecord {
  return systemFromRow({
    id: v[0],
    ministry_code: v[1],
    name: v[2],
    category: v[3],
    business_area: v[4],
    status: v[5],
    physical_servers: v[6],
    virtual_hosts: v[7],
    os_instances: v[8],
    utilisation_pct: v[9],
    storage_tb: v[10],
    users: v[11],
    annual_hours: v[12],
    first_fy: v[13],
    last_fy: v[14],
    eligibility: v[15],
    eligibility_reason: v[16],
    tags: v[17],
    retired_reason: v[18],
    facility_id: v[19],
  } as SystemTable)
}

/**
 * The systems that pass the filter, ordered by id in code-unit order. On SQLite (given its handle) the rows are read
 * as plain value arrays: the driver builds a row object of this many columns in a slow and large form (some 2 KB a
 * system), which for a register of 100 000 systems costs seconds and hundreds of megabytes.
 */
export async function listSystems(db: Kysely<Database>, filter: SystemFilter = {}, sqlite?: BetterSqlite3.Database): Promise<SystemRecord[]> {
  let query = db.selectFrom('system').select(SYSTEM_READ_COLUMNS.map((column) => `system.${column}` as const))
  if (filter.ministry?.length) query = query.where('system.ministry_code', 'in', filter.ministry)
  if (filter.category?.length) query = query.where('system.category', 'in', filter.category)
  if (filter.status?.length) query = query.where('system.status', 'in', filter.status)
  if (filter.ids?.length) query = query.where('system.id', 'in', filter.ids)
  let systems: SystemRecord[]
  if (sqlite) {
    const {sql, parameters} = query.compile()
    systems = []
    for (const values of sqlite
      .prepare(sql)
      .raw(true)
      .iterate(...parameters) as Iterable<unknown[]>)
      systems.push(systemFromValues(values))
  } else systems = (await query.execute()).map((row) => systemFromRow(row as SystemTable))
  // Ordered here, by code unit, so that both backends (whatever their collation) list and export alike.
  return systems.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export async function getSystem(db: Kysely<Database>, id: string): Promise<SystemRecord | undefined> {
  const row = await db.selectFrom('system').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? systemFromRow(row) : undefined
}

export async function insertSystems(db: Kysely<Database>, systems: readonly SystemRecord[], now: string): Promise<void> {
  const chunk = 500
  for (let start = 0; start < systems.length; start += chunk) {
    await db
      .insertInto('system')
      .values(systems.slice(start, start + chunk).map((system) => systemToRow(system, now)))
      .execute()
  }
}

/** Writes the given fields of a system (and its update time), leaving every other column as it is. */
export async function updateSystemFields(
  db: Kysely<Database>,
  system: SystemRecord,
  fields: ReadonlyArray<keyof SystemRecord>,
  now: string,
): Promise<void> {
  if (fields.length === 0) return
  const row = systemToRow(system, now) as unknown as Record<string, unknown>
  const set: Record<string, unknown> = {updated_at: now}
  for (const field of fields) {
    if (field === 'id') throw new Error('a system id cannot be changed')
    set[SYSTEM_COLUMNS[field]] = row[SYSTEM_COLUMNS[field]]
  }
  await db.updateTable('system').set(set).where('id', '=', system.id).execute()
}

/** One system read for a change: on PostgreSQL its row stays locked until the transaction ends. */
export async function getSystemForUpdate(db: Kysely<Database>, id: string, dialect: 'sqlite' | 'postgres'): Promise<SystemRecord | undefined> {
  const query = db.selectFrom('system').selectAll().where('id', '=', id)
  const row = await (dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst()
  return row ? systemFromRow(row) : undefined
}

/** Which fields differ between two versions of a system. */
export function changedFields(before: SystemRecord, after: SystemRecord): Array<keyof SystemRecord> {
  return (Object.keys(SYSTEM_COLUMNS) as Array<keyof SystemRecord>).filter((field) => fieldText(before, field) !== fieldText(after, field))
}

/** A system's id and its export values joined by commas (see SYSTEM_TEXT), or null. */
export type SystemText = readonly [id: string, text: string | null]

const SAFE_INTEGER = 9007199254740991
/** A count or year column: an integer JavaScript holds exactly, or null (written as empty). */
const countColumns = ['physical_servers', 'virtual_hosts', 'os_instances', 'users', 'first_fy', 'last_fy'] as const
/** Every other column but the tags: text, or null. */
const textColumns = SYSTEM_READ_COLUMNS.filter((name) => name !== 'tags' && !(countColumns as readonly string[]).includes(name))
/** The tags as `tags.join(';')` gives them, from their JSON text, when that is a plain list of strings without escapes. */
const TAGS_TEXT = `CASE WHEN tags = '[]' THEN '' ELSE replace(substr(tags, 3, length(tags) - 4), '","', ';') END`
const TAGS_PLAIN = `(tags = '[]' OR (tags GLOB '[[]"*"]' AND instr(tags, '\\') = 0 AND NOT tags GLOB ('*[' || char(1) || '-' || char(31) || ']*')))`
const column = (name: string) => `coalesce(${name}, '')`

/**
 * A system as one text built by the database: the values of the systems' CSV export, which has them in
 * SYSTEM_READ_COLUMNS order (id, ministry, name, category, business_area, status, physical_servers, virtual_hosts,
 * os_instances, utilisation_pct, storage_tb, users, annual_hours, first_fy, last_fy, eligibility, eligibility_reason,
 * tags joined by semicolons, retired_reason, facility_id), joined by commas, a null as empty. Null when a value is not what the store writes (a count that is no
 * integer JavaScript holds exactly, a value of another type, tags that are not a plain JSON list of strings): a
 * caller reads such a system with `getSystem`.
 */
const SYSTEM_TEXT = `CASE WHEN ${countColumns.map((name) => `(${name} IS NULL OR (typeof(${name}) = 'integer' AND abs(${name}) <= ${SAFE_INTEGER}))`).join(' AND ')}
  AND ${textColumns.map((name) => `typeof(${name}) IN ('text', 'null')`).join(' AND ')} AND typeof(tags) = 'text' AND ${TAGS_PLAIN}
  THEN concat_ws(',', ${SYSTEM_READ_COLUMNS.map((name) => (name === 'tags' ? TAGS_TEXT : column(name))).join(', ')}) END`

/** A page of systems in id order: those with `after` < id <= `last`, and their texts joined by CR LF. */
export interface SystemChunk {
  after: string
  last: string
  lines: number
  /** The systems' texts (SYSTEM_TEXT) joined by CR LF; null when any system has none. */
  text: string | null
}

/**
 * SQLite only: every system in id order, a page at a time, as one text the database joins (the systems' texts with
 * CR LF between them); undefined when the database's order of ids (by UTF-8 bytes) may differ from JavaScript's (by
 * UTF-16 code units), which happens only when some id holds a character above U+FFFF and some id one from U+E000 to
 * U+FFFF, or when an id is null or empty. A page whose text is null, or not what the caller wants, is read system by
 * system with `systemTextsBetween`.
 */
export function iterateSystemChunks(sqlite: BetterSqlite3.Database, pageSize = 10_000): Iterable<SystemChunk> | undefined {
  const range = (from: number, to: number) => `(id GLOB ('*[' || char(${from}) || '-' || char(${to}) || ']*'))`
  const otherOrder = sqlite
    .prepare(
      `SELECT (EXISTS (SELECT 1 FROM system WHERE ${range(0xe000, 0xffff)}) AND EXISTS (SELECT 1 FROM system WHERE ${range(0x10000, 0x10ffff)}))
        OR EXISTS (SELECT 1 FROM system WHERE id IS NULL OR id = '')`,
    )
    .pluck()
    .get()
  if (otherOrder) return undefined
  // The page is the next ids in order; group_concat is told the order too (SQLite promises no order without it).
  const page = sqlite
    .prepare(
      `SELECT max(id), count(*), count(line), group_concat(line, char(13, 10) ORDER BY id) FROM (SELECT id, ${SYSTEM_TEXT} AS line FROM system WHERE id > ? ORDER BY id LIMIT ?)`,
    )
    .raw(true)
  return (function* () {
    let after = ''
    for (;;) {
      const [last, lines, texts, text] = page.get(after, pageSize) as [string | null, number, number, string | null]
      if (lines === 0 || last === null) return
      yield {after, last, lines, text: texts === lines ? text : null}
      after = last
    }
  })()
}

/** SQLite only: the systems with `after` < id <= `last` as their ids and texts (SYSTEM_TEXT), in id order. */
export function systemTextsBetween(sqlite: BetterSqlite3.Database, after: string, last: string): SystemText[] {
  return sqlite.prepare(`SELECT id, ${SYSTEM_TEXT} FROM system WHERE id > ? AND id <= ? ORDER BY id`).raw(true).all(after, last) as SystemText[]
}
