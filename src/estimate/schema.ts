import {MEASURES} from './measures/index.js'
import {SERVICE_MEASURES} from './measures/services.js'
import {MONEY_UNITS} from './model.js'
import {MAX_FISCAL_YEAR, MIN_FISCAL_YEAR} from '../domain/fiscal-year.js'
import {DISTRIBUTIONS, bounds, type ParamSpec} from './params.js'

/** What a scenario file may hold: kasumi refuses more, with exit 3, before it can exhaust memory or time. */
export const SCENARIO_LIMITS = {
  /** Size of the file. */
  bytes: 1024 * 1024,
  /** YAML alias expansion (the yaml package's maxAliasCount). */
  aliasCount: 100,
  /** Years from the first to the last year of the horizon (and from the base year to the horizon). */
  horizonYears: 100,
  measures: 100,
  assumptions: 1000,
  /** Ramp shares, discount-schedule rates. */
  listItems: 100,
  /** Values of one appliesTo filter. */
  filterValues: 10_000,
  /** A money parameter, in the currency's minor unit (10^12: a trillion yen). */
  moneyMinorUnits: 1e12,
  /** Problems listed in one report. */
  issues: 100,
} as const

const fiscalYear = (description: string) => ({type: 'integer', minimum: MIN_FISCAL_YEAR, maximum: MAX_FISCAL_YEAR, description})

/**
 * The JSON Schema of scenario files, made from the measure modules so that it
 * can never disagree with them. `npm run build` writes it to
 * data/scenarios/schema.json for editors (a test checks the file is current).
 */
const uncertain = {
  description: 'A number, or {low, base, high} (optionally with distribution: pert | triangular) for an uncertain one.',
  oneOf: [
    {type: 'number'},
    {
      type: 'object',
      required: ['low', 'base', 'high'],
      additionalProperties: false,
      properties: {low: {type: 'number'}, base: {type: 'number'}, high: {type: 'number'}, distribution: {enum: [...DISTRIBUTIONS]}},
    },
  ],
}

function paramSchema(spec: ParamSpec): object {
  const {min, max} = bounds(spec)
  const range = `${Number.isFinite(min) ? min : '−∞'} to ${Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER ? max : '∞'}`
  const limits: Record<string, number> = {}
  if (Number.isFinite(min)) limits.minimum = min
  if (Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER) limits.maximum = max
  // The limits check plain numbers here (editors flag them); kasumi checks low, base and high of ranges when it loads the file.
  return {
    $ref: '#/$defs/uncertain',
    ...limits,
    description: `${spec.description} (${spec.kind}, ${range}${spec.default === undefined ? '' : `, default ${spec.default}`})`,
  }
}

const stringList = {oneOf: [{type: 'string'}, {type: 'array', items: {type: 'string'}, maxItems: SCENARIO_LIMITS.filterValues}]}

