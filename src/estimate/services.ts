import {minorFactor} from '../domain/currency.js'
import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {Dec, ZERO, canonical} from '../domain/money.js'
import {SERVICE_MEASURES} from './measures/services.js'
import {MONEY_UNITS, type Scenario} from './model.js'
import type {ProcedureState, RequestState, ServiceContext, ServiceMeasureSpec, ServiceRegister, ServiceState} from './services-model.js'

/**
 * The citizens' side of an estimate by the Standard Cost Model (the OECD/EU
 * method for administrative burden): burden = cases × minutes × tariff, for
 * every procedure and every document a procedure requires, before the service
 * measures and in each year of the horizon after them. Per-case figures are
 * exact; each part (a procedure, or a document as one procedure requires it)
 * is rounded half-up once — minutes to the hundredth, visits to the
 * millionth, money to the currency's minor unit — so every total (per
 * document, per life event, of the whole register) is the exact sum of its
 * parts. Citizens' hours and their value are kept apart from cash:
 * the only cash a service measure releases is postage (e-post-box); fees are
 * what citizens pay, shown as such.
 */

export const SERVICES_FORMAT_VERSION = 1

/** One part's burden for a year. */
export interface Burden {
  /** Counter visits per year. */
  visits: Dec
  citizenMinutes: Dec
  staffMinutes: Dec
  /** Citizens' time valued at the tariff, minor units (rounded per part). */
  citizenValue: Dec
  /** Staff time at the hourly cost, minor units (rounded per part). */
  staffCost: Dec
  /** Fees citizens pay, minor units. */
  fees: Dec
  /** Postage and printing of notices sent by post, minor units: the agencies' cash. */
  postage: Dec
}

const zero = (): Burden => ({
  visits: ZERO,
  citizenMinutes: ZERO,
  staffMinutes: ZERO,
  citizenValue: ZERO,
  staffCost: ZERO,
  fees: ZERO,
  postage: ZERO,
})

export function addBurden(a: Burden, b: Burden): Burden {
  return {
    visits: a.visits.plus(b.visits),
    citizenMinutes: a.citizenMinutes.plus(b.citizenMinutes),
    staffMinutes: a.staffMinutes.plus(b.staffMinutes),
    citizenValue: a.citizenValue.plus(b.citizenValue),
    staffCost: a.staffCost.plus(b.staffCost),
    fees: a.fees.plus(b.fees),
    postage: a.postage.plus(b.postage),
  }
}

export function sumBurdens(parts: Iterable<Burden>): Burden {
  let total = zero()
  for (const part of parts) total = addBurden(total, part)
  return total
}

/** Tariffs in minor units per hour. */
export interface Tariffs {
  citizenHour: Dec | null
  staffHour: Dec | null
}

const roundMinor = (value: Dec) => value.toDecimalPlaces(0, Dec.ROUND_HALF_UP)
/** Minutes of a part, to the hundredth of a minute (a one-stop share of 1/k of a visit need not end). */
const roundMinutes = (value: Dec) => value.toDecimalPlaces(2, Dec.ROUND_HALF_UP)
/** Visits of a part, to the millionth. */
const roundVisits = (value: Dec) => value.toDecimalPlaces(6, Dec.ROUND_HALF_UP)

function valued(minutes: Dec, perHour: Dec | null): Dec {
  return perHour === null ? ZERO : roundMinor(minutes.times(perHour).dividedBy(60))
}

/** A procedure's own burden (its documents apart): cases × minutes per case. */
export function procedureBurden(p: ProcedureState, tariffs: Tariffs): Burden {
  const notices = p.notices
  const byPost = notices ? new Dec(1).minus(notices.electronic).times(notices.perCase) : ZERO
  const citizenPerCase = p.visitMinutes.plus(p.formMinutes).plus(notices ? byPost.times(notices.citizenMinutes) : ZERO)
  const staffPerCase = p.staffMinutes.plus(notices ? byPost.times(notices.staffMinutes) : ZERO)
  const citizenMinutes = roundMinutes(p.cases.times(citizenPerCase))
  const staffMinutes = roundMinutes(p.cases.times(staffPerCase))
  return {
    visits: roundVisits(p.cases.times(p.visits)),
    citizenMinutes,
    staffMinutes,
    citizenValue: valued(citizenMinutes, tariffs.citizenHour),
    staffCost: valued(staffMinutes, tariffs.staffHour),
    fees: roundMinor(p.cases.times(p.fee)),
    postage: notices ? roundMinor(p.cases.times(byPost).times(notices.postage)) : ZERO,
  }
}

