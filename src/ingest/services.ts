import {AGENCY_LEVELS, CHANNELS, ISSUER_LEVELS, type DocumentRecord, type ProcedureRecord} from '../domain/services.js'
import {Dec} from '../domain/money.js'
import type {FieldSpec} from './table.js'
import type {TableKind} from './kinds.js'
import {currencyCode, isNoValue, normalizeCell, parseDecimal, text, unneutralise, type ParseOutcome} from './values.js'

/**
 * The citizens' side as files: procedures (手続), documents (添付書類) and life
 * events (ライフイベント), one row per procedure of a life event. Read through
 * the same pipeline as systems and cost lines (CSV and workbooks), checked
 * row by row; a life event's rows are gathered into one record on import.
 */

/** One row of a life-events file: one procedure of one life event, with the documents it requires there. */
export interface LifeEventRow {
  lifeEventId: string
  nameJa: string | null
  nameZh: string | null
  nameEn: string | null
  procedureId: string
  documents: string[]
}

/** A record of the citizens' side as a reader returns it. */
export type ServiceRow = ProcedureRecord | DocumentRecord | LifeEventRow

export function identifier(raw: string): ParseOutcome<string> {
  const value = unneutralise(normalizeCell(raw))
  if (value === '') return {ok: true, value: null}
  if (value.length > 64) return {ok: false, reason: 'an id is at most 64 characters'}
  if (/\s/.test(value)) return {ok: false, reason: 'an id has no spaces', hint: 'use letters, digits, "-" or "_", e.g. MOVE-01'}
  return {ok: true, value}
}

function idList(raw: string): ParseOutcome<string[]> {
  if (isNoValue(raw)) return {ok: true, value: []}
  const list = unneutralise(raw.trim())
    .split(/[;,、，；|]/)
    .map((item) => normalizeCell(item))
    .filter((item) => item !== '')
  for (const item of list)
    if (/\s/.test(item) || item.length > 64) return {ok: false, reason: `"${item}" is not an id`, hint: 'separate ids with ";"'}
  return {ok: true, value: [...new Set(list)]}
}

/** A count or a number of minutes: a decimal that is not negative. */
function nonNegative(what: string, options: {whole?: boolean} = {}) {
  return (raw: string): ParseOutcome<string> => {
    const outcome = parseDecimal(raw)
    if (!outcome.ok || outcome.value === null) return outcome
    if (outcome.value.startsWith('-')) return {ok: false, reason: `${what} must not be negative`, hint: 'write 0 or a positive number'}
    if (options.whole && outcome.value.includes('.')) return {ok: false, reason: `${what} must be a whole number`}
    return outcome
  }
}

function lookup<T extends string>(values: readonly T[], aliases: Record<string, T>) {
  const map = new Map<string, T>()
  for (const value of values) map.set(value, value)
  for (const [alias, value] of Object.entries(aliases)) map.set(alias.normalize('NFKC').toLowerCase(), value)
  return (raw: string): ParseOutcome<T> => {
    const key = normalizeCell(raw)
      .toLowerCase()
      .replace(/[\s_]+/g, '-')
    if (key === '') return {ok: true, value: null}
    const value = map.get(key) ?? map.get(key.replace(/-/g, ''))
    if (value === undefined) return {ok: false, reason: 'not one of the accepted values', hint: `use one of: ${values.join(', ')}`}
    return {ok: true, value}
  }
}

export const parseChannel = lookup(CHANNELS, {
  窓口: 'counter',
  窓口のみ: 'counter',
  臨櫃: 'counter',
  僅臨櫃: 'counter',
  offline: 'counter',
  paper: 'counter',
  一部オンライン: 'online-partly',
  部分線上: 'online-partly',
  partly: 'online-partly',
  onlinepartly: 'online-partly',
  オンライン: 'online-fully',
  オンライン完結: 'online-fully',
  完全オンライン: 'online-fully',
  全程線上: 'online-fully',
  online: 'online-fully',
  onlinefully: 'online-fully',
})

