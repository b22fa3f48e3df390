import type {Migration, MigrationProvider} from 'kysely'

import {register} from './2026-11-23-001-register.js'
import {facilities} from './2026-11-29-002-facilities.js'
import {services} from './2026-11-29-003-services.js'

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres'
}

/** Every migration, in order. Names are date-prefixed; the list is static so bundling and manifests never read the file system. */
const MIGRATIONS: Record<string, (context: MigrationContext) => Migration> = {
  '2026-11-23-001-register': register,
  '2026-11-29-002-facilities': facilities,
  '2026-11-29-003-services': services,
}

/** The names of every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS)

export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly context: MigrationContext) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(this.context)]))
  }
}
