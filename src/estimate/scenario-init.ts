import {UsageError} from '../domain/errors.js'
import {CURRENCY_PATTERN} from '../domain/money.js'
import {MEASURES, MEASURE_TYPES} from './measures/index.js'
import type {ParamSpec} from './params.js'

/**
 * A starter scenario file: the YAML text of a scenario with every key
 * commented, made from the answers to `kasumi scenario init`. A pure
 * function of its options, so the same answers always give the same file.
 */
export interface ScenarioInitOptions {
  name: string
  title?: string
  baseYear: number
  horizon: [number, number]
  currency: string
  /** Measure types, in the order they apply. */
  measures: string[]
  /** The JSON Schema for editors, relative to the file (the yaml-language-server line). */
  schema?: string
  /** ISO date written on the assumptions register entries. */
  date: string
}

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** Answers used when a flag is not given and nobody is asked. */
export const INIT_DEFAULTS = {
  name: 'my-scenario',
  baseYear: 2008,
  currency: 'JPY',
  measures: [...MEASURE_TYPES],
} as const

/** The horizon that follows a base year: the next seven fiscal years (2008 → 2009–2015). */
export function defaultHorizon(baseYear: number): [number, number] {
  return [baseYear + 1, baseYear + 7]
}

/** Reads `2010-2015` (also `2010..2015`, `2010–2015`, `2010:2015`, or one year). */
export function parseHorizon(text: string): [number, number] {
  const match = /^\s*(\d{4})\s*(?:(?:-|–|—|\.\.|:|,)\s*(\d{4}))?\s*$/.exec(text)
  if (!match)
    throw new UsageError(`--horizon ${JSON.stringify(text)} is not a range of fiscal years`, {
      suggestion: 'give the first and last fiscal year, e.g. --horizon 2010-2015',
    })
  const horizon: [number, number] = [Number(match[1]), Number(match[2] ?? match[1])]
  if (horizon[1] < horizon[0])
    throw new UsageError(`--horizon ${text} ends before it starts`, {suggestion: `did you mean --horizon ${horizon[1]}-${horizon[0]}?`})
  return horizon
}

/** Checks the answers as `scenario validate` would, before anything is written. */
export function checkInitOptions(options: Omit<ScenarioInitOptions, 'date'>): void {
  if (!NAME_PATTERN.test(options.name))
    throw new UsageError(`--name ${JSON.stringify(options.name)} is not a scenario name`, {
      suggestion: 'use letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. --name lan-2010',
    })
  if (!CURRENCY_PATTERN.test(options.currency))
    throw new UsageError(`--currency ${JSON.stringify(options.currency)} is not an ISO 4217 code`, {
      suggestion: 'give three capital letters, e.g. --currency JPY',
    })
  if (options.baseYear > options.horizon[1])
    throw new UsageError(`the base year ${options.baseYear} comes after the horizon ${options.horizon[0]}–${options.horizon[1]}`, {
      suggestion: 'the base year is the year whose costs are the baseline, usually the year before the horizon starts',
    })
  const unknown = options.measures.filter((type) => !MEASURES[type])
  if (unknown.length > 0)
    throw new UsageError(`unknown measure${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`, {
      suggestion: `known measures: ${MEASURE_TYPES.join(', ')}`,
    })
  if (options.measures.length === 0)
    throw new UsageError('a scenario needs at least one measure', {suggestion: `pick from ${MEASURE_TYPES.join(', ')}`})
}

type Value = number | {low: number; base: number; high: number}

interface Starter {
  label: string
  /** Comment lines above the measure: what it does, in the 2009 study's terms. */
  about: string
  /** Lines of common keys (appliesTo, ramp, oneTime …), each with its comment. */
  common?: Array<{key: string; value: string; comment: string}>
  /** Starting values of the measure's own parameters; the others are written commented out. */
  values: Record<string, Value | string>
}