export const parseAgencyLevel = lookup(AGENCY_LEVELS, {
  国: 'national',
  國: 'national',
  中央: 'national',
  府省: 'national',
  ministry: 'national',
  都道府県: 'prefecture',
  県: 'prefecture',
  縣市: 'prefecture',
  prefectural: 'prefecture',
  市区町村: 'municipality',
  市町村: 'municipality',
  鄉鎮市區: 'municipality',
  municipal: 'municipality',
  local: 'municipality',
})

export const parseIssuerLevel = lookup(ISSUER_LEVELS, {
  国: 'national',
  國: 'national',
  中央: 'national',
  府省: 'national',
  都道府県: 'prefecture',
  縣市: 'prefecture',
  市区町村: 'municipality',
  市町村: 'municipality',
  鄉鎮市區: 'municipality',
  民間: 'private',
  民間事業者: 'private',
  事業主: 'private',
  employer: 'private',
  民間機構: 'private',
})

const YES = new Set(['yes', 'y', 'true', '1', '○', '◯', '可', '有', 'はい', '是', 'あり'])
const NO = new Set(['no', 'n', 'false', '0', '×', '✕', '不可', '無', 'いいえ', '否', 'なし'])

export function parseYesNo(raw: string): ParseOutcome<boolean> {
  const value = normalizeCell(raw).toLowerCase()
  if (value === '') return {ok: true, value: null}
  if (YES.has(value)) return {ok: true, value: true}
  if (NO.has(value)) return {ok: true, value: false}
  return {ok: false, reason: 'not yes or no', hint: 'write yes or no (or 1/0, ○/×, 可/不可)'}
}

const minutes = nonNegative('minutes')

/* ---------- procedures ---------- */

export const PROCEDURE_FIELDS: readonly FieldSpec[] = [
  {key: 'id', header: 'id', aliases: ['procedure id', 'procedure_id', '手続ID', '手続番号', '程序編號'], required: true},
  {key: 'name', header: 'name', aliases: ['procedure', 'procedure name', '手続名', '手続', '程序名稱', '手續名稱'], required: true},
  {key: 'agency', header: 'agency', aliases: ['responsible agency', '担当機関', '窓口機関', '機関', '負責機關', '機關'], required: true},
  {key: 'agencyLevel', header: 'agency_level', aliases: ['agency level', 'level', '行政レベル', '機関区分', '層級'], required: true},
  {key: 'annualCases', header: 'annual_cases', aliases: ['cases', 'cases per year', '年間件数', '件数', '年案件數', '件數'], required: true},
  {key: 'channel', header: 'channel', aliases: ['申請方法', 'チャネル', '管道', '申辦方式'], required: true},
  {key: 'visitsPerCase', header: 'visits_per_case', aliases: ['visits', '来庁回数', '訪問回数', '臨櫃次數'], required: true},
  {key: 'travelMinutes', header: 'travel_minutes', aliases: ['travel', '移動時間', '往復時間', '交通時間'], required: true},
  {key: 'waitingMinutes', header: 'waiting_minutes', aliases: ['waiting', '待ち時間', '待機時間', '等候時間'], required: true},
  {key: 'formMinutes', header: 'form_minutes', aliases: ['filling in', 'form filling', '記入時間', '申請書作成時間', '填表時間'], required: true},
  {key: 'staffMinutes', header: 'staff_minutes', aliases: ['staff time', '職員処理時間', '処理時間(分)', '承辦時間'], required: true},
  {key: 'fee', header: 'fee', aliases: ['手数料', '規費', '手續費'], required: true},
  {key: 'currency', header: 'currency', aliases: ['通貨', '幣別']},
  {key: 'systems', header: 'systems', aliases: ['system ids', 'system_ids', '処理システム', 'システムID', '系統編號']},
]

