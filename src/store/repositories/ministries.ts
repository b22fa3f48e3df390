import type {Kysely} from 'kysely'

import type {Ministry} from '../../domain/inventory.js'
import type {Database, MinistryTable} from '../schema.js'

export function ministryFromRow(row: MinistryTable): Ministry {
  return {
    code: row.code,
    nameZh: row.name_zh,
    nameJa: row.name_ja,
    nameEn: row.name_en,
    aliases: JSON.parse(row.aliases) as string[],
    displayOrder: Number(row.display_order),
  }
}

export function ministryToRow(ministry: Ministry): MinistryTable {
  return {
    code: ministry.code,
    name_zh: ministry.nameZh,
    name_ja: ministry.nameJa,
    name_en: ministry.nameEn,
    aliases: JSON.stringify(ministry.aliases ?? []),
    display_order: ministry.displayOrder,
  }
}

export async function listMinistries(db: Kysely<Database>): Promise<Ministry[]> {
  const rows = await db.selectFrom('ministry').selectAll().orderBy('display_order').orderBy('code').execute()
  return rows.map(ministryFromRow)
}

export async function upsertMinistries(db: Kysely<Database>, ministries: readonly Ministry[]): Promise<void> {
  for (const ministry of ministries) {
    const row = ministryToRow(ministry)
    await db
      .insertInto('ministry')
      .values(row)
      .onConflict((conflict) =>
        conflict
          .column('code')
          .doUpdateSet({name_zh: row.name_zh, name_ja: row.name_ja, name_en: row.name_en, aliases: row.aliases, display_order: row.display_order}),
      )
      .execute()
  }
}