/** Starting values: those of the bundled kasumigaseki-cloud scenario, in thousands of the currency. */
const STARTERS: Record<string, Starter> = {
  virtualize: {
    label: 'サーバの仮想化・統合',
    about: 'Servers move onto the shared platform; hosts after = Σ servers × utilisation ÷ target utilisation.',
    common: [
      {key: 'ramp', value: '[0.3, 0.7, 1]', comment: 'a third of the effect in the first year, all of it in the third'},
      {key: 'oneTime', value: '{perSystem: 5000, perHost: 300}', comment: 'migration: per system, and per present server'},
    ],
    values: {targetUtilisation: {low: 50, base: 60, high: 70}, platformCostPerHost: 300},
  },
  'pool-licences': {
    label: '基本ソフトウェア・ミドルウェアの共通化',
    about: 'OS and middleware (DBMS) licences are bought once for the platform: the software cost shrinks.',
    common: [{key: 'ramp', value: '[0.5, 1]', comment: 'half the effect in the first year'}],
    values: {reduction: {low: 0.1, base: 0.2, high: 0.3}},
  },
  'shared-auth': {
    label: '職員等利用者共通認証（GIMA）',
    about: "Staff sign in through one shared authentication service instead of each system's own.",
    common: [
      {
        key: 'appliesTo',
        value: '{category: [lan, small-scale]}',
        comment: 'staff-facing systems only: the users of public-facing systems are not staff',
      },
      {key: 'oneTime', value: '{perSystem: 1500}', comment: 'connecting one system to the shared service'},
    ],
    values: {authCostPerSystem: 1000, sharedServiceCost: 15000},
  },
  'unified-operations': {
    label: '運用管理の一元化',
    about: 'One operations, outsourcing and monitoring arrangement: the outside-services cost shrinks.',
    common: [{key: 'ramp', value: '[0.5, 1]', comment: 'half the effect in the first year'}],
    values: {reduction: {low: 0.1, base: 0.15, high: 0.25}},
  },
  facilities: {
    label: '施設・設備の一元化',
    about:
      'One data centre instead of many machine rooms: the facilities and power cost shrinks by a reduction, or (without reduction) by the energy a better PUE saves.',
    values: {reduction: {low: 0.15, base: 0.25, high: 0.35}},
  },
  network: {
    label: '外部接続の一元化（霞が関WAN）',
    about: 'One WAN and one set of external connections: the telecom cost shrinks.',
    common: [{key: 'ramp', value: '[0.5, 1]', comment: 'half the effect in the first year'}],
    values: {reduction: {low: 0.15, base: 0.25, high: 0.35}},
  },
  'security-policy': {
    label: '統一的なセキュリティポリシー',
    about: 'One security policy and audit: the security share of every cost shrinks.',
    values: {share: 0.08, reduction: {low: 0.2, base: 0.3, high: 0.4}},
  },
  'joint-use': {
    label: '共同利用',
    about:
      'Systems several ministries run for the same business become one shared system per business area: the most costly one hosts it, the others pay a yearly per-tenant charge.',
    common: [
      {
        key: 'appliesTo',
        value: '{area: 電子申請等受付業務}',
        comment: 'business areas as the register names them (see kasumi inventory list --columns id,ministry,area)',
      },
      {key: 'oneTime', value: '{perSystem: 10000}', comment: 'moving one system onto the shared one'},
      {key: 'parallelRunning', value: '{months: 6}', comment: 'months of paying for the new arrangement while the old one still runs'},
    ],
    values: {perTenant: {low: 5000, base: 10000, high: 20000}},
  },
  bpr: {
    label: '業務・システム最適化（BPR）',
    about: 'Business processes re-engineered: processing hours shrink; hours saved count as FTE and, with an hourly cost, as a non-cash benefit.',
    common: [{key: 'ramp', value: '[0.5, 1]', comment: 'half the effect in the first year'}],
    values: {reduction: {low: 0.05, base: 0.1, high: 0.3}, hourlyCost: 4},
  },
}

function valueText(value: Value | string): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return `{low: ${value.low}, base: ${value.base}, high: ${value.high}}`
}

