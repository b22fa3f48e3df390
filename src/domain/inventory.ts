/**
 * The register's vocabulary: ministries, systems and cost lines, and the
 * closed sets of values their fields take.
 */
export const CATEGORIES = ['common', 'lan', 'e-application', 'small-scale'] as const
export type Category = (typeof CATEGORIES)[number]

/** The four groups of the 2009 survey of government systems. */
export const CATEGORY_LABELS: Record<Category, {en: string; ja: string; 'zh-TW': string}> = {
  common: {en: 'Cross-ministry common system', ja: '府省共通システム', 'zh-TW': '部門共用作業系統'},
  lan: {en: 'Ministry LAN', ja: '府省LAN', 'zh-TW': 'LAN相關作業系統'},
  'e-application': {en: 'E-application back office', ja: '電子申請後台', 'zh-TW': '電子申請後台管理系統'},
  'small-scale': {en: 'Small-scale system', ja: '小規模システム', 'zh-TW': '小規模作業系統'},
}

export const STATUSES = ['active', 'migrating', 'migrated', 'retired'] as const
export type SystemStatus = (typeof STATUSES)[number]

export const ELIGIBILITIES = ['eligible', 'must-stay'] as const
export type Eligibility = (typeof ELIGIBILITIES)[number]

/** TBM-style cost pools; `cloud` is the TBM taxonomy's Cloud Services pool (IaaS, PaaS and SaaS bought from a cloud provider). */
export const COST_POOLS = ['hardware', 'software', 'outside-services', 'internal-labor', 'facilities-power', 'telecom', 'cloud', 'other'] as const
export type CostPool = (typeof COST_POOLS)[number]

export const COST_POOL_LABELS: Record<CostPool, {en: string; ja: string; 'zh-TW': string}> = {
  hardware: {en: 'Hardware', ja: 'ハードウェア', 'zh-TW': '硬體'},
  software: {en: 'Software', ja: 'ソフトウェア', 'zh-TW': '軟體'},
  'outside-services': {en: 'Outside services', ja: '外部委託', 'zh-TW': '委外服務'},
  'internal-labor': {en: 'Internal labour', ja: '職員人件費', 'zh-TW': '人事費'},
  'facilities-power': {en: 'Facilities and power', ja: '施設・電力', 'zh-TW': '設施與電力'},
  telecom: {en: 'Telecom', ja: '通信', 'zh-TW': '通訊網路'},
  cloud: {en: 'Cloud services', ja: 'クラウドサービス', 'zh-TW': '雲端服務'},
  other: {en: 'Other', ja: 'その他', 'zh-TW': '其他'},
}

/** 整備経費 (development) and 運用等経費 (operations). */
export const SPEND_TYPES = ['development', 'operations'] as const
export type SpendType = (typeof SPEND_TYPES)[number]

export const FREQUENCIES = ['recurring', 'one-time'] as const
export type Frequency = (typeof FREQUENCIES)[number]

export interface Ministry {
  code: string
  nameZh: string
  nameJa: string | null
  nameEn: string | null
  /** Other names found in tables, e.g. 公取委 for 公正取引委員会. */
  aliases?: string[]
  displayOrder: number
}

export interface SystemRecord {
  id: string
  ministry: string
  name: string
  category: Category
  businessArea: string | null
  status: SystemStatus
  physicalServers: number | null
  virtualHosts: number | null
  osInstances: number | null
  /** Average server utilisation in percent, 0–100, exact decimal string. */
  utilisation: string | null
  storageTb: string | null
  users: number | null
  /** Annual processing hours (業務處理時間), exact decimal string. */
  annualHours: string | null
  firstYear: number | null
  lastYear: number | null
  eligibility: Eligibility
  eligibilityReason: string | null
  tags: string[]
  retiredReason: string | null
  /** The facility (data centre, server room, cloud region) the system runs in. */
  facilityId?: string | null
}

export interface CostLine {
  id?: number
  systemId: string
  fiscalYear: number
  pool: CostPool
  spendType: SpendType
  frequency: Frequency
  /** Exact decimal string in `currency` units (円 for JPY). */
  amount: string
  currency: string
  note: string | null
}

export const SYSTEM_DEFAULTS: Pick<SystemRecord, 'status' | 'eligibility' | 'tags' | 'retiredReason'> = {
  status: 'active',
  eligibility: 'eligible',
  tags: [],
  retiredReason: null,
}
