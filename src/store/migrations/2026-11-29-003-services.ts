import type {Kysely} from 'kysely'

import type {MigrationContext} from './index.js'

/**
 * The citizens' side: procedures, documents, life events and the procedures
 * (with their documents) each life event involves. Decimals are text, lists
 * are JSON text, booleans are 0/1 on both backends.
 * Frozen in time: later changes go in new migrations, never here.
 */
export function services(_context: MigrationContext) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('procedure')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('agency', 'text', (col) => col.notNull())
        .addColumn('agency_level', 'text', (col) => col.notNull())
        .addColumn('annual_cases', 'text', (col) => col.notNull())
        .addColumn('channel', 'text', (col) => col.notNull())
        .addColumn('visits_per_case', 'text', (col) => col.notNull())
        .addColumn('travel_minutes', 'text', (col) => col.notNull())
        .addColumn('waiting_minutes', 'text', (col) => col.notNull())
        .addColumn('form_minutes', 'text', (col) => col.notNull())
        .addColumn('staff_minutes', 'text', (col) => col.notNull())
        .addColumn('fee', 'text', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull().defaultTo('JPY'))
        .addColumn('systems', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute()

      await db.schema
        .createTable('document')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('issuer', 'text', (col) => col.notNull())
        .addColumn('issuer_level', 'text', (col) => col.notNull())
        .addColumn('citizen_minutes', 'text', (col) => col.notNull())
        .addColumn('staff_minutes', 'text', (col) => col.notNull())
        .addColumn('fee', 'text', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull().defaultTo('JPY'))
        .addColumn('authentic_source', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute()

      await db.schema
        .createTable('life_event')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name_ja', 'text', (col) => col.notNull())
        .addColumn('name_zh', 'text')
        .addColumn('name_en', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute()

      await db.schema
        .createTable('life_event_step')
        .addColumn('life_event_id', 'text', (col) => col.notNull().references('life_event.id'))
        .addColumn('position', 'integer', (col) => col.notNull())
        .addColumn('procedure_id', 'text', (col) => col.notNull().references('procedure.id'))
        .addColumn('documents', 'text', (col) => col.notNull().defaultTo('[]'))
        .addPrimaryKeyConstraint('life_event_step_pk', ['life_event_id', 'procedure_id'])
        .execute()
      await db.schema.createIndex('life_event_step_procedure_idx').on('life_event_step').column('procedure_id').execute()
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ['life_event_step', 'life_event', 'document', 'procedure']) await db.schema.dropTable(table).execute()
    },
  }
}
