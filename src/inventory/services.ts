import type {DocumentRecord, LifeEventRecord, ProcedureRecord, ServiceEntity} from '../domain/services.js'
import {NotFoundError} from '../domain/errors.js'
import {Dec, canonical, groupDigits} from '../domain/money.js'
import type {TableData} from '../domain/table.js'
import {closest} from '../domain/text-match.js'
import type {CsvColumn} from '../format/csv.js'
import type {Store} from '../store/open.js'
import {listDocuments, listLifeEvents, listProcedures} from '../store/register.js'

/** Export columns: the English headers `kasumi inventory import` reads back to the same values. */
export const PROCEDURE_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<ProcedureRecord>> = [
  {header: 'id', value: (p) => p.id, text: true},
  {header: 'name', value: (p) => p.name, text: true},
  {header: 'agency', value: (p) => p.agency, text: true},
  {header: 'agency_level', value: (p) => p.agencyLevel},
  {header: 'annual_cases', value: (p) => p.annualCases},
  {header: 'channel', value: (p) => p.channel},
  {header: 'visits_per_case', value: (p) => p.visitsPerCase},
  {header: 'travel_minutes', value: (p) => p.travelMinutes},
  {header: 'waiting_minutes', value: (p) => p.waitingMinutes},
  {header: 'form_minutes', value: (p) => p.formMinutes},
  {header: 'staff_minutes', value: (p) => p.staffMinutes},
  {header: 'fee', value: (p) => p.fee},
  {header: 'currency', value: (p) => p.currency},
  {header: 'systems', value: (p) => p.systems.join(';'), text: true},
]

export const DOCUMENT_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<DocumentRecord>> = [
  {header: 'id', value: (d) => d.id, text: true},
  {header: 'name', value: (d) => d.name, text: true},
  {header: 'issuer', value: (d) => d.issuer, text: true},
  {header: 'issuer_level', value: (d) => d.issuerLevel},
  {header: 'citizen_minutes', value: (d) => d.citizenMinutes},
  {header: 'staff_minutes', value: (d) => d.staffMinutes},
  {header: 'fee', value: (d) => d.fee},
  {header: 'currency', value: (d) => d.currency},
  {header: 'authentic_source', value: (d) => (d.authenticSource ? 'yes' : 'no')},
]

/** A life event is exported as one row per procedure, its names on every row. */
export interface LifeEventExportRow {
  event: LifeEventRecord
  procedureId: string
  documents: string[]
}

export const LIFE_EVENT_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<LifeEventExportRow>> = [
  {header: 'life_event', value: (r) => r.event.id, text: true},
  {header: 'name_ja', value: (r) => r.event.nameJa, text: true},
  {header: 'name_zh_tw', value: (r) => r.event.nameZh, text: true},
  {header: 'name_en', value: (r) => r.event.nameEn, text: true},
  {header: 'procedure', value: (r) => r.procedureId, text: true},
  {header: 'documents', value: (r) => r.documents.join(';'), text: true},
]

export function lifeEventExportRows(events: readonly LifeEventRecord[]): LifeEventExportRow[] {
  return events.flatMap((event) => event.steps.map((step) => ({event, procedureId: step.procedureId, documents: step.documents})))
}

/** What a life event involves: distinct procedures, agencies and documents, as the seed's figure counts them. */
export function lifeEventCounts(event: LifeEventRecord, procedures: ReadonlyMap<string, ProcedureRecord>) {
  const agencies = new Set(event.steps.map((step) => procedures.get(step.procedureId)?.agency).filter((agency) => agency !== undefined))
  const documents = new Set(event.steps.flatMap((step) => step.documents))
  return {procedures: new Set(event.steps.map((step) => step.procedureId)).size, agencies: agencies.size, documents: documents.size}
}

const count = (value: string) => groupDigits(value)

export function procedureListTable(procedures: readonly ProcedureRecord[]): TableData {
  return {
    head: ['id', 'name', 'agency', 'level', 'channel', 'cases/yr', 'visits', 'citizen min/case', 'staff min/case', 'fee'],
    rows: procedures.map((p) => [
      p.id,
      p.name,
      p.agency,
      p.agencyLevel,
      p.channel,
      count(p.annualCases),
      p.visitsPerCase,
      citizenMinutesPerCase(p),
      p.staffMinutes,
      `${groupDigits(p.fee)}${p.currency === 'JPY' ? '' : ` ${p.currency}`}`,
    ]),
    align: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    footer: procedures.length > 1 ? [[`total (${procedures.length})`, '', '', '', '', '', '', '', '', '']] : [],
  }
}

/** Citizen minutes per case: visits × (travel + waiting) + filling in. */
export function citizenMinutesPerCase(p: ProcedureRecord): string {
  return canonical(new Dec(p.visitsPerCase).times(new Dec(p.travelMinutes).plus(p.waitingMinutes)).plus(p.formMinutes))
}

