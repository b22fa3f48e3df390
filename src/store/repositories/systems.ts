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