/** A document as one procedure requires it: the procedure's cases × the share still brought × minutes per copy. */
export function requestBurden(request: RequestState, cases: Dec, tariffs: Tariffs): Burden {
  const copies = cases.times(request.share)
  const citizenMinutes = roundMinutes(copies.times(request.citizenMinutes))
  const staffMinutes = roundMinutes(copies.times(request.issuerMinutes).plus(cases.times(request.exchangedMinutes)))
  return {
    visits: ZERO,
    citizenMinutes,
    staffMinutes,
    citizenValue: valued(citizenMinutes, tariffs.citizenHour),
    staffCost: valued(staffMinutes, tariffs.staffHour),
    fees: roundMinor(copies.times(request.fee)),
    postage: ZERO,
  }
}

export const requestKey = (procedureId: string, documentId: string) => `${procedureId}\u0000${documentId}`

/** The register as per-case averages, before any measure. */
export function initialState(register: ServiceRegister, feeFactor: number): ServiceState {
  const procedures = new Map<string, ProcedureState>()
  for (const p of register.procedures) {
    const visits = new Dec(p.visitsPerCase)
    procedures.set(p.id, {
      id: p.id,
      agency: p.agency,
      cases: new Dec(p.annualCases),
      visits,
      visitMinutes: visits.times(new Dec(p.travelMinutes).plus(p.waitingMinutes)),
      formMinutes: new Dec(p.formMinutes),
      staffMinutes: new Dec(p.staffMinutes),
      fee: new Dec(p.fee).times(feeFactor),
      online: new Dec(p.channel === 'online-fully' ? 1 : 0),
      notices: null,
    })
  }
  const documents = new Map(register.documents.map((d) => [d.id, d]))
  const requests = new Map<string, RequestState>()
  for (const event of register.lifeEvents)
    for (const step of event.steps)
      for (const documentId of step.documents) {
        const key = requestKey(step.procedureId, documentId)
        if (requests.has(key)) continue
        const d = documents.get(documentId)!
        requests.set(key, {
          procedureId: step.procedureId,
          documentId,
          share: new Dec(1),
          citizenMinutes: new Dec(d.citizenMinutes),
          fee: new Dec(d.fee).times(feeFactor),
          issuerMinutes: new Dec(d.staffMinutes),
          exchangedMinutes: ZERO,
        })
      }
  return {procedures, requests, oneStop: new Map()}
}

/** The procedures, requests and life events a measure's filter selects; unknown ids and once-only on a document without an authentic source are issues. */
export function selection(
  spec: ServiceMeasureSpec,
  register: ServiceRegister,
  state: ServiceState,
  issue: (key: string, value: string, message: string, hint?: string) => void,
): {procedures: string[]; requests: string[]; lifeEvents: string[]} {
  const module = SERVICE_MEASURES[spec.type]
  const {lifeEvents: eventFilter, procedures: procedureFilter, documents: documentFilter} = spec.appliesTo
  const known = {
    lifeEvents: new Set(register.lifeEvents.map((event) => event.id)),
    procedures: new Set(register.procedures.map((p) => p.id)),
    documents: new Map(register.documents.map((d) => [d.id, d])),
  }
  for (const id of eventFilter ?? [])
    if (!known.lifeEvents.has(id)) issue('lifeEvents', id, `no life event ${id} in the register`, 'see `kasumi inventory list --entity life-event`')
  for (const id of procedureFilter ?? [])
    if (!known.procedures.has(id)) issue('procedures', id, `no procedure ${id} in the register`, 'see `kasumi inventory list --entity procedure`')
  for (const id of documentFilter ?? []) {
    const document = known.documents.get(id)
    if (!document) issue('documents', id, `no document ${id} in the register`, 'see `kasumi inventory list --entity document`')
    else if (module.type === 'once-only' && !document.authenticSource)
      issue(
        'documents',
        id,
        `document ${id} (${document.name}) has no authentic source: its issuer cannot supply it directly, so once-only cannot drop it`,
        'leave it out of appliesTo.documents, or set authentic_source to yes in the register if the issuer can supply it',
      )
  }
  const events = register.lifeEvents.filter((event) => !eventFilter || eventFilter.includes(event.id))
  const inEvents = new Set(events.flatMap((event) => event.steps.map((step) => step.procedureId)))
  const procedures = register.procedures
    .map((p) => p.id)
    .filter((id) => (!procedureFilter || procedureFilter.includes(id)) && (!eventFilter || inEvents.has(id)))
  const listed = new Set(events.flatMap((event) => event.steps.flatMap((step) => step.documents.map((d) => requestKey(step.procedureId, d)))))
  const requests = [...state.requests.values()]
    .filter(
      (request) =>
        listed.has(requestKey(request.procedureId, request.documentId)) &&
        (!procedureFilter || procedureFilter.includes(request.procedureId)) &&
        (!documentFilter || documentFilter.includes(request.documentId)) &&
        (module.type !== 'once-only' || known.documents.get(request.documentId)?.authenticSource === true),
    )
    .map((request) => requestKey(request.procedureId, request.documentId))
  return {procedures, requests, lifeEvents: events.map((event) => event.id)}
}

