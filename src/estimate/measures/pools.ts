import type {CostPool} from '../../domain/inventory.js'
import {mul} from '../exact.js'
import {POOL_INDEX, type MeasureModule} from '../model.js'

/**
 * A measure that reduces some cost pools of each system it applies to by a
 * fraction: saving = pool × reduction, rounded half away from zero per pool.
 */
export function poolReduction(type: string, pools: readonly CostPool[], summary: string): MeasureModule {
  const indexes = pools.map((pool) => POOL_INDEX[pool])
  return {
    type,
    summary,
    params: {reduction: {kind: 'fraction', required: true, description: `share of the ${pools.join(' and ')} cost removed at full run-rate (0–1)`}},
    apply(state, values) {
      const reduction = values.ratio('reduction')
      // A pool that nets to a credit (below zero) has no cost to reduce.
      for (const pool of indexes) if (state.pools[pool] > 0) state.pools[pool] -= mul(state.pools[pool], reduction)
    },
  }
}

/** 基本ソフト・ミドルウェアの共通化: OS and DBMS licences pooled on the platform. */
export const poolLicences = poolReduction(
  'pool-licences',
  ['software'],
  'Base software and middleware (OS, DBMS) pooled on the platform: the software pool shrinks.',
)

/** 運用管理の一元化: one operations and monitoring contract. */
export const unifiedOperations = poolReduction(
  'unified-operations',
  ['outside-services'],
  'One operations and monitoring contract: the outside-services pool shrinks.',
)

/** 外部接続の一元化 / 霞が関WAN: one WAN and unified external connections. */
export const network = poolReduction('network', ['telecom'], 'One WAN and unified external connections (霞が関WAN): the telecom pool shrinks.')
