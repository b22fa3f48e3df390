import type {MeasureModule} from '../model.js'
import {bpr} from './bpr.js'
import {facilities} from './facilities.js'
import {jointUse} from './joint-use.js'
import {network, poolLicences, unifiedOperations} from './pools.js'
import {securityPolicy} from './security-policy.js'
import {sharedAuth} from './shared-auth.js'
import {virtualize} from './virtualize.js'

/** Every measure type, by the name scenarios use. The seed's consolidation components, one module each. */
export const MEASURES: Record<string, MeasureModule<any>> = Object.fromEntries(
  [virtualize, poolLicences, sharedAuth, unifiedOperations, facilities, network, securityPolicy, jointUse, bpr].map((module) => [
    module.type,
    module,
  ]),
)

export const MEASURE_TYPES = Object.keys(MEASURES)
