import {basename, dirname, resolve} from 'node:path'

import {minorFactor} from '../domain/currency.js'
import {InvalidInputError, type InputIssue} from '../domain/errors.js'
import {MAX_FISCAL_YEAR, MIN_FISCAL_YEAR} from '../domain/fiscal-year.js'
import {locateScenario, readScenarioText, scenarioTooLarge} from '../ingest/scenarios.js'
import {readYamlDocument, type YamlSource} from '../ingest/yaml.js'
import {MEASURES} from './measures/index.js'
import {SERVICE_MEASURES} from './measures/services.js'
import type {ServiceFilter, ServiceMeasureSpec} from './services-model.js'
import {MONEY_UNITS, type Assumption, type Discount, type Filter, type MeasureSpec, type MoneyUnit, type Scenario} from './model.js'
import {DISTRIBUTIONS, bounds, type Distribution, type ParamSpec, type ParamValue} from './params.js'
import {SCENARIO_LIMITS, scenarioSchema} from './schema.js'
import {schemaValidator} from '../platform/schema-validators.js'

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
  return parseScenario(await readScenarioText(file, SCENARIO_LIMITS.bytes), file)
}

/** Loads a bundled scenario by name, or a scenario file by path. */
export async function loadNamedScenario(nameOrFile: string): Promise<LoadedScenario> {
  return loadScenario(await locateScenario(nameOrFile))
}

/**
 * Checks a scenario's text in four steps — YAML, numbers that are not finite,
 * the JSON Schema, then ranges and consistency — and reports the problems of
 * all steps together, in file order.
 */
export async function parseScenario(text: string, file: string): Promise<LoadedScenario> {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > SCENARIO_LIMITS.bytes) throw scenarioTooLarge(file, bytes, SCENARIO_LIMITS.bytes)
  const source = await readYaml(text, file)
  const issues = new Issues(source)
  checkFinite(source.raw, issues)
  await checkSchema(source.raw, issues)
  const warnings: InputIssue[] = []
  const scenario = buildScenario(source, issues, warnings)
  issues.throwIfAny()
  return {scenario, warnings}
}

type Source = YamlSource

/** Step 1: YAML (or JSON) to plain data, with line numbers (the one YAML reader, in src/ingest/). */
function readYaml(text: string, file: string): Promise<Source> {
  return readYamlDocument(text, file, {
    what: 'scenario',
    maxAliasCount: SCENARIO_LIMITS.aliasCount,
    maxIssues: SCENARIO_LIMITS.issues,
    shape: 'a scenario is a mapping with name, baseYear, horizon and measures',
  })
}

/** The problems found so far; a path with a structural problem gets no second one from the range checks. */
class Issues {
  private readonly list: InputIssue[] = []
  private readonly seen = new Set<string>()
  private readonly structural = new Set<string>()

  constructor(private readonly source: Source) {}

  add(path: Path, message: string, options: {hint?: string; structural?: boolean} = {}): void {
    const column = pathText(path)
    if (!options.structural && this.structural.has(column)) return
    const key = `${column}|${message}`
    if (this.seen.has(key)) return
    this.seen.add(key)
    if (options.structural) this.structural.add(column)
    this.list.push({
      file: this.source.file,
      line: this.source.line(path),
      column,
      value: valueText(getPath(this.source.raw, path)),
      message,
      hint: options.hint,
    })
  }

  reported(path: Path): boolean {
    return this.structural.has(pathText(path))
  }

  throwIfAny(): void {
    if (this.list.length === 0) return
    const file = basename(this.source.file)
    const sorted = this.list
      .map((issue, index) => ({issue, index}))
      .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.index - b.index)
      .map(({issue}) => issue)
    throw new InvalidInputError(
      `${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'} in the scenario`,
      sorted.slice(0, SCENARIO_LIMITS.issues),
      {
        totalIssues: sorted.length,
        suggestion: 'correct the scenario (its JSON Schema is data/scenarios/schema.json) and run the command again',
      },
    )
  }
}

/** Step 2: NaN and ±Infinity (YAML's .nan, .inf, or 1e999) are no values, wherever they stand. */
function checkFinite(raw: unknown, issues: Issues): void {
  const stack: Array<{value: unknown; path: Path}> = [{value: raw, path: []}]
  while (stack.length > 0) {
    const {value, path} = stack.pop()!
    if (typeof value === 'number' && !Number.isFinite(value)) issues.add(path, `must be a finite number, not ${value}`, {structural: true})
    else if (Array.isArray(value)) value.forEach((item, index) => stack.push({value: item, path: [...path, index]}))
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) stack.push({value: item, path: [...path, key]})
  }
}