export function documentListTable(documents: readonly DocumentRecord[]): TableData {
  return {
    head: ['id', 'name', 'issuer', 'level', 'citizen min', 'staff min', 'fee', 'authentic source'],
    rows: documents.map((d) => [
      d.id,
      d.name,
      d.issuer,
      d.issuerLevel,
      d.citizenMinutes,
      d.staffMinutes,
      groupDigits(d.fee),
      d.authenticSource ? 'yes' : 'no',
    ]),
    align: ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'],
    footer: documents.length > 1 ? [[`total (${documents.length})`, '', '', '', '', '', '', '']] : [],
  }
}

export function lifeEventListTable(events: readonly LifeEventRecord[], procedures: readonly ProcedureRecord[]): TableData {
  const byId = new Map(procedures.map((p) => [p.id, p]))
  return {
    head: ['id', 'name (ja)', 'name (zh-TW)', 'name (en)', 'procedures', 'agencies', 'documents'],
    rows: events.map((event) => {
      const counts = lifeEventCounts(event, byId)
      return [
        event.id,
        event.nameJa,
        event.nameZh ?? '',
        event.nameEn ?? '',
        String(counts.procedures),
        String(counts.agencies),
        String(counts.documents),
      ]
    }),
    align: ['left', 'left', 'left', 'left', 'right', 'right', 'right'],
  }
}

function fieldsTable(pairs: Array<[string, string]>): TableData {
  return {head: ['field', 'value'], rows: pairs}
}

/** One procedure, document or life event from the store, or NotFoundError naming the closest id. */
export async function serviceDetail(store: Store, entity: ServiceEntity, id: string): Promise<{json: Record<string, unknown>; tables: TableData[]}> {
  const missing = (ids: string[]) => {
    const guess = closest(id, ids)
    return new NotFoundError(`no ${entity.replace('-', ' ')} with id ${id}`, {
      suggestion: guess ? `did you mean ${guess}?` : `see \`kasumi inventory list --entity ${entity}\``,
    })
  }
  if (entity === 'procedure') {
    const all = await listProcedures(store)
    const procedure = all.find((p) => p.id === id)
    if (!procedure) throw missing(all.map((p) => p.id))
    const events = (await listLifeEvents(store)).filter((event) => event.steps.some((step) => step.procedureId === id))
    return {
      json: {procedure, citizenMinutesPerCase: citizenMinutesPerCase(procedure), lifeEvents: events.map((event) => event.id)},
      tables: [
        fieldsTable([
          ['id', procedure.id],
          ['name', procedure.name],
          ['agency', procedure.agency],
          ['agency level', procedure.agencyLevel],
          ['annual cases', count(procedure.annualCases)],
          ['channel', procedure.channel],
          ['visits per case', procedure.visitsPerCase],
          ['travel minutes per visit', procedure.travelMinutes],
          ['waiting minutes per visit', procedure.waitingMinutes],
          ['filling-in minutes per case', procedure.formMinutes],
          ['citizen minutes per case', citizenMinutesPerCase(procedure)],
          ['staff minutes per case', procedure.staffMinutes],
          ['fee', `${groupDigits(procedure.fee)} ${procedure.currency}`],
          ['systems', procedure.systems.join(', ')],
          ['life events', events.map((event) => event.id).join(', ')],
        ]),
      ],
    }
  }
  if (entity === 'document') {
    const all = await listDocuments(store)
    const document = all.find((d) => d.id === id)
    if (!document) throw missing(all.map((d) => d.id))
    const requiredBy = (await listLifeEvents(store)).flatMap((event) =>
      event.steps.filter((step) => step.documents.includes(id)).map((step) => ({lifeEvent: event.id, procedure: step.procedureId})),
    )
    return {
      json: {document, requiredBy},
      tables: [
        fieldsTable([
          ['id', document.id],
          ['name', document.name],
          ['issuer', document.issuer],
          ['issuer level', document.issuerLevel],
          ['citizen minutes per copy', document.citizenMinutes],
          ['staff minutes per copy', document.staffMinutes],
          ['fee', `${groupDigits(document.fee)} ${document.currency}`],
          ['authentic source', document.authenticSource ? 'yes' : 'no'],
          ['required by', requiredBy.map((entry) => `${entry.lifeEvent}/${entry.procedure}`).join(', ') || 'no procedure'],
        ]),
      ],
    }
  }
  const all = await listLifeEvents(store)
  const event = all.find((e) => e.id === id)
  if (!event) throw missing(all.map((e) => e.id))
  const procedures = new Map((await listProcedures(store)).map((p) => [p.id, p]))
  const counts = lifeEventCounts(event, procedures)
  return {
    json: {lifeEvent: event, counts},
    tables: [
      fieldsTable([
        ['id', event.id],
        ['name (ja)', event.nameJa],
        ['name (zh-TW)', event.nameZh ?? ''],
        ['name (en)', event.nameEn ?? ''],
        ['procedures', String(counts.procedures)],
        ['agencies', String(counts.agencies)],
        ['documents', String(counts.documents)],
      ]),
      {
        head: ['#', 'procedure', 'name', 'agency', 'documents'],
        rows: event.steps.map((step, index) => [
          String(index + 1),
          step.procedureId,
          procedures.get(step.procedureId)?.name ?? '',
          procedures.get(step.procedureId)?.agency ?? '',
          step.documents.join(', '),
        ]),
      },
    ],
  }
}
