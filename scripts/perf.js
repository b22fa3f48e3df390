#!/usr/bin/env node
// kasumi's benchmarks: each target is measured side by side with a baseline on
// the same machine, alternating runs, and reported as medians and ratios.
//   npm run perf                 all benchmarks
//   npm run perf -- import       only those whose name contains "import"
//   npm run perf -- engine       the estimate engine on 10 000 and 100 000 systems
//   npm run perf -- carlo        the Monte Carlo (1 000 runs on 10 000 systems) with 1 and 2 workers
//   npm run perf -- report       the full report (every format and chart) of a 100 000-system register
//   npm run perf -- postgres     the PostgreSQL import beside `psql \copy` (KASUMI_PERF_PG_URL)
//   npm run perf -- --national   adds the national-scale register on PostgreSQL (1 000 000 systems, 10 000 000 cost lines)
//   npm run perf -- --compare FILE   each figure beside the same figure of an earlier run's JSON
//   npm run perf -- fonts        the font subsets report.html embeds, for the demo report
//   npm run perf -- pdf          the PDF report beside the HTML one, on 100 000 systems
//   npm run perf -- focus        FOCUS import of 1 000 000 rows (CSV and Parquet) beside the same rows as cost lines
// Every run writes its JSON to perf-data/perf-latest.json (and prints it on stdout after the table).
//   npm run perf -- workbook     100 000 cost lines imported from an XLSX sheet and from CSV
import {execFileSync, spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, loadavg} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// `node scripts/perf.js --engine-child DB SCENARIO`: one timed estimate in a fresh process (see the engine benchmark).
if (process.argv[2] === '--engine-child') {
  await engineChild(process.argv[3], process.argv[4])
  process.exit(0)
}
const bin = join(root, 'bin', 'run.js')
const work = join(root, 'perf-data')
const options = parseArguments(process.argv.slice(2))
const filter = options.filter
const RUNS = Number(process.env.KASUMI_PERF_RUNS ?? 5)
mkdirSync(work, {recursive: true})

const haveTime = existsSync('/usr/bin/time')
const haveSqlite3 = spawnSync('sqlite3', ['-version']).status === 0

/**
 * Runs a command once; returns wall seconds, and (when /usr/bin/time is there) peak RSS in MB and CPU seconds (user +
 * system, of the command and what it waits for): on a machine shared with other work, CPU time is the steadier figure.
 */
