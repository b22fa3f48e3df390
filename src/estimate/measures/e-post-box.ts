import {Dec} from '../../domain/money.js'
import type {ServiceMeasureModule} from '../services-model.js'

/**
 * 電子私書箱 (e-post-box): the notices and certificates a procedure sends
 * (決定通知, 証明書) reach the citizen's electronic post box instead of the
 * post. The register does not record them, so the measure's parameters say
 * what they cost by post — `noticesPerCase`, each taking the citizen
 * `citizenMinutes` (collecting, keeping, bringing it on) and the agency
 * `staffMinutes` and `postage` — and that baseline is counted before the
 * measure too. For the share of cases delivered electronically all of it
 * disappears; postage is the agency's cash saving.
 */
export const ePostBox: ServiceMeasureModule = {
  type: 'e-post-box',
  summary:
    'Electronic post box (電子私書箱): notices and certificates delivered electronically; citizen time, staff time and postage per notice disappear.',
  reaches: 'procedures',
  params: {
    takeUp: {kind: 'fraction', required: true, description: 'take-up (share of cases whose notices go to the e-post-box at full ramp, 0–1)'},
    noticesPerCase: {kind: 'number', min: 0, max: 100, default: 1, description: 'notices and certificates sent per case'},
    citizenMinutes: {kind: 'number', min: 0, max: 10_000, default: 0, description: 'citizen minutes per notice by post'},
    staffMinutes: {kind: 'number', min: 0, max: 10_000, default: 0, description: 'staff minutes per notice by post (printing, enveloping, mailing)'},
    postage: {kind: 'money', default: 0, description: "postage and printing per notice, in the scenario's money unit"},
  },
  baseline(state, context) {
    const get = (name: string, fallback: number) => (context.has(name) ? context.value(name) : new Dec(fallback))
    for (const id of context.procedures) {
      const p = state.procedures.get(id)!
      if (p.notices) continue
      p.notices = {
        perCase: get('noticesPerCase', 1),
        citizenMinutes: get('citizenMinutes', 0),
        staffMinutes: get('staffMinutes', 0),
        postage: get('postage', 0),
        electronic: new Dec(0),
      }
    }
  },
  apply(state, context) {
    for (const id of context.procedures) {
      const notices = state.procedures.get(id)!.notices!
      notices.electronic = notices.electronic.plus(context.share.times(new Dec(1).minus(notices.electronic)))
    }
  },
}
