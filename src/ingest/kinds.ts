import type {InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import {
  CATEGORIES,
  COST_POOLS,
  ELIGIBILITIES,
  FREQUENCIES,
  SPEND_TYPES,
  STATUSES,
  SYSTEM_DEFAULTS,
  type CostLine,
  type Ministry,
  type SystemRecord,
} from '../domain/inventory.js'
import type {MinistryIndex} from '../domain/ministry-index.js'
import {Dec, canonical} from '../domain/money.js'
import type {FieldSpec, RowReader} from './table.js'
import {matchKey} from '../domain/text-match.js'
import {DOCUMENT_FIELDS, LIFE_EVENT_FIELDS, PROCEDURE_FIELDS, documentsKind, lifeEventsKind, proceduresKind} from './services.js'
import {
  currencyCode,
  fiscalYear,
  isNoValue,
  normalizeCell,
  parseBoundedDecimal,
  parseDecimal,
  parseInteger,
  text,
  unneutralise,
  type ParseOutcome,
} from './values.js'

export const KINDS = ['systems', 'costs', 'ministries', 'procedures', 'documents', 'life-events'] as const
export type Kind = (typeof KINDS)[number]

export interface BuildContext {
  file: string
  calendar: Calendar
  ministries: MinistryIndex
  /** System ids already in the store; null when there is no store to check against. */
  storedSystemIds: ReadonlySet<string> | null
  /** Facility ids in the store; null or absent when there is no store to check against. */
  storedFacilityIds?: ReadonlySet<string> | null
  /** Procedure and document ids already in the store; null when there is no store to check against. */
  storedProcedureIds?: ReadonlySet<string> | null
  storedDocumentIds?: ReadonlySet<string> | null
  /** Ids seen earlier in this file, with their line. */
  seenIds: Map<string, number>
  /**
   * Set when a system may stand on several rows (a file that gives a system's
   * cost lines one year a row): a repeat with the same values is the same
   * system; with other values it is an issue. Holds each id's values.
   */
  repeats?: Map<string, string>
  issues: InputIssue[]
}

export interface TableKind<R> {
  kind: Kind
  fields: readonly FieldSpec[]
  build(row: RowReader, context: BuildContext): R | undefined
}

/* ---------- value parsers shared by the kinds ---------- */

export function identifier(raw: string): ParseOutcome<string> {
  const value = unneutralise(normalizeCell(raw))
  if (value === '') return {ok: true, value: null}
  if (value.length > 64) return {ok: false, reason: 'an id is at most 64 characters'}
  if (/\s/.test(value)) return {ok: false, reason: 'an id has no spaces', hint: 'use letters, digits, "-" or "_", e.g. MIC-0001'}
  return {ok: true, value}
}

/** An enumerated value, accepting English codes and Japanese / Chinese labels. */
export function enumeration<T extends string>(values: readonly T[], aliases: Record<string, T> = {}): (raw: string) => ParseOutcome<T> {
  const lookup = new Map<string, T>()
  for (const value of values) lookup.set(matchKey(value), value)
  for (const [alias, value] of Object.entries(aliases)) lookup.set(matchKey(alias), value)
  return (raw) => {
    const exact = lookup.get(raw)
    if (exact !== undefined) return {ok: true, value: exact}
    if (raw.trim() === '') return {ok: true, value: null}
    const value = lookup.get(matchKey(raw))
    if (value === undefined) return {ok: false, reason: 'not one of the accepted values', hint: `use one of: ${values.join(', ')}`}
    return {ok: true, value}
  }
}

export const parseCategory = enumeration(CATEGORIES, {
  府省共通: 'common',
  府省共通システム: 'common',
  共通: 'common',
  部門共用: 'common',
  部門共用作業系統: 'common',
  府省lan: 'lan',
  lan相關作業系統: 'lan',
  lan関連システム: 'lan',
  電子申請: 'e-application',
  電子申請後台: 'e-application',
  電子申請システム: 'e-application',
  eapplication: 'e-application',
  小規模: 'small-scale',
  小規模システム: 'small-scale',
  小規模作業系統: 'small-scale',
  small: 'small-scale',
})
export const parseStatus = enumeration(STATUSES, {
  稼働中: 'active',
  運用中: 'active',
  移行中: 'migrating',
  移行済: 'migrated',
  移行済み: 'migrated',
  廃止: 'retired',
  廢止: 'retired',
})
export const parseEligibility = enumeration(ELIGIBILITIES, {
  可: 'eligible',
  移行可: 'eligible',
  対象: 'eligible',
  不可: 'must-stay',
  移行不可: 'must-stay',
  対象外: 'must-stay',
  muststay: 'must-stay',
})
export const parsePool = enumeration(COST_POOLS, {
  ハードウェア: 'hardware',
  硬體: 'hardware',
  機器: 'hardware',
  hw: 'hardware',
  ソフトウェア: 'software',
  軟體: 'software',
  sw: 'software',
  外部委託: 'outside-services',
  委託: 'outside-services',
  外部委託費: 'outside-services',
  outsideservices: 'outside-services',
  職員人件費: 'internal-labor',
  人件費: 'internal-labor',
  人事費: 'internal-labor',
  labor: 'internal-labor',
  labour: 'internal-labor',
  'internal-labour': 'internal-labor',
  施設: 'facilities-power',
  施設電力: 'facilities-power',
  設施: 'facilities-power',
  電力: 'facilities-power',
  facilities: 'facilities-power',
  通信: 'telecom',
  回線: 'telecom',
  網路: 'telecom',
  network: 'telecom',
  クラウド: 'cloud',
  クラウドサービス: 'cloud',
  クラウド利用料: 'cloud',
  雲端: 'cloud',
  雲端服務: 'cloud',
  cloudservices: 'cloud',
  その他: 'other',
  其他: 'other',
})
export const parseSpendType = enumeration(SPEND_TYPES, {
  整備経費: 'development',
  整備等経費: 'development',
  整備等經費: 'development',
  整備經費: 'development',
  整備: 'development',
  開發: 'development',
  運用等経費: 'operations',
  運用等經費: 'operations',
  運用: 'operations',
  維運: 'operations',
  運用経費: 'operations',
})
export const parseFrequency = enumeration(FREQUENCIES, {
  経常: 'recurring',
  經常: 'recurring',
  毎年: 'recurring',
  一時: 'one-time',
  一時的: 'one-time',
  一次性: 'one-time',
  onetime: 'one-time',
  once: 'one-time',
})

const count = (raw: string) => parseInteger(raw, {min: 0})
const nonNegativeDecimal =
  (what: string) =>
  (raw: string): ParseOutcome<string> => {
    const outcome = parseDecimal(raw)
    if (outcome.ok && outcome.value !== null && outcome.value.startsWith('-')) return {ok: false, reason: `${what} must not be negative`}
    return outcome
  }
const percent = (raw: string) => parseBoundedDecimal(raw, 0, 100, 'utilisation')

function tags(raw: string): ParseOutcome<string[]> {
  if (isNoValue(raw)) return {ok: true, value: []}
  const list = unneutralise(raw.trim())
    .split(/[;,、，；|]/)
    .map((tag) => normalizeCell(tag))
    .filter((tag) => tag !== '')
  return {ok: true, value: [...new Set(list)]}
}

/* ---------- systems ---------- */

export const SYSTEM_FIELDS: readonly FieldSpec[] = [
  {
    key: 'id',
    header: 'id',
    aliases: ['system id', 'system_id', 'システムID', '情報システムID', 'システム番号', '系統編號', '系統代碼'],
    required: true,
  },
  {
    key: 'ministry',
    header: 'ministry',
    aliases: ['府省', '府省庁', '省庁', '組織名', '府省庁名', '部會', '部会', '機關', '負責單位', 'agency'],
    required: true,
  },
  {
    key: 'name',
    header: 'name',
    aliases: ['system name', 'システム名', 'システム名称', '情報システム名', '名称', '系統名稱', '作業系統名稱'],
    required: true,
  },
  {key: 'category', header: 'category', aliases: ['区分', '分類', '類別', 'システム区分', '系統類別'], required: true},
  {key: 'businessArea', header: 'business_area', aliases: ['business area', 'area', '業務', '業務分野', '業務領域', '業務名', '業務名稱']},
  {key: 'status', header: 'status', aliases: ['状態', '狀態', '状況']},
  {
    key: 'physicalServers',
    header: 'physical_servers',
    aliases: ['physical servers', 'servers', '物理サーバ数', '物理サーバー数', 'サーバ数', '實體伺服器數', '伺服器數'],
  },
  {key: 'virtualHosts', header: 'virtual_hosts', aliases: ['virtual hosts', '仮想ホスト数', '仮想サーバ数', '虛擬主機數']},
  {key: 'osInstances', header: 'os_instances', aliases: ['os instances', 'OSインスタンス数', 'OS数', '作業系統實例數']},
  {
    key: 'utilisation',
    header: 'utilisation_pct',
    aliases: ['utilisation', 'utilization', 'utilization_pct', 'utilisation %', 'average utilisation', '平均使用率', '使用率', '利用率', 'CPU使用率'],
  },
  {key: 'storageTb', header: 'storage_tb', aliases: ['storage', 'storage tb', 'ストレージ', 'ストレージ容量', '儲存容量']},
  {key: 'users', header: 'users', aliases: ['user count', '利用者数', 'ユーザ数', 'ユーザー数', '使用者數', '使用人數']},
  {
    key: 'annualHours',
    header: 'annual_hours',
    aliases: ['annual processing hours', 'processing hours', 'hours', '業務処理時間', '業務處理時間', '処理時間'],
  },
  {key: 'firstYear', header: 'first_fy', aliases: ['first fiscal year', 'first year', 'start year', '運用開始年度', '開始年度', '起始年度']},
  {key: 'lastYear', header: 'last_fy', aliases: ['last fiscal year', 'last year', 'end year', '終了年度', '運用終了年度', '結束年度']},
  {key: 'eligibility', header: 'eligibility', aliases: ['platform eligibility', '移行可否', '適用性', '可否']},
  {key: 'eligibilityReason', header: 'eligibility_reason', aliases: ['eligibility reason', '移行不可理由', '理由', '不適用理由']},
  {key: 'tags', header: 'tags', aliases: ['tag', 'タグ', '標籤']},
  {key: 'retiredReason', header: 'retired_reason', aliases: ['retirement reason', '廃止理由', '廢止理由']},
  {key: 'facilityId', header: 'facility_id', aliases: ['facility', 'facility id', 'data center id', 'データセンター', '設置場所', '機房']},
]

/** The CSV header of a system field key, as the change log and --set name it. */
export function systemFieldHeader(key: string): string {
  return SYSTEM_FIELDS.find((field) => field.key === key)?.header ?? key
}

export const systemsKind: TableKind<SystemRecord> = {
  kind: 'systems',
  fields: SYSTEM_FIELDS,
  build(row, context) {
    const id = row.get('id', identifier, {required: true})
    const ministryRaw = row.get('ministry', text(100), {required: true})
    let ministry: Ministry | undefined
    if (ministryRaw !== null) {
      ministry = context.ministries.find(ministryRaw)
      if (!ministry) {
        const suggestion = context.ministries.suggest(ministryRaw)
        row.fail(
          'ministry',
          ministryRaw,
          'unknown ministry',
          suggestion ? `did you mean ${suggestion}?` : 'see `kasumi inventory list --kind ministries`, or import the ministry first',
        )
      }
    }
    const name = row.get('name', text(200), {required: true})
    const category = row.get('category', parseCategory, {required: true})
    const businessArea = row.get('businessArea', text(200))
    const status = row.get('status', parseStatus) ?? SYSTEM_DEFAULTS.status
    const physicalServers = row.get('physicalServers', count)
    const virtualHosts = row.get('virtualHosts', count)
    const osInstances = row.get('osInstances', count)
    const utilisation = row.get('utilisation', percent)
    const storageTb = row.get('storageTb', nonNegativeDecimal('storage'))
    const users = row.get('users', count)
    const annualHours = row.get('annualHours', nonNegativeDecimal('processing hours'))
    const year = fiscalYear(context.calendar)
    const firstYear = row.get('firstYear', year)
    const lastYear = row.get('lastYear', year)
    if (firstYear !== null && lastYear !== null && lastYear < firstYear) {
      row.fail('lastYear', row.raw('lastYear'), `the last fiscal year comes before the first (${firstYear})`)
    }
    const eligibility = row.get('eligibility', parseEligibility) ?? SYSTEM_DEFAULTS.eligibility
    const eligibilityReason = row.get('eligibilityReason', text(500))
    if (eligibility === 'must-stay' && eligibilityReason === null && !row.failed) {
      row.fail(
        'eligibilityReason',
        row.raw('eligibilityReason') ?? '',
        'a system that must stay off the platform needs a reason',
        'fill in eligibility_reason',
      )
    }
    const tagList = row.get('tags', tags) ?? []
    const retiredReason = row.get('retiredReason', text(500))
    const facilityId = row.get('facilityId', identifier)
    // Checked against the store's facilities when it has any (a register kept without facilities may still name them).
    if (facilityId !== null && context.storedFacilityIds?.size && !context.storedFacilityIds.has(facilityId))
      row.fail('facilityId', facilityId, 'no facility has this id', 'import the facilities first (e.g. a DCOI inventory), or correct the id')

    const previous = id === null ? undefined : context.seenIds.get(id)
    if (id !== null) {
      if (previous !== undefined && !context.repeats) row.fail('id', id, `duplicate id: line ${previous} has it too`, 'each system needs its own id')
      else if (previous === undefined) context.seenIds.set(id, row.line)
    }
    if (row.failed || id === null || ministry === undefined || name === null || category === null) return undefined
    const record: SystemRecord = {
      id,
      ministry: ministry.code,
      name,
      category,
      businessArea,
      status,
      physicalServers,
      virtualHosts,
      osInstances,
      utilisation,
      storageTb,
      users,
      annualHours,
      firstYear,
      lastYear,
      eligibility,
      eligibilityReason,
      tags: tagList,
      retiredReason,
      facilityId,
    }
    if (context.repeats) {
      const values = JSON.stringify(record)
      const earlier = context.repeats.get(id)
      if (earlier === undefined) context.repeats.set(id, values)
      else if (earlier !== values) {
        const differs = Object.entries(JSON.parse(earlier) as Record<string, unknown>)
          .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify((record as unknown as Record<string, unknown>)[key]))
          .map(([key]) => systemFieldHeader(key))
        row.fail(
          'id',
          id,
          `row ${previous} gives this system other values (${differs.join(', ')})`,
          'a system on several rows must have the same values on each',
        )
        return undefined
      } else return undefined
    }
    return record
  },
}

