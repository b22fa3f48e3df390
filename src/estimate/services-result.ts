import {Dec, ZERO, canonical} from '../domain/money.js'
import {minorDigits} from '../domain/currency.js'
import type {Scenario} from './model.js'
import {SERVICE_MEASURES} from './measures/services.js'
import {addBurden, parts, requestKey, stateFor, sumBurdens, SERVICES_FORMAT_VERSION, type Burden, type ServicePlan} from './services.js'
import type {ServiceState} from './services-model.js'

/** A burden as the JSON contract gives it: exact minutes, hours (minutes ÷ 60, to the hundredth), money in currency units. */
export interface BurdenJson {
  visits: string
  citizenMinutes: string
  citizenHours: string
  citizenValue: string
  staffMinutes: string
  staffHours: string
  staffCost: string
  fees: string
  postage: string
}

export interface LifeEventView {
  id: string
  names: {ja: string; 'zh-TW': string | null; en: string | null}
  /** Per occurrence: procedures, agencies and kinds of documents (after: expected, take-up weighted), visits. */
  before: {procedures: string; agencies: string; documents: string; visitsPerCase: string}
  after: {procedures: string; agencies: string; documents: string; visitsPerCase: string}
  burdenBefore: BurdenJson
  burdenAfter: BurdenJson
}

export interface ServicesResult {
  formatVersion: number
  units: {minutes: string; hours: string; money: string; tariffs: string}
  tariffs: {citizenHourValue: string | null; staffHourCost: string | null}
  measures: Array<{id: string; type: string; label?: string; procedures: number; documents: number; lifeEvents: number}>
  /** The year the "after" figures are of: the last of the horizon (run-rate). */
  runRateYear: number
  before: BurdenJson
  after: BurdenJson
  saved: BurdenJson
  byYear: Array<{year: number; burden: BurdenJson; saved: BurdenJson}>
  procedures: Array<{
    id: string
    name: string
    agency: string
    cases: string
    channel: string
    /** Reached by an online-application measure that has taken effect by the run-rate year: available online after. */
    onlineAfter: boolean
    /** Share of cases done online, before and after (to the millionth). */
    onlineShareBefore: string
    onlineShareAfter: string
    before: BurdenJson
    after: BurdenJson
  }>
  documents: Array<{
    id: string
    name: string
    authenticSource: boolean
    requestsBefore: string
    requestsAfter: string
    before: BurdenJson
    after: BurdenJson
  }>
  lifeEvents: LifeEventView[]
  /** The procedures of each life event, in order. */
  lifeEventProcedures: Record<string, string[]>
  /** Staff hours saved per year at run-rate, as the estimate's hours totals count them. */
  staffHoursSaved: string
}

function moneyText(minor: Dec, currency: string): string {
  const digits = minorDigits(currency)
  return digits === 0 ? canonical(minor) : minor.dividedBy(10 ** digits).toFixed(digits)
}

const hoursText = (minutes: Dec) => minutes.dividedBy(60).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)

export function burdenJson(burden: Burden, currency: string): BurdenJson {
  return {
    visits: canonical(burden.visits),
    citizenMinutes: canonical(burden.citizenMinutes),
    citizenHours: hoursText(burden.citizenMinutes),
    citizenValue: moneyText(burden.citizenValue, currency),
    staffMinutes: canonical(burden.staffMinutes),
    staffHours: hoursText(burden.staffMinutes),
    staffCost: moneyText(burden.staffCost, currency),
    fees: moneyText(burden.fees, currency),
    postage: moneyText(burden.postage, currency),
  }
}

export function minus(a: Burden, b: Burden): Burden {
  return {
    visits: a.visits.minus(b.visits),
    citizenMinutes: a.citizenMinutes.minus(b.citizenMinutes),
    staffMinutes: a.staffMinutes.minus(b.staffMinutes),
    citizenValue: a.citizenValue.minus(b.citizenValue),
    staffCost: a.staffCost.minus(b.staffCost),
    fees: a.fees.minus(b.fees),
    postage: a.postage.minus(b.postage),
  }
}

/** The burden of a whole state: every procedure part and every document part. */
export function totalBurden(plan: ServicePlan, state: ServiceState): Burden {
  const all = parts(plan, state)
  return addBurden(sumBurdens(all.procedures.values()), sumBurdens(all.requests.values()))
}

/** A life event's burden: its procedures' parts and the parts of the documents it lists for them. */
export function lifeEventBurden(plan: ServicePlan, state: ServiceState, eventId: string): Burden {
  const event = plan.register.lifeEvents.find((candidate) => candidate.id === eventId)!
  const all = parts(plan, state)
  const pieces: Burden[] = []
  for (const step of event.steps) {
    pieces.push(all.procedures.get(step.procedureId)!)
    for (const documentId of step.documents) pieces.push(all.requests.get(requestKey(step.procedureId, documentId))!)
  }
  return sumBurdens(pieces)
}

const one = new Dec(1)
const fixed1 = (value: Dec) => value.toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1)

/** Per occurrence of a life event: procedures, agencies, kinds of documents and counter visits, in a state. */
function eventCounts(plan: ServicePlan, state: ServiceState, eventId: string, after: boolean) {
  const event = plan.register.lifeEvents.find((candidate) => candidate.id === eventId)!
  const procedures = event.steps.length
  const agencies = new Set(event.steps.map((step) => state.procedures.get(step.procedureId)!.agency)).size
  const visits = event.steps.reduce((total, step) => total.plus(state.procedures.get(step.procedureId)!.visits), ZERO)
  const documentIds = [...new Set(event.steps.flatMap((step) => step.documents))]
  if (!after)
    return {procedures: String(procedures), agencies: String(agencies), documents: String(documentIds.length), visitsPerCase: fixed1(visits)}
  // One-stop: for its share of cases, one application at one window; a document still counts for the share of requests that bring it.
  const s = state.oneStop.get(eventId) ?? ZERO
  const collapse = (count: number) => (count === 0 ? ZERO : one.minus(s).times(count).plus(s))
  const documents = documentIds.reduce((total, documentId) => {
    const shares = event.steps
      .filter((step) => step.documents.includes(documentId))
      .map((step) => state.requests.get(requestKey(step.procedureId, documentId))!.share)
    return total.plus(Dec.max(...shares))
  }, ZERO)
  return {procedures: fixed1(collapse(procedures)), agencies: fixed1(collapse(agencies)), documents: fixed1(documents), visitsPerCase: fixed1(visits)}
}