function measure(command, args, options = {}) {
  const full = haveTime ? ['/usr/bin/time', ['-f', '%M %U %S', command, ...args]] : [command, args]
  const started = process.hrtime.bigint()
  const result = spawnSync(full[0], full[1], {
    cwd: options.cwd ?? work,
    env: {...process.env, NO_COLOR: '1', ...options.env},
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`)
  const [rssKb, user, system] = haveTime ? (result.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number) : []
  return {
    seconds,
    rssMb: haveTime ? rssKb / 1024 : Number.NaN,
    cpuSeconds: haveTime ? user + system : Number.NaN,
    stdout: result.stdout,
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * The benchmark rows: what the table shows, and `figures` (numbers, for --compare).
 * @type {Array<Record<string, unknown> & {benchmark: string, figures: Record<string, number | undefined>}>}
 */
const results = []
/**
 * Records one benchmark: medians of the subject's and the baseline's runs, their ratio, the subject's peak RSS, and
 * whether each target (`target.seconds`, `target.ratio`, `target.rssMb`: upper bounds) is met.
 */
function report(name, subject, baseline, extra = {}) {
  const {target, ...rest} = extra
  const seconds = median(subject.map((r) => r.seconds))
  const baselineSeconds = baseline ? median(baseline.map((r) => r.seconds)) : undefined
  const ratio = baselineSeconds ? seconds / baselineSeconds : undefined
  const rss = subject.map((r) => r.rssMb).filter((value) => !Number.isNaN(value))
  const rssMb = rss.length ? Math.max(...rss) : undefined
  const cpuOf = (runs) => {
    const known = (runs ?? []).map((r) => r.cpuSeconds).filter((value) => value !== undefined && !Number.isNaN(value))
    return known.length === runs?.length && known.length > 0 ? median(known) : undefined
  }
  const cpuSeconds = cpuOf(subject)
  const baselineCpuSeconds = baseline ? cpuOf(baseline) : undefined
  const cpuRatio = cpuSeconds !== undefined && baselineCpuSeconds ? cpuSeconds / baselineCpuSeconds : undefined
  const figures = {seconds, baselineSeconds, ratio, rssMb, cpuSeconds, baselineCpuSeconds, cpuRatio, runs: subject.length}
  const row = {
    benchmark: name,
    subject: `${seconds.toFixed(3)} s`,
    baseline: baselineSeconds === undefined ? '-' : `${baselineSeconds.toFixed(3)} s`,
    ratio: ratio === undefined ? '-' : ratio.toFixed(2),
    'peak RSS': rssMb === undefined ? '-' : `${rssMb.toFixed(0)} MB`,
    CPU: cpuSeconds === undefined ? '-' : `${cpuSeconds.toFixed(3)} s`,
    'CPU ratio': cpuRatio === undefined ? '-' : cpuRatio.toFixed(2),
    target: target ? describeTarget(target) : '-',
    met: target ? (targetMet(target, figures) ? 'yes' : 'NO') : '-',
    ...rest,
  }
  results.push({...row, figures})
  console.error(JSON.stringify(row))
}

function describeTarget(target) {
  const parts = []
  if (target.ratio !== undefined) parts.push(`ratio ≤ ${target.ratio}`)
  if (target.seconds !== undefined) parts.push(`≤ ${target.seconds} s`)
  if (target.rssMb !== undefined) parts.push(`≤ ${target.rssMb} MB`)
  if (target.identical) parts.push('identical')
  return parts.join(', ')
}

function targetMet(target, figures) {
  return (
    (target.ratio === undefined || (figures.ratio ?? Infinity) <= target.ratio) &&
    (target.seconds === undefined || figures.seconds <= target.seconds) &&
    (target.rssMb === undefined || figures.rssMb === undefined || figures.rssMb <= target.rssMb) &&
    (!target.identical || target.identicalResult === true)
  )
}

const loadAtStart = loadavg().map((load) => load.toFixed(2))
const pending = []
function bench(name, fn, runs = RUNS) {
  if (filter && !name.toLowerCase().includes(filter.toLowerCase())) return
  // Benchmarks run one after another; an async one is awaited before the next starts.
  const previous = pending.at(-1) ?? Promise.resolve()
  pending.push(
    previous.then(() => {
      console.error(`\n▶ ${name} (${runs} run${runs === 1 ? '' : 's'} each)`)
      return fn()
    }),
  )
}

function kasumi(args, options) {
  return measure(process.execPath, [bin, ...args], options)
}

// The benchmark data: 100 000 systems and 1 000 000 cost lines from the sample generator (made when a benchmark needs it).
const big = join(work, 'big')
const costsCsv = join(big, 'costs.csv')
function bigData() {
  if (!existsSync(costsCsv)) {
    console.error('Generating 100 000 systems and 1 000 000 cost lines…')
    execFileSync(process.execPath, [join(root, 'scripts', 'generate-samples.js'), '--systems', '100000', '--cost-lines', '1000000', '--out', big], {
      stdio: 'inherit',
    })
  }
  return statSync(costsCsv).size / 1e6
}

bench('import 1,000,000 cost lines (validated) vs sqlite3 .import', () => {
  const costsMb = bigData()
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
  report('import 1M cost lines (SQLite)', subject, haveSqlite3 ? baseline : undefined, {
    target: {ratio: 1.0, rssMb: 300},
    'rows/s': Math.round(1e6 / seconds).toLocaleString('en'),
    'MB/s': (costsMb / seconds).toFixed(1),
    'baseline rows/s': haveSqlite3 ? Math.round(1e6 / median(baseline.map((r) => r.seconds))).toLocaleString('en') : '-',
  })
})

/* ---------------------------------------------------------------------------
 * PostgreSQL: the same import, beside `psql \copy` of the same file
 * ------------------------------------------------------------------------ */

const PG_URL = process.env.KASUMI_PERF_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const havePsql = spawnSync('psql', ['--version']).status === 0

/** A PostgreSQL client on PG_URL, or undefined (with a note) when the server does not answer. */
async function postgresAdmin() {
  const {default: pg} = await import('pg')
  const client = new pg.Client({connectionString: PG_URL, connectionTimeoutMillis: 5000})
  try {
    await client.connect()
    return client
  } catch (error) {
    console.error(`PostgreSQL is not reachable at ${PG_URL} (${error.message}); set KASUMI_PERF_PG_URL.`)
    return undefined
  }
}

/** PG_URL with this schema first on the search path: a kasumi store of its own (also understood by psql). */
function schemaUrl(schema) {
  // %20, not +: libpq does not read + as a space.
  return `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`
}

/** kasumi's cost_line table shape (columns, types, primary key and the system/year index), without the change-set link. */
const PLAIN_COST_LINE = `CREATE TABLE cost_line (
  id serial PRIMARY KEY, system_id text NOT NULL, fiscal_year integer NOT NULL, pool text NOT NULL, spend_type text NOT NULL,
  frequency text NOT NULL, amount text NOT NULL, currency text NOT NULL, note text);
CREATE INDEX cost_line_system_year_idx ON cost_line (system_id, fiscal_year)`

bench('import 1,000,000 cost lines into PostgreSQL (validated) vs psql \\copy', async () => {
  if (!havePsql) {
    console.error('psql is not installed (apt-get install postgresql-client): skipped.')
    return
  }
  const admin = await postgresAdmin()
  if (!admin) return
  bigData()
  const subject = []
  const baseline = []
  try {
    for (let run = 0; run < RUNS; run++) {
      const schema = `kasumi_perf_${process.pid}_${run}`
      const plain = `${schema}_psql`
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)
      await admin.query(
        `DROP SCHEMA IF EXISTS ${plain} CASCADE; CREATE SCHEMA ${plain}; SET search_path TO ${plain}; ${PLAIN_COST_LINE}; RESET search_path`,
      )
      try {
        kasumi(['init', '--database', schemaUrl(schema)])
        kasumi(['inventory', 'import', join(big, 'systems.csv'), '--database', schemaUrl(schema)])
        subject.push(kasumi(['inventory', 'import', costsCsv, '--database', schemaUrl(schema), '--kind', 'costs']))
        baseline.push(
          measure('psql', [
            schemaUrl(plain),
            '-v',
            'ON_ERROR_STOP=1',
            '-q',
            '-c',
            `\\copy cost_line (system_id, fiscal_year, pool, spend_type, frequency, amount, currency, note) FROM '${costsCsv.replaceAll("'", "''")}' WITH (FORMAT csv, HEADER true)`,
          ]),
        )
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${plain} CASCADE`)
      }
    }
  } finally {
    await admin.end()
  }
  const seconds = median(subject.map((r) => r.seconds))
  report('import 1M cost lines (PostgreSQL)', subject, baseline, {
    target: {ratio: 1.0},
    'rows/s': Math.round(1e6 / seconds).toLocaleString('en'),
    'baseline rows/s': Math.round(1e6 / median(baseline.map((r) => r.seconds))).toLocaleString('en'),
  })
})

/* ---------------------------------------------------------------------------
 * Workbooks: the same 100 000 cost lines from an XLSX sheet and from CSV
 * ------------------------------------------------------------------------ */

bench('workbook import: 100,000 cost lines from XLSX vs the same rows from CSV', async () => {
  const data = join(work, 'workbook')
  const csvFile = join(data, 'costs.csv')
  const xlsxFile = join(data, 'costs.xlsx')
  if (!existsSync(csvFile)) {
    console.error('Generating 10 000 systems and 100 000 cost lines…')
    execFileSync(process.execPath, [join(root, 'scripts', 'generate-samples.js'), '--systems', '10000', '--cost-lines', '100000', '--out', data], {
      stdio: 'inherit',
    })
  }
  if (!existsSync(xlsxFile)) {
    // The same rows on a sheet as a ministry sends it: a title naming the unit, then the header and the rows, numbers as numbers.
    const ExcelJS = (await import('exceljs')).default
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({filename: xlsxFile, useSharedStrings: true, useStyles: false})
    const sheet = writer.addWorksheet('経費内訳')
    sheet.addRow(['情報システム経費（単位：円）']).commit()
    sheet.addRow([]).commit()
    const lines = readFileSync(csvFile, 'utf8')
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\n')
    for (const [index, line] of lines.entries()) {
      const cells = line.split(',')
      sheet.addRow(index === 0 ? cells : cells.map((cell, column) => (column === 1 || column === 5 ? Number(cell) : cell))).commit()
    }
    sheet.commit()
    await writer.commit()
  }
  const template = join(work, 'workbook-template.db')
  rmSync(template, {force: true})
  kasumi(['init', '--database', template])
  kasumi(['inventory', 'import', join(data, 'systems.csv'), '--database', template])
  const fresh = (name) => {
    const db = join(work, name)
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, {force: true})
    copyFileSync(template, db)
    return db
  }
  const subject = []
  const baseline = []
  for (let run = 0; run < Math.max(RUNS, 3); run++) {
    baseline.push(kasumi(['inventory', 'import', csvFile, '--database', fresh('workbook-csv.db'), '--kind', 'costs']))
    subject.push(kasumi(['inventory', 'import', xlsxFile, '--database', fresh('workbook-xlsx.db'), '--kind', 'costs']))
  }
  report('import 100k cost lines: XLSX vs CSV', subject, baseline, {
    'CSV peak RSS': Number.isNaN(baseline[0]?.rssMb) ? '-' : `${Math.max(...baseline.map((r) => r.rssMb)).toFixed(0)} MB`,
    'XLSX MB': (statSync(xlsxFile).size / 1e6).toFixed(1),
    target: {ratio: 3, rssMb: 300},
  })
})

/**
 * A FOCUS export of `rows` rows over 1 000 systems (tagged SystemId), two
 * providers and currencies, daily charge periods through one year, every
 * ServiceCategory, and purchases, tax, credits and corrections among the
 * usage; beside it the same rows as a kasumi cost-line CSV, and the systems.
 */
function generateFocus(dir, rows) {
  mkdirSync(dir, {recursive: true})
  const systems = Array.from({length: 1000}, (_, index) => `FOC-${String(index + 1).padStart(4, '0')}`)
  writeFileSync(
    join(dir, 'systems.csv'),
    ['id,ministry,name,category', ...systems.map((id) => `${id},cas,クラウド利用システム ${id},common`), ''].join('\n'),
  )
  const categories = ['Compute', 'Storage', 'Databases', 'Networking', 'Analytics', 'AI and Machine Learning', 'Security', 'Other']
  const header =
    'BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ProviderName,PublisherName,InvoiceIssuerName,ServiceCategory,ServiceName,SubAccountId,ResourceId,BilledCost,EffectiveCost,ListCost,ContractedCost,PricingQuantity,PricingUnit,Tags,x_CostCenter'
  const focus = [header]
  const lines = ['system_id,fiscal_year,pool,spend_type,frequency,amount,currency,note']
  let seed = 42
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const day = (offset) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().replace('.000Z', 'Z')
  const month = (date) => `${date.slice(0, 7)}-01T00:00:00Z`
  const nextMonth = (date) => {
    const [year, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))]
    return new Date(Date.UTC(year, m, 1)).toISOString().replace('.000Z', 'Z')
  }
  for (let row = 0; row < rows; row++) {
    const system = systems[row % systems.length]
    const usd = row % 5 === 0
    const offset = Math.floor(random() * 365)
    const start = day(offset)
    const kind = row % 1000
    const category = kind === 1 ? 'Purchase' : kind === 2 ? 'Tax' : kind === 3 ? 'Credit' : 'Usage'
    const correction = kind === 4
    const frequency = category === 'Purchase' ? 'One-Time' : category === 'Tax' ? 'Recurring' : 'Usage-Based'
    const cost = (random() * (usd ? 50 : 5000)).toFixed(usd ? 6 : 3)
    const billed = category === 'Credit' || correction ? `-${cost}` : cost
    const effective = category === 'Purchase' ? '0' : billed
    const service = categories[row % categories.length]
    const currency = usd ? 'USD' : 'JPY'
    const provider = usd ? 'Northwind Cloud' : 'Kumo Cloud'
    const billing = correction ? day(Math.min(364, offset + 31)) : start
    focus.push(
      `ba-${currency},Kasumi Digital Office,${currency},${month(billing)},${nextMonth(billing)},${start},${day(offset + 1)},${category},${correction ? 'Correction' : ''},Metered ${service},${frequency},${provider},${provider},${provider},${service},${provider} ${service},sub-${row % 40},res-${row % 5000},${billed},${effective},${billed},${billed},${category === 'Tax' ? ',' : '1,Hours'},"{""SystemId"":""${system}"",""env"":""prod""}",CC-${row % 7}`,
    )
    const fiscalYear = Number(start.slice(5, 7)) >= 4 ? 2025 : 2024
    lines.push(`${system},${fiscalYear},cloud,operations,recurring,${effective},${currency},`)
  }
  writeFileSync(join(dir, 'focus.csv'), `${focus.join('\n')}\n`)
  writeFileSync(join(dir, 'costs.csv'), `${lines.join('\n')}\n`)
}

bench('FOCUS import of 1,000,000 rows into cost lines (CSV and Parquet) vs the same rows as a cost-line CSV', async () => {
  const rows = Number(process.env.KASUMI_PERF_FOCUS_ROWS ?? 1_000_000)
  // focus-v2: Tax rows carry no PricingQuantity or PricingUnit, as FOCUS requires (older fixtures are regenerated).
  const dir = join(work, `focus-v2-${rows}`)
  if (!existsSync(join(dir, 'focus.parquet'))) {
    console.error(`  generating ${rows.toLocaleString('en')} FOCUS rows (CSV, then Parquet)…`)
    generateFocus(dir, rows)
    const {focusCsvToParquet} = await import(pathToFileURL(join(root, 'scripts', 'focus-parquet.js')).href)
    await focusCsvToParquet(join(dir, 'focus.csv'), join(dir, 'focus.parquet'))
  }
  const template = join(work, 'focus-template.db')
  rmSync(template, {force: true})
  kasumi(['init', '--database', template])
  kasumi(['inventory', 'import', join(dir, 'systems.csv'), '--database', template])
  const fresh = () => {
    const db = join(work, 'focus.db')
    for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, {force: true})
    copyFileSync(template, db)
    return db
  }
  const focusArgs = ['--system-tag', 'SystemId', '--json']
  const csv = []
  const parquet = []
  const costLines = []
  const totals = new Set()
  for (let run = 0; run < RUNS; run++) {
    const fromCsv = kasumi(['inventory', 'import', join(dir, 'focus.csv'), '--database', fresh(), ...focusArgs])
    csv.push(fromCsv)
    const fromParquet = kasumi(['inventory', 'import', join(dir, 'focus.parquet'), '--database', fresh(), ...focusArgs])
    parquet.push(fromParquet)
    costLines.push(kasumi(['inventory', 'import', join(dir, 'costs.csv'), '--database', fresh(), '--kind', 'costs']))
    for (const run of [fromCsv, fromParquet]) totals.add(JSON.stringify(JSON.parse(run.stdout).currencies))
  }
  const rate = (list) => Math.round(rows / median(list.map((r) => r.seconds))).toLocaleString('en')
  const peak = (list) => `${Math.max(...list.map((r) => r.rssMb)).toFixed(0)} MB`
  report('FOCUS CSV 1M rows → cost lines (vs cost-line CSV import)', csv, costLines, {
    'rows/s': rate(csv),
    'baseline rows/s': rate(costLines),
    'baseline peak RSS': peak(costLines),
    target: {rssMb: 300},
  })
  report('FOCUS Parquet 1M rows → cost lines (vs the same rows as FOCUS CSV)', parquet, csv, {
    'rows/s': rate(parquet),
    'baseline rows/s': rate(csv),
    target: {ratio: 1, rssMb: 300, identical: true, identicalResult: totals.size === 1},
  })
  if (totals.size !== 1) process.exitCode = 1
})

bench('kasumi --version vs node -e 0', () => {
  const subject = []
  const baseline = []
  for (let run = 0; run < RUNS * 2; run++) {
    subject.push(kasumi(['--version']))
    baseline.push(measure(process.execPath, ['-e', '0']))
  }
  report('kasumi --version', subject, baseline, {target: {ratio: 1.5}})
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
  report('kasumi inventory list (200)', subject, baseline, {target: {ratio: 2.5}})
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
  return {...out, seconds: out.cold, cpuSeconds: out.coldCpu, rssMb: run.rssMb}
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
    target: {seconds: 1.0, rssMb: 300},
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
  report('one chart after the first', subject, undefined, {first: `${firstSeconds.toFixed(3)} s`, target: {seconds: 0.15}})
})

bench('report: every format and chart of a 100 000-system register', async () => {
  const scenarioFile = await engineScenario()
  const large = engineStore('100k', big, 100_000, 1_000_000)
  const out = join(work, 'report-out')
  const subject = []
  for (let run = 0; run < RUNS; run++) {
    rmSync(out, {recursive: true, force: true})
    subject.push(kasumi(['report', '--scenario', scenarioFile, '--database', large, '--out', out, '--json']))
  }
  const files = JSON.parse(subject[subject.length - 1].stdout).files.length
  rmSync(out, {recursive: true, force: true})
  report('report, all formats and charts, 100k systems', subject, undefined, {target: {seconds: 5, rssMb: 400}, files})
})

/** A store holding the bundled sample register (200 systems), made once per run of this script. */
let sampleStore
function sampleDatabase() {
  if (sampleStore) return sampleStore
  sampleStore = join(work, 'sample-report.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(sampleStore + suffix, {force: true})
  kasumi(['init', '--database', sampleStore])
  kasumi(['inventory', 'import', join(root, 'data', 'samples', 'systems.csv'), '--database', sampleStore])
  kasumi(['inventory', 'import', join(root, 'data', 'samples', 'costs.csv'), '--database', sampleStore])
  return sampleStore
}

bench('fonts: the subsets report.html embeds for the demo report (kasumi WOFF2) vs subset-font straight to WOFF2', async () => {
  const dist = (path) => pathToFileURL(join(root, 'dist', 'src', path)).href
  const out = join(work, 'fonts-report')
  kasumi(['report', '--scenario', 'kasumigaseki-cloud', '--format', 'html', '--out', out, '--force', '--database', sampleDatabase()])
  const {visibleText} = await import(dist('report/render/html.js'))
  const {embedFonts, charactersOf, fontBytes, splitByFamily} = await import(dist('report/embed-fonts.js'))
  const {default: subsetFont} = await import('subset-font')
  const text = visibleText(readFileSync(join(out, 'report.html'), 'utf8'))
  const timed = async (fn) => {
    const started = process.hrtime.bigint()
    const value = await fn()
    return {seconds: Number(process.hrtime.bigint() - started) / 1e9, rssMb: Number.NaN, value}
  }
  // In this process the subsets are cut every time (no cache), to time the cutting itself.
  const cacheSetting = process.env.KASUMI_CACHE_DIR
  process.env.KASUMI_CACHE_DIR = ''
  // The first call pays for loading HarfBuzz and reading the fonts, as one `kasumi report` does.
  const first = await timed(() => embedFonts(text, 'en'))
  const faces = [
    ['@embedpdf/fonts-jp', 'NotoSansJP-Regular.otf'],
    ['@embedpdf/fonts-jp', 'NotoSansJP-Bold.otf'],
  ]
  const {first: characters} = await splitByFamily(charactersOf(text), 'en')
  const subject = []
  const baseline = []
  for (let run = 0; run < RUNS; run++) {
    subject.push(await timed(() => embedFonts(text, 'en')))
    baseline.push(
      await timed(async () => {
        for (const [pkg, file] of faces) await subsetFont(await fontBytes(pkg, file), characters.join(''), {targetFormat: 'woff2'})
      }),
    )
  }
  if (cacheSetting === undefined) delete process.env.KASUMI_CACHE_DIR
  else process.env.KASUMI_CACHE_DIR = cacheSetting
  const bytes = first.value.faces.reduce((sum, face) => sum + face.bytes, 0)
  report('font subsets for the demo report (warm; baseline: subset-font to WOFF2, JP faces only)', subject, baseline, {
    first: `${first.seconds.toFixed(3)} s`,
    characters: charactersOf(text).length,
    'WOFF2 bytes': bytes.toLocaleString('en'),
  })
  // Cold: each run a fresh process (loading HarfBuzz, reading the fonts), as one `kasumi report --format html` pays;
  // timed from the call of embedFonts to its end (wall, and CPU of every thread of the process).
  const textFile = join(work, 'fonts-report-text.txt')
  writeFileSync(textFile, text)
  const child = `const {embedFonts} = await import(${JSON.stringify(dist('report/embed-fonts.js'))})
