#!/usr/bin/env node
// kasumi's benchmarks: each target is measured side by side with a baseline on
// the same machine, alternating runs, and reported as medians and ratios.
//   npm run perf                 all benchmarks
//   npm run perf -- import       only those whose name contains "import"
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, rmSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
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
  const result = spawnSync(full[0], full[1], {cwd: options.cwd ?? work, env: {...process.env, NO_COLOR: '1', ...options.env}, encoding: 'utf8', maxBuffer: 1 << 28})
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

function bench(name, fn) {
  if (filter && !name.includes(filter)) return
  console.error(`\n▶ ${name} (${RUNS} runs each)`)
  fn()
}

function kasumi(args, options) {
  return measure(process.execPath, [bin, ...args], options)
}

// The benchmark data: 100 000 systems and 1 000 000 cost lines from the sample generator.
const big = join(work, 'big')
if (!existsSync(join(big, 'costs.csv'))) {
  console.error('Generating 100 000 systems and 1 000 000 cost lines…')
  execFileSync(process.execPath, [join(root, 'scripts', 'generate-samples.js'), '--systems', '100000', '--cost-lines', '1000000', '--out', big], {stdio: 'inherit'})
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
  report('kasumi --version', subject, baseline, {target: 'ratio ≤ 2'})
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

console.table(results)
console.log(JSON.stringify({machine: {cpus: (await import('node:os')).cpus().length, node: process.version}, runs: RUNS, results}, null, 2))
