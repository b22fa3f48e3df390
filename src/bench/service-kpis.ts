import {minorDigits} from '../domain/currency.js'
import {Dec, ZERO, canonical} from '../domain/money.js'
import type {ServicesResult} from '../estimate/services-result.js'

/**
 * Service KPIs of the citizens' side, as peers compare them, before and after
 * the service measures, per life event and for all procedures:
 *
 * - online availability: the EU eGovernment Benchmark's life-event method
 *   (European Commission, eGovernment Benchmark Method Paper) scores each
 *   step of a life event by whether it can be done online; kasumi counts the
 *   share of procedures that can be done fully online;
 * - the UK Government Digital Service's four performance indicators (GOV.UK
 *   Service Manual, "Measuring success": cost per transaction, user
 *   satisfaction, completion rate, digital take-up): digital take-up is the
 *   share of cases done online, cost per transaction the agencies' cost of a
 *   case (staff time at the hourly cost, and postage); user satisfaction and
 *   completion rate need survey and analytics data the register does not hold,
 *   so they are n/a, naming what is missing;
 * - citizen hours per case (the Standard Cost Model's time burden per case).
 */

export const SERVICE_KPI_DEFINITIONS = [
  {
    id: 'online-availability',
    label: 'Online availability',
    unit: 'share of procedures',
    source:
      'EU eGovernment Benchmark, life-event method (European Commission, eGovernment Benchmark Method Paper): online availability of each step of a life event',
    definition:
      'Procedures that can be done fully online ÷ procedures. After: procedures fully online in the register, or reached by an online-application measure in effect by the run-rate year.',
  },
  {
    id: 'take-up',
    label: 'Digital take-up',
    unit: 'share of cases',
    source: 'UK Government Digital Service, four performance indicators (GOV.UK Service Manual, "Measuring success"): digital take-up',
    definition: 'Σ cases × share of cases done online ÷ Σ cases.',
  },
  {
    id: 'cost-per-transaction',
    label: 'Cost per transaction',
    unit: '{currency} per case',
    source: 'UK Government Digital Service, four performance indicators: cost per transaction',
    definition:
      "(staff hours at the scenario's hourlyCost + postage) of the procedures and the documents they require ÷ Σ cases. n/a without an hourlyCost.",
  },
  {
    id: 'citizen-hours-per-case',
    label: 'Citizen hours per case',
    unit: 'hours per case',
    source: 'Standard Cost Model (OECD; EU SCM Network): time burden per case',
    definition: "Citizens' minutes (visits, filling in, documents, notices) ÷ 60 ÷ Σ cases.",
  },
  {
    id: 'user-satisfaction',
    label: 'User satisfaction',
    unit: 'share of users',
    source: 'UK Government Digital Service, four performance indicators: user satisfaction',
    definition: 'Satisfied users ÷ users who answered. n/a: the register records no satisfaction survey (user_satisfaction).',
  },
  {
    id: 'completion-rate',
    label: 'Completion rate',
    unit: 'share of started transactions',
    source: 'UK Government Digital Service, four performance indicators: completion rate',
    definition: 'Completed ÷ started transactions. n/a: the register records no started transactions (transactions_started).',
  },
] as const

export type ServiceKpiId = (typeof SERVICE_KPI_DEFINITIONS)[number]['id']

export interface ServiceKpiRow {
  group: string
  before: Record<ServiceKpiId, string | null>
  after: Record<ServiceKpiId, string | null>
}

const ratio = (a: Dec, b: Dec, places: number) => (b.isZero() ? null : canonical(a.dividedBy(b).toDecimalPlaces(places, Dec.ROUND_HALF_UP)))

function kpis(
  procedures: ServicesResult['procedures'],
  burden: (side: 'before' | 'after') => {citizenMinutes: Dec; cost: Dec},
  costKnown: boolean,
  currency: string,
): Pick<ServiceKpiRow, 'before' | 'after'> {
  const cases = procedures.reduce((total, p) => total.plus(p.cases), ZERO)
  const side = (when: 'before' | 'after'): Record<ServiceKpiId, string | null> => {
    const online = procedures.filter((p) => (when === 'before' ? p.channel === 'online-fully' : p.onlineAfter)).length
    const takeUp = procedures.reduce(
      (total, p) => total.plus(new Dec(p.cases).times(when === 'before' ? p.onlineShareBefore : p.onlineShareAfter)),
      ZERO,
    )
    const b = burden(when)
    const cost = costKnown ? ratio(b.cost.dividedBy(10 ** minorDigits(currency)), cases, 2) : null
    return {
      'online-availability': ratio(new Dec(online), new Dec(procedures.length), 4),
      'take-up': ratio(takeUp, cases, 4),
      'cost-per-transaction': cost,
      'citizen-hours-per-case': ratio(b.citizenMinutes.dividedBy(60), cases, 2),
      'user-satisfaction': null,
      'completion-rate': null,
    }
  }
  return {before: side('before'), after: side('after')}
}

/** The service KPIs per life event and for all procedures, before and after. */
export function serviceKpis(services: ServicesResult, currency: string): ServiceKpiRow[] {
  const costKnown = services.tariffs.staffHourCost !== null
  const rows: ServiceKpiRow[] = []
  const byId = new Map(services.procedures.map((p) => [p.id, p]))
  const minor = (text: string) => new Dec(text).times(10 ** minorDigits(currency))
  for (const event of services.lifeEvents) {
    // A life event's procedures: those of its steps (its burden counts the documents it lists for them too).
    const own = eventProcedures(services, event.id).map((id) => byId.get(id)!)
    rows.push({
      group: event.id,
      ...kpis(
        own,
        (when) => {
          const b = when === 'before' ? event.burdenBefore : event.burdenAfter
          return {citizenMinutes: new Dec(b.citizenMinutes), cost: minor(b.staffCost).plus(minor(b.postage))}
        },
        costKnown,
        currency,
      ),
    })
  }
  rows.push({
    group: 'all',
    ...kpis(
      services.procedures,
      (when) => {
        const b = when === 'before' ? services.before : services.after
        return {citizenMinutes: new Dec(b.citizenMinutes), cost: minor(b.staffCost).plus(minor(b.postage))}
      },
      costKnown,
      currency,
    ),
  })
  return rows
}

function eventProcedures(services: ServicesResult, eventId: string): string[] {
  return services.lifeEventProcedures[eventId] ?? []
}