/** Step 3: the JSON Schema (types, keys, enumerations, lengths of lists). */
async function checkSchema(raw: Record<string, unknown>, issues: Issues): Promise<void> {
  const validate = await schemaValidator('scenario', scenarioSchema)
  if (validate(raw as unknown)) return
  const measures = Array.isArray(raw.measures) ? (raw.measures as unknown[]) : []
  const typeOf = (index: number) => {
    const measure = measures[index]
    return measure && typeof measure === 'object' ? (measure as {type?: unknown}).type : undefined
  }
  // Range limits in the schema are for editors; kasumi reports them in step 4, worded, together with the other checks.
  // if/then, oneOf and allOf produce echoes of the real problem; keep the precise ones.
  const echoes = new Set(['minimum', 'maximum', 'if', 'oneOf', 'allOf'])
  for (const error of validate.errors ?? []) {
    if (echoes.has(error.keyword)) continue
    const path: Path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')))
    if (issues.reported(path) && error.keyword === 'type') continue
    let message = error.message ?? 'invalid'
    let target = path
    if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
      const property =
        (error.params as {unevaluatedProperty?: string; additionalProperty?: string}).unevaluatedProperty ??
        (error.params as {additionalProperty?: string}).additionalProperty
      target = [...path, property!]
      // Only a key directly on a measure is one of its parameters; deeper keys (appliesTo, oneTime…) are not.
      const onMeasure = path[0] === 'measures' && path.length === 2
      const type = onMeasure ? typeOf(path[1] as number) : undefined
      message = onMeasure ? `unknown key for a ${String(type)} measure` : 'unknown key'
      const module = typeof type === 'string' ? (MEASURES[type] ?? SERVICE_MEASURES[type]) : undefined
      const known = module ? Object.keys(module.params) : []
      if (known.length) message += `; its parameters are ${known.join(', ')}`
    } else if (error.keyword === 'enum' && path.at(-1) === 'type' && path[0] === 'measures') {
      message = `unknown measure type; known types: ${[...Object.keys(MEASURES), ...Object.keys(SERVICE_MEASURES)].join(', ')}`
    } else if (error.keyword === 'required') {
      message = `${(error.params as {missingProperty: string}).missingProperty} is required here`
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(error.params as {allowedValues: unknown[]}).allowedValues.join(', ')}`
    }
    issues.add(target, message, {structural: true})
  }
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** Step 4: ranges and consistency, on whatever parts of the file are well-formed; builds the scenario. */
function buildScenario(source: Source, issues: Issues, warnings: InputIssue[]): Scenario {
  const {raw, file} = source
  const fail = (path: Path, message: string, hint?: string) => issues.add(path, message, {hint})
  const currency = textOf(raw.currency) ?? 'JPY'
  const moneyUnit = (typeof raw.moneyUnit === 'string' && raw.moneyUnit in MONEY_UNITS ? raw.moneyUnit : 'thousand') as MoneyUnit
  const moneyLimit = maxMoney(moneyUnit, currency)
  const param = (value: unknown, path: Path, spec: ParamSpec): ParamValue | undefined =>
    checkParam(value, path, spec.kind === 'money' ? {...spec, max: Math.min(bounds(spec).max, moneyLimit)} : spec, fail)

  const baseYear = fiscalYear(raw.baseYear, ['baseYear'], fail)
  const horizon = checkHorizon(raw.horizon, baseYear, fail)
  const first = horizon?.[0] ?? baseYear ?? MIN_FISCAL_YEAR
  const last = horizon?.[1] ?? first

  const hourlyCost = param(raw.hourlyCost, ['hourlyCost'], {kind: 'money', description: 'an hourly cost'})
  const context: MeasureContext = {source, fail, warnings, param, horizon, first, last, hourlyCost, ids: new Map()}
  const rawMeasures = Array.isArray(raw.measures) ? raw.measures.slice(0, SCENARIO_LIMITS.measures) : []
  const isService = (measure: Record<string, unknown>) => typeof measure.type === 'string' && SERVICE_MEASURES[measure.type] !== undefined
  const measures = rawMeasures.flatMap((measure: unknown, index) =>
    isRecord(measure) && !isService(measure) ? [buildMeasure(measure, index, context)] : [],
  )
  const serviceMeasures = rawMeasures.flatMap((measure: unknown, index) =>
    isRecord(measure) && isService(measure) ? [buildServiceMeasure(measure, index, context)] : [],
  )
  const citizenHourValue = param(raw.citizenHourValue, ['citizenHourValue'], {kind: 'money', description: "a citizen's hour"})

  const scenario: Scenario = {
    name: textOf(raw.name) ?? '',
    title: textOf(raw.title),
    description: textOf(raw.description),
    file,
    baseYear: baseYear ?? first,
    horizon: [first, last],
    currency,
    moneyUnit,
    discount: checkDiscount(raw.discount, param),
    inflation: param(raw.inflation ?? 0, ['inflation'], {kind: 'rate', description: 'inflation', min: -0.5, max: 1}) ?? placeholder,
    hoursPerFte: param(raw.hoursPerFte ?? 1800, ['hoursPerFte'], {kind: 'hours', description: 'hours per FTE', min: 1, max: 8760}) ?? placeholder,
    hourlyCost,
    exchangeRates: typeof raw.exchangeRates === 'string' ? resolve(dirname(file), raw.exchangeRates) : undefined,
    assumptions: (Array.isArray(raw.assumptions) ? (raw.assumptions as Assumption[]) : [])
      .filter(isRecord)
      .map((assumption) => ({...assumption, value: assumption.value === undefined ? undefined : String(assumption.value)})),
    measures,
    ...(serviceMeasures.length > 0 || citizenHourValue ? {services: {measures: serviceMeasures, citizenHourValue}} : {}),
  }
  scenario.lines = {baseYear: source.line(['baseYear']) ?? 0, horizon: source.line(['horizon']) ?? 0}
  rawMeasures.forEach((_measure, index) => {
    const path = pathText(['measures', index])
    scenario.lines![path] = source.line(['measures', index]) ?? 0
    scenario.lines![`${path}.appliesTo`] = source.line(['measures', index, 'appliesTo']) ?? 0
    for (const key of ['lifeEvents', 'procedures', 'documents'])
      scenario.lines![`${path}.appliesTo.${key}`] = source.line(['measures', index, 'appliesTo', key]) ?? 0
  })
  return scenario
}

interface MeasureContext {
  source: Source
  fail: Fail
  warnings: InputIssue[]
  param: (value: unknown, path: Path, spec: ParamSpec) => ParamValue | undefined
  horizon: [number, number] | undefined
  first: number
  last: number
  hourlyCost: ParamValue | undefined
  /** Measure ids seen so far, with their index. */
  ids: Map<string, number>
}

/** One measure: its parameters by its module's specs, its start, ramp, timing and one-time costs. */
function buildMeasure(measure: Record<string, unknown>, index: number, context: MeasureContext): MeasureSpec {
  const {source, fail, warnings, param, horizon, first, last, hourlyCost, ids} = context
  const file = source.file
  const where = (path: Path) => ({line: source.line(path), column: pathText(path)})
  const path: Path = ['measures', index]
  const id = textOf(measure.id) ?? ''
  if (ids.has(id)) fail([...path, 'id'], `two measures have the id ${id} (the other is measures[${ids.get(id)}])`, 'give each measure its own id')
  else ids.set(id, index)
  const module = typeof measure.type === 'string' ? MEASURES[measure.type] : undefined
  const params: Record<string, ParamValue> = {}
  for (const [name, spec] of Object.entries(module?.params ?? {})) {
    const value = param(measure[name], [...path, name], spec)
    if (value) params[name] = value
  }
  const sets = module ? PARAMETER_SETS[module.type] : undefined
  if (module && sets && !sets.some((set) => set.every((name) => params[name] || measure[name] !== undefined))) {
    fail(path, `a ${module.type} measure needs ${sets.map((set) => set.join(', ')).join(' — or — ')}`)
  }
  // The scenario's hourly cost serves the measures that do not give their own.
  if (hourlyCost && module?.params.hourlyCost && !params.hourlyCost) params.hourlyCost = hourlyCost
  const options: Record<string, string> = {}
  for (const name of Object.keys(module?.options ?? {})) if (measure[name] !== undefined) options[name] = String(measure[name])
  const start = measure.start === undefined ? first : (fiscalYear(measure.start, [...path, 'start'], fail) ?? first)
  if (horizon && start > last)
    warnings.push({file, ...where([...path, 'start']), message: `measure ${id} starts after the horizon and has no effect`})
  if (horizon && start < first)
    warnings.push({
      file,
      ...where([...path, 'start']),
      message: `measure ${id} starts in FY${start}, before the horizon: its savings count from FY${first}, but its one-time costs of FY${start} fall outside the estimate`,
    })
  const rampRaw = Array.isArray(measure.ramp) ? measure.ramp.slice(0, SCENARIO_LIMITS.listItems) : [1]
  const ramp = rampRaw.map(
    (share, position) => param(share, [...path, 'ramp', position], {kind: 'fraction', description: 'a ramp share'}) ?? placeholder,
  )
  const oneTimeRaw = isRecord(measure.oneTime) ? measure.oneTime : {}
  const parallelRaw = isRecord(measure.parallelRunning) ? measure.parallelRunning : {}
  const money: ParamSpec = {kind: 'money', description: 'a one-time cost'}
  return {
    id,
    type: module?.type ?? String(measure.type),
    label: textOf(measure.label),
    description: textOf(measure.description),
    source: textOf(measure.source),
    path: pathText(path),
    appliesTo: filterOf(isRecord(measure.appliesTo) ? measure.appliesTo : undefined),
    start,
    ramp,
    timing: measure.timing === 'refresh' ? 'refresh' : 'ramp',
    oneTime: {
      perSystem: param(oneTimeRaw.perSystem, [...path, 'oneTime', 'perSystem'], money),
      perHost: param(oneTimeRaw.perHost, [...path, 'oneTime', 'perHost'], money),
      fixed: param(oneTimeRaw.fixed, [...path, 'oneTime', 'fixed'], money),
    },
    parallelRunningMonths: param(parallelRaw.months, [...path, 'parallelRunning', 'months'], {
      kind: 'months',
      description: 'months of parallel running',
    }),
    params,
    options,
  }
}

/** One service measure: its parameters by its module's specs, what it reaches, its start and take-up ramp. */
function buildServiceMeasure(measure: Record<string, unknown>, index: number, context: MeasureContext): ServiceMeasureSpec {
  const {source, fail, warnings, param, horizon, first, last, ids} = context
  const path: Path = ['measures', index]
  const id = textOf(measure.id) ?? ''
  if (ids.has(id)) fail([...path, 'id'], `two measures have the id ${id} (the other is measures[${ids.get(id)}])`, 'give each measure its own id')
  else ids.set(id, index)
  const module = SERVICE_MEASURES[measure.type as string]
  const params: Record<string, ParamValue> = {}
  for (const [name, spec] of Object.entries(module.params)) {
    const value = param(measure[name], [...path, name], spec)
    if (value) params[name] = value
  }
  const start = measure.start === undefined ? first : (fiscalYear(measure.start, [...path, 'start'], fail) ?? first)
  if (horizon && start > last)
    warnings.push({
      file: source.file,
      line: source.line([...path, 'start']),
      column: pathText([...path, 'start']),
      message: `measure ${id} starts after the horizon and has no effect`,
    })
  const rampRaw = Array.isArray(measure.ramp) ? measure.ramp.slice(0, SCENARIO_LIMITS.listItems) : [1]
  const ramp = rampRaw.map(
    (share, position) => param(share, [...path, 'ramp', position], {kind: 'fraction', description: 'a take-up ramp share'}) ?? placeholder,
  )
  const raw = isRecord(measure.appliesTo) ? measure.appliesTo : {}
  const list = (value: unknown) => (value === undefined ? undefined : Array.isArray(value) ? value.map(String) : [String(value)])
  const appliesTo: ServiceFilter = {lifeEvents: list(raw.lifeEvents), procedures: list(raw.procedures), documents: list(raw.documents)}
  return {
    id,
    type: module.type,
    label: textOf(measure.label),
    description: textOf(measure.description),
    source: textOf(measure.source),
    path: pathText(path),
    appliesTo,
    start,
    ramp,
    params,
  }
}

/** Stands in for a parameter with a problem; the scenario is never returned then. */
const placeholder: ParamValue = {path: '', base: '0'}

type Fail = (path: Path, message: string, hint?: string) => void

/** A number or {low, base, high}, each finite and within the parameter's bounds, low ≤ base ≤ high. Wrong shapes are left to the schema. */
function checkParam(value: unknown, path: Path, spec: ParamSpec, fail: Fail): ParamValue | undefined {
  if (value === undefined) return undefined
  const {min, max} = bounds(spec)
  let out: ParamValue
  if (finite(value)) out = {path: pathText(path), base: String(value)}
  else if (isRecord(value) && finite(value.low) && finite(value.base) && finite(value.high)) {
    const distribution = (DISTRIBUTIONS as readonly unknown[]).includes(value.distribution) ? (value.distribution as Distribution) : 'pert'
    out = {path: pathText(path), base: String(value.base), low: String(value.low), high: String(value.high), distribution}
  } else return undefined
  const name = spec.description.split(' (')[0]
  const range = `between ${min} and ${max < Number.MAX_SAFE_INTEGER ? max : '∞'}`
  for (const [label, text] of [
    ['base', out.base],
    ['low', out.low],
    ['high', out.high],
  ] as const) {
    if (text === undefined) continue
    const number = Number(text)
    if (number < min || number > max)
      fail(typeof value === 'number' ? path : [...path, label], `${name} ${label === 'base' ? '' : `${label} `}must be ${range}`)
  }
  if (out.low !== undefined && !(Number(out.low) <= Number(out.base) && Number(out.base) <= Number(out.high)))
    fail(path, 'an uncertain value needs low ≤ base ≤ high')
  return out
}

/** A fiscal year: an integer within kasumi's range (the schema reports other types). */
function fiscalYear(value: unknown, path: Path, fail: Fail): number | undefined {
  if (!finite(value) || !Number.isInteger(value)) return undefined
  if (value < MIN_FISCAL_YEAR || value > MAX_FISCAL_YEAR) {
    fail(path, `fiscal year ${value} is outside ${MIN_FISCAL_YEAR}–${MAX_FISCAL_YEAR}`, 'give a four-digit fiscal year, e.g. 2009')
    return undefined
  }
  return value
}

function checkHorizon(value: unknown, baseYear: number | undefined, fail: Fail): [number, number] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined
  const first = fiscalYear(value[0], ['horizon', 0], fail)
  const last = fiscalYear(value[1], ['horizon', 1], fail)
  if (first === undefined || last === undefined) return undefined
  if (last < first) {
    fail(['horizon'], `the horizon ends (${last}) before it starts (${first})`)
    return undefined
  }
  if (last - first + 1 > SCENARIO_LIMITS.horizonYears) {
    fail(['horizon'], `the horizon spans ${last - first + 1} years; an estimate covers at most ${SCENARIO_LIMITS.horizonYears}`)
    return undefined
  }
  if (baseYear !== undefined && baseYear > last) fail(['baseYear'], 'the base year comes after the horizon')
  if (baseYear !== undefined && first - baseYear > SCENARIO_LIMITS.horizonYears)
    fail(['baseYear'], `the base year is ${first - baseYear} years before the horizon; at most ${SCENARIO_LIMITS.horizonYears}`)
  return [first, last]
}

function checkDiscount(value: unknown, param: (value: unknown, path: Path, spec: ParamSpec) => ParamValue | undefined): Discount {
  const discount = isRecord(value) ? value : {rate: 0.035}
  const spec: ParamSpec = {kind: 'rate', description: 'a discount rate', min: -0.5, max: 1}
  if (discount.rate !== undefined) return {kind: 'rate', rate: param(discount.rate, ['discount', 'rate'], spec) ?? placeholder}
  if (discount.schedule === 'green-book') return {kind: 'green-book'}
  const rates = Array.isArray(discount.schedule) ? discount.schedule.slice(0, SCENARIO_LIMITS.listItems) : []
  return {kind: 'schedule', rates: rates.map((rate, index) => param(rate, ['discount', 'schedule', index], spec) ?? placeholder)}
}

/** The largest money parameter: its amount in the currency's minor unit stays far inside exact integer arithmetic. */
function maxMoney(unit: MoneyUnit, currency: string): number {
  return SCENARIO_LIMITS.moneyMinorUnits / (MONEY_UNITS[unit] * minorFactor(currency))
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
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}