export const proceduresKind: TableKind<ProcedureRecord> = {
  kind: 'procedures',
  fields: PROCEDURE_FIELDS,
  build(row, context) {
    const id = row.get('id', identifier, {required: true})
    const name = row.get('name', text(200), {required: true})
    const agency = row.get('agency', text(200), {required: true})
    const agencyLevel = row.get('agencyLevel', parseAgencyLevel, {required: true})
    const annualCases = row.get('annualCases', nonNegative('cases', {whole: true}), {required: true})
    const channel = row.get('channel', parseChannel, {required: true})
    const visitsPerCase = row.get('visitsPerCase', nonNegative('visits'), {required: true})
    if (channel === 'online-fully' && visitsPerCase !== null && !new Dec(visitsPerCase).isZero())
      row.fail('visitsPerCase', row.raw('visitsPerCase'), 'a procedure done fully online has no counter visits', 'write 0, or change the channel')
    const travelMinutes = row.get('travelMinutes', minutes, {required: true})
    const waitingMinutes = row.get('waitingMinutes', minutes, {required: true})
    const formMinutes = row.get('formMinutes', minutes, {required: true})
    const staffMinutes = row.get('staffMinutes', minutes, {required: true})
    const fee = row.get('fee', nonNegative('a fee'), {required: true})
    const currency = row.get('currency', currencyCode) ?? 'JPY'
    const systems = row.get('systems', idList) ?? []
    if (context.storedSystemIds !== null) {
      const unknown = systems.filter((system) => !context.storedSystemIds!.has(system))
      if (unknown.length > 0)
        row.fail('systems', row.raw('systems'), `no system has the id ${unknown.join(', ')}`, 'import the systems first, or correct the id')
    }
    if (id !== null) {
      const previous = context.seenIds.get(id)
      if (previous !== undefined) row.fail('id', id, `duplicate id: line ${previous} has it too`, 'each procedure needs its own id')
      else context.seenIds.set(id, row.line)
    }
    if (
      row.failed ||
      id === null ||
      name === null ||
      agency === null ||
      agencyLevel === null ||
      annualCases === null ||
      channel === null ||
      visitsPerCase === null ||
      travelMinutes === null ||
      waitingMinutes === null ||
      formMinutes === null ||
      staffMinutes === null ||
      fee === null
    )
      return undefined
    return {
      id,
      name,
      agency,
      agencyLevel,
      annualCases,
      channel,
      visitsPerCase,
      travelMinutes,
      waitingMinutes,
      formMinutes,
      staffMinutes,
      fee,
      currency,
      systems,
    }
  },
}

/* ---------- documents ---------- */

export const DOCUMENT_FIELDS: readonly FieldSpec[] = [
  {key: 'id', header: 'id', aliases: ['document id', 'document_id', '書類ID', '文件編號'], required: true},
  {key: 'name', header: 'name', aliases: ['document', 'document name', '書類名', '添付書類', '文件名稱'], required: true},
  {key: 'issuer', header: 'issuer', aliases: ['issuing agency', '発行機関', '交付機関', '核發機關'], required: true},
  {key: 'issuerLevel', header: 'issuer_level', aliases: ['issuer level', '発行機関区分', '核發層級'], required: true},
  {key: 'citizenMinutes', header: 'citizen_minutes', aliases: ['citizen time', '取得時間', '申請人時間'], required: true},
  {key: 'staffMinutes', header: 'staff_minutes', aliases: ['staff time', '交付処理時間', '承辦時間'], required: true},
  {key: 'fee', header: 'fee', aliases: ['手数料', '交付手数料', '規費'], required: true},
  {key: 'currency', header: 'currency', aliases: ['通貨', '幣別']},
  {
    key: 'authenticSource',
    header: 'authentic_source',
    aliases: ['authentic source', 'once only', '情報連携', 'バックオフィス連携', '可否(情報連携)', '機關間查驗'],
    required: true,
  },
]

