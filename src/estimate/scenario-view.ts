import {InvalidInputError} from '../domain/errors.js'
import {MEASURES} from './measures/index.js'
import type {Assumption, Filter, MeasureSpec, Scenario} from './model.js'
import type {ParamKind, ParamValue} from './params.js'
import {bundledScenarioNames, locateScenario} from '../ingest/scenarios.js'
import {loadScenario} from './scenario.js'

/* A scenario as `kasumi scenario show` gives it: each measure with every parameter it uses, defaults included. */

export interface ShownParameter {
  name: string
  path: string
  kind: ParamKind
  description: string
  base: string
  low?: string
  high?: string
  distribution?: string
  /** false when the value is the measure's default, not written in the file. */
  given: boolean
  /** The id of the assumptions register entry that documents it, if any. */
  assumption?: string
}

export interface ShownMeasure {
  id: string
  type: string
  label?: string
  appliesTo: Filter
  start: number
  ramp: ParamValue[]
  timing: MeasureSpec['timing']
  oneTime: MeasureSpec['oneTime']
  parallelRunningMonths?: ParamValue
  parameters: ShownParameter[]
  /** Every option of the measure's type: its default, or the value the file gives. */
  options: Record<string, string>
}

/** The measures of a scenario in the order they apply, with their parameters and options. */
export function shownMeasures(scenario: Scenario): ShownMeasure[] {
  return scenario.measures.map((measure) => ({
    id: measure.id,
    type: measure.type,
    label: measure.label,
    appliesTo: measure.appliesTo,
    start: measure.start,
    ramp: measure.ramp,
    timing: measure.timing,
    oneTime: measure.oneTime,
    parallelRunningMonths: measure.parallelRunningMonths,
    parameters: parametersOf(measure, scenario.assumptions),
    options: {
      ...Object.fromEntries(Object.entries(MEASURES[measure.type].options ?? {}).map(([key, option]) => [key, option.default])),
      ...measure.options,
    },
  }))
}

function documentedBy(id: string, assumptions: Assumption[]): string | undefined {
  return assumptions.find((assumption) => assumption.id === id)?.id
}

/** Every parameter of a measure: those written in the file, then the defaults it uses. */
function parametersOf(measure: MeasureSpec, assumptions: Assumption[]): ShownParameter[] {
  const module = MEASURES[measure.type]
  const shown: ShownParameter[] = []
  for (const [name, spec] of Object.entries(module.params)) {
    const value = measure.params[name]
    if (!value && spec.default === undefined) continue
    shown.push({
      name,
      path: value?.path ?? `${measure.path}.${name}`,
      kind: spec.kind,
      description: spec.description,
      base: value?.base ?? String(spec.default),
      ...(value?.low === undefined ? {} : {low: value.low, high: value.high, distribution: value.distribution}),
      given: value !== undefined,
      assumption: documentedBy(`${measure.id}.${name}`, assumptions),
    })
  }
  return shown
}

/** A bundled scenario as `kasumi scenario list` gives it; a damaged one as invalid, with its number of problems. */
export interface ListedScenario {
  name: string
  file: string
  valid: boolean
  title?: string
  baseYear?: number
  horizon?: [number, number]
  currency?: string
  measures?: Array<{id: string; type: string}>
  assumptions?: number
  problems?: number
}

/** Every bundled scenario, read and checked. */
export async function listBundledScenarios(): Promise<ListedScenario[]> {
  const scenarios: ListedScenario[] = []
  for (const name of await bundledScenarioNames()) {
    const file = await locateScenario(name)
    try {
      const {scenario} = await loadScenario(file)
      scenarios.push({
        name: scenario.name,
        file,
        valid: true,
        title: scenario.title,
        baseYear: scenario.baseYear,
        horizon: scenario.horizon,
        currency: scenario.currency,
        measures: [
          ...scenario.measures.map((measure) => ({id: measure.id, type: measure.type})),
          ...(scenario.services?.measures ?? []).map((measure) => ({id: measure.id, type: measure.type})),
        ],
        assumptions: scenario.assumptions.length,
      })
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error
      scenarios.push({name, file, valid: false, problems: error.totalIssues})
    }
  }
  return scenarios
}
