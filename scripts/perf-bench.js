#!/usr/bin/env node
// Function-level benchmark of `kasumi bench`: every KPI and the peer
// statistics over a synthetic register of 100 000 systems, built in-process.
// The estimate (the engine) runs once beforehand and is timed apart; the
// figure that counts is KPIs + peers (target ≤ 1 s), the median of several runs.
//   npm run build && node scripts/perf-bench.js [systems] [runs]
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = (path) => import(join(root, 'dist', 'src', path))

const {computeBench, runRateFactor} = await dist('bench/compute.js')
const {presentBench} = await dist('bench/result.js')
const {evaluate, plan, valueOf} = await dist('estimate/engine.js')
const {percentRatio} = await dist('estimate/exact.js')
const {loadScenario} = await dist('estimate/scenario.js')
const {locateScenario} = await dist('ingest/scenarios.js')
const {Dec} = await dist('domain/money.js')

const SYSTEMS = Number(process.argv[2] ?? 100_000)
const RUNS = Number(process.argv[3] ?? process.env.KASUMI_PERF_RUNS ?? 7)
const TARGET_SECONDS = 1

/** A small seeded generator (mulberry32), so that every run times the same register. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const MINISTRIES = [
  'cas',
  'clb',
  'npa',
  'cao',
  'iha',
  'jftc',
  'police',
  'fsa',
  'mic',
  'moj',
  'mofa',
  'mof',
  'mext',
  'mhlw',
  'maff',
  'meti',
  'mlit',
  'moe',
  'mod',
]
const CATEGORIES = ['common', 'lan', 'e-application', 'small-scale']
const AREAS = [
  '府省LAN',
  '電子申請等受付業務',
  '行政情報の電子的提供業務',
  '統計調査等業務',
  '個別業務',
  '人事・給与等業務',
  '文書管理業務',
  '旅費業務',
  '物品管理業務',
  '予算・決算業務',
  '官庁会計業務',
  '国有財産関係業務',
  '研究開発管理業務',
  '災害管理業務',
  '職員等利用者認証業務',
  '共通システム（霞が関WAN）',
  '共通システム（政府認証）',
  '公共事業支援システム',
  '調達業務',
  '謝金・諸手当業務',
]

/** SystemInput records as the engine reads them (money in yen, hours in hundredths). */
function syntheticRegister(count, seed = 20090831) {
  const next = random(seed)
  const pick = (list) => list[Math.floor(next() * list.length)]
  const between = (low, high) => low + Math.floor(next() * (high - low + 1))
  const systems = []
  for (let index = 0; index < count; index++) {
    const servers = between(1, 40)
    const category = pick(CATEGORIES)
    systems.push({
      index,
      id: `SYN-${String(index).padStart(6, '0')}`,
      ministry: pick(MINISTRIES),
      category,
      area: category === 'lan' ? '府省LAN' : category === 'e-application' ? '電子申請等受付業務' : pick(AREAS),
      status: next() < 0.03 ? 'migrated' : 'active',
      eligibility: next() < 0.1 ? 'must-stay' : 'eligible',
      tags: [],
      physicalServers: servers,
      virtualHosts: between(0, servers),
      osInstances: servers * between(1, 4),
      utilisation: next() < 0.05 ? null : percentRatio(`${between(3, 80)}.${between(0, 9)}`),
      users: next() < 0.02 ? 0 : between(10, 100_000),
      centiHours: between(100, 2_000_000) * 100,
      lastYear: between(2008, 2014),
      // hardware, software, outside services, internal labour, facilities, telecom, other (yen)
      recurring: [between(1, 50), between(1, 30), between(1, 80), between(0, 20), between(0, 10), between(0, 10), between(0, 5)].map(
        (millions) => millions * 1_000_000 + between(0, 999) * 1000,
      ),
      planned: new Map(),
    })
  }
  return systems
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9

const {scenario} = await loadScenario(await locateScenario('kasumigaseki-cloud'))
let started = process.hrtime.bigint()
const systems = syntheticRegister(SYSTEMS)
const buildSeconds = seconds(started)
started = process.hrtime.bigint()
const ledger = evaluate(plan(scenario, systems), new Map(), {keepSystems: false})
const engineSeconds = seconds(started)
console.error(
  `register: ${SYSTEMS.toLocaleString('en')} synthetic systems built in ${buildSeconds.toFixed(3)} s; estimate (engine, once): ${engineSeconds.toFixed(3)} s`,
)

const options = {currency: scenario.currency, hoursPerFte: new Dec(valueOf(scenario.hoursPerFte, new Map())), runRateFactor: runRateFactor(scenario)}
/** KPIs and peer statistics (computeBench), then the JSON view of them (presentBench): one benchmark as `kasumi bench` makes it. */
const benchmark = (by, ledgerUsed) => presentBench(computeBench(systems, ledgerUsed, {...options, by}))

const rows = []
for (const by of ['ministry', 'category', 'area']) {
  const times = []
  let result
  for (let run = 0; run < RUNS; run++) {
    started = process.hrtime.bigint()
    result = benchmark(by, ledger)
    times.push(seconds(started))
  }
  rows.push({
    by,
    peers: result.groups.length,
    kpis: Object.keys(result.peers).length,
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
  })
}
const all = []
for (let run = 0; run < RUNS; run++) {
  started = process.hrtime.bigint()
  for (const by of ['ministry', 'category', 'area']) benchmark(by, ledger)
  all.push(seconds(started))
}

// Per system: the peer group is every system (100 000 members per KPI); needs the per-system ledger.
const systemLedger = evaluate(plan(scenario, systems), new Map(), {keepSystems: true})
const coreTimes = []
const presentTimes = []
for (let run = 0; run < RUNS; run++) {
  started = process.hrtime.bigint()
  const core = computeBench(systems, systemLedger, {...options, by: 'system'})
  coreTimes.push(seconds(started))
  started = process.hrtime.bigint()
  presentBench(core)
  presentTimes.push(seconds(started))
}

console.table(
  rows.map((row) => ({
    'peer group': row.by,
    peers: row.peers,
    KPIs: row.kpis,
    'median s': row.median.toFixed(3),
    'min s': row.min.toFixed(3),
    'max s': row.max.toFixed(3),
  })),
)
const total = median(all)
console.log(
  `KPIs + peer statistics by ministry, category and area together over ${SYSTEMS.toLocaleString('en')} systems: median ${total.toFixed(3)} s of ${RUNS} runs (target ≤ ${TARGET_SECONDS} s: ${total <= TARGET_SECONDS ? 'met' : 'NOT met'})`,
)
const systemCore = median(coreTimes)
console.log(
  `Per-system peer group (${SYSTEMS.toLocaleString('en')} members per KPI): KPIs + peer statistics median ${systemCore.toFixed(3)} s (target ≤ ${TARGET_SECONDS} s: ${systemCore <= TARGET_SECONDS ? 'met' : 'NOT met'}); their JSON view (${SYSTEMS.toLocaleString('en')} groups) ${median(presentTimes).toFixed(3)} s more`,
)
if (total > TARGET_SECONDS || systemCore > TARGET_SECONDS) process.exitCode = 1