/** The share of its full take-up a measure reaches in a year: 0 before its start, then its ramp (the last share holds). */
export function rampShare(spec: ServiceMeasureSpec, year: number): Dec {
  if (year < spec.start) return ZERO
  const ramp = spec.ramp.length > 0 ? spec.ramp : [{path: '', base: '1'}]
  return new Dec(ramp[Math.min(year - spec.start, ramp.length - 1)].base)
}

export interface ServicePlan {
  register: ServiceRegister
  measures: Array<{spec: ServiceMeasureSpec; selected: {procedures: string[]; requests: string[]; lifeEvents: string[]}}>
  tariffs: Tariffs
  feeFactor: number
  /** Minor units of the currency in one money unit of the scenario (e.g. 1 000 for 千円 of yen). */
  moneyFactor: number
}

/**
 * Checks the service measures against the register and prepares the
 * evaluation. A measure naming what the register does not have, or once-only
 * on a document without an authentic source, stops the estimate (exit 3).
 */
export function planServices(scenario: Scenario, register: ServiceRegister): ServicePlan {
  const issues: InputIssue[] = []
  const feeFactor = minorFactor(scenario.currency)
  for (const p of register.procedures)
    if (p.currency !== scenario.currency)
      issues.push({
        message: `procedure ${p.id} has fees in ${p.currency}; the scenario counts in ${scenario.currency}`,
        hint: 'give the fees in the scenario currency',
      })
  const probe = initialState(register, feeFactor)
  const measures = (scenario.services?.measures ?? []).map((spec) => {
    const selected = selection(spec, register, probe, (key, value, message, hint) =>
      issues.push({
        file: scenario.file,
        line: scenario.lines?.[`${spec.path}.appliesTo.${key}`] || scenario.lines?.[spec.path],
        column: `${spec.path}.appliesTo.${key}`,
        value,
        message,
        hint,
      }),
    )
    return {spec, selected}
  })
  if (issues.length > 0)
    throw new InvalidInputError(
      `${scenario.name}: ${issues.length} problem${issues.length === 1 ? '' : 's'} with the service measures; nothing was estimated`,
      issues,
    )
  const unit = MONEY_UNITS[scenario.moneyUnit] * feeFactor
  const perHour = (value: {base: string} | undefined) => (value ? new Dec(value.base).times(unit) : null)
  return {
    register,
    measures,
    tariffs: {citizenHour: perHour(scenario.services?.citizenHourValue), staffHour: perHour(scenario.hourlyCost)},
    feeFactor,
    moneyFactor: unit,
  }
}

/** The state after the measures, each at its take-up times its ramp share for `year` (before: no measure takes effect). */
export function stateFor(plan: ServicePlan, year: number | 'before'): ServiceState {
  const state = initialState(plan.register, plan.feeFactor)
  const contexts = plan.measures.map(({spec, selected}) => {
    const share = year === 'before' ? ZERO : new Dec(spec.params.takeUp.base).times(rampShare(spec, year))
    const specs = SERVICE_MEASURES[spec.type].params
    const context: ServiceContext = {
      register: plan.register,
      ...selected,
      share,
      // Money parameters are in the scenario's money unit: here in minor units of its currency.
      value: (name) => new Dec(spec.params[name].base).times(specs[name]?.kind === 'money' ? plan.moneyFactor : 1),
      has: (name) => spec.params[name] !== undefined,
    }
    return {module: SERVICE_MEASURES[spec.type], context}
  })
  // Baselines first (what the register does not record but a measure counts, e.g. notices by post), then the measures in order.
  for (const {module, context} of contexts) module.baseline?.(state, context)
  for (const {module, context} of contexts) if (!context.share.isZero()) module.apply(state, context)
  return state
}

/** Every part of the burden of a state: one per procedure, one per document as a procedure requires it. */
export function parts(plan: ServicePlan, state: ServiceState): {procedures: Map<string, Burden>; requests: Map<string, Burden>} {
  const procedures = new Map<string, Burden>()
  for (const [id, p] of state.procedures) procedures.set(id, procedureBurden(p, plan.tariffs))
  const requests = new Map<string, Burden>()
  for (const [key, request] of state.requests)
    requests.set(key, requestBurden(request, state.procedures.get(request.procedureId)!.cases, plan.tariffs))
  return {procedures, requests}
}

export {canonical}
