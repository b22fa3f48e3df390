import {join} from 'node:path'

import type {Ministry} from '../domain/inventory.js'
import {MINISTRY_FIELDS, ministriesKind, type BuildContext} from '../ingest/kinds.js'
import {readAll} from '../ingest/read-all.js'
import {MinistryIndex} from '../domain/ministry-index.js'
import {REFERENCE_DIR} from '../platform/paths.js'

export const BUNDLED_MINISTRIES_FILE = join(REFERENCE_DIR, 'ministries.csv')

/** The ministries kasumi knows out of the box (those of the 2009 table), read like any user file. */
export async function bundledMinistries(): Promise<Ministry[]> {
  const context: BuildContext = {
    file: BUNDLED_MINISTRIES_FILE,
    calendar: 'gregorian',
    ministries: new MinistryIndex([]),
    storedSystemIds: null,
    seenIds: new Map(),
    issues: [],
  }
  const rows = await readAll(BUNDLED_MINISTRIES_FILE, MINISTRY_FIELDS, (row) => ministriesKind.build(row, context))
  return rows.map(({record}) => record)
}