/* ---------- cost lines ---------- */

export const COST_FIELDS: readonly FieldSpec[] = [
  {
    key: 'systemId',
    header: 'system_id',
    aliases: ['system id', 'system', 'id', 'システムID', '情報システムID', 'システム番号', '系統編號', '系統代碼'],
    required: true,
  },
  {
    key: 'fiscalYear',
    header: 'fiscal_year',
    aliases: ['fiscal year', 'fy', 'year', '年度', '年(西暦)', '西暦', '年度(西暦)', '會計年度', '会計年度'],
    required: true,
  },
  {key: 'pool', header: 'pool', aliases: ['cost pool', '費目', '経費区分2', '費用項目', '經費項目', '成本類別'], required: true},
  {key: 'spendType', header: 'spend_type', aliases: ['spend type', '経費種別', '経費区分', '經費類別', '經費種類']},
  {key: 'frequency', header: 'frequency', aliases: ['頻度', '頻率', '発生頻度']},
  {key: 'amount', header: 'amount', aliases: ['cost', '経費', '經費', '金額', '費用', '額'], required: true, scalable: true},
  {key: 'currency', header: 'currency', aliases: ['通貨', '幣別', '貨幣']},
  {key: 'note', header: 'note', aliases: ['notes', 'memo', '備考', '備註', '摘要']},
]