export function scenarioSchema(): Record<string, unknown> {
  const common = {
    id: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'unique within the scenario'},
    type: {
      enum: [...Object.keys(MEASURES), ...Object.keys(SERVICE_MEASURES)],
      description: "the consolidation component, or a measure of the citizens' side",
    },
    label: {type: 'string'},
    description: {type: 'string'},
    source: {type: 'string', description: 'where the parameter values come from'},
    appliesTo: {
      type: 'object',
      additionalProperties: false,
      description: 'which systems the measure applies to (all filters must match; by default eligible systems that are not retired or migrated)',
      properties: {
        category: stringList,
        ministry: stringList,
        systems: stringList,
        tags: stringList,
        area: stringList,
        eligibility: {oneOf: [{enum: ['eligible', 'must-stay']}, {type: 'array', items: {enum: ['eligible', 'must-stay']}}]},
        status: {
          oneOf: [
            {enum: ['active', 'migrating', 'migrated', 'retired']},
            {type: 'array', items: {enum: ['active', 'migrating', 'migrated', 'retired']}},
          ],
        },
      },
    },
    start: fiscalYear('first fiscal year of the effect'),
    ramp: {
      type: 'array',
      items: {$ref: '#/$defs/uncertain'},
      minItems: 1,
      maxItems: SCENARIO_LIMITS.listItems,
      description: 'share of the full effect reached in start, start+1, … (the last share holds); default [1]',
    },
    timing: {enum: ['ramp', 'refresh'], description: 'refresh: each system moves at its next hardware refresh (last fiscal year + 1)'},
    oneTime: {
      type: 'object',
      additionalProperties: false,
      properties: {perSystem: {$ref: '#/$defs/uncertain'}, perHost: {$ref: '#/$defs/uncertain'}, fixed: {$ref: '#/$defs/uncertain'}},
      description: "one-time costs in the money unit, charged in each system's start year",
    },
    parallelRunning: {
      type: 'object',
      additionalProperties: false,
      required: ['months'],
      properties: {months: {$ref: '#/$defs/uncertain'}},
      description: 'months during which the new arrangement is paid for while the old one still runs',
    },
  }
  const measureSchemas = Object.values(MEASURES).map((module) => ({
    if: {properties: {type: {const: module.type}}, required: ['type']},
    then: {
      properties: {
        ...common,
        ...Object.fromEntries(Object.entries(module.params).map(([name, spec]) => [name, paramSchema(spec)])),
        ...Object.fromEntries(
          Object.entries(module.options ?? {}).map(([name, option]) => [
            name,
            option.values.length ? {enum: [...option.values], description: option.description} : {type: 'string', description: option.description},
          ]),
        ),
      },
      required: [
        'id',
        'type',
        ...Object.entries(module.params)
          .filter(([, spec]) => spec.required)
          .map(([name]) => name),
      ],
      unevaluatedProperties: false,
    },
  }))
  const {appliesTo: _systems, timing: _timing, oneTime: _oneTime, parallelRunning: _parallel, ...serviceCommon} = common
  const serviceSchemas = Object.values(SERVICE_MEASURES).map((module) => ({
    if: {properties: {type: {const: module.type}}, required: ['type']},
    then: {
      properties: {
        ...serviceCommon,
        ramp: {...common.ramp, description: 'share of the full take-up reached in start, start+1, … (the last share holds); default [1]'},
        appliesTo: {
          type: 'object',
          additionalProperties: false,
          description: `which life events, procedures and documents of the register the measure reaches (all filters must match; by default every one); it reaches ${module.reaches}`,
          properties: {lifeEvents: stringList, procedures: stringList, documents: stringList},
        },
        ...Object.fromEntries(Object.entries(module.params).map(([name, spec]) => [name, paramSchema(spec)])),
      },
      required: [
        'id',
        'type',
        ...Object.entries(module.params)
          .filter(([, spec]) => spec.required)
          .map(([name]) => name),
      ],
      unevaluatedProperties: false,
    },
  }))
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://kasumi.invalid/schemas/scenario.json',
    title: 'kasumi consolidation scenario',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'baseYear', 'horizon', 'measures'],
    $defs: {uncertain},
    properties: {
      name: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$'},
      title: {type: 'string'},
      description: {type: 'string'},
      baseYear: fiscalYear('fiscal year whose recurring costs are the baseline run-rate'),
      horizon: {
        type: 'array',
        items: fiscalYear('a fiscal year'),
        minItems: 2,
        maxItems: 2,
        description: `first and last fiscal year of the estimate, at most ${SCENARIO_LIMITS.horizonYears} years`,
      },
      currency: {type: 'string', pattern: '^[A-Z]{3}$', description: 'reporting currency (default JPY)'},
      moneyUnit: {enum: Object.keys(MONEY_UNITS), description: 'unit of money parameters in this file (default thousand, as the 2009 table)'},
      exchangeRates: {type: 'string', description: 'CSV of dated exchange rates (fiscal_year, currency, rate), relative to this file'},
      discount: {
        oneOf: [
          {type: 'object', additionalProperties: false, required: ['rate'], properties: {rate: {$ref: '#/$defs/uncertain'}}},
          {
            type: 'object',
            additionalProperties: false,
            required: ['schedule'],
            properties: {
              schedule: {
                oneOf: [{const: 'green-book'}, {type: 'array', items: {$ref: '#/$defs/uncertain'}, minItems: 1, maxItems: SCENARIO_LIMITS.listItems}],
              },
            },
          },
        ],
      },
      inflation: {$ref: '#/$defs/uncertain', description: 'annual inflation; 0 (the default) estimates in real terms'},
      hoursPerFte: {$ref: '#/$defs/uncertain', description: 'working hours of one full-time equivalent per year (default 1800)'},
      hourlyCost: {$ref: '#/$defs/uncertain', description: 'cost of one staff hour in the money unit, for measures that do not give their own'},
      citizenHourValue: {
        $ref: '#/$defs/uncertain',
        description: "value of one hour of a citizen's time in the money unit (the Standard Cost Model's tariff); kept apart from cash savings",
      },
      assumptions: {
        type: 'array',
        maxItems: SCENARIO_LIMITS.assumptions,
        items: {
          type: 'object',
          required: ['id', 'description'],
          additionalProperties: false,
          properties: {
            id: {type: 'string'},
            description: {type: 'string'},
            value: {type: ['string', 'number']},
            source: {type: 'string'},
            owner: {type: 'string'},
            date: {type: 'string'},
          },
        },
      },
      measures: {
        type: 'array',
        minItems: 1,
        maxItems: SCENARIO_LIMITS.measures,
        items: {type: 'object', required: ['id', 'type'], properties: {type: common.type}, allOf: [...measureSchemas, ...serviceSchemas]},
      },
    },
  }
}
