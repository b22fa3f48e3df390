import type {Rates} from '../domain/currency.js'
import type {InputIssue} from '../domain/errors.js'
import {readRates} from '../ingest/rates.js'
import type {Store} from '../store/open.js'
import {listMinistries, serviceRegister} from '../store/register.js'
import {Dec} from '../domain/money.js'
import {planServices} from './services.js'
import {buildServicesResult, type ServicesResult} from './services-result.js'
import {evaluate, plan, type Dimension, type Ledger, type Plan} from './engine.js'
import type {Scenario, SystemInput} from './model.js'
import {loadRegister} from './register.js'
import {buildResult, type EstimateResult} from './results.js'
import {loadNamedScenario} from './scenario.js'

export interface EstimateRun {
  scenario: Scenario
  warnings: InputIssue[]
  systems: SystemInput[]
  plan: Plan
  ledger: Ledger
  result: EstimateResult
  ministryOrder: string[]
  /** Whether any system records annual processing hours. */
  hoursRecorded: boolean
}

export interface EstimateOptions {
  by: Dimension | 'year'
  from?: number
  to?: number
}

/** Loads a scenario (file or bundled name) and the register, and runs the deterministic estimate. */
export async function runEstimate(store: Store, scenarioRef: string, options: EstimateOptions): Promise<EstimateRun> {
  const {scenario, warnings} = await loadNamedScenario(scenarioRef)
  return estimateLoaded(store, scenario, warnings, options)
}

export async function estimateLoaded(store: Store, scenario: Scenario, warnings: InputIssue[], options: EstimateOptions): Promise<EstimateRun> {
  const rates: Rates = scenario.exchangeRates ? await readRates(scenario.exchangeRates, scenario.currency) : new Map()
  const systems = await loadRegister(store, scenario, rates)
  const ministryOrder = (await listMinistries(store)).map((ministry) => ministry.code)
  const planned = plan(scenario, systems)
  const ledger = evaluate(planned, new Map(), {keepSystems: options.by === 'system'})
  for (const {measure, filter} of ledger.unused) {
    const path = scenario.measures.find((candidate) => candidate.id === measure)!.path
    warnings.push({
      file: scenario.file,
      line: scenario.lines?.[`${path}.appliesTo`] || scenario.lines?.[path],
      column: `${path}.appliesTo`,
      value: JSON.stringify(filter),
      message: `measure ${measure} applies to no system in the register`,
      severity: 'warning',
    })
  }
  const hoursRecorded = systems.some((system) => !system.unrecorded?.includes('annualHours'))
  const result = buildResult(scenario, ledger, {...options, ministryOrder, hoursRecorded})
  if (scenario.services && scenario.services.measures.length > 0) {
    const services = buildServicesResult(scenario, planServices(scenario, await serviceRegister(store)))
    addStaffHours(result, services, scenario)
    result.services = services
  }
  return {scenario, warnings, systems, plan: planned, ledger, result, ministryOrder, hoursRecorded}
}

/**
 * Staff hours the service measures free flow into the estimate's hours and
 * FTE: each year's procedure and document staff hours join `before`, the
 * hours they save join `saved`. The services block keeps them apart too.
 */
function addStaffHours(result: EstimateResult, services: ServicesResult, scenario: Scenario): void {
  const hoursPerFte = new Dec(scenario.hoursPerFte.base)
  const fte = (hours: Dec) => hours.dividedBy(hoursPerFte).toDecimalPlaces(1, Dec.ROUND_HALF_UP).toFixed(1)
  const beforeStaff = new Dec(services.before.staffMinutes).dividedBy(60)
  for (const row of result.hours.byYear) {
    const year = services.byYear.find((entry) => entry.year === row.year)
    if (!year) continue
    const saved = new Dec(year.saved.staffMinutes).dividedBy(60).toDecimalPlaces(2, Dec.ROUND_HALF_UP)
    const before = new Dec(row.before).plus(beforeStaff.toDecimalPlaces(2, Dec.ROUND_HALF_UP))
    const total = new Dec(row.saved).plus(saved)
    row.before = before.toFixed()
    row.saved = total.toFixed()
    row.after = before.minus(total).toFixed()
    row.fte = fte(total)
  }
  const runRate = new Dec(result.hours.runRateSaved).plus(services.staffHoursSaved)
  result.hours.runRateSaved = runRate.toFixed()
  result.hours.runRateFte = fte(runRate)
  result.hours.services = {
    staffHoursSaved: services.staffHoursSaved,
    note: 'procedure and document staff hours saved by the service measures, included above',
  }
}