export const costsKind: TableKind<CostLine> = {
  kind: 'costs',
  fields: COST_FIELDS,
  build(row, context) {
    const systemId = row.get('systemId', identifier, {required: true})
    if (systemId !== null && context.storedSystemIds !== null && !context.storedSystemIds.has(systemId) && !context.seenIds.has(systemId)) {
      row.fail('systemId', systemId, 'no system has this id', 'import the systems file first, or correct the id')
    }
    const costYear = row.get('fiscalYear', fiscalYear(context.calendar), {required: true})
    const pool = row.get('pool', parsePool, {required: true})
    const spendType = row.get('spendType', parseSpendType) ?? 'operations'
    const frequency = row.get('frequency', parseFrequency) ?? (spendType === 'development' ? 'one-time' : 'recurring')
    let amount = row.get('amount', parseDecimal, {required: true})
    const factor = row.factor('amount')
    if (amount !== null && factor !== 1) amount = canonical(new Dec(amount).times(factor))
    const currency = row.get('currency', currencyCode) ?? 'JPY'
    const note = row.get('note', text(1000))
    if (row.failed || systemId === null || costYear === null || pool === null || amount === null) return undefined
    return {systemId, fiscalYear: costYear, pool, spendType, frequency, amount, currency, note}
  },
}