export const documentsKind: TableKind<DocumentRecord> = {
  kind: 'documents',
  fields: DOCUMENT_FIELDS,
  build(row, context) {
    const id = row.get('id', identifier, {required: true})
    const name = row.get('name', text(200), {required: true})
    const issuer = row.get('issuer', text(200), {required: true})
    const issuerLevel = row.get('issuerLevel', parseIssuerLevel, {required: true})
    const citizenMinutes = row.get('citizenMinutes', minutes, {required: true})
    const staffMinutes = row.get('staffMinutes', minutes, {required: true})
    const fee = row.get('fee', nonNegative('a fee'), {required: true})
    const currency = row.get('currency', currencyCode) ?? 'JPY'
    const authenticSource = row.get('authenticSource', parseYesNo, {required: true})
    if (id !== null) {
      const previous = context.seenIds.get(id)
      if (previous !== undefined) row.fail('id', id, `duplicate id: line ${previous} has it too`, 'each document needs its own id')
      else context.seenIds.set(id, row.line)
    }
    if (
      row.failed ||
      id === null ||
      name === null ||
      issuer === null ||
      issuerLevel === null ||
      citizenMinutes === null ||
      staffMinutes === null ||
      fee === null ||
      authenticSource === null
    )
      return undefined
    return {id, name, issuer, issuerLevel, citizenMinutes, staffMinutes, fee, currency, authenticSource}
  },
}

/* ---------- life events ---------- */

export const LIFE_EVENT_FIELDS: readonly FieldSpec[] = [
  {
    key: 'lifeEventId',
    header: 'life_event',
    aliases: ['life event', 'life_event_id', 'life event id', 'ライフイベント', 'ライフイベントID', '生活事件'],
    required: true,
  },
  {key: 'nameJa', header: 'name_ja', aliases: ['japanese name', 'ライフイベント名', '名称', '日文名稱']},
  {key: 'nameZh', header: 'name_zh_tw', aliases: ['name_zh', 'chinese name', '中文名稱', '名稱']},
  {key: 'nameEn', header: 'name_en', aliases: ['english name', '英語名', '英文名稱']},
  {key: 'procedureId', header: 'procedure', aliases: ['procedure id', 'procedure_id', '手続ID', '手続', '程序編號'], required: true},
  {key: 'documents', header: 'documents', aliases: ['document ids', 'required documents', '添付書類', '必要書類', '應備文件']},
]

export const lifeEventsKind: TableKind<LifeEventRow> = {
  kind: 'life-events',
  fields: LIFE_EVENT_FIELDS,
  build(row, context) {
    const lifeEventId = row.get('lifeEventId', identifier, {required: true})
    const nameJa = row.get('nameJa', text(200))
    const nameZh = row.get('nameZh', text(200))
    const nameEn = row.get('nameEn', text(200))
    const procedureId = row.get('procedureId', identifier, {required: true})
    const documents = row.get('documents', idList) ?? []
    if (procedureId !== null && context.storedProcedureIds != null && !context.storedProcedureIds.has(procedureId)) {
      row.fail('procedureId', procedureId, 'no procedure has this id', 'import the procedures file first, or correct the id')
    }
    if (context.storedDocumentIds != null) {
      const unknown = documents.filter((document) => !context.storedDocumentIds!.has(document))
      if (unknown.length > 0)
        row.fail(
          'documents',
          row.raw('documents'),
          `no document has the id ${unknown.join(', ')}`,
          'import the documents file first, or correct the id',
        )
    }
    if (lifeEventId !== null && procedureId !== null) {
      const key = `${lifeEventId}\u0000${procedureId}`
      const previous = context.seenIds.get(key)
      if (previous !== undefined)
        row.fail(
          'procedureId',
          procedureId,
          `line ${previous} already puts this procedure in ${lifeEventId}`,
          'list each procedure once per life event',
        )
      else context.seenIds.set(key, row.line)
    }
    if (row.failed || lifeEventId === null || procedureId === null) return undefined
    return {lifeEventId, nameJa, nameZh, nameEn, procedureId, documents}
  },
}
