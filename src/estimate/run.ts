import type {Rates} from '../domain/currency.js'
import type {InputIssue} from '../domain/errors.js'
import {readRates} from '../ingest/rates.js'
import type {Store} from '../store/open.js'
import {listMinistries} from '../store/register.js'
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
  return {scenario, warnings, systems, plan: planned, ledger, result, ministryOrder, hoursRecorded}
}
