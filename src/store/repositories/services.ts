import type {Kysely} from 'kysely'

import type {AgencyLevel, Channel, IssuerLevel, DocumentRecord, LifeEventRecord, ProcedureRecord} from '../../domain/services.js'
import type {Database, DocumentTable, LifeEventStepTable, LifeEventTable, ProcedureTable} from '../schema.js'

/** Ordered by code unit, so both backends (whatever their collation) list and export alike. */
const byId = <T extends {id: string}>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const CHUNK = 500

/* ---------- procedures ---------- */

export function procedureFromRow(row: ProcedureTable): ProcedureRecord {
  return {
    id: row.id,
    name: row.name,
    agency: row.agency,
    agencyLevel: row.agency_level as AgencyLevel,
    annualCases: row.annual_cases,
    channel: row.channel as Channel,
    visitsPerCase: row.visits_per_case,
    travelMinutes: row.travel_minutes,
    waitingMinutes: row.waiting_minutes,
    formMinutes: row.form_minutes,
    staffMinutes: row.staff_minutes,
    fee: row.fee,
    currency: row.currency,
    systems: JSON.parse(row.systems) as string[],
  }
}

function procedureToRow(procedure: ProcedureRecord, now: string): ProcedureTable {
  return {
    id: procedure.id,
    name: procedure.name,
    agency: procedure.agency,
    agency_level: procedure.agencyLevel,
    annual_cases: procedure.annualCases,
    channel: procedure.channel,
    visits_per_case: procedure.visitsPerCase,
    travel_minutes: procedure.travelMinutes,
    waiting_minutes: procedure.waitingMinutes,
    form_minutes: procedure.formMinutes,
    staff_minutes: procedure.staffMinutes,
    fee: procedure.fee,
    currency: procedure.currency,
    systems: JSON.stringify(procedure.systems),
    created_at: now,
    updated_at: now,
  }
}

export async function listProcedures(db: Kysely<Database>, ids?: readonly string[]): Promise<ProcedureRecord[]> {
  let query = db.selectFrom('procedure').selectAll()
  if (ids?.length) query = query.where('id', 'in', ids)
  return (await query.execute()).map(procedureFromRow).sort(byId)
}

/* ---------- documents ---------- */

export function documentFromRow(row: DocumentTable): DocumentRecord {
  return {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    issuerLevel: row.issuer_level as IssuerLevel,
    citizenMinutes: row.citizen_minutes,
    staffMinutes: row.staff_minutes,
    fee: row.fee,
    currency: row.currency,
    authenticSource: Number(row.authentic_source) === 1,
  }
}

function documentToRow(document: DocumentRecord, now: string): DocumentTable {
  return {
    id: document.id,
    name: document.name,
    issuer: document.issuer,
    issuer_level: document.issuerLevel,
    citizen_minutes: document.citizenMinutes,
    staff_minutes: document.staffMinutes,
    fee: document.fee,
    currency: document.currency,
    authentic_source: document.authenticSource ? 1 : 0,
    created_at: now,
    updated_at: now,
  }
}

export async function listDocuments(db: Kysely<Database>, ids?: readonly string[]): Promise<DocumentRecord[]> {
  let query = db.selectFrom('document').selectAll()
  if (ids?.length) query = query.where('id', 'in', ids)
  return (await query.execute()).map(documentFromRow).sort(byId)
}

/* ---------- life events ---------- */

export async function listLifeEvents(db: Kysely<Database>, ids?: readonly string[]): Promise<LifeEventRecord[]> {
  let events = db.selectFrom('life_event').selectAll()
  let steps = db.selectFrom('life_event_step').selectAll()
  if (ids?.length) {
    events = events.where('id', 'in', ids)
    steps = steps.where('life_event_id', 'in', ids)
  }
  const stepRows = await steps.execute()
  const byEvent = new Map<string, LifeEventStepTable[]>()
  for (const step of stepRows) {
    let list = byEvent.get(step.life_event_id)
    if (!list) byEvent.set(step.life_event_id, (list = []))
    list.push(step)
  }
  return (await events.execute())
    .map((row: LifeEventTable) => ({
      id: row.id,
      nameJa: row.name_ja,
      nameZh: row.name_zh,
      nameEn: row.name_en,
      steps: (byEvent.get(row.id) ?? [])
        .sort((a, b) => Number(a.position) - Number(b.position))
        .map((step) => ({procedureId: step.procedure_id, documents: JSON.parse(step.documents) as string[]})),
    }))
    .sort(byId)
}

/* ---------- writing ---------- */

async function insertChunks<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) await insert(rows.slice(start, start + CHUNK))
}

/** Inserts new procedures and replaces stored ones (keeping their creation time). */
export async function writeProcedures(db: Kysely<Database>, inserts: readonly ProcedureRecord[], updates: readonly ProcedureRecord[], now: string) {
  await insertChunks(
    inserts.map((record) => procedureToRow(record, now)),
    (chunk) => db.insertInto('procedure').values(chunk).execute(),
  )
  for (const record of updates) {
    const {id: _id, created_at: _created, ...set} = procedureToRow(record, now)
    await db.updateTable('procedure').set(set).where('id', '=', record.id).execute()
  }
}

export async function writeDocuments(db: Kysely<Database>, inserts: readonly DocumentRecord[], updates: readonly DocumentRecord[], now: string) {
  await insertChunks(
    inserts.map((record) => documentToRow(record, now)),
    (chunk) => db.insertInto('document').values(chunk).execute(),
  )
  for (const record of updates) {
    const {id: _id, created_at: _created, ...set} = documentToRow(record, now)
    await db.updateTable('document').set(set).where('id', '=', record.id).execute()
  }
}

/** Inserts new life events and replaces stored ones, steps and all. */
export async function writeLifeEvents(db: Kysely<Database>, inserts: readonly LifeEventRecord[], updates: readonly LifeEventRecord[], now: string) {
  const row = (event: LifeEventRecord): LifeEventTable => ({
    id: event.id,
    name_ja: event.nameJa,
    name_zh: event.nameZh,
    name_en: event.nameEn,
    created_at: now,
    updated_at: now,
  })
  await insertChunks(inserts.map(row), (chunk) => db.insertInto('life_event').values(chunk).execute())
  for (const event of updates) {
    const {id: _id, created_at: _created, ...set} = row(event)
    await db.updateTable('life_event').set(set).where('id', '=', event.id).execute()
    await db.deleteFrom('life_event_step').where('life_event_id', '=', event.id).execute()
  }
  const steps: LifeEventStepTable[] = [...inserts, ...updates].flatMap((event) =>
    event.steps.map((step, index) => ({
      life_event_id: event.id,
      position: index + 1,
      procedure_id: step.procedureId,
      documents: JSON.stringify(step.documents),
    })),
  )
  await insertChunks(steps, (chunk) => db.insertInto('life_event_step').values(chunk).execute())
}