function assumptionValue(value: Value | string): string {
  if (typeof value === 'number' || typeof value === 'string') return String(value)
  return `${value.base} (${value.low}–${value.high})`
}

/** A number as a YAML number, anything else as a string. */
function valueScalar(text: string): string {
  return /^-?\d+(\.\d+)?$/.test(text) ? text : scalar(text)
}

function specComment(spec: ParamSpec, money: string): string {
  const text = spec.description.replace(/in the (scenario's )?money unit/g, `in ${money}`)
  return spec.default === undefined ? text : `${text}; default ${spec.default}`
}

/** A YAML scalar, quoted when it would not read back as the same string (also inside a flow mapping). */
function scalar(text: string): string {
  const plain =
    /^[\p{L}\p{N}_.\-–()（）・+ %/']+$/u.test(text) &&
    !/^[\d.+\-%']/.test(text) &&
    !/ $/.test(text) &&
    !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(text)
  return plain ? text : `'${text.replace(/'/g, "''")}'`
}

/** The YAML text of a starter scenario, commented key by key. */
export function scenarioInitText(options: ScenarioInitOptions): string {
  checkInitOptions(options)
  const {name, baseYear, horizon, currency} = options
  const measures = [...new Set(options.measures)]
  const money = currency === 'JPY' ? 'thousands of yen (千円)' : `thousands of ${currency}`
  const lines: string[] = []
  const push = (...more: string[]) => lines.push(...more)
  if (options.schema) push(`# yaml-language-server: $schema=${options.schema}`, '#')
  push(
    `# ${options.title ?? name}: a consolidation scenario for kasumi.`,
    '#',
    '# Check it with `kasumi scenario validate <this file>`, and run it on the register',
    '# with `kasumi estimate --scenario <this file>`.',
    '#',
    '# Any number may be uncertain: {low: …, base: …, high: …} (optionally with',
    '# distribution: pert | triangular); the estimate uses base, the ranges feed',
    '# sensitivity and simulation.',
    `# Money parameters are in ${money}: see moneyUnit below.`,
  )
  if (currency !== 'JPY')
    push('# The starting values are the yen figures of the bundled kasumigaseki-cloud', `# scenario: rescale them for ${currency}.`)
  push(
    '',
    '# A short name: letters, digits, ".", "_" and "-".',
    `name: ${name}`,
    '# A title for reports.',
    `title: ${scalar(options.title ?? name)}`,
    '# What the scenario does, in a sentence or two.',
    `description: ${scalar(`${measures.length === 1 ? 'One measure' : `${measures.length} measures`}: ${measures.join(', ')}.`)}`,
    '# The fiscal year whose recurring costs are the baseline run-rate; the register',
    '# must hold recurring cost lines for it.',
    `baseYear: ${baseYear}`,
    '# First and last fiscal year of the estimate: yearly figures, NPV and payback',
    '# cover these years; run-rate savings are those of the last one.',
    `horizon: [${horizon[0]}, ${horizon[1]}]`,
    '# The reporting currency (ISO 4217). Cost lines in other currencies need',
    '# exchangeRates: a CSV of fiscal_year, currency, rate, relative to this file.',
    `currency: ${currency}`,
    '# The unit of money parameters in this file: one, thousand or million.',
    'moneyUnit: thousand',
    "# Discounting for NPV: a fixed rate, or schedule: green-book (HM Treasury's",
    '# declining rates), or a list of yearly rates.',
    'discount: {rate: 0.035}',
    '# Annual inflation applied to every amount; 0 estimates in real terms.',
    'inflation: 0',
    '# Working hours of one full-time equivalent per year, to turn hours into FTE.',
    'hoursPerFte: 1800',
    '',
    '# The measures, applied in this order, each to the cost the ones before it',
    '# left. Keys every measure has:',
    '#   id               unique within the scenario; reports name the measure by it',
    ...wrap(`one of ${MEASURE_TYPES.join(', ')}`, '#                    ').map((line, index) =>
      index === 0 ? line.replace(/^#\s+/, '#   type             ') : line,
    ),
    '#   label            a name for reports',
    '#   appliesTo        which systems: category, ministry, systems, tags, area,',
    '#                    eligibility, status (all must match; by default eligible',
    '#                    systems that are not retired or migrated)',
    '#   start            first fiscal year of the effect (default: the first horizon year)',
    '#   ramp             share of the full effect reached in start, start+1, …; the',
    '#                    last share holds (default [1])',
    '#   timing           ramp, or refresh: each system moves at its next hardware',
    '#                    refresh (its last fiscal year + 1)',
    "#   oneTime          one-time costs charged in each system's start year:",
    '#                    perSystem, perHost (per present server), fixed (shared out by cost)',
    '#   parallelRunning  {months: n}: the new arrangement is paid for while the old one runs',
    'measures:',
  )
  const register: Array<{id: string; description: string; value: string}> = []
  measures.forEach((type, index) => {
    const module = MEASURES[type]
    const starter = STARTERS[type]
    if (index > 0) push('')
    push(...wrap(`${type}: ${starter.about}`, '  # '))
    push(`  - id: ${type}`, `    type: ${type}`, `    label: ${scalar(starter.label)}`, `    start: ${horizon[0]}`)
    for (const line of starter.common ?? []) push(`    # ${line.comment}`, `    ${line.key}: ${line.value}`)
    for (const [param, spec] of Object.entries(module.params)) {
      const value = starter.values[param]
      push(...wrap(specComment(spec, money), '    # '))
      if (value === undefined) push(`    # ${param}: ${spec.default ?? ''}`.trimEnd())
      else {
        push(`    ${param}: ${valueText(value)}`)
        const description = specComment({...spec, description: spec.description.split(' (')[0].split(';')[0], default: undefined}, money)
        register.push({
          id: `${type}.${param}`,
          description: description.charAt(0).toUpperCase() + description.slice(1),
          value: assumptionValue(value),
        })
      }
    }
    for (const [option, spec] of Object.entries(module.options ?? {})) {
      push(
        ...wrap(
          `${spec.description}${spec.values.length ? ` (${spec.values.join(' | ')})` : ''}${spec.default ? `; default ${spec.default}` : ''}`,
          '    # ',
        ),
      )
      push(`    # ${option}: ${spec.default}`.trimEnd())
    }
  })
  push(
    '',
    '# The assumptions register: one entry for each figure above, saying what it is,',
    '# where it comes from (a publication, a rule of thumb, or "planning assumption"',
    '# when it is chosen for this scenario), who answers for it and when it was set.',
    "# An entry's id is the key it documents: <measure id>.<parameter>, or a top-level key.",
    'assumptions:',
    `  - {id: baseYear, description: ${scalar('Fiscal year whose recurring costs are the baseline')}, value: ${baseYear}, source: planning assumption, owner: ${scalar('(to be assigned)')}, date: '${options.date}'}`,
    `  - {id: horizon, description: ${scalar('First and last fiscal year of the estimate')}, value: ${scalar(`${horizon[0]}–${horizon[1]}`)}, source: planning assumption, owner: ${scalar('(to be assigned)')}, date: '${options.date}'}`,
    `  - {id: discount.rate, description: ${scalar('Real discount rate for NPV')}, value: 0.035, source: ${scalar('rule of thumb (HM Treasury Green Book rate for years 0–30)')}, owner: ${scalar('(to be assigned)')}, date: '${options.date}'}`,
  )
  for (const entry of register) {
    push(
      `  - {id: ${entry.id}, description: ${scalar(entry.description)}, value: ${valueScalar(entry.value)}, source: planning assumption, owner: ${scalar('(to be assigned)')}, date: '${options.date}'}`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** Splits a comment into lines of at most 80 characters, each with the prefix. */
function wrap(text: string, prefix: string, width = 80): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && prefix.length + line.length + 1 + word.length > width) {
      out.push(prefix + line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(prefix + line)
  return out
}
