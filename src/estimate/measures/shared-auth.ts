import {allocate} from '../exact.js'
import {POOL_INDEX, type MeasureModule} from '../model.js'

/**
 * 職員等利用者共通認証 (GIMA): one shared staff authentication service
 * replaces each system's own. Each system drops its own authentication cost
 * (from software, then outside services, never below zero), and pays its share
 * of the shared service's annual cost, allocated by users. Integration is a
 * one-time cost per system (oneTime.perSystem).
 */
export const sharedAuth: MeasureModule<number[]> = {
  type: 'shared-auth',
  summary:
    'One shared staff authentication service (GIMA): each system drops its own authentication cost and pays a share of the shared one, by users.',
  params: {
    authCostPerSystem: {kind: 'money', required: true, description: "annual cost of a system's own authentication, in the money unit"},
    sharedServiceCost: {
      kind: 'money',
      default: 0,
      description: 'annual cost of the shared service, in the money unit; allocated to systems by users',
    },
  },
  prepare(systems, values) {
    // Each system's share, by its position among the systems.
    return allocate(
      values.money('sharedServiceCost'),
      systems.map((state) => state.input.users),
    )
  },
  apply(state, values, shares, position) {
    let remove = values.money('authCostPerSystem')
    for (const pool of [POOL_INDEX.software, POOL_INDEX['outside-services']]) {
      const taken = Math.min(remove, Math.max(0, state.pools[pool]))
      state.pools[pool] -= taken
      remove -= taken
    }
    state.pools[POOL_INDEX['outside-services']] += shares[position] ?? 0
  },
}
