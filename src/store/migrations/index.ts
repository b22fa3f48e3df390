import type {Migration, MigrationProvider} from 'kysely'

export interface MigrationContext {
  dialect: 'sqlite' | 'postgres'
}

/**
 * Every migration, in order. Names are date-prefixed; the list is static so bundling and manifests never read the
 * file system. Each is loaded when the migrator asks for the migrations, which a store that has them all never does.
 */
const MIGRATIONS: Record<string, () => Promise<(context: MigrationContext) => Migration>> = {
  '2026-11-23-001-register': async () => (await import('./2026-11-23-001-register.js')).register,
  '2026-11-29-002-facilities': async () => (await import('./2026-11-29-002-facilities.js')).facilities,
  '2026-11-29-003-services': async () => (await import('./2026-11-29-003-services.js')).services,
}

/** The names of every migration, in order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS)

export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly context: MigrationContext) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(await Promise.all(Object.entries(MIGRATIONS).map(async ([name, load]) => [name, (await load())(this.context)])))
  }
}
