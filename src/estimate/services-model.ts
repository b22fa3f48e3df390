import type {Dec} from '../domain/money.js'
import type {ParamSpec, ParamValue} from './params.js'

/**
 * The citizens' side of an estimate: the register's procedures and documents
 * as per-case averages that the service measures change, one measure after
 * the other, each at its take-up (its share of cases) for the year.
 */

/** Which procedures, documents and life events a service measure reaches (all filters must match). */
export interface ServiceFilter {
  lifeEvents?: string[]
  procedures?: string[]
  documents?: string[]
}

export interface ServiceMeasureSpec {
  id: string
  type: string
  label?: string
  description?: string
  source?: string
  /** Key path in the scenario, e.g. measures[3]. */
  path: string
  appliesTo: ServiceFilter
  start: number
  ramp: ParamValue[]
  params: Record<string, ParamValue>
}

/** One procedure as the measures see it: per-case averages, exact. */
export interface ProcedureState {
  id: string
  agency: string
  cases: Dec
  /** Counter visits per case. */
  visits: Dec
  /** Travel and waiting minutes per case (all visits). */
  visitMinutes: Dec
  /** Filling-in minutes per case. */
  formMinutes: Dec
  staffMinutes: Dec
  /** Fee per case, minor units of the currency (exact). */
  fee: Dec
  /** Share of cases done fully online. */
  online: Dec
  /** Notices and certificates the procedure sends per case, with the minutes and postage each costs by post (only where an e-post-box measure reaches it). */
  notices: {perCase: Dec; citizenMinutes: Dec; staffMinutes: Dec; postage: Dec; electronic: Dec} | null
}

/** One document as one procedure requires it: per case of that procedure. */
export interface RequestState {
  procedureId: string
  documentId: string
  /** Share of the procedure's cases in which the citizen still brings the document. */
  share: Dec
  citizenMinutes: Dec
  fee: Dec
  /** Issuing agency's staff minutes per copy, and per copy exchanged directly once-only. */
  issuerMinutes: Dec
  exchangedMinutes: Dec
}

export interface ServiceState {
  procedures: Map<string, ProcedureState>
  /** Keyed `${procedureId}\u0000${documentId}`. */
  requests: Map<string, RequestState>
  /** One-stop take-up per life event. */
  oneStop: Map<string, Dec>
}

/** The register as service measures read it. */
export interface ServiceRegister {
  procedures: ReadonlyArray<import('../domain/services.js').ProcedureRecord>
  documents: ReadonlyArray<import('../domain/services.js').DocumentRecord>
  lifeEvents: ReadonlyArray<import('../domain/services.js').LifeEventRecord>
}

/** What a measure is given: the selection its filter makes, and its values for one year. */
export interface ServiceContext {
  register: ServiceRegister
  /** Procedures the measure reaches. */
  procedures: readonly string[]
  /** Documents the measure reaches (with the procedures requiring them). */
  requests: readonly string[]
  /** Life events the measure reaches. */
  lifeEvents: readonly string[]
  /** The take-up this year: the measure's take-up times its ramp share. */
  share: Dec
  /** A parameter's value (base case), exact. */
  value(name: string): Dec
  has(name: string): boolean
}

export interface ServiceMeasureModule {
  type: string
  summary: string
  /** What its appliesTo selects in the first place. */
  reaches: 'procedures' | 'documents' | 'life-events'
  params: Record<string, ParamSpec>
  /** Sets up the baseline the measure needs (e.g. notices sent by post), once, before any measure applies. */
  baseline?(state: ServiceState, context: ServiceContext): void
  apply(state: ServiceState, context: ServiceContext): void
}
