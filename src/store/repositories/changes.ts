import type {Kysely} from 'kysely'

import type {Database} from '../schema.js'

export interface ChangeSetInput {
  actor: string
  command: string
  kind: 'init' | 'import' | 'add' | 'update' | 'retire'
  fileName?: string | null
  fileSha256?: string | null
  rows?: number
  summary: string
  at?: string
}

export interface ChangeInput {
  entity: 'system' | 'cost_line' | 'ministry' | 'facility' | 'procedure' | 'document' | 'life-event'
  entityId: string
  action: 'insert' | 'update' | 'retire'
  field?: string | null
  before?: string | null
  after?: string | null
}

export async function createChangeSet(db: Kysely<Database>, input: ChangeSetInput): Promise<number> {
  const row = await db
    .insertInto('change_set')
    .values({
      at: input.at ?? new Date().toISOString(),
      actor: input.actor,
      command: input.command,
      kind: input.kind,
      file_name: input.fileName ?? null,
      file_sha256: input.fileSha256 ?? null,
      rows: input.rows ?? 0,
      summary: input.summary,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

export async function finishChangeSet(db: Kysely<Database>, id: number, rows: number, summary: string): Promise<void> {
  await db.updateTable('change_set').set({rows, summary}).where('id', '=', id).execute()
}

export async function addChanges(db: Kysely<Database>, changeSetId: number, changes: readonly ChangeInput[]): Promise<void> {
  const chunk = 500
  for (let start = 0; start < changes.length; start += chunk) {
    await db
      .insertInto('change')
      .values(
        changes.slice(start, start + chunk).map((change) => ({
          change_set_id: changeSetId,
          entity: change.entity,
          entity_id: change.entityId,
          action: change.action,
          field: change.field ?? null,
          before: change.before ?? null,
          after: change.after ?? null,
        })),
      )
      .execute()
  }
}

export interface HistoryEntry {
  changeSetId: number
  at: string
  actor: string
  command: string
  kind: string
  fileName: string | null
  fileSha256: string | null
  entity: string | null
  entityId: string | null
  action: string | null
  field: string | null
  before: string | null
  after: string | null
  rows: number
  summary: string
}

/**
 * The change log, newest first. For one system: its own changes and the
 * imports that brought its cost lines; for the whole store: one entry per change set.
 */
export async function history(
  db: Kysely<Database>,
  options: {entityId?: string; entity?: 'system' | 'facility' | 'procedure' | 'document' | 'life-event'; limit?: number} = {},
): Promise<HistoryEntry[]> {
  const limit = options.limit ?? 200
  const services = options.entity === 'procedure' || options.entity === 'document' || options.entity === 'life-event'
  if (options.entityId === undefined) {
    let query = db.selectFrom('change_set').selectAll().orderBy('id', 'desc').limit(limit)
    // For the citizens' side: only the change sets that touched one of its kind.
    if (services)
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('change')
            .select('change.id')
            .whereRef('change.change_set_id', '=', 'change_set.id')
            .where('change.entity', '=', options.entity!),
        ),
      )
    const sets = await query.execute()
    return sets.map((set) => ({
      changeSetId: Number(set.id),
      at: set.at,
      actor: set.actor,
      command: set.command,
      kind: set.kind,
      fileName: set.file_name,
      fileSha256: set.file_sha256,
      entity: null,
      entityId: null,
      action: null,
      field: null,
      before: null,
      after: null,
      rows: Number(set.rows),
      summary: set.summary,
    }))
  }
  const changes = await db
    .selectFrom('change')
    .innerJoin('change_set', 'change_set.id', 'change.change_set_id')
    .select([
      'change_set.id as changeSetId',
      'change_set.at as at',
      'change_set.actor as actor',
      'change_set.command as command',
      'change_set.kind as kind',
      'change_set.file_name as fileName',
      'change_set.file_sha256 as fileSha256',
      'change_set.rows as rows',
      'change_set.summary as summary',
      'change.entity as entity',
      'change.entity_id as entityId',
      'change.action as action',
      'change.field as field',
      'change.before as before',
      'change.after as after',
      'change.id as changeId',
    ])
    .where('change.entity', '=', options.entity ?? 'system')
    .where('change.entity_id', '=', options.entityId)
    .orderBy('change.id', 'desc')
    .limit(limit)
    .execute()
  if (options.entity === 'facility' || services)
    return changes.map(({changeId: _changeId, ...row}) => ({...row, changeSetId: Number(row.changeSetId), rows: Number(row.rows)}))
  const costImports = await db
    .selectFrom('cost_line')
    .innerJoin('change_set', 'change_set.id', 'cost_line.change_set_id')
    .select([
      'change_set.id as changeSetId',
      'change_set.at as at',
      'change_set.actor as actor',
      'change_set.command as command',
      'change_set.kind as kind',
      'change_set.file_name as fileName',
      'change_set.file_sha256 as fileSha256',
      'change_set.summary as summary',
    ])
    .select((eb) => eb.fn.countAll().as('lines'))
    .where('cost_line.system_id', '=', options.entityId)
    .groupBy([
      'change_set.id',
      'change_set.at',
      'change_set.actor',
      'change_set.command',
      'change_set.kind',
      'change_set.file_name',
      'change_set.file_sha256',
      'change_set.summary',
    ])
    .execute()
  const entries: HistoryEntry[] = changes.map(({changeId: _changeId, ...row}) => ({
    ...row,
    changeSetId: Number(row.changeSetId),
    rows: Number(row.rows),
  }))
  for (const set of costImports) {
    entries.push({
      changeSetId: Number(set.changeSetId),
      at: set.at,
      actor: set.actor,
      command: set.command,
      kind: set.kind,
      fileName: set.fileName,
      fileSha256: set.fileSha256,
      entity: 'cost_line',
      entityId: options.entityId,
      action: 'insert',
      field: null,
      before: null,
      after: `${Number(set.lines)} cost lines`,
      rows: Number(set.lines),
      summary: set.summary,
    })
  }
  return entries.sort((a, b) => b.changeSetId - a.changeSetId).slice(0, limit)
}
