import {Dec} from '../../domain/money.js'
import {allocate, mul, ratio, ratioOf, type Ratio} from '../exact.js'
import {POOL_INDEX, type MeasureModule, type SystemState} from '../model.js'

/** Capacity is counted in ten-thousandths of a fully used server. */
const CAPACITY_SCALE = 10_000
const HOURS_PER_YEAR = 8760
const HARDWARE = POOL_INDEX.hardware
const FACILITIES = POOL_INDEX['facilities-power']

interface Prepared {
  hostsBefore: number
  hostsAfter: number
  /** Hosts after, per system (by its position among the systems given), allocated by capacity. */
  hosts: number[]
  /** Platform cost charged back to each system (by position), by the capacity it uses (minor units per year). */
  chargeback: number[]
  scale: Ratio
  /** kWh a year of one server, with the rooms' PUE; undefined without wattsPerServer. */
  perHostKwh?: Dec
  /** The same as an exact ratio, when it has at most 12 decimals (as it has for any figures a scenario holds). */
  perHostKwhRatio?: Ratio
}

function exactRatio(value: Dec): Ratio | undefined {
  const places = value.decimalPlaces()
  if (places > 12 || !Number.isSafeInteger(value.times(10 ** places).toNumber())) return undefined
  return ratio(value.toFixed())
}

function capacity(state: SystemState, assumed: Ratio): number {
  return mul(state.hosts * CAPACITY_SCALE, state.input.utilisation ?? assumed)
}

/**
 * サーバの仮想化・統合: the systems' servers move onto the shared platform.
 * hosts after = ⌈Σ servers × utilisation ÷ target utilisation⌉ over the systems
 * it applies to; each system's hardware and facilities-power pools scale by
 * hosts after ÷ hosts before; the platform's annual cost (hosts after × cost per
 * host) is charged back to the systems in proportion to the capacity they use.
 * With watts per server, the energy saved is reported in kWh.
 */
export const virtualize: MeasureModule<Prepared> = {
  type: 'virtualize',
  summary:
    'Servers onto the shared platform: hardware and facilities scale with hosts after ÷ hosts before; the platform is charged back by capacity.',
  params: {
    targetUtilisation: {kind: 'percent', default: 60, min: 1, description: "average utilisation of the platform's hosts, in percent"},
    assumedUtilisation: {
      kind: 'percent',
      default: 20,
      min: 1,
      description: 'utilisation assumed for systems whose utilisation is unknown, in percent',
    },
    platformCostPerHost: {
      kind: 'money',
      default: 0,
      description: 'annual cost of one platform host (hardware, facilities, licences), in the money unit; charged back by capacity',
    },
    wattsPerServer: {kind: 'number', min: 0, max: 100_000, description: 'average power of a server in watts, for the energy figures'},
    pue: {kind: 'number', default: 1.8, min: 1, max: 10, description: 'power usage effectiveness of the rooms the servers are in'},
  },
  prepare(systems, values) {
    const target = mul(CAPACITY_SCALE, ratio(new Dec(values.number('targetUtilisation')).dividedBy(100).toFixed()))
    const assumed = ratio(new Dec(values.number('assumedUtilisation')).dividedBy(100).toFixed())
    const capacities = systems.map((state) => capacity(state, assumed))
    const used = capacities.reduce((a, b) => a + b, 0)
    const hostsBefore = systems.reduce((sum, state) => sum + state.hosts, 0)
    const hostsAfter = hostsBefore === 0 ? 0 : Math.max(1, Math.ceil(used / target))
    const perSystemHosts = allocate(hostsAfter, capacities)
    const platformCost = hostsAfter * values.money('platformCostPerHost')
    const charges = allocate(platformCost, capacities)
    const perHostKwh = values.has('wattsPerServer')
      ? new Dec(values.number('wattsPerServer')).times(HOURS_PER_YEAR).times(values.number('pue')).dividedBy(1000)
      : undefined
    return {
      hostsBefore,
      hostsAfter,
      hosts: perSystemHosts,
      chargeback: charges,
      scale: hostsBefore === 0 ? ratioOf(1, 1) : ratioOf(hostsAfter, hostsBefore),
      perHostKwh,
      perHostKwhRatio: perHostKwh && exactRatio(perHostKwh),
    }
  },
  apply(state, _values, prepared, position) {
    state.pools[HARDWARE] = mul(state.pools[HARDWARE], prepared.scale)
    state.pools[FACILITIES] = mul(state.pools[FACILITIES], prepared.scale)
    state.pools[HARDWARE] += prepared.chargeback[position] ?? 0
    const hostsBefore = state.hosts
    state.hosts = prepared.hosts[position] ?? state.hosts
    if (!prepared.perHostKwh) return
    const hostsSaved = hostsBefore - state.hosts
    if (hostsSaved === 0) return {kwhSaved: 0}
    // Rounded half away from zero to the kWh either way; the ratio spares a decimal product per system.
    const kwhSaved = prepared.perHostKwhRatio
      ? mul(hostsSaved, prepared.perHostKwhRatio)
      : prepared.perHostKwh.times(hostsSaved).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber()
    return {kwhSaved}
  },
}
