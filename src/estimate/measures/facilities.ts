import {Dec} from '../../domain/money.js'
import {mul} from '../exact.js'
import {POOL_INDEX, type MeasureModule} from '../model.js'

const HOURS_PER_YEAR = 8760

/**
 * 施設・設備の一元化: data-centre floor and power unified. Either by a
 * `reduction` of the facilities-power pool, or from energy: each system's
 * hosts × watts × 8 760 h × PUE × price per kWh, before (pueBefore) and after
 * (pueAfter); the difference comes off the facilities-power pool (never below zero).
 */
export const facilities: MeasureModule = {
  type: 'facilities',
  summary: 'Data-centre floor and power unified: the facilities-power pool shrinks by a reduction, or by the energy saved with a better PUE.',
  params: {
    reduction: {kind: 'fraction', description: 'share of the facilities-power cost removed (0–1); or give the energy parameters'},
    wattsPerHost: {kind: 'number', min: 0, max: 100_000, description: 'average power of a host, in watts'},
    pueBefore: {kind: 'number', min: 1, max: 10, description: 'power usage effectiveness of the present rooms'},
    pueAfter: {kind: 'number', min: 1, max: 10, description: 'power usage effectiveness of the shared data centre'},
    pricePerKwh: {kind: 'money', description: 'price of one kWh, in the money unit'},
  },
  apply(state, values) {
    const pool = POOL_INDEX['facilities-power']
    if (values.has('reduction')) {
      if (state.pools[pool] > 0) state.pools[pool] -= mul(state.pools[pool], values.ratio('reduction'))
      return
    }
    const kwhPerPue = new Dec(state.hosts).times(values.number('wattsPerHost')).times(HOURS_PER_YEAR).dividedBy(1000)
    const kwhSaved = kwhPerPue.times(new Dec(values.number('pueBefore')).minus(values.number('pueAfter')))
    const saving = kwhSaved.times(values.exactMoney('pricePerKwh')).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
    const taken = Math.max(0, Math.min(saving, state.pools[pool]))
    state.pools[pool] -= taken
    return {kwhSaved: kwhSaved.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()}
  },
}
