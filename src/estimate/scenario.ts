import {basename, dirname, resolve} from 'node:path'

import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {locateScenario, readScenarioText} from '../ingest/scenarios.js'
import {MEASURES} from './measures/index.js'
import {MONEY_UNITS, type Assumption, type Discount, type Filter, type MeasureSpec, type MoneyUnit, type Scenario} from './model.js'
import {bounds, type Distribution, type ParamSpec, type ParamValue} from './params.js'
import {scenarioSchema} from './schema.js'

type Path = Array<string | number>

/** Measures whose parameters come in alternative sets, none required alone: one set must be given whole. */
const PARAMETER_SETS: Record<string, string[][]> = {
  facilities: [['reduction'], ['wattsPerHost', 'pueBefore', 'pueAfter', 'pricePerKwh']],
}

export interface LoadedScenario {
  scenario: Scenario
  warnings: InputIssue[]
}

/** Reads (through src/ingest), validates against the JSON Schema, and checks a scenario file. All problems are reported at once, with key path and line. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  return parseScenario(await readScenarioText(file), file)
}

/** Loads a bundled scenario by name, or a scenario file by path. */
export async function loadNamedScenario(nameOrFile: string): Promise<LoadedScenario> {
  return loadScenario(await locateScenario(nameOrFile))
}