/* ---------- ministries ---------- */

export const MINISTRY_FIELDS: readonly FieldSpec[] = [
  {key: 'code', header: 'code', aliases: ['ministry code', 'コード', '代碼'], required: true},
  {key: 'nameZh', header: 'name_zh', aliases: ['name', 'chinese name', '名稱', '中文名稱'], required: true},
  {key: 'nameJa', header: 'name_ja', aliases: ['japanese name', '名称', '日本語名', '日文名稱']},
  {key: 'nameEn', header: 'name_en', aliases: ['english name', '英語名', '英文名稱']},
  {key: 'aliases', header: 'aliases', aliases: ['別名', '略称', '簡稱']},
  {key: 'displayOrder', header: 'display_order', aliases: ['order', '表示順', '順序']},
]

export const ministriesKind: TableKind<Ministry> = {
  kind: 'ministries',
  fields: MINISTRY_FIELDS,
  build(row, context) {
    const code = row.get(
      'code',
      (raw) => {
        const value = normalizeCell(raw).toLowerCase()
        if (value === '') return {ok: true, value: null}
        if (!/^[a-z][a-z0-9-]{0,31}$/.test(value))
          return {ok: false, reason: 'a ministry code is lower-case letters, digits and "-"', hint: 'e.g. mic, mof, meti'}
        return {ok: true, value}
      },
      {required: true},
    )
    const nameZh = row.get('nameZh', text(100), {required: true})
    const nameJa = row.get('nameJa', text(100))
    const nameEn = row.get('nameEn', text(200))
    const aliases = row.get('aliases', tags) ?? []
    const displayOrder = row.get('displayOrder', (raw) => parseInteger(raw, {min: 0})) ?? row.line
    if (code !== null) {
      const previous = context.seenIds.get(code)
      if (previous !== undefined) row.fail('code', code, `duplicate code: line ${previous} has it too`)
      else context.seenIds.set(code, row.line)
    }
    if (row.failed || code === null || nameZh === null) return undefined
    return {code, nameZh, nameJa, nameEn, aliases, displayOrder}
  },
}

