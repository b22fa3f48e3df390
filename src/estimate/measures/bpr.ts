import {mul, ratioOf} from '../exact.js'
import type {MeasureModule} from '../model.js'

/**
 * 業務改革 (BPR): processing hours shrink by `reduction`. Hours saved become
 * FTE in the reports (hoursPerFte); with an hourly cost they are also a
 * monetised non-cash benefit, always kept apart from cash savings.
 */
export const bpr: MeasureModule = {
  type: 'bpr',
  summary: 'Business process re-engineering: processing hours shrink; hours become FTE and, with an hourly cost, a non-cash benefit.',
  params: {
    reduction: {kind: 'fraction', required: true, description: 'share of annual processing hours removed (0–1)'},
    hourlyCost: {kind: 'money', description: "cost of one staff hour, in the scenario's money unit (monetises hours saved as a non-cash benefit)"},
  },
  apply(state, values) {
    const saved = mul(state.centiHours, values.ratio('reduction'))
    state.centiHours -= saved
    const nonCash = values.has('hourlyCost') ? mul(values.money('hourlyCost'), ratioOf(saved, 100)) : 0
    return {centiHoursSaved: saved, nonCash}
  },
}
