import {NotFoundError, type InputIssue} from '../domain/errors.js'
import type {Calendar} from '../domain/fiscal-year.js'
import {Dec} from '../domain/money.js'
import {valueOf} from '../estimate/engine.js'
import {estimateLoaded, type EstimateRun} from '../estimate/run.js'
import {loadNamedScenario} from '../estimate/scenario.js'
import type {EncodingOption} from '../ingest/csv.js'
import {DEFAULT_AREA_MAP, loadAreaMap} from '../reference/area-map.js'
import {readRates} from '../ingest/rates.js'
import type {Store} from '../store/open.js'
import {listFacilities, listFacilityMetrics, listMinistries} from '../store/register.js'
import {dcoiMetrics, dcoiTotals} from './dcoi.js'
import {loadActuals, type ActualsResult} from './actuals.js'
import {computeBench, estimatePlan, runRateFactor} from './compute.js'
import {KPI_DEFINITIONS, KPI_IDS, kpiUnit, type BenchDimension, type KpiId} from './kpis.js'
import {compareWithReference, type ReferenceComparison} from './reference.js'
import {SERVICE_KPI_DEFINITIONS, serviceKpis} from './service-kpis.js'
import {BENCH_FORMAT_VERSION, METHOD, benchNotes, namesFor, presentBench, type BenchResult} from './result.js'

/** Savings KPIs need an estimate; without --scenario kasumi runs this bundled scenario. */
export const DEFAULT_BENCH_SCENARIO = 'kasumigaseki-cloud'

export interface BenchOptions {
  scenario?: string
  /** An estimate already run (by ministry) on this store, used instead of running the scenario again. */
  run?: EstimateRun
  by: BenchDimension
  kpis?: KpiId[]
  outlierThreshold?: Dec
  reference?: string
  referenceDir?: string
  areaMap?: string
  /** The reporting period of the facilities' DCOI metrics (default: the latest the store has). */
  period?: string
  actuals?: {
    file: string
    encoding: EncodingOption
    calendar: Calendar
    allowUnknownColumns?: boolean
    maxIssues?: number
    threshold?: Dec
    rates?: string
    /** The sheet of a workbook of actuals, and of a workbook of rates. */
    sheet?: string
    ratesSheet?: string
  }
}

/** Runs the scenario on the register and benchmarks the groups; adds the reference comparison and the actuals when asked. */
export async function runBench(store: Store, options: BenchOptions): Promise<{result: BenchResult; warnings: InputIssue[]}> {
  let run = options.run
  let warnings: InputIssue[] = []
  if (!run) {
    const loaded = await loadNamedScenario(options.scenario ?? DEFAULT_BENCH_SCENARIO)
    warnings = loaded.warnings
    run = await estimateLoaded(store, loaded.scenario, warnings, {by: options.by === 'system' ? 'system' : 'ministry'})
  }
  const scenario = run.scenario
  const ministries = await listMinistries(store)
  const kpis = options.kpis ?? [...KPI_IDS]
  const names = namesFor(options.by, ministries)
  const facilityRecords = await listFacilities(store)
  const facilityFigures = facilityRecords.length ? await listFacilityMetrics(store) : []
  if (options.period !== undefined && !facilityFigures.some((entry) => entry.period === options.period)) {
    const periods = [...new Set(facilityFigures.map((entry) => entry.period))].sort()
    throw new NotFoundError(`no facility has figures for ${options.period}`, {
      suggestion: periods.length
        ? `the store has ${periods.join(', ')}`
        : 'import a DCOI inventory first (kasumi inventory import FILE --kind dcoi-idc --period …)',
    })
  }
  const facilitySums = dcoiTotals(facilityRecords, facilityFigures, options.period)
  const facilities = dcoiMetrics(facilityRecords, facilityFigures, options.period)
  const core = computeBench(run.systems, run.ledger, {
    by: options.by,
    currency: scenario.currency,
    hoursPerFte: new Dec(valueOf(scenario.hoursPerFte, new Map())),
    runRateFactor: runRateFactor(scenario),
    kpis,
    outlierThreshold: options.outlierThreshold,
    order: options.by === 'ministry' ? ministries.map((ministry) => ministry.code) : undefined,
    facilities: facilitySums?.byAgency,
  })
  const presented = presentBench(core, names)

  let reference: ReferenceComparison | undefined
  if (options.reference) {
    const {loadReferenceTable} = await import('../reference/jp2009.js')
    const table = options.referenceDir
      ? await loadReferenceTable(options.reference, options.referenceDir)
      : await loadReferenceTable(options.reference)
    const mapFile = options.areaMap ?? DEFAULT_AREA_MAP
    const map = await loadAreaMap(mapFile)
    reference = compareWithReference({
      effects: run.result.effects,
      currency: scenario.currency,
      table,
      map,
      mapFile,
      ministries,
      registerAreas: new Set(run.systems.map((system) => system.area)),
    })
  }

  let actuals: ActualsResult | undefined
  if (options.actuals) {
    let rates: {file: string; currency: string; rates: Map<string, Dec>} | undefined
    if (options.actuals.rates) {
      rates = {
        file: options.actuals.rates,
        currency: scenario.currency,
        rates: await readRates(options.actuals.rates, scenario.currency, {sheet: options.actuals.ratesSheet}),
      }
    }
    actuals = await loadActuals(options.actuals.file, {
      encoding: options.actuals.encoding,
      calendar: options.actuals.calendar,
      allowUnknownColumns: options.actuals.allowUnknownColumns,
      maxIssues: options.actuals.maxIssues,
      threshold: options.actuals.threshold,
      sheet: options.actuals.sheet,
      ministries,
      areas: [...new Set(run.systems.map((system) => system.area))],
      plan: estimatePlan(scenario, run.ledger),
      rates,
    })
    warnings.push(...actuals.warnings)
  }

  const result: BenchResult = {
    formatVersion: BENCH_FORMAT_VERSION,
    by: options.by,
    scenario: {
      name: scenario.name,
      title: scenario.title,
      file: scenario.file,
      baseYear: scenario.baseYear,
      horizon: scenario.horizon,
      runRateYear: scenario.horizon[1],
      currency: scenario.currency,
    },
    currency: scenario.currency,
    definitions: KPI_DEFINITIONS.filter((kpi) => kpis.includes(kpi.id)).map((kpi) => ({
      id: kpi.id,
      label: kpi.label,
      unit: kpiUnit(kpi.id, scenario.currency),
      decimals: kpi.decimals,
      better: kpi.better,
      needs: kpi.needs,
      source: kpi.source,
      definition: kpi.definition,
    })),
    kpis,
    groups: presented.groups,
    peers: presented.peers,
    atPeerMedian: presented.atPeerMedian,
    method: METHOD,
    ...(reference ? {reference} : {}),
    ...(actuals ? {actuals} : {}),
    ...(facilities ? {facilities} : {}),
    ...(run.result.services ? {services: {definitions: SERVICE_KPI_DEFINITIONS, rows: serviceKpis(run.result.services, scenario.currency)}} : {}),
    notes: benchNotes(scenario, facilities?.period),
    warnings: warnings.map((warning) => warning.message),
  }
  return {result, warnings}
}
