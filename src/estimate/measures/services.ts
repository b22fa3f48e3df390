import type {ServiceMeasureModule} from '../services-model.js'
import {ePostBox} from './e-post-box.js'
import {onceOnly} from './once-only.js'
import {oneStop} from './one-stop.js'
import {onlineApplication} from './online-application.js'

/** The citizens' side measures, by the name scenarios use; one module each. */
export const SERVICE_MEASURES: Record<string, ServiceMeasureModule> = Object.fromEntries(
  [onlineApplication, oneStop, onceOnly, ePostBox].map((module) => [module.type, module]),
)

export const SERVICE_MEASURE_TYPES = Object.keys(SERVICE_MEASURES)
