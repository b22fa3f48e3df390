import type {InputIssue} from '../domain/errors.js'
import type {DocumentRecord, LifeEventRecord, ProcedureRecord, ServiceEntity} from '../domain/services.js'
import type {ImportSession} from '../store/imports.js'
import type {Kind} from './kinds.js'
import type {ReadOutcome} from './rows.js'
import type {LifeEventRow} from './services.js'

export const SERVICE_KINDS: ReadonlySet<Kind> = new Set(['procedures', 'documents', 'life-events'])

const ENTITY_OF: Record<string, ServiceEntity> = {procedures: 'procedure', documents: 'document', 'life-events': 'life-event'}

interface Counts {
  inserted: number
  updated: number
  unchanged: number
  skipped: number
}

function push(outcome: ReadOutcome, issue: InputIssue, maxIssues = 100): void {
  outcome.issueCount++
  if (outcome.issues.length < maxIssues) outcome.issues.push(issue)
}

/**
 * The rows of a life-events file gathered into life events, in file order:
 * each row is one procedure; the names come from the rows that give them and
 * must agree; every life event needs its Japanese name on at least one row.
 * Problems become issues on the outcome.
 */
export function gatherLifeEvents(file: string, outcome: ReadOutcome, maxIssues = 100): Array<{line: number; record: LifeEventRecord}> {
  const events = new Map<string, {line: number; record: LifeEventRecord}>()
  const names: Array<['nameJa' | 'nameZh' | 'nameEn', string]> = [
    ['nameJa', 'name_ja'],
    ['nameZh', 'name_zh_tw'],
    ['nameEn', 'name_en'],
  ]
  for (const {line, record} of outcome.records_) {
    const row = record as LifeEventRow
    let entry = events.get(row.lifeEventId)
    if (!entry) {
      entry = {line, record: {id: row.lifeEventId, nameJa: '', nameZh: null, nameEn: null, steps: []}}
      events.set(row.lifeEventId, entry)
    }
    for (const [key, header] of names) {
      const value = row[key]
      if (value === null) continue
      const current = entry.record[key]
      if (current !== null && current !== '' && current !== value) {
        push(
          outcome,
          {
            file,
            line,
            column: header,
            value,
            message: `${row.lifeEventId} is named "${current}" on line ${entry.line}`,
            hint: 'give a life event one name per language, or leave the cell empty on its other rows',
          },
          maxIssues,
        )
      } else entry.record[key] = value
    }
    entry.record.steps.push({procedureId: row.procedureId, documents: row.documents})
  }
  for (const {line, record} of events.values()) {
    if (record.nameJa === '')
      push(
        outcome,
        {file, line, column: 'name_ja', message: `life event ${record.id} has no Japanese name`, hint: 'fill in name_ja on at least one of its rows'},
        maxIssues,
      )
  }
  return [...events.values()]
}

/**
 * Writes procedures, documents or life events read from a file: new ones are
 * inserted; a stored id is a problem (--on-conflict fail), left as it is
 * (skip) or replaced (update: the columns the file has; a life event's
 * procedures are replaced whole).
 */
export async function writeServiceRecords(
  session: ImportSession,
  file: string,
  outcome: ReadOutcome,
  onConflict: 'fail' | 'update' | 'skip',
  summary: Counts,
  maxIssues: number,
): Promise<void> {
  const entity = ENTITY_OF[outcome.kind!]
  const read =
    entity === 'life-event'
      ? gatherLifeEvents(file, outcome, maxIssues)
      : (outcome.records_ as Array<{line: number; record: ProcedureRecord | DocumentRecord}>)
  if (outcome.issues.length > 0) return
  const stored = await session.storedServices(entity)
  const columns = new Set(outcome.columns)
  const items: Array<{stored?: ProcedureRecord | DocumentRecord | LifeEventRecord; record: ProcedureRecord | DocumentRecord | LifeEventRecord}> = []
  for (const {line, record} of read) {
    const previous = stored.get(record.id)
    if (!previous) {
      items.push({record})
      continue
    }
    if (onConflict === 'fail') {
      push(
        outcome,
        {
          file,
          line,
          column: outcome.idColumn ?? (entity === 'life-event' ? 'life_event' : 'id'),
          value: record.id,
          message: `a ${entity.replace('-', ' ')} with this id is already in the store`,
          hint: 'pass --on-conflict update to update it, or --on-conflict skip to keep the stored one',
        },
        maxIssues,
      )
      continue
    }
    if (onConflict === 'skip') {
      summary.skipped++
      continue
    }
    const merged =
      entity === 'life-event'
        ? record
        : ({
            ...previous,
            ...Object.fromEntries(Object.entries(record).filter(([key]) => columns.has(key))),
          } as ProcedureRecord | DocumentRecord)
    items.push({stored: previous, record: merged})
  }
  if (outcome.issues.length > 0) return
  const written = await session.writeServices(entity, items as never)
  summary.inserted += written.inserted
  summary.updated += written.updated
  summary.unchanged += written.unchanged
}

/**
 * Documents in the store that no procedure of any life event requires: a
 * warning (they count in no life event and no measure reaches them), given
 * once the store has life events.
 */
export async function unrequiredDocumentWarnings(session: ImportSession, file: string): Promise<InputIssue[]> {
  const events = await session.storedServices('life-event')
  if (events.size === 0) return []
  const required = new Set([...events.values()].flatMap((event) => event.steps.flatMap((step) => step.documents)))
  const documents = await session.storedServices('document')
  return [...documents.values()]
    .filter((document) => !required.has(document.id))
    .map((document) => ({
      file,
      column: 'documents',
      value: document.id,
      message: `document ${document.id} (${document.name}) is required by no procedure of any life event`,
      hint: 'list it in the documents of the procedures that need it, or leave it out of the register',
      severity: 'warning' as const,
    }))
}
