import type {SystemRecord} from '../domain/inventory.js'
import type {Store} from './open.js'
import {addChanges, createChangeSet} from './repositories/changes.js'
import {changedFields, fieldText, getSystem, getSystemForUpdate, insertSystems, updateSystemFields} from './repositories/systems.js'
import {writeTransaction} from './write.js'

/** Who changes the register, and how the change log names a field. */
export interface EditLog {
  actor: string
  command: string
  /** The name a field has in the change log (its CSV header). */
  fieldLabel(field: keyof SystemRecord): string
}

export interface FieldChange {
  field: string
  before: string | null
  after: string | null
}

/**
 * Adds one system and its change set in one write transaction. Returns
 * `exists` (and writes nothing) when the store already has a system with its
 * id, checked inside the transaction.
 */
export async function addSystemLogged(
  store: Store,
  system: SystemRecord,
  log: EditLog & {summary: string},
): Promise<{changeSetId: number} | {exists: true}> {
  return writeTransaction(store, async (trx) => {
    if (await getSystem(trx, system.id)) return {exists: true as const}
    await insertSystems(trx, [system], new Date().toISOString())
    const changeSetId = await createChangeSet(trx, {actor: log.actor, command: log.command, kind: 'add', rows: 1, summary: log.summary})
    await addChanges(trx, changeSetId, [{entity: 'system', entityId: system.id, action: 'insert', after: JSON.stringify(system)}])
    return {changeSetId}
  })
}

export interface SystemChange {
  before: SystemRecord
  after: SystemRecord
  changes: FieldChange[]
  /** null when nothing changed or nothing was written (a dry run). */
  changeSetId: number | null
}

/**
 * Changes one system as a read-modify-write inside one write transaction:
 * the stored system is read with the store's write lock held, `change` gives
 * the new version, and only the fields that differ are written, each logged
 * with the before and after of that same read. Concurrent changes of other
 * fields are therefore never lost, and the log always agrees with the row.
 * `change` must not use the store (it runs inside the transaction); it may
 * throw to refuse the change, and nothing is written.
 * Returns undefined when the store has no system with this id.
 */
export async function changeSystemLogged(
  store: Store,
  id: string,
  change: (stored: SystemRecord) => SystemRecord,
  log: EditLog & {kind: 'update' | 'retire'; summary(fields: string[]): string; dryRun?: boolean},
): Promise<SystemChange | undefined> {
  const plan = (before: SystemRecord) => {
    const after = change(before)
    const fields = changedFields(before, after)
    return {
      after,
      fields,
      changes: fields.map((field) => ({field: log.fieldLabel(field), before: fieldText(before, field), after: fieldText(after, field)})),
    }
  }
  if (log.dryRun) {
    const before = await getSystem(store.db, id)
    if (!before) return undefined
    const {after, changes} = plan(before)
    return {before, after, changes, changeSetId: null}
  }
  return writeTransaction(store, async (trx) => {
    const before = await getSystemForUpdate(trx, id, store.dialect)
    if (!before) return undefined
    const {after, fields, changes} = plan(before)
    if (fields.length === 0) return {before, after, changes, changeSetId: null}
    await updateSystemFields(trx, after, fields, new Date().toISOString())
    const changeSetId = await createChangeSet(trx, {
      actor: log.actor,
      command: log.command,
      kind: log.kind,
      rows: 1,
      summary: log.summary(changes.map((entry) => entry.field)),
    })
    await addChanges(
      trx,
      changeSetId,
      changes.map((entry) => ({
        entity: 'system' as const,
        entityId: id,
        action: log.kind === 'retire' ? ('retire' as const) : ('update' as const),
        ...entry,
      })),
    )
    return {before, after, changes, changeSetId}
  })
}
export {fieldText} from './repositories/systems.js'
