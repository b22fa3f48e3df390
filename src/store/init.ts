import {bundledMinistries} from '../reference/ministries.js'
import type {Store} from './open.js'
import {addChanges, createChangeSet} from './repositories/changes.js'
import {listMinistries, upsertMinistries} from './repositories/ministries.js'

/** Seeds a new store with the bundled ministries, as one change set. */
export async function initStore(store: Store, options: {created: boolean; actor: string}): Promise<{ministries: number}> {
  if (!options.created) return {ministries: (await listMinistries(store.db)).length}
  const ministries = await bundledMinistries()
  await store.db.transaction().execute(async (trx) => {
    await upsertMinistries(trx, ministries)
    const changeSetId = await createChangeSet(trx, {actor: options.actor, command: 'kasumi init', kind: 'init', rows: ministries.length, summary: `store created with ${ministries.length} ministries`})
    await addChanges(trx, changeSetId, ministries.map((ministry) => ({entity: 'ministry' as const, entityId: ministry.code, action: 'insert' as const, after: JSON.stringify(ministry)})))
  })
  return {ministries: ministries.length}
}
