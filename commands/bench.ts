import {Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base.js'
import {requireReadableFile} from '../src/ingest/files.js'
import {readingFlags, storeFlags} from '../src/cli/flags.js'
import type {Calendar} from '../src/domain/fiscal-year.js'
import {Dec} from '../src/domain/money.js'
import type {EncodingOption} from '../src/ingest/csv.js'
import {BENCH_DIMENSIONS, KPI_DEFINITIONS, KPI_IDS, type BenchDimension, type KpiId} from '../src/bench/kpis.js'
import {DEFAULT_BENCH_SCENARIO, runBench} from '../src/bench/run.js'
import {DCOI_METRICS} from '../src/bench/dcoi.js'
import {requirePeriod} from '../src/ingest/dcoi-import.js'
import {SERVICE_KPI_DEFINITIONS} from '../src/bench/service-kpis.js'
import {
  actualsTable,
  actualsYearTable,
  dcoiClosuresTable,
  dcoiMetricsTable,
  leagueTable,
  medianGapTable,
  peerSummaryTable,
  referenceAreaTable,
  referenceMinistryTable,
  serviceKpiTable,
} from '../src/bench/tables.js'

const decimal = (what: string, options: {max?: number} = {}) =>
  Flags.custom<string>({
    async parse(input) {
      const value = input.trim()
      if (!/^\d+(?:\.\d+)?$/.test(value)) throw new Error(`${what} must be a decimal number such as 0.8, not ${JSON.stringify(input)}`)
      if (options.max !== undefined && new Dec(value).greaterThan(options.max)) throw new Error(`${what} must be at most ${options.max}`)
      return value
    },
  })

const kpiHelp = KPI_DEFINITIONS.map(
  (kpi) =>
    `  ${kpi.id} — ${kpi.label.en} (${kpi.unit.replaceAll('{currency}', 'currency')}; ${kpi.better === 'none' ? 'context' : `${kpi.better} is better`}). ${kpi.definition}${kpi.source === 'kasumi' ? '' : ` Source: ${kpi.source}.`}`,
).join('\n')

const dcoiHelp = DCOI_METRICS.map(
  (metric) => `  ${metric.id} — ${metric.label}. ${metric.definition} Target: ${metric.target}. Source: ${metric.source}.`,
).join('\n')

export default class Bench extends BaseCommand {
  static override summary = 'Benchmark ministries, categories or business areas against their peers, a reference table and actual results.'
  static override description = `KPIs per ministry, category, business area or system, with peer statistics across the groups: median, interquartile range (type-7 quantiles), each member's percentile rank (mid-rank), robust outliers (|x − median| ÷ (1.4826 × MAD) above --outlier-threshold), a league table, and what each group would save at the peer median savings ratio.

Savings KPIs need an estimate: kasumi runs --scenario on the register (default: the bundled ${DEFAULT_BENCH_SCENARIO} scenario). --reference jp-2009 compares the estimate's optimization effects with the 2009 table, by business area (matched through data/reference/area-map.csv, or --area-map) and by ministry. --actuals FILE compares realised savings per ministry (agency) or business area and fiscal year with the plan: the file's planned column, or the estimate's savings when it has none; a table of planned and achieved savings as OMB publishes for the Data Center Optimization Initiative (Agency, Fiscal Year, Planned Savings ($M), Achieved Savings ($M)) reads as it is.

KPIs (values are exact quotients of exact sums, rounded once half-up to the decimals of the KPI; the JSON gives them as decimal strings):
${kpiHelp}

DCOI metrics of the facilities (when the register has facilities with figures, e.g. from \`kasumi inventory import FILE --kind dcoi-idc --period 2024-Q3\`): per agency and in total, for one reporting period (--period, default the latest), over the data centres OMB's DCOI dashboard counts — open, agency-owned, Tier 1–4 — with OMB's target beside each (OMB M-16-19, August 2016, set the government-wide targets; OMB M-19-19, June 2019, defines the metrics counted per data centre since, with targets agreed per agency), and the closures: facilities closed and in migration by fiscal year, with the floor area and servers the closed ones had. With --by ministry, the energy-metering, PUE and availability KPIs of a ministry come from the facilities whose agency is its code.
${dcoiHelp}

Service KPIs (when the scenario has service measures — e.g. --scenario citizen-services — per life event and for all procedures, before and after the measures):
${SERVICE_KPI_DEFINITIONS.map((kpi) => `  ${kpi.id}: ${kpi.definition} Source: ${kpi.source}.`).join('\n')}

Agencies in an actuals file: when all are ministries of the register, they are matched to it; when none is (e.g. DOC, DHS), the file is read on its own; when some are not, those are errors (exit 3), with suggestions. Planned figures from the estimate need register ministries. Bad input (unknown ministries or areas, a fiscal year twice for one agency, mixed currencies without --rates) exits 3 and nothing is written.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --by category --kpi savings-ratio,cost-per-user',
    '<%= config.bin %> <%= command.id %> --scenario kasumigaseki-cloud --reference jp-2009',
    '<%= config.bin %> <%= command.id %> --actuals data/samples/actuals.csv --threshold 0.8',
    '<%= config.bin %> <%= command.id %> --actuals test/fixtures/bench/dcoi-savings.csv --json',
    '<%= config.bin %> <%= command.id %> --period 2024-Q3',
    '<%= config.bin %> <%= command.id %> --actuals 削減実績.xlsx --sheet 実績 --rates rates.ods',
  ]

  static override flags = {
    ...storeFlags,
    scenario: Flags.string({
      char: 'S',
      description: 'Scenario file, or the name of a bundled scenario, for the savings KPIs and the plan.',
      default: DEFAULT_BENCH_SCENARIO,
    }),
    by: Flags.string({
      description: 'The peer group: compare ministries, categories, business areas or systems.',
      options: [...BENCH_DIMENSIONS],
      default: 'ministry',
    }),
    kpi: Flags.string({
      description: `Only these KPIs (comma-separated); each gets a league table. One of: ${KPI_IDS.join(', ')}.`,
      options: [...KPI_IDS],
      multiple: true,
      delimiter: ',',
      helpValue: '<kpi,…>',
    }),
    'outlier-threshold': decimal('--outlier-threshold')({
      description: 'Flag a value as an outlier when its robust z-score exceeds this.',
      default: '3.5',
    }),
    reference: Flags.string({description: 'Compare the estimate with this reference table (see kasumi reference list).'}),
    'area-map': Flags.string({
      description: 'Area map for --reference (reference_area, area, note); default: the bundled data/reference/area-map.csv.',
      dependsOn: ['reference'],
    }),
    actuals: Flags.string({
      description: 'CSV or workbook (.xlsx, .xls, .ods) of planned and achieved savings per ministry (agency) or business area and fiscal year.',
    }),
    sheet: Flags.string({
      description: 'The sheet of an --actuals workbook, by name or position; default: the sheet whose header matches.',
      dependsOn: ['actuals'],
    }),
    threshold: decimal('--threshold', {max: 10})({
      description: 'Flag actuals whose achievement rate (achieved ÷ planned) is below this.',
      default: '0.8',
    }),
    rates: Flags.string({
      description: 'Exchange rates (fiscal_year, currency, rate), CSV or workbook, for an actuals file in several currencies.',
      dependsOn: ['actuals'],
    }),
    period: Flags.string({description: "The reporting period of the facilities' DCOI metrics, e.g. 2024-Q3 (default: the latest in the store)."}),
    'rates-sheet': Flags.string({
      description: 'The sheet of a --rates workbook, by name or position; default: the sheet whose header matches.',
      dependsOn: ['rates'],
    }),
    encoding: readingFlags.encoding,
    calendar: readingFlags.calendar,
    'allow-unknown-columns': readingFlags['allow-unknown-columns'],
    'max-issues': readingFlags['max-issues'],
  }

  async run() {
    const {flags} = await this.parse(Bench)
    if (flags.actuals) await requireReadableFile(flags.actuals)
    if (flags.rates) await requireReadableFile(flags.rates)
    if (flags['area-map']) await requireReadableFile(flags['area-map'])
    const store = await this.store(flags.database)
    const kpis = flags.kpi as KpiId[] | undefined
    const {result, warnings} = await runBench(store, {
      scenario: flags.scenario,
      by: flags.by as BenchDimension,
      kpis: kpis ? [...new Set(kpis)] : undefined,
      outlierThreshold: new Dec(flags['outlier-threshold']),
      period: flags.period === undefined ? undefined : requirePeriod(flags.period),
      reference: flags.reference,
      areaMap: flags['area-map'],
      actuals: flags.actuals
        ? {
            file: flags.actuals,
            encoding: flags.encoding as EncodingOption,
            calendar: flags.calendar as Calendar,
            allowUnknownColumns: flags['allow-unknown-columns'],
            maxIssues: flags['max-issues'],
            threshold: new Dec(flags.threshold),
            rates: flags.rates,
            sheet: flags.sheet,
            ratesSheet: flags['rates-sheet'],
          }
        : undefined,
    })
    this.warnIssues(warnings, {compact: true})
    if (!this.jsonEnabled()) {
      this.log(
        `Benchmark by ${result.by}: ${result.groups.length} peers; savings from scenario ${result.scenario.name} (FY${result.scenario.baseYear} baseline, run-rate FY${result.scenario.runRateYear}, ${result.currency}).`,
      )
      for (const id of kpis ? result.kpis : (['savings-ratio'] as KpiId[])) if (result.peers[id]) this.table(leagueTable(result, id))
      this.table(peerSummaryTable(result))
      if (result.kpis.includes('savings-ratio') || !kpis) this.table(medianGapTable(result))
      if (result.reference) {
        this.table(referenceAreaTable(result.reference))
        this.table(referenceMinistryTable(result.reference))
        const {leftOut, unmappedAreas, unmatchedMinistries} = result.reference
        if (leftOut.length) this.log(`The estimate leaves out: ${leftOut.join('、')}`)
        if (unmappedAreas.length)
          this.log(`The estimate adds (no reference row): ${unmappedAreas.map((area) => area || '(no business area)').join('、')}`)
        if (unmatchedMinistries.length)
          this.log(
            `Reference ministries not in the register: ${unmatchedMinistries.map((entry) => entry.name + (entry.suggestion ? ` (did you mean ${entry.suggestion}?)` : '')).join(', ')}`,
          )
      }
      if (result.actuals) {
        this.table(actualsTable(result.actuals))
        this.table(actualsYearTable(result.actuals))
      }
      if (result.facilities) {
        this.table(dcoiMetricsTable(result.facilities))
        if (result.facilities.closures.length) this.table(dcoiClosuresTable(result.facilities))
        this.log(result.facilities.notes.join('\n'))
      }
      if (result.services) this.table(serviceKpiTable(result))
      this.log(result.notes.join('\n'))
    }
    return result
  }
}
