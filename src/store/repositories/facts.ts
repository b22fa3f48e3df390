import type {Kysely} from 'kysely'

import type {Ministry} from '../../domain/inventory.js'
import type {Database} from '../schema.js'
import {listMinistries} from './ministries.js'

/** What a file reader checks rows against; plain data, so it can cross to a worker thread. */
export interface RegisterFacts {
  ministries: Ministry[]
  systemIds: string[]
  facilityIds: string[]
  procedureIds: string[]
  /** Document ids with whether each has an authentic source. */
  documents: Array<{id: string; authenticSource: boolean}>
}

export async function registerFacts(db: Kysely<Database>): Promise<RegisterFacts> {
  const systems = await db.selectFrom('system').select('id').execute()
  const facilities = await db.selectFrom('facility').select('id').execute()
  const procedures = await db.selectFrom('procedure').select('id').execute()
  const documents = await db.selectFrom('document').select(['id', 'authentic_source']).execute()
  return {
    ministries: await listMinistries(db),
    systemIds: systems.map((row) => row.id),
    facilityIds: facilities.map((row) => row.id),
    procedureIds: procedures.map((row) => row.id),
    documents: documents.map((row) => ({id: row.id, authenticSource: Number(row.authentic_source) === 1})),
  }
}
