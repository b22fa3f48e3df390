import {Dec} from '../../domain/money.js'
import type {ServiceMeasureModule} from '../services-model.js'

/**
 * ワンストップ (one-stop): the procedures of a life event are handled at one
 * window or in one online session. For the share of cases that use it, the
 * counter visits of the life event collapse to one — each of its k procedures
 * that still has visits keeps 1/k of a visit per case (at most what it had),
 * with that procedure's own travel and waiting per visit — and the data
 * entered again and again is asked once: filling in loses
 * `repeatedEntryShare` of its time. Staff time per case becomes `staffFactor`
 * of what it was.
 */
export const oneStop: ServiceMeasureModule = {
  type: 'one-stop',
  summary:
    'One-stop service (ワンストップ): the procedures of a life event at one window or one online session; visits collapse to one, repeated data entry is removed.',
  reaches: 'life-events',
  params: {
    takeUp: {
      kind: 'fraction',
      required: true,
      description: 'take-up (share of the life event’s cases that use the one-stop service at full ramp, 0–1)',
    },
    repeatedEntryShare: {
      kind: 'fraction',
      required: true,
      description: 'share of filling-in time that is data entered again in another procedure (0–1)',
    },
    staffFactor: {kind: 'number', min: 0, max: 10, default: 1, description: 'staff time per case at the one-stop window as a multiple of before'},
  },
  apply(state, context) {
    const s = context.share
    const staff = context.has('staffFactor') ? context.value('staffFactor') : new Dec(1)
    const repeated = context.value('repeatedEntryShare')
    const reached = new Set(context.procedures)
    for (const eventId of context.lifeEvents) {
      const event = context.register.lifeEvents.find((candidate) => candidate.id === eventId)!
      const steps = event.steps.map((step) => state.procedures.get(step.procedureId)!).filter((p) => reached.has(p.id))
      const visiting = steps.filter((p) => p.visits.greaterThan(0))
      const share = visiting.length > 0 ? new Dec(1).dividedBy(visiting.length) : new Dec(0)
      for (const p of steps) {
        if (p.visits.greaterThan(0)) {
          const perVisit = p.visitMinutes.dividedBy(p.visits)
          const collapsed = Dec.min(p.visits, share)
          const visits = p.visits.times(new Dec(1).minus(s)).plus(s.times(collapsed))
          p.visitMinutes = visits.times(perVisit)
          p.visits = visits
        }
        p.formMinutes = p.formMinutes.times(new Dec(1).minus(s.times(repeated)))
        p.staffMinutes = p.staffMinutes.times(new Dec(1).minus(s).plus(s.times(staff)))
      }
      const before = state.oneStop.get(eventId) ?? new Dec(0)
      state.oneStop.set(eventId, before.plus(s.times(new Dec(1).minus(before))))
    }
  },
}
