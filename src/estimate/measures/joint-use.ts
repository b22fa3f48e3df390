import {POOL_INDEX, POOLS, type MeasureModule, type SystemState} from '../model.js'

interface Group {
  key: string
  host: SystemState
  members: SystemState[]
}

function total(state: SystemState): number {
  let sum = 0
  for (let pool = 0; pool < POOLS.length; pool++) sum += state.pools[pool]
  return sum
}

/**
 * 共同利用: the same business run by several ministries' separate systems is
 * replaced by one shared system. Systems are grouped (by business area unless
 * `groupBy: none` puts them all in one group); the host is the group's most
 * costly system (or the system named by `host`). The host keeps its cost; each
 * other system's cost is replaced by the per-tenant increment. The effect is
 * reported like the ＊ rows of the 2009 table: before, after and reduction per group.
 */
export const jointUse: MeasureModule<Group[]> = {
  type: 'joint-use',
  summary: 'Joint use (共同利用): separate systems for the same business are replaced by one host system plus a per-tenant increment.',
  params: {
    perTenant: {kind: 'money', default: 0, description: "annual increment the host charges for each further ministry's use, in the money unit"},
  },
  options: {
    groupBy: {description: 'how systems are grouped into shared systems', values: ['area', 'none'], default: 'area'},
    host: {description: 'the id of the host system (default: the most costly system of each group)', values: [], default: ''},
  },
  prepare(systems, _values, options) {
    const groups = new Map<string, Group>()
    // Each system's group, by its position among the systems.
    const byPosition: Group[] = []
    for (const state of systems) {
      const key = options.groupBy === 'none' ? 'all' : state.input.area
      let group = groups.get(key)
      if (group) group.members.push(state)
      else groups.set(key, (group = {key, host: state, members: [state]}))
      byPosition.push(group)
    }
    for (const group of groups.values()) {
      const named = options.host ? group.members.find((state) => state.input.id === options.host) : undefined
      group.host =
        named ??
        group.members.reduce((best, state) =>
          total(state) > total(best) || (total(state) === total(best) && state.input.id < best.input.id) ? state : best,
        )
    }
    return byPosition
  },
  apply(state, values, groups, position) {
    const group = groups[position]
    const before = total(state)
    if (group.members.length < 2 || group.host === state) {
      return {jointUse: {group: group.key, before, after: before, host: group.host === state}}
    }
    for (let pool = 0; pool < POOLS.length; pool++) state.pools[pool] = 0
    const increment = values.money('perTenant')
    state.pools[POOL_INDEX['outside-services']] = increment
    return {jointUse: {group: group.key, before, after: increment, host: false}}
  },
}