/** The services side of an estimate: before, each year of the horizon, and at run-rate, per procedure, document and life event. */
export function buildServicesResult(scenario: Scenario, plan: ServicePlan): ServicesResult {
  const currency = scenario.currency
  const [first, last] = scenario.horizon
  const before = stateFor(plan, 'before')
  const after = stateFor(plan, last)
  const beforeParts = parts(plan, before)
  const afterParts = parts(plan, after)
  const totalBefore = addBurden(sumBurdens(beforeParts.procedures.values()), sumBurdens(beforeParts.requests.values()))
  const totalAfter = addBurden(sumBurdens(afterParts.procedures.values()), sumBurdens(afterParts.requests.values()))
  const byYear = []
  for (let year = first; year <= last; year++) {
    const burden = year === last ? totalAfter : totalBurden(plan, stateFor(plan, year))
    byYear.push({year, burden: burdenJson(burden, currency), saved: burdenJson(minus(totalBefore, burden), currency)})
  }
  const documents = plan.register.documents.map((document) => {
    const keys = [...before.requests.keys()].filter((key) => before.requests.get(key)!.documentId === document.id)
    const requests = (state: ServiceState) =>
      keys.reduce(
        (total, key) => total.plus(state.procedures.get(state.requests.get(key)!.procedureId)!.cases.times(state.requests.get(key)!.share)),
        ZERO,
      )
    return {
      id: document.id,
      name: document.name,
      authenticSource: document.authenticSource,
      requestsBefore: canonical(requests(before)),
      requestsAfter: canonical(requests(after).toDecimalPlaces(6, Dec.ROUND_HALF_UP)),
      before: burdenJson(sumBurdens(keys.map((key) => beforeParts.requests.get(key)!)), currency),
      after: burdenJson(sumBurdens(keys.map((key) => afterParts.requests.get(key)!)), currency),
    }
  })
  return {
    formatVersion: SERVICES_FORMAT_VERSION,
    units: {
      minutes: 'minutes per year (each part rounded half-up to the hundredth; totals the sum of the parts)',
      hours: 'hours per year (minutes ÷ 60, rounded half-up to the hundredth)',
      money: `${currency} per year (decimal strings in currency units; each part rounded half-up to the minor unit, totals the sum of the parts)`,
      tariffs: `${currency} per hour`,
    },
    tariffs: {
      citizenHourValue: plan.tariffs.citizenHour === null ? null : moneyText(plan.tariffs.citizenHour, currency),
      staffHourCost: plan.tariffs.staffHour === null ? null : moneyText(plan.tariffs.staffHour, currency),
    },
    measures: plan.measures.map(({spec, selected}) => ({
      id: spec.id,
      type: spec.type,
      ...(spec.label ? {label: spec.label} : {}),
      procedures: SERVICE_MEASURES[spec.type].reaches === 'documents' ? 0 : selected.procedures.length,
      documents: SERVICE_MEASURES[spec.type].reaches === 'documents' ? new Set(selected.requests.map((key) => key.split('\u0000')[1])).size : 0,
      lifeEvents: selected.lifeEvents.length,
    })),
    runRateYear: last,
    before: burdenJson(totalBefore, currency),
    after: burdenJson(totalAfter, currency),
    saved: burdenJson(minus(totalBefore, totalAfter), currency),
    byYear,
    procedures: plan.register.procedures.map((p) => ({
      id: p.id,
      name: p.name,
      agency: p.agency,
      cases: p.annualCases,
      channel: p.channel,
      onlineAfter:
        p.channel === 'online-fully' ||
        plan.measures.some(
          ({spec, selected}) =>
            spec.type === 'online-application' &&
            selected.procedures.includes(p.id) &&
            spec.start <= last &&
            !new Dec(spec.params.takeUp.base).isZero(),
        ),
      onlineShareBefore: canonical(before.procedures.get(p.id)!.online.toDecimalPlaces(6, Dec.ROUND_HALF_UP)),
      onlineShareAfter: canonical(after.procedures.get(p.id)!.online.toDecimalPlaces(6, Dec.ROUND_HALF_UP)),
      before: burdenJson(beforeParts.procedures.get(p.id)!, currency),
      after: burdenJson(afterParts.procedures.get(p.id)!, currency),
    })),
    documents,
    lifeEvents: plan.register.lifeEvents.map((event) => ({
      id: event.id,
      names: {ja: event.nameJa, 'zh-TW': event.nameZh, en: event.nameEn},
      before: eventCounts(plan, before, event.id, false),
      after: eventCounts(plan, after, event.id, true),
      burdenBefore: burdenJson(lifeEventBurden(plan, before, event.id), currency),
      burdenAfter: burdenJson(lifeEventBurden(plan, after, event.id), currency),
    })),
    lifeEventProcedures: Object.fromEntries(plan.register.lifeEvents.map((event) => [event.id, event.steps.map((step) => step.procedureId)])),
    staffHoursSaved: hoursText(totalBefore.staffMinutes.minus(totalAfter.staffMinutes)),
  }
}