export const TABLE_KINDS = {
  systems: systemsKind,
  costs: costsKind,
  ministries: ministriesKind,
  procedures: proceduresKind,
  documents: documentsKind,
  'life-events': lifeEventsKind,
} as const

/** Guesses a file's kind from its header: an amount column means cost lines. */
export function guessKind(headerCells: string[]): Kind | undefined {
  const keys = new Set(headerCells.map((cell) => matchKey(cell.replace(/[(（].*$/, ''))))
  const has = (fields: readonly FieldSpec[], key: string) => {
    const field = fields.find((candidate) => candidate.key === key)!
    return [field.key, field.header, ...field.aliases].some((name) => keys.has(matchKey(name)))
  }
  if (has(LIFE_EVENT_FIELDS, 'lifeEventId') && has(LIFE_EVENT_FIELDS, 'procedureId')) return 'life-events'
  if (has(PROCEDURE_FIELDS, 'channel') || has(PROCEDURE_FIELDS, 'visitsPerCase')) return 'procedures'
  if (has(DOCUMENT_FIELDS, 'authenticSource') || has(DOCUMENT_FIELDS, 'issuer')) return 'documents'
  if (has(COST_FIELDS, 'amount')) return 'costs'
  if (has(SYSTEM_FIELDS, 'category') || has(SYSTEM_FIELDS, 'name')) return 'systems'
  if (has(MINISTRY_FIELDS, 'nameZh') && has(MINISTRY_FIELDS, 'code')) return 'ministries'
  return undefined
}

/**
 * Columns of a cost-line file that describe the system rather than the cost
 * (its ministry, name or category, as the IT dashboard's budget files carry
 * them): passed over with a note, since a cost line takes them from its system.
 */
export function systemColumnsInCosts(unknown: ReadonlyArray<{index: number; name: string}>): Array<{index: number; name: string}> {
  const described = SYSTEM_FIELDS.filter((field) => ['ministry', 'name', 'category'].includes(field.key))
  const names = new Set(described.flatMap((field) => [field.header, ...field.aliases].map(matchKey)))
  return unknown.filter((column) => names.has(matchKey(column.name)))
}
