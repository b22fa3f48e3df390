import type {Kysely} from 'kysely'

import type {MigrationContext} from './index.js'

/**
 * The register: ministries, systems, cost lines and the change log.
 * Frozen in time: later changes go in new migrations, never here.
 */
export function register({dialect}: MigrationContext) {
  const serial = dialect === 'postgres' ? 'serial' : 'integer'
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('ministry')
        .addColumn('code', 'text', (col) => col.primaryKey())
        .addColumn('name_zh', 'text', (col) => col.notNull())
        .addColumn('name_ja', 'text')
        .addColumn('name_en', 'text')
        .addColumn('aliases', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('display_order', 'integer', (col) => col.notNull().defaultTo(0))
        .execute()

      await db.schema
        .createTable('system')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('ministry_code', 'text', (col) => col.notNull().references('ministry.code'))
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('category', 'text', (col) => col.notNull())
        .addColumn('business_area', 'text')
        .addColumn('status', 'text', (col) => col.notNull().defaultTo('active'))
        .addColumn('physical_servers', 'integer')
        .addColumn('virtual_hosts', 'integer')
        .addColumn('os_instances', 'integer')
        .addColumn('utilisation_pct', 'text')
        .addColumn('storage_tb', 'text')
        .addColumn('users', 'integer')
        .addColumn('annual_hours', 'text')
        .addColumn('first_fy', 'integer')
        .addColumn('last_fy', 'integer')
        .addColumn('eligibility', 'text', (col) => col.notNull().defaultTo('eligible'))
        .addColumn('eligibility_reason', 'text')
        .addColumn('tags', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('retired_reason', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('system_ministry_idx').on('system').column('ministry_code').execute()

      await db.schema
        .createTable('change_set')
        .addColumn('id', serial, (col) => (dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('actor', 'text', (col) => col.notNull())
        .addColumn('command', 'text', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('file_name', 'text')
        .addColumn('file_sha256', 'text')
        .addColumn('rows', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('summary', 'text', (col) => col.notNull())
        .execute()

      await db.schema
        .createTable('change')
        .addColumn('id', serial, (col) => (dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn('change_set_id', 'integer', (col) => col.notNull().references('change_set.id'))
        .addColumn('entity', 'text', (col) => col.notNull())
        .addColumn('entity_id', 'text', (col) => col.notNull())
        .addColumn('action', 'text', (col) => col.notNull())
        .addColumn('field', 'text')
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute()
      await db.schema.createIndex('change_entity_idx').on('change').columns(['entity', 'entity_id']).execute()

      await db.schema
        .createTable('cost_line')
        .addColumn('id', serial, (col) => (dialect === 'postgres' ? col.primaryKey() : col.primaryKey().autoIncrement()))
        .addColumn('system_id', 'text', (col) => col.notNull().references('system.id'))
        .addColumn('fiscal_year', 'integer', (col) => col.notNull())
        .addColumn('pool', 'text', (col) => col.notNull())
        .addColumn('spend_type', 'text', (col) => col.notNull())
        .addColumn('frequency', 'text', (col) => col.notNull())
        .addColumn('amount', 'text', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('note', 'text')
        .addColumn('change_set_id', 'integer', (col) => col.references('change_set.id'))
        .execute()
      await db.schema.createIndex('cost_line_system_year_idx').on('cost_line').columns(['system_id', 'fiscal_year']).execute()
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['cost_line', 'change', 'change_set', 'system', 'ministry']) await db.schema.dropTable(table).execute()
    },
  }
}
