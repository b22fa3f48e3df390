import {Args} from '@oclif/core'

import {BaseCommand, JSON_FORMAT_VERSION} from '../../src/cli/base.js'
import type {TableData} from '../../src/domain/table.js'
import {MEASURES} from '../../src/estimate/measures/index.js'
import type {Assumption, Discount, Filter, MeasureSpec, Scenario} from '../../src/estimate/model.js'
import type {ParamKind, ParamValue} from '../../src/estimate/params.js'
import {loadScenario} from '../../src/estimate/scenario.js'
import {locateScenario} from '../../src/ingest/scenarios.js'

interface ShownParameter {
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

export default class ScenarioShow extends BaseCommand {
  static override summary = 'Show a scenario as kasumi reads it: settings, measures with their parameters, assumptions.'
  static override description = `Reads and checks a scenario file or a bundled scenario, then shows what the estimate will use: the settings (base year, horizon, currency, money unit, discounting, inflation, hours per FTE), each measure in the order it applies — which systems it selects, start, ramp, timing, one-time costs — and every parameter with its range when it is uncertain (low, base, high, distribution), including the defaults the file leaves out; and the assumptions register. A parameter is marked documented when the register has an entry with its id (<measure id>.<parameter>).

Money parameters are in the scenario's money unit (千円 for moneyUnit: thousand and JPY).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> kasumigaseki-cloud',
    '<%= config.bin %> <%= command.id %> ./my-scenario.yaml',
    '<%= config.bin %> <%= command.id %> joint-use --json',
  ]

  static override args = {
    scenario: Args.string({description: 'Scenario file (YAML or JSON), or the name of a bundled scenario.', required: true}),
  }

  async run() {
    const {args} = await this.parse(ScenarioShow)
    const file = await locateScenario(args.scenario)
    const {scenario, warnings} = await loadScenario(file)
    this.warnIssues(warnings)
    const measures = scenario.measures.map((measure) => ({
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
    if (!this.jsonEnabled()) {
      this.table(settingsTable(scenario))
      this.table(measuresTable(scenario))
      this.table(parametersTable(scenario, measures))
      for (const line of assumptionLines(scenario.assumptions)) this.log(line)
    }
    return {
      formatVersion: JSON_FORMAT_VERSION,
      scenario: {
        name: scenario.name,
        title: scenario.title,
        description: scenario.description,
        file,
        baseYear: scenario.baseYear,
        horizon: scenario.horizon,
        currency: scenario.currency,
        moneyUnit: scenario.moneyUnit,
        discount: scenario.discount,
        inflation: scenario.inflation,
        hoursPerFte: scenario.hoursPerFte,
        hourlyCost: scenario.hourlyCost,
        exchangeRates: scenario.exchangeRates,
      },
      measures,
      assumptions: scenario.assumptions,
      warnings,
    }
  }
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

function uncertain(value: ParamValue | undefined): string {
  if (!value) return ''
  if (value.low === undefined) return value.base
  return `${value.base} (${value.low}–${value.high}${value.distribution && value.distribution !== 'pert' ? `, ${value.distribution}` : ''})`
}

function discountText(discount: Discount): string {
  if (discount.kind === 'rate') return `rate ${uncertain(discount.rate)}`
  if (discount.kind === 'green-book') return 'green-book (HM Treasury declining schedule)'
  return `schedule ${discount.rates.map(uncertain).join(', ')}`
}

function moneyUnitText(scenario: Scenario): string {
  const factor = {one: '', thousand: 'thousand ', million: 'million '}[scenario.moneyUnit]
  if (scenario.currency === 'JPY') return {one: '円', thousand: '千円', million: '百万円'}[scenario.moneyUnit]
  return `${factor}${scenario.currency}`
}

function settingsTable(scenario: Scenario): TableData {
  const rows: string[][] = [
    ['name', scenario.name],
    ['title', scenario.title ?? ''],
    ['file', scenario.file ?? ''],
    ['base year', `FY${scenario.baseYear}`],
    ['horizon', `FY${scenario.horizon[0]}–FY${scenario.horizon[1]}`],
    ['currency', scenario.currency],
    ['money unit', `${scenario.moneyUnit} (${moneyUnitText(scenario)})`],
    ['discount', discountText(scenario.discount)],
    ['inflation', uncertain(scenario.inflation)],
    ['hours per FTE', uncertain(scenario.hoursPerFte)],
  ]
  if (scenario.hourlyCost) rows.push(['hourly cost', `${uncertain(scenario.hourlyCost)} ${moneyUnitText(scenario)}`])
  if (scenario.exchangeRates) rows.push(['exchange rates', scenario.exchangeRates])
  return {title: `Scenario ${scenario.name}`, head: ['setting', 'value'], rows, align: ['left', 'left']}
}

function filterText(filter: Filter): string {
  const parts = Object.entries(filter)
    .filter(([, values]) => values !== undefined)
    .map(([key, values]) => `${key} ${(values as string[]).join(', ')}`)
  return parts.length === 0 ? 'eligible systems in service' : parts.join('; ')
}

function measuresTable(scenario: Scenario): TableData {
  const rows = scenario.measures.map((measure, index) => {
    const oneTime = (['perSystem', 'perHost', 'fixed'] as const).filter((key) => measure.oneTime[key]).map((key) => `${key} ${uncertain(measure.oneTime[key])}`)
    if (measure.parallelRunningMonths) oneTime.push(`parallel running ${uncertain(measure.parallelRunningMonths)} months`)
    return [
      String(index + 1),
      measure.id,
      measure.type,
      measure.label ?? '',
      filterText(measure.appliesTo),
      `FY${measure.start}`,
      `${measure.ramp.map(uncertain).join(', ')}${measure.timing === 'refresh' ? ' at refresh' : ''}`,
      oneTime.join('; '),
    ]
  })
  return {
    title: `Measures, in the order they apply (money in ${moneyUnitText(scenario)})`,
    head: ['#', 'id', 'type', 'label', 'applies to', 'start', 'ramp', 'one-time'],
    rows,
    align: ['right', 'left', 'left', 'left', 'left', 'left', 'left', 'left'],
  }
}

const KIND_UNITS: Partial<Record<ParamKind, string>> = {fraction: 'share', percent: '%', months: 'months', hours: 'hours', count: 'count', rate: 'rate'}

function parametersTable(scenario: Scenario, measures: Array<{id: string; parameters: ShownParameter[]; options: Record<string, string>}>): TableData {
  const rows: string[][] = []
  measures.forEach((measure, position) => {
    const given = scenario.measures[position].options
    measure.parameters.forEach((parameter, index) => {
      rows.push([
        index === 0 ? measure.id : '',
        parameter.name,
        parameter.kind === 'money' ? moneyUnitText(scenario) : KIND_UNITS[parameter.kind] ?? '',
        parameter.base,
        parameter.low ?? '',
        parameter.high ?? '',
        parameter.low === undefined ? '' : parameter.distribution ?? 'pert',
        parameter.given ? 'file' : 'default',
        parameter.assumption ? '✓' : '',
      ])
    })
    for (const [key, value] of Object.entries(measure.options)) {
      rows.push([measure.parameters.length === 0 ? measure.id : '', key, 'option', value === '' ? '(default)' : value, '', '', '', key in given ? 'file' : 'default', ''])
    }
  })
  return {
    title: 'Parameters (uncertain ones with low, high and distribution)',
    head: ['measure', 'parameter', 'unit', 'base', 'low', 'high', 'distribution', 'set by', 'documented'],
    rows,
    align: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'left', 'center'],
  }
}

function assumptionLines(assumptions: Assumption[]): string[] {
  if (assumptions.length === 0) return ['Assumptions register: empty.']
  const lines = [`Assumptions register (${assumptions.length}):`]
  for (const assumption of assumptions) {
    lines.push(`  ${assumption.id}${assumption.value === undefined ? '' : ` = ${assumption.value}`}`, `      ${assumption.description}`)
    const by = [assumption.source && `source: ${assumption.source}`, assumption.owner && `owner: ${assumption.owner}`, assumption.date].filter(Boolean).join('; ')
    if (by) lines.push(`      ${by}`)
  }
  return lines
}
