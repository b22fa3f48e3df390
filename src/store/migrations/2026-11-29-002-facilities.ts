import type {Kysely} from 'kysely'

import type {MigrationContext} from './index.js'

/**
 * Facilities (data centres, server rooms, colocation, cloud regions), their
 * figures per reporting period, and the facility a system runs in.
 * Frozen in time: later changes go in new migrations, never here.
 */
export function facilities(_context: MigrationContext) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('facility')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('agency', 'text', (col) => col.notNull())
        .addColumn('component', 'text')
        .addColumn('name', 'text')
        .addColumn('country', 'text')
        .addColumn('ownership', 'text')
        .addColumn('shared_position', 'text')
        .addColumn('tier', 'text')
        .addColumn('key_mission', 'text')
        .addColumn('key_mission_type', 'text')
        .addColumn('closing_stage', 'text')
        .addColumn('closing_fy', 'integer')
        .addColumn('closing_quarter', 'integer')
        .addColumn('comments', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute()
      await db.schema.createIndex('facility_agency_idx').on('facility').column('agency').execute()

      await db.schema
        .createTable('facility_metrics')
        .addColumn('facility_id', 'text', (col) => col.notNull().references('facility.id'))
        .addColumn('period', 'text', (col) => col.notNull())
        .addColumn('gross_floor_area', 'text')
        .addColumn('rack_count', 'integer')
        .addColumn('total_servers', 'integer')
        .addColumn('mainframes', 'integer')
        .addColumn('hpc_nodes', 'integer')
        .addColumn('virtual_hosts', 'integer')
        .addColumn('underutilised_servers', 'integer')
        .addColumn('electricity_metered', 'text')
        .addColumn('avg_electricity', 'text')
        .addColumn('avg_it_electricity', 'text')
        .addColumn('planned_hours', 'text')
        .addColumn('downtime_hours', 'text')
        .addColumn('change_set_id', 'integer', (col) => col.references('change_set.id'))
        .addPrimaryKeyConstraint('facility_metrics_pk', ['facility_id', 'period'])
        .execute()

      await db.schema.alterTable('system').addColumn('facility_id', 'text').execute()
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('system').dropColumn('facility_id').execute()
      await db.schema.dropTable('facility_metrics').execute()
      await db.schema.dropTable('facility').execute()
    },
  }
}
