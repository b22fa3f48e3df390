import type {Ministry} from '../domain/inventory.js'
import type {Store} from './open.js'
import {addChanges, createChangeSet} from './repositories/changes.js'
import {listMinistries, upsertMinistries} from './repositories/ministries.js'

/**
 * Seeds a new store with the given ministries (the caller reads them, e.g. the
 * bundled list), as one change set. On an existing store it changes nothing.
 */
export async function initStore(
  store: Store,
  options: {created: boolean; actor: string; ministries: readonly Ministry[]},
): Promise<{ministries: number}> {
  if (!options.created) return {ministries: (await listMinistries(store.db)).length}
  const {ministries} = options
  await store.db.transaction().execute(async (trx) => {
    await upsertMinistries(trx, ministries)
    const changeSetId = await createChangeSet(trx, {
      actor: options.actor,
      command: 'kasumi init',
      kind: 'init',
      rows: ministries.length,
      summary: `store created with ${ministries.length} ministries`,
    })
    await addChanges(
      trx,
      changeSetId,
      ministries.map((ministry) => ({
        entity: 'ministry' as const,
        entityId: ministry.code,
        action: 'insert' as const,
        after: JSON.stringify(ministry),
      })),
    )
  })
  return {ministries: ministries.length}
}
