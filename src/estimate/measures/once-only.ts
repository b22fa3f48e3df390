import {Dec} from '../../domain/money.js'
import type {ServiceMeasureModule} from '../services-model.js'

/**
 * 添付書類の省略 (once-only): a document that its issuing agency can supply
 * directly (an authentic source) is no longer asked of the citizen. For the
 * share of requests that take it, the citizen's minutes and fee for the copy
 * disappear; the issuing agency's staff spend `exchangeFactor` of a copy's
 * minutes on the direct exchange instead. Documents without an authentic
 * source are refused when named, left out when reached through a life event.
 */
export const onceOnly: ServiceMeasureModule = {
  type: 'once-only',
  summary:
    'Once-only (添付書類の省略): documents an authentic source can supply are no longer asked of citizens; their time and fees for them disappear.',
  reaches: 'documents',
  params: {
    takeUp: {
      kind: 'fraction',
      required: true,
      description: 'take-up (share of requests for the document that the agencies exchange directly at full ramp, 0–1)',
    },
    exchangeFactor: {
      kind: 'number',
      min: 0,
      max: 10,
      default: 0,
      description: "issuing agency's staff time for a direct exchange as a multiple of issuing a copy (default 0)",
    },
  },
  apply(state, context) {
    const s = context.share
    const exchange = context.has('exchangeFactor') ? context.value('exchangeFactor') : new Dec(0)
    for (const key of context.requests) {
      const request = state.requests.get(key)!
      const dropped = request.share.times(s)
      request.share = request.share.minus(dropped)
      request.exchangedMinutes = request.exchangedMinutes.plus(dropped.times(request.issuerMinutes).times(exchange))
    }
  },
}
