/**
 * The citizens' side of the register: procedures (手続), the documents they
 * require (添付書類), and the life events (ライフイベント) that bring a citizen
 * to several procedures at once. Minutes, cases, visits and fees are exact
 * decimal strings, like every amount in kasumi.
 */

/** How a procedure can be done: at a counter only, partly online, or fully online. */
export const CHANNELS = ['counter', 'online-partly', 'online-fully'] as const
export type Channel = (typeof CHANNELS)[number]

/** Who is responsible: a ministry (or another national agency), a prefecture or a municipality. */
export const AGENCY_LEVELS = ['national', 'prefecture', 'municipality'] as const
export type AgencyLevel = (typeof AGENCY_LEVELS)[number]

/** Who issues a document: a public agency at one of the levels, or a private body (an employer, a bank, a landlord). */
export const ISSUER_LEVELS = [...AGENCY_LEVELS, 'private'] as const
export type IssuerLevel = (typeof ISSUER_LEVELS)[number]

export interface ProcedureRecord {
  id: string
  name: string
  /** The responsible agency as a citizen meets it (e.g. 市区町村役場, 法務局, 年金事務所); life events count these. */
  agency: string
  agencyLevel: AgencyLevel
  /** Cases per year, a whole number as a decimal string. */
  annualCases: string
  channel: Channel
  /** Counter visits per case (0 for a procedure done fully online). */
  visitsPerCase: string
  /** Citizen minutes per visit: travel there and back. */
  travelMinutes: string
  /** Citizen minutes per visit: waiting at the counter. */
  waitingMinutes: string
  /** Citizen minutes per case: filling in forms, online or on paper. */
  formMinutes: string
  /** Staff minutes per case at the responsible agency. */
  staffMinutes: string
  /** Fee per case, in `currency` units. */
  fee: string
  currency: string
  /** Ids of the systems in the register that process it. */
  systems: string[]
}

export interface DocumentRecord {
  id: string
  name: string
  /** The agency that issues it (e.g. 市区町村役場 for 住民票の写し). */
  issuer: string
  issuerLevel: IssuerLevel
  /** Citizen minutes to obtain one copy (request, travel, waiting). */
  citizenMinutes: string
  /** Staff minutes of the issuing agency per copy. */
  staffMinutes: string
  /** Fee per copy, in `currency` units. */
  fee: string
  currency: string
  /** Whether the issuing agency could supply it to the requesting agency directly (an authentic source, once-only). */
  authenticSource: boolean
}

/** One procedure of a life event, with the documents it requires there. */
export interface LifeEventStep {
  procedureId: string
  documents: string[]
}

export interface LifeEventRecord {
  id: string
  nameJa: string
  nameZh: string | null
  nameEn: string | null
  steps: LifeEventStep[]
}

export const SERVICE_ENTITIES = ['procedure', 'document', 'life-event'] as const
export type ServiceEntity = (typeof SERVICE_ENTITIES)[number]

export const CHANNEL_LABELS: Record<Channel, {en: string; ja: string; 'zh-TW': string}> = {
  counter: {en: 'counter only', ja: '窓口のみ', 'zh-TW': '僅臨櫃'},
  'online-partly': {en: 'partly online', ja: '一部オンライン', 'zh-TW': '部分線上'},
  'online-fully': {en: 'fully online', ja: '完全オンライン', 'zh-TW': '全程線上'},
}