const text = (await import('node:fs')).readFileSync(${JSON.stringify(textFile)}, 'utf8')
const cpu = process.cpuUsage(), started = process.hrtime.bigint()
await embedFonts(text, 'en')
const used = process.cpuUsage(cpu)
console.log(JSON.stringify({seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (used.user + used.system) / 1e6}))`
  const coldRun = (cache) => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
      cwd: root,
      encoding: 'utf8',
      env: {...process.env, KASUMI_CACHE_DIR: cache},
    })
    if (result.status !== 0) throw new Error(`the cold font subsetting run failed:\n${result.stderr}`)
    return {...JSON.parse(result.stdout), rssMb: Number.NaN}
  }
  // Without the cache (KASUMI_CACHE_DIR empty): cut every time. With it: a folder of this script's, filled by a first run.
  const cache = join(work, 'font-cache')
  rmSync(cache, {recursive: true, force: true})
  const firstCached = coldRun(cache)
  const uncached = []
  const cached = []
  for (let run = 0; run < RUNS; run++) {
    uncached.push(coldRun(''))
    cached.push(coldRun(cache))
  }
  report('font subsets for the demo report, cold (a fresh process each run), cut (no cache)', uncached, undefined, {
    'WOFF2 bytes': bytes.toLocaleString('en'),
    target: {seconds: 0.3},
  })
  report('font subsets for the demo report, cold, from the cache (the first run cut them)', cached, undefined, {
    first: `${firstCached.seconds.toFixed(3)} s`,
    target: {seconds: 0.3},
  })
})

bench('report: PDF vs HTML of the 100 000-system report (whole CLI run)', async () => {
  const scenarioFile = await engineScenario()
  const large = engineStore('100k', big, 100_000, 1_000_000)
  const run = (format) =>
    kasumi(['report', '--scenario', scenarioFile, '--database', large, '--format', format, '--out', join(work, `report-${format}`), '--force'])
  const pdf = []
  const html = []
  for (let index = 0; index < RUNS; index++) {
    html.push(run('html'))
    pdf.push(run('pdf'))
  }
  const difference = median(pdf.map((r) => r.seconds)) - median(html.map((r) => r.seconds))
  const cpuDifference = median(pdf.map((r) => r.cpuSeconds)) - median(html.map((r) => r.cpuSeconds))
  report('report --format pdf vs --format html, 100k systems', pdf, html, {
    difference: `${difference.toFixed(3)} s`,
    'CPU difference': `${cpuDifference.toFixed(3)} s`,
    'PDF bytes': statSync(join(work, 'report-pdf', 'report.pdf')).size.toLocaleString('en'),
    'HTML bytes': statSync(join(work, 'report-html', 'report.html')).size.toLocaleString('en'),
    'difference target': '≤ 2 s',
  })
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
    target: {seconds: 20, identical: true, identicalResult: identical},
  })
  if (!identical) process.exitCode = 1
})

/* ---------------------------------------------------------------------------
 * National scale (opt-in: --national): 1 000 000 systems, 10 000 000 cost lines on PostgreSQL
 * ------------------------------------------------------------------------ */

const NATIONAL_RUNS = Number(process.env.KASUMI_PERF_NATIONAL_RUNS ?? 3)
if (options.national) {
  bench(
    'national-scale register on PostgreSQL: import once, then estimate',
    async () => {
      const admin = await postgresAdmin()
      if (!admin) return
      const data = join(work, 'national')
      if (!existsSync(join(data, 'costs.csv'))) {
        console.error('Generating 1 000 000 systems and 10 000 000 cost lines…')
        execFileSync(
          process.execPath,
          [join(root, 'scripts', 'generate-samples.js'), '--systems', '1000000', '--cost-lines', '10000000', '--out', data],
          {stdio: 'inherit'},
        )
      }
      // The imported register is kept in its schema (remove perf-data/national.ready to import it again).
      const schema = 'kasumi_perf_national'
      const ready = join(work, 'national.ready')
      const present = (await admin.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).rowCount
      if (!existsSync(ready) || !present) {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`)
        kasumi(['init', '--database', schemaUrl(schema)])
        const systems = kasumi(['inventory', 'import', join(data, 'systems.csv'), '--database', schemaUrl(schema)])
        const costs = kasumi(['inventory', 'import', join(data, 'costs.csv'), '--database', schemaUrl(schema), '--kind', 'costs'])
        report('national: import 1M systems (PostgreSQL, once)', [systems], undefined)
        report('national: import 10M cost lines (PostgreSQL, once)', [costs], undefined, {
          'rows/s': Math.round(1e7 / costs.seconds).toLocaleString('en'),
        })
        writeFileSync(ready, schema)
      }
      await admin.end()
      const scenarioFile = await engineScenario()
      const subject = []
      for (let run = 0; run < NATIONAL_RUNS; run++)
        subject.push(kasumi(['estimate', '--scenario', scenarioFile, '--database', schemaUrl(schema), '--json']))
      report('national: estimate, 1M systems / 10M cost lines (PostgreSQL)', subject, undefined, {target: {rssMb: 1500}})
    },
    NATIONAL_RUNS,
  )
}

