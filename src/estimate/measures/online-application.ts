import {Dec} from '../../domain/money.js'
import type {ServiceMeasureModule} from '../services-model.js'

/**
 * 電子申請 (online application): a share of each procedure's counter cases
 * moves fully online. For those cases the counter visits, with their travel
 * and waiting, disappear; filling in takes `formFactor` of its time on paper
 * and the agency's staff `staffFactor` of theirs.
 */
export const onlineApplication: ServiceMeasureModule = {
  type: 'online-application',
  summary: 'Online application (電子申請): a share of cases moves online; their visits and travel disappear, filling-in and staff time change.',
  reaches: 'procedures',
  params: {
    takeUp: {kind: 'fraction', required: true, description: 'take-up (share of the counter cases that move fully online at full ramp, 0–1)'},
    formFactor: {kind: 'number', min: 0, max: 10, default: 1, description: 'filling-in time online as a multiple of the time on paper'},
    staffFactor: {kind: 'number', min: 0, max: 10, default: 1, description: "staff time of an online case as a multiple of a counter case's"},
  },
  apply(state, context) {
    const s = context.share
    const form = context.has('formFactor') ? context.value('formFactor') : new Dec(1)
    const staff = context.has('staffFactor') ? context.value('staffFactor') : new Dec(1)
    for (const id of context.procedures) {
      const p = state.procedures.get(id)!
      // Only the cases still at a counter can move: the share online already stays as it is.
      const moved = s.times(new Dec(1).minus(p.online))
      if (moved.isZero()) continue
      const remaining = new Dec(1).minus(s)
      p.visits = p.visits.times(remaining)
      p.visitMinutes = p.visitMinutes.times(remaining)
      p.formMinutes = p.formMinutes.times(new Dec(1).minus(moved).plus(moved.times(form)))
      p.staffMinutes = p.staffMinutes.times(new Dec(1).minus(moved).plus(moved.times(staff)))
      p.online = p.online.plus(moved)
    }
  },
}
