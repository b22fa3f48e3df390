#!/usr/bin/env node
// kasumi's benchmarks: each target is measured side by side with a baseline on
// the same machine, alternating runs, and reported as medians and ratios.
//   npm run perf                 all benchmarks
//   npm run perf -- import       only those whose name contains "import"
//   npm run perf -- engine       the estimate engine on 10 000 and 100 000 systems
//   npm run perf -- carlo        the Monte Carlo (1 000 runs on 10 000 systems) with 1 and 2 workers
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {loadavg} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// `node scripts/perf.js --engine-child DB SCENARIO`: one timed estimate in a fresh process (see the engine benchmark).
if (process.argv[2] === '--engine-child') {
  await engineChild(process.argv[3], process.argv[4])
  process.exit(0)
}
const bin = join(root, 'bin', 'run.js')
const work = join(root, 'perf-data')
const filter = process.argv[2] ?? ''
const RUNS = Number(process.env.KASUMI_PERF_RUNS ?? 5)
mkdirSync(work, {recursive: true})

const haveTime = existsSync('/usr/bin/time')
const haveSqlite3 = spawnSync('sqlite3', ['-version']).status === 0

/** Runs a command once; returns wall seconds and peak RSS in MB (when /usr/bin/time is there). */
function measure(command, args, options = {}) {
  const full = haveTime ? ['/usr/bin/time', ['-f', '%M', command, ...args]] : [command, args]
  const started = process.hrtime.bigint()
  const result = spawnSync(full[0], full[1], {
    cwd: options.cwd ?? work,
    env: {...process.env, NO_COLOR: '1', ...options.env},
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`)
  const rssLine = haveTime ? result.stderr.trim().split('\n').at(-1) : ''
  return {seconds, rssMb: haveTime ? Number(rssLine) / 1024 : Number.NaN, stdout: result.stdout}
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const results = []
function report(name, subject, baseline, extra = {}) {
  const row = {
    benchmark: name,
    subject: `${median(subject.map((r) => r.seconds)).toFixed(3)} s`,
    baseline: baseline ? `${median(baseline.map((r) => r.seconds)).toFixed(3)} s` : '-',
    ratio: baseline ? (median(subject.map((r) => r.seconds)) / median(baseline.map((r) => r.seconds))).toFixed(2) : '-',
    'peak RSS': Number.isNaN(subject[0]?.rssMb) ? '-' : `${Math.max(...subject.map((r) => r.rssMb)).toFixed(0)} MB`,
    ...extra,
  }
  results.push(row)
  console.error(JSON.stringify(row))
}

const loadAtStart = loadavg().map((load) => load.toFixed(2))
const pending = []
function bench(name, fn) {
  if (filter && !name.toLowerCase().includes(filter.toLowerCase())) return
  // Benchmarks run one after another; an async one is awaited before the next starts.
  const previous = pending.at(-1) ?? Promise.resolve()
  pending.push(
    previous.then(() => {
      console.error(`\n▶ ${name} (${RUNS} runs each)`)
      return fn()
    }),
  )
}

function kasumi(args, options) {
  return measure(process.execPath, [bin, ...args], options)
}

// The benchmark data: 100 000 systems and 1 000 000 cost lines from the sample generator.
const big = join(work, 'big')
if (!existsSync(join(big, 'costs.csv'))) {
  console.error('Generating 100 000 systems and 1 000 000 cost lines…')
  execFileSync(process.execPath, [join(root, 'scripts', 'generate-samples.js'), '--systems', '100000', '--cost-lines', '1000000', '--out', big], {
    stdio: 'inherit',
  })
}
const costsCsv = join(big, 'costs.csv')
const costsMb = statSync(costsCsv).size / 1e6

bench('import 1,000,000 cost lines (validated) vs sqlite3 .import', () => {
  const template = join(work, 'template.db')
  rmSync(template, {force: true})
  kasumi(['init', '--database', template])
  kasumi(['inventory', 'import', join(big, 'systems.csv'), '--database', template])
  const subject = []
  const baseline = []
  for (let run = 0; run < RUNS; run++) {
    const db = join(work, 'import.db')
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, {force: true})
    copyFileSync(template, db)
    subject.push(kasumi(['inventory', 'import', costsCsv, '--database', db, '--kind', 'costs']))
    if (haveSqlite3) {
      const plain = join(work, 'sqlite3-import.db')
      rmSync(plain, {force: true})
      baseline.push(measure('sqlite3', [plain, '-cmd', '.mode csv', `.import ${costsCsv} cost_line`]))
    }
  }
  if (!haveSqlite3) console.error('sqlite3 is not installed (apt-get install sqlite3): no baseline.')
  const seconds = median(subject.map((r) => r.seconds))
  report('import 1M cost lines', subject, haveSqlite3 ? baseline : undefined, {
    'rows/s': Math.round(1e6 / seconds).toLocaleString('en'),
    'MB/s': (costsMb / seconds).toFixed(1),
    'baseline rows/s': haveSqlite3 ? Math.round(1e6 / median(baseline.map((r) => r.seconds))).toLocaleString('en') : '-',
  })
})

bench('kasumi --version vs node -e 0', () => {
  const subject = []
  const baseline = []
  for (let run = 0; run < RUNS * 2; run++) {
    subject.push(kasumi(['--version']))
    baseline.push(measure(process.execPath, ['-e', '0']))
  }
  report('kasumi --version', subject, baseline, {target: 'ratio ≤ 1.5'})
})

bench('kasumi inventory list (200 systems) vs node -e 0', () => {
  const db = join(work, 'sample.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, {force: true})
  kasumi(['init', '--database', db])
  kasumi(['inventory', 'import', join(root, 'data', 'samples', 'systems.csv'), '--database', db])
  kasumi(['inventory', 'import', join(root, 'data', 'samples', 'costs.csv'), '--database', db])
  const subject = []
  const baseline = []
  for (let run = 0; run < RUNS * 2; run++) {
    subject.push(kasumi(['inventory', 'list', '--database', db]))
    baseline.push(measure(process.execPath, ['-e', '0']))
  }
  report('kasumi inventory list (200)', subject, baseline)
})

/* ---------------------------------------------------------------------------
 * The estimate engine and the Monte Carlo
 * ------------------------------------------------------------------------ */

/** A store holding a generated register, imported once and kept in perf-data (delete ENGINE-*.db.ready to rebuild). */
function engineStore(name, data, systems, costLines) {
  const db = join(work, `engine-${name}.db`)
  const ready = `${db}.ready`
  if (existsSync(ready)) return db
  if (!existsSync(join(data, 'costs.csv'))) {
    console.error(`Generating ${systems} systems and ${costLines} cost lines…`)
    execFileSync(
      process.execPath,
      [join(root, 'scripts', 'generate-samples.js'), '--systems', String(systems), '--cost-lines', String(costLines), '--out', data],
      {stdio: 'inherit'},
    )
  }
  console.error(`Importing ${data} into ${db} (once)…`)
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, {force: true})
  kasumi(['init', '--database', db])
  kasumi(['inventory', 'import', join(data, 'systems.csv'), '--database', db])
  kasumi(['inventory', 'import', join(data, 'costs.csv'), '--database', db, '--kind', 'costs'])
  writeFileSync(ready, new Date().toISOString())
  return db
}

/** The bundled scenario with every measure, over ten years (FY2009–FY2018). */
async function engineScenario() {
  const YAML = await import('yaml')
  const document = YAML.parseDocument(readFileSync(join(root, 'data', 'scenarios', 'kasumigaseki-cloud.yaml'), 'utf8'))
  document.set('name', 'engine-bench')
  document.set('horizon', document.createNode([2009, 2018], {flow: true}))
  const file = join(work, 'engine-bench.yaml')
  writeFileSync(file, document.toString())
  return file
}

/**
 * In a fresh process: load the register (not timed), then time plan + evaluate
 * + buildResult twice: the first evaluation is what a CLI run pays (cold JIT),
 * the second the same code warm.
 */
async function engineChild(db, scenarioFile) {
  const dist = (path) => pathToFileURL(join(root, 'dist', 'src', path)).href
  const {openStore} = await import(dist('store/open.js'))
  const {loadScenario} = await import(dist('estimate/scenario.js'))
  const {loadRegister} = await import(dist('estimate/register.js'))
  const {evaluate, plan} = await import(dist('estimate/engine.js'))
  const {buildResult} = await import(dist('estimate/results.js'))
  const {scenario} = await loadScenario(scenarioFile)
  const {store} = await openStore(db, {create: false})
  const systems = await loadRegister(store, scenario, new Map())
  await store.close()
  const seconds = []
  // CPU seconds of this process as well: less disturbed than wall time when other work shares the cores.
  const cpu = []
  let npv
  for (let pass = 0; pass < 2; pass++) {
    const started = process.hrtime.bigint()
    const cpuStarted = process.cpuUsage()
    const ledger = evaluate(plan(scenario, systems), new Map())
    npv = buildResult(scenario, ledger, {by: 'ministry'}).totals.npv
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9)
    const used = process.cpuUsage(cpuStarted)
    cpu.push((used.user + used.system) / 1e6)
  }
  process.stdout.write(
    JSON.stringify({
      systems: systems.length,
      years: scenario.horizon[1] - scenario.horizon[0] + 1,
      measures: scenario.measures.length,
      cold: seconds[0],
      warm: seconds[1],
      coldCpu: cpu[0],
      warmCpu: cpu[1],
      npv,
    }),
  )
}

function engineRun(db, scenarioFile) {
  const run = measure(process.execPath, [fileURLToPath(import.meta.url), '--engine-child', db, scenarioFile])
  const out = JSON.parse(run.stdout)
  return {...out, seconds: out.cold, rssMb: run.rssMb}
}

bench('estimate engine: plan + evaluate + buildResult, 10 000 and 100 000 systems × 10 years, all measures', async () => {
  const scenarioFile = await engineScenario()
  const mid = engineStore('10k', join(work, 'mid'), 10_000, 100_000)
  const large = engineStore('100k', big, 100_000, 1_000_000)
  const small = []
  const full = []
  for (let run = 0; run < RUNS; run++) {
    small.push(engineRun(mid, scenarioFile))
    full.push(engineRun(large, scenarioFile))
  }
  const warm = (runs) => `${median(runs.map((r) => r.warm)).toFixed(3)} s`
  const cpu = (runs, key) => `${median(runs.map((r) => r[key])).toFixed(3)} s`
  const {measures, years} = full[0]
  report(`engine 10k systems × ${years} years × ${measures} measures (cold)`, small, undefined, {
    warm: warm(small),
    'CPU cold': cpu(small, 'coldCpu'),
    'CPU warm': cpu(small, 'warmCpu'),
  })
  report(`engine 100k systems × ${years} years × ${measures} measures (cold)`, full, small, {
    warm: warm(full),
    'CPU cold': cpu(full, 'coldCpu'),
    'CPU warm': cpu(full, 'warmCpu'),
    'CPU cold ratio': (median(full.map((r) => r.coldCpu)) / median(small.map((r) => r.coldCpu))).toFixed(2),
    'warm ratio': (median(full.map((r) => r.warm)) / median(small.map((r) => r.warm))).toFixed(2),
    target: '100k ≤ 2 s; ratio (10× systems) ≤ 11',
  })
})

bench('chart: one PNG after the first (chart.js on @napi-rs/canvas with CJK fonts)', async () => {
  const {renderChart} = await import(pathToFileURL(join(root, 'dist', 'src', 'report', 'charts.js')).href)
  const labels = ['總務省', '財務省', '經濟產業省', '国土交通省', '厚生労働省', '文部科学省']
  const spec = {
    id: 'bar',
    kind: 'bar',
    title: '担当府省別削減経費',
    labels,
    series: [{label: '削減経費', values: [1_200_000, 340_000, -50_000, 800_000, 620_000, 90_000]}],
    xTitle: '担当府省',
    yTitle: '千円',
  }
  const first = process.hrtime.bigint()
  await renderChart(spec, 'ja')
  const firstSeconds = Number(process.hrtime.bigint() - first) / 1e9
  const subject = []
  for (let run = 0; run < RUNS * 4; run++) {
    const started = process.hrtime.bigint()
    await renderChart(spec, 'ja')
    subject.push({seconds: Number(process.hrtime.bigint() - started) / 1e9, rssMb: Number.NaN})
  }
  report('one chart after the first', subject, undefined, {first: `${firstSeconds.toFixed(3)} s`, target: '≤ 0.150 s'})
})

bench('Monte Carlo: 1 000 runs on 10 000 systems, 2 workers vs 1 worker', async () => {
  const scenarioFile = await engineScenario()
  const mid = engineStore('10k', join(work, 'mid'), 10_000, 100_000)
  const simulations = String(process.env.KASUMI_PERF_SIMULATIONS ?? 1000)
  // Each run takes minutes on 10 000 systems: fewer of them than the other benchmarks.
  const runs = Number(process.env.KASUMI_PERF_CARLO_RUNS ?? 3)
  console.error(`  ${runs} runs with each worker count (KASUMI_PERF_CARLO_RUNS), ${simulations} simulations (KASUMI_PERF_SIMULATIONS)`)
  const carlo = (workers) => {
    const run = kasumi([
      'estimate',
      '--scenario',
      scenarioFile,
      '--database',
      mid,
      '--simulate',
      simulations,
      '--seed',
      '42',
      '--workers',
      String(workers),
      '--json',
    ])
    const {uncertainty} = JSON.parse(run.stdout)
    return {...run, figures: JSON.stringify({...uncertainty, workers: undefined})}
  }
  const one = []
  const two = []
  for (let run = 0; run < runs; run++) {
    two.push(carlo(2))
    one.push(carlo(1))
  }
  const identical = new Set([...one, ...two].map((r) => r.figures)).size === 1
  const perRun = (list) => `${((median(list.map((r) => r.seconds)) * 1000) / Number(simulations)).toFixed(1)} ms`
  report(`Monte Carlo ${simulations} runs, 10k systems, whole CLI run (2 workers vs 1)`, two, one, {
    'per run (2 workers)': perRun(two),
    'per run (1 worker)': perRun(one),
    identical: identical ? 'yes' : 'NO',
    target: '≤ 30 s, identical',
  })
  if (!identical) process.exitCode = 1
})

await Promise.all(pending)
console.table(results)
console.log(
  JSON.stringify(
    {
      machine: {
        cpus: (await import('node:os')).cpus().length,
        node: process.version,
        loadAverage: {start: loadAtStart, end: loadavg().map((load) => load.toFixed(2))},
      },
      runs: RUNS,
      results,
    },
    null,
    2,
  ),
)