await Promise.all(pending)
const summary = {
  machine: {cpus: cpus().length, node: process.version, loadAverage: {start: loadAtStart, end: loadavg().map((load) => load.toFixed(2))}},
  at: new Date().toISOString(),
  runs: RUNS,
  results,
}
console.table(results.map(({figures, ...row}) => row))
if (options.compare) console.table(compareWith(readPerfJson(options.compare), results))
writeFileSync(join(work, 'perf-latest.json'), `${JSON.stringify(summary, null, 2)}\n`)
console.log(JSON.stringify(summary, null, 2))

/** `[FILTER] [--compare FILE] [--national]` */
function parseArguments(args) {
  const parsed = {filter: '', compare: /** @type {string | undefined} */ (undefined), national: false}
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]
    if (arg === '--compare' || arg.startsWith('--compare=')) {
      const file = arg === '--compare' ? args[++index] : arg.slice('--compare='.length)
      if (!file) usage('--compare needs the JSON file of an earlier run (perf-data/perf-latest.json is the last one)')
      parsed.compare = resolve(file)
      if (!existsSync(parsed.compare)) usage(`no such file: ${file}`)
    } else if (arg === '--national') parsed.national = true
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`)
    else parsed.filter = arg
  }
  return parsed
}

function usage(message) {
  console.error(`perf: ${message}\nUsage: npm run perf -- [FILTER] [--compare FILE] [--national]`)
  process.exit(2)
}

/**
 * An earlier run's JSON: the file perf-latest.json, or anything that ends with the JSON this script prints (the
 * output of `npm run perf > FILE`, with npm's lines and the table before it).
 */
function readPerfJson(file) {
  const text = readFileSync(file, 'utf8')
  const start = text.startsWith('{') ? 0 : text.indexOf('\n{\n') + 1
  try {
    if (start === 0 && !text.startsWith('{')) throw new Error('no JSON object at the start of a line')
    const parsed = JSON.parse(text.slice(start))
    if (!Array.isArray(parsed.results)) throw new Error('no "results" array')
    return parsed
  } catch (error) {
    usage(`${file} is not the JSON of a perf run: ${error.message}`)
  }
}

/** The figures of a row: `figures` when the run wrote them, else read back from the table's text ("1.234 s", "251 MB"). */
function figuresOf(row) {
  if (row.figures) return row.figures
  const number = (text) => (typeof text === 'string' && /^[\d.]+/.test(text) ? Number.parseFloat(text) : undefined)
  return {seconds: number(row.subject), baselineSeconds: number(row.baseline), ratio: number(row.ratio), rssMb: number(row['peak RSS'])}
}

/** One row per figure of each benchmark of this run: the earlier value, this one, and the change. */
function compareWith(previous, current) {
  const labels = {
    seconds: ['time', 's'],
    baselineSeconds: ['baseline', 's'],
    ratio: ['ratio', ''],
    rssMb: ['peak RSS', 'MB'],
    cpuSeconds: ['CPU', 's'],
    cpuRatio: ['CPU ratio', ''],
  }
  const show = (value, unit) => (value === undefined ? '-' : `${value.toFixed(unit === 'MB' ? 0 : unit === 's' ? 3 : 2)}${unit ? ` ${unit}` : ''}`)
  const rows = []
  for (const row of current) {
    const earlier = previous.results.find((candidate) => candidate.benchmark === row.benchmark)
    const before = earlier ? figuresOf(earlier) : {}
    const now = figuresOf(row)
    for (const [key, [label, unit]] of Object.entries(labels)) {
      if (now[key] === undefined && before[key] === undefined) continue
      const change =
        now[key] !== undefined && before[key] ? `${now[key] >= before[key] ? '+' : ''}${((now[key] / before[key] - 1) * 100).toFixed(1)} %` : '-'
      rows.push({benchmark: row.benchmark, figure: label, before: show(before[key], unit), now: show(now[key], unit), change})
    }
  }
  for (const row of previous.results) {
    if (!current.some((candidate) => candidate.benchmark === row.benchmark))
      rows.push({benchmark: row.benchmark, figure: '(not run now)', before: show(figuresOf(row).seconds, 's'), now: '-', change: '-'})
  }
  return rows
}
