import {MEASURES} from './measures/index.js'
import type {Assumption, Filter, MeasureSpec, Scenario} from './model.js'
import type {ParamKind, ParamValue} from './params.js'

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
    options: {...Object.fromEntries(Object.entries(MEASURES[measure.type].options ?? {}).map(([key, option]) => [key, option.default])), ...measure.options},
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