export async function parseScenario(text: string, file: string): Promise<LoadedScenario> {
  const YAML = await import('yaml')
  const lineCounter = new YAML.LineCounter()
  const document = YAML.parseDocument(text, {lineCounter, prettyErrors: false})
  const issues: InputIssue[] = []
  const where = (path: Path): {line?: number; column: string} => {
    const node = document.getIn(path, true) as {range?: [number, number, number]} | undefined
    let line: number | undefined
    if (node && typeof node === 'object' && node.range) line = lineCounter.linePos(node.range[0]).line
    else if (path.length > 0) return {line: where(path.slice(0, -1)).line, column: pathText(path)}
    return {line, column: pathText(path)}
  }
  for (const error of document.errors) {
    // Without prettyErrors the parser gives only offsets (pos); the line counter turns them into line and column.
    const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0])
    issues.push({file, line: position.line, column: `col ${position.col}`, message: `not valid YAML: ${error.message.split('\n')[0]}`})
  }
  if (issues.length > 0) throw new InvalidInputError(`${basename(file)}: the scenario cannot be read`, issues)
  const raw = document.toJS() as Record<string, unknown> | null
  if (!raw || typeof raw !== 'object') throw new InvalidInputError(`${basename(file)}: the scenario is empty`, [{file, message: 'a scenario is a mapping with name, baseYear, horizon and measures'}])

  const {default: Ajv2020} = await import('ajv/dist/2020.js')
  const ajv = new (Ajv2020 as unknown as typeof import('ajv').default)({allErrors: true, strict: false})
  const validate = ajv.compile(scenarioSchema())
  const rawMeasures = (raw as {measures?: Array<{type?: string}>}).measures ?? []
  // Range limits in the schema are for editors; kasumi reports them below, worded, together with the other checks.
  // if/then, oneOf and allOf produce echoes of the real problem; keep the precise ones.
  const echoes = new Set(['minimum', 'maximum', 'if', 'oneOf', 'allOf'])
  const structural = validate(raw) ? [] : (validate.errors ?? []).filter((error) => !echoes.has(error.keyword))
  if (structural.length > 0) {
    const seen = new Set<string>()
    for (const error of structural) {
      const path: Path = error.instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')))
      let message = error.message ?? 'invalid'
      let target = path
      if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
        const property = (error.params as {unevaluatedProperty?: string; additionalProperty?: string}).unevaluatedProperty ?? (error.params as {additionalProperty?: string}).additionalProperty
        target = [...path, property!]
        // Only a key directly on a measure is one of its parameters; deeper keys (appliesTo, oneTime…) are not.
        const onMeasure = path[0] === 'measures' && path.length === 2
        message = onMeasure ? `unknown key for a ${String(rawMeasures[path[1] as number]?.type)} measure` : 'unknown key'
        const type = onMeasure ? rawMeasures[path[1] as number]?.type : undefined
        const known = type && MEASURES[type] ? Object.keys(MEASURES[type].params) : []
        if (known.length) message += `; its parameters are ${known.join(', ')}`
      } else if (error.keyword === 'enum' && path.at(-1) === 'type' && path[0] === 'measures') {
        message = `unknown measure type; known types: ${Object.keys(MEASURES).join(', ')}`
      } else if (error.keyword === 'required') {
        message = `${(error.params as {missingProperty: string}).missingProperty} is required here`
      } else if (error.keyword === 'enum') {
        message = `must be one of ${(error.params as {allowedValues: unknown[]}).allowedValues.join(', ')}`
      }
      const key = `${pathText(target)}|${message}`
      if (seen.has(key)) continue
      seen.add(key)
      const position = where(target)
      issues.push({file, line: position.line, column: position.column, value: valueText(getPath(raw, target)), message})
    }
    throw new InvalidInputError(`${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the scenario`, issues, {suggestion: 'correct the scenario (its JSON Schema is data/scenarios/schema.json) and run the command again'})
  }

  const warnings: InputIssue[] = []
  const fail = (path: Path, message: string, hint?: string) => {
    const position = where(path)
    issues.push({file, line: position.line, column: position.column, value: valueText(getPath(raw, path)), message, hint})
  }
  const param = (value: unknown, path: Path, spec: ParamSpec): ParamValue | undefined => {
    if (value === undefined) return undefined
    const {min, max} = bounds(spec)
    const out: ParamValue = typeof value === 'number' ? {path: pathText(path), base: String(value)} : {path: pathText(path), base: String((value as {base: number}).base), low: String((value as {low: number}).low), high: String((value as {high: number}).high), distribution: ((value as {distribution?: Distribution}).distribution ?? 'pert')}
    for (const [label, text] of [['base', out.base], ['low', out.low], ['high', out.high]] as const) {
      if (text === undefined) continue
      const number = Number(text)
      if (number < min || number > max) fail(typeof value === 'number' ? path : [...path, label], `${spec.description.split(' (')[0]}: ${label === 'base' ? '' : `${label} `}must be between ${min} and ${Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER ? max : '∞'}`.replace(': must', ' must'))
    }
    if (out.low !== undefined && !(Number(out.low) <= Number(out.base) && Number(out.base) <= Number(out.high))) fail(path, 'an uncertain value needs low ≤ base ≤ high')
    return out
  }

  const horizon = raw.horizon as [number, number]
  const baseYear = raw.baseYear as number
  if (horizon[1] < horizon[0]) fail(['horizon'], `the horizon ends (${horizon[1]}) before it starts (${horizon[0]})`)
  if (baseYear > horizon[1]) fail(['baseYear'], 'the base year comes after the horizon')

  const hourlyCost = param(raw.hourlyCost, ['hourlyCost'], {kind: 'money', description: 'an hourly cost'})
  const measures: MeasureSpec[] = []
  const ids = new Map<string, number>()
  ;(raw.measures as Array<Record<string, unknown>>).forEach((measure, index) => {
    const path: Path = ['measures', index]
    const id = measure.id as string
    if (ids.has(id)) fail([...path, 'id'], `two measures have the id ${id} (the other is measures[${ids.get(id)}])`, 'give each measure its own id')
    else ids.set(id, index)
    const module = MEASURES[measure.type as string]
    const params: Record<string, ParamValue> = {}
    for (const [name, spec] of Object.entries(module.params)) {
      const value = param(measure[name], [...path, name], spec)
      if (value) params[name] = value
    }
    const sets = PARAMETER_SETS[module.type]
    if (sets && !sets.some((set) => set.every((name) => params[name]))) {
      fail(path, `a ${module.type} measure needs ${sets.map((set) => set.join(', ')).join(' — or — ')}`)
    }
    // The scenario's hourly cost serves the measures that do not give their own.
    if (hourlyCost && module.params.hourlyCost && !params.hourlyCost) params.hourlyCost = hourlyCost
    const options: Record<string, string> = {}
    for (const name of Object.keys(module.options ?? {})) if (measure[name] !== undefined) options[name] = String(measure[name])
    const start = (measure.start as number | undefined) ?? horizon[0]
    if (start > horizon[1]) warnings.push({file, ...where([...path, 'start']), message: `measure ${id} starts after the horizon and has no effect`})
    if (start < horizon[0]) warnings.push({file, ...where([...path, 'start']), message: `measure ${id} starts in FY${start}, before the horizon: its savings count from FY${horizon[0]}, but its one-time costs of FY${start} fall outside the estimate`})
    const ramp = ((measure.ramp as unknown[] | undefined) ?? [1]).map((share, position) => param(share, [...path, 'ramp', position], {kind: 'fraction', description: 'a ramp share'})!)
    const oneTimeRaw = (measure.oneTime ?? {}) as Record<string, unknown>
    const money: ParamSpec = {kind: 'money', description: 'a one-time cost'}
    measures.push({
      id,
      type: module.type,
      label: measure.label as string | undefined,
      description: measure.description as string | undefined,
      source: measure.source as string | undefined,
      path: pathText(path),
      appliesTo: filterOf(measure.appliesTo as Record<string, unknown> | undefined),
      start,
      ramp,
      timing: (measure.timing as 'ramp' | 'refresh' | undefined) ?? 'ramp',
      oneTime: {
        perSystem: param(oneTimeRaw.perSystem, [...path, 'oneTime', 'perSystem'], money),
        perHost: param(oneTimeRaw.perHost, [...path, 'oneTime', 'perHost'], money),
        fixed: param(oneTimeRaw.fixed, [...path, 'oneTime', 'fixed'], money),
      },
      parallelRunningMonths: param((measure.parallelRunning as {months?: unknown} | undefined)?.months, [...path, 'parallelRunning', 'months'], {kind: 'months', description: 'months of parallel running'}),
      params,
      options,
    })
  })

  const discountRaw = (raw.discount ?? {rate: 0.035}) as {rate?: unknown; schedule?: unknown}
  let discount: Discount
  const rateSpec: ParamSpec = {kind: 'rate', description: 'a discount rate', min: -0.5, max: 1}
  if (discountRaw.rate !== undefined) discount = {kind: 'rate', rate: param(discountRaw.rate, ['discount', 'rate'], rateSpec)!}
  else if (discountRaw.schedule === 'green-book') discount = {kind: 'green-book'}
  else discount = {kind: 'schedule', rates: (discountRaw.schedule as unknown[]).map((rate, index) => param(rate, ['discount', 'schedule', index], rateSpec)!)}

  const scenario: Scenario = {
    name: raw.name as string,
    title: raw.title as string | undefined,
    description: raw.description as string | undefined,
    file,
    baseYear,
    horizon,
    currency: (raw.currency as string | undefined) ?? 'JPY',
    moneyUnit: ((raw.moneyUnit as MoneyUnit | undefined) ?? 'thousand') as MoneyUnit,
    discount,
    inflation: param(raw.inflation ?? 0, ['inflation'], {kind: 'rate', description: 'inflation', min: -0.5, max: 1})!,
    hoursPerFte: param(raw.hoursPerFte ?? 1800, ['hoursPerFte'], {kind: 'hours', description: 'hours per FTE', min: 1, max: 8760})!,
    hourlyCost,
    exchangeRates: raw.exchangeRates === undefined ? undefined : resolve(dirname(file), raw.exchangeRates as string),
    assumptions: ((raw.assumptions as Assumption[] | undefined) ?? []).map((assumption) => ({...assumption, value: assumption.value === undefined ? undefined : String(assumption.value)})),
    measures,
  }
  scenario.lines = {baseYear: where(['baseYear']).line ?? 0, horizon: where(['horizon']).line ?? 0}
  scenario.measures.forEach((measure, index) => {
    scenario.lines![measure.path] = where(['measures', index]).line ?? 0
    scenario.lines![`${measure.path}.appliesTo`] = where(['measures', index, 'appliesTo']).line ?? 0
  })
  if (!(scenario.moneyUnit in MONEY_UNITS)) fail(['moneyUnit'], 'unknown money unit')
  if (issues.length > 0) throw new InvalidInputError(`${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the scenario`, issues)
  return {scenario, warnings}
}

function filterOf(raw: Record<string, unknown> | undefined): Filter {
  if (!raw) return {}
  const list = (value: unknown) => (value === undefined ? undefined : Array.isArray(value) ? value.map(String) : [String(value)])
  return {
    category: list(raw.category),
    ministry: list(raw.ministry),
    systems: list(raw.systems),
    tags: list(raw.tags),
    area: list(raw.area),
    eligibility: list(raw.eligibility) as Filter['eligibility'],
    status: list(raw.status) as Filter['status'],
  }
}

export function pathText(path: Path): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('')
}

function getPath(value: unknown, path: Path): unknown {
  let current = value
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string | number, unknown>)[part]
  }
  return current
}

function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}
