import {mul, ratioOf, type Ratio} from '../exact.js'
import {POOLS, type MeasureModule} from '../model.js'

/**
 * 統一的なセキュリティポリシー: one security policy and audit. A share of each
 * system's recurring cost is security work; that part shrinks by `reduction`.
 * Every pool gives up pool × share × reduction.
 */
export const securityPolicy: MeasureModule<Ratio> = {
  type: 'security-policy',
  summary: 'One security policy and audit: the security share of every pool shrinks.',
  params: {
    share: {kind: 'fraction', required: true, description: "share of a system's recurring cost that is security work (0–1)"},
    reduction: {kind: 'fraction', required: true, description: 'share of that security cost removed by the common policy (0–1)'},
  },
  prepare(_systems, values) {
    const share = values.ratio('share')
    const reduction = values.ratio('reduction')
    return ratioOf(share.num * reduction.num, share.den * reduction.den)
  },
  apply(state, _values, combined) {
    // A pool that nets to a credit (below zero) has no security cost to reduce.
    for (let pool = 0; pool < POOLS.length; pool++) if (state.pools[pool] > 0) state.pools[pool] -= mul(state.pools[pool], combined)
  },
}
