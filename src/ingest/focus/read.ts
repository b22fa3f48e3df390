import {basename} from 'node:path'

import type {InputIssue} from '../../domain/errors.js'
import {ECHO_LIMIT, truncateText} from '../../domain/text-safety.js'
import {ExactSum} from './exact.js'
import {focusFormat, readFocusCsv, readFocusParquet, type FocusFormat, type RowPlace} from './sources.js'
import {
  CHARGE_CATEGORIES,
  CHARGE_FREQUENCIES,
  COLUMN_INDEX,
  COST_COLUMNS,
  CUSTOM_PREFIX,
  DATETIME_COLUMNS,
  DEFAULT_POOL_OF_SERVICE,
  MANDATORY_COLUMNS,
  NULLABLE_NUMERIC_COLUMNS,
  PLACEHOLDER,
  PRICED_COLUMNS,
  REQUIRED_STRINGS,
  SERVICE_CATEGORIES,
  focusVersion,
  type FocusVersion,
  type ReadColumn,
} from './spec.js'

/** How rows become cost lines. */
export interface FocusOptions {
  /** The cost column cost lines take: BilledCost (cash) or EffectiveCost (amortised; the default). */
  cost: 'billed' | 'effective'
  /** The month (1–12) fiscal years start in: 4 (April) in Japan. */
  fiscalYearStart: number
  /** The key in the Tags column that names a row's system. */
  systemTag?: string
  /** ResourceId → system id (looked up first), SubAccountId → system id. */
  resourceSystems?: ReadonlyMap<string, string>
  subAccountSystems?: ReadonlyMap<string, string>
  /** ServiceCategory → cost pool, over the default table. */
  pools?: ReadonlyMap<string, string>
  maxIssues?: number
}

/** Charge groups kept apart in cost lines and counted in the summary. */
export const CHARGE_GROUPS = ['usage', 'purchase', 'tax', 'credit', 'adjustment', 'correction'] as const
export type ChargeGroup = (typeof CHARGE_GROUPS)[number]

/** How a row's system was found. */
export type SystemSource = 'tag' | 'resource' | 'sub-account' | 'untagged'

/** One cell of the aggregation: rows alike in everything that is reported or becomes a cost line. */
interface Cell {
  provider: string
  billingPeriodStart: string
  billingPeriodEnd: string
  currency: string
  system: string
  source: SystemSource
  fiscalYear: number
  pool: string
  oneTime: boolean
  group: ChargeGroup
  billed: ExactSum
  effective: ExactSum
  rows: number
  /** Where the first row of the cell is, to point at it. */
  first: RowPlace
}

export interface FocusRead {
  file: string
  format: FocusFormat
  /** The FOCUS version the file was checked as: 1.1 when its header has a column 1.1 introduced. */
  version: FocusVersion
  rows: number
  /** Columns of the file that kasumi ignores: custom (x_) columns and the other FOCUS columns. */
  ignoredColumns: number
  issues: InputIssue[]
  issueCount: number
  cells: Cell[]
}

export type {Cell as FocusCell}

const CATEGORY_GROUP: Record<string, ChargeGroup> = {Usage: 'usage', Purchase: 'purchase', Tax: 'tax', Credit: 'credit', Adjustment: 'adjustment'}
const NUMBER = /^-?\d+(?:\.\d+)?$/
const POSITIVE_HINT =
  'FOCUS 1.1: ConsumedQuantity MUST be a valid positive decimal value when ChargeCategory is "Usage", ChargeClass is not "Correction" and CommitmentDiscountStatus is not "Unused"'
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/
const CURRENCY_SIGNS = /[$€£¥￥₩₹元円]|\b(?:USD|JPY|EUR|GBP|US\$)\b/

/** Why a cell is not a FOCUS number (attributes/numeric_format.md), and what to write instead. */
function numberProblem(text: string): {reason: string; hint: string} {
  const hint =
    'FOCUS numbers are plain decimals such as 1234.5 or -0.0042: no currency sign, thousands separator, plus sign or exponent (FOCUS Numeric Format)'
  if (CURRENCY_SIGNS.test(text)) return {reason: 'a currency sign in a number', hint}
  if (/\d,\d/.test(text)) return {reason: 'a thousands separator in a number', hint}
  if (/^\+/.test(text)) return {reason: 'a plus sign in a number', hint}
  if (/\d[eE][-+]?\d/.test(text)) return {reason: 'an exponent in a number', hint}
  if (/\s/.test(text)) return {reason: 'spaces in a number', hint}
  return {reason: 'not a number', hint}
}

/** Why a cell is not a FOCUS date/time (attributes/datetime_format.md). */
function datetimeProblem(text: string): {reason: string; hint: string} {
  const hint = "FOCUS date/times are UTC in ISO 8601 with seconds and the 'Z' designator, e.g. 2025-04-01T00:00:00Z (FOCUS Date/Time Format)"
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text)) return {reason: 'a local time without a UTC offset', hint}
  if (/[+-]\d{2}:?\d{2}$/.test(text)) return {reason: "a time with an offset: FOCUS times are in UTC and end with 'Z'", hint}
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return {reason: 'a date without a time', hint}
  return {reason: 'not an ISO 8601 date/time', hint}
}

/** The exact spelling of an allowed value when only case or spacing differs. */
const OK = {ok: true} as const
const ALLOWED = new Map<readonly string[], ReadonlySet<string>>()
function allowed(values: readonly string[], text: string): {ok: true} | {ok: false; hint: string} {
  let set = ALLOWED.get(values)
  if (!set) ALLOWED.set(values, (set = new Set(values)))
  if (set.has(text)) return OK
  const loose = (value: string) => value.toLowerCase().replace(/[\s_-]/g, '')
  const near = values.find((value) => loose(value) === loose(text))
  return {ok: false, hint: near ? `write it as "${near}": FOCUS values are case-sensitive` : `use one of: ${values.join(', ')}`}
}

/**
 * Reads a FOCUS file (CSV, gzip'd CSV or Parquet), checks every row against
 * the specification, and adds the rows up into cells by provider, billing
 * period, currency, system, fiscal year, pool and charge group. Memory holds
 * the cells, never the rows.
 */
export async function readFocus(file: string, options: FocusOptions): Promise<FocusRead> {
  const format = await focusFormat(file)
  const name = basename(file)
  const maxIssues = options.maxIssues ?? 100
  const issues: InputIssue[] = []
  let issueCount = 0
  let ignoredColumns = 0
  let tagColumn = false
  let frequencyColumn = false
  let version: FocusVersion = '1.0'
  let present: ReadonlySet<string> = new Set()
  const cells = new Map<string, Cell>()
  const tagCache = new Map<string, string | null | Error>()
  const instants = new Map<string, number>()
  const pools = options.pools

  const at = (place: RowPlace) => (place.line !== undefined ? {line: place.line} : {cell: `row ${place.row!.toLocaleString('en')}`})
  const problem = (place: RowPlace, column: string, value: unknown, message: string, hint?: string): void => {
    issueCount++
    if (issues.length < maxIssues)
      issues.push({
        file: name,
        ...at(place),
        column,
        ...(value === undefined || value === null
          ? {}
          : {value: truncateText(String(typeof value === 'object' ? JSON.stringify(value) : value), ECHO_LIMIT)}),
        message,
        ...(hint ? {hint} : {}),
      })
  }

  const header = (columns: string[]): boolean => {
    const names = columns.map((column) => column.trim().replace(/^\uFEFF/, ''))
    present = new Set(names)
    version = focusVersion(names)
    const missing = MANDATORY_COLUMNS.filter((column) => !present.has(column))
    for (const column of missing) {
      const near = names.find((candidate) => candidate.toLowerCase() === column.toLowerCase())
      issueCount++
      issues.push({
        file: name,
        ...(format === 'parquet' ? {} : {line: 1}),
        column,
        message: `the mandatory FOCUS column ${column} is missing`,
        hint: near
          ? `the file has "${near}": FOCUS column IDs are case-sensitive, write ${column}`
          : 'a FOCUS 1.0 or 1.1 dataset has every mandatory column; export the cost data again with all FOCUS columns',
      })
    }
    const known = new Set<string>(Object.keys(COLUMN_INDEX))
    ignoredColumns = names.filter((column) => column.startsWith(CUSTOM_PREFIX) || !known.has(column)).length
    tagColumn = present.has('Tags')
    frequencyColumn = present.has('ChargeFrequency')
    if (options.systemTag && !tagColumn) {
      issueCount++
      issues.push({
        file: name,
        column: 'Tags',
        message: `--system-tag ${options.systemTag} reads the Tags column, and the file has none`,
        hint: 'export the cost data with tags, or name systems with --system-map',
      })
    }
    return missing.length === 0 && !(options.systemTag && !tagColumn)
  }

  const systemOf = (values: unknown[], place: RowPlace): {system: string; source: SystemSource} | undefined => {
    if (options.systemTag && tagColumn) {
      const raw = values[COLUMN_INDEX.Tags]
      let found: string | null | Error = null
      if (raw !== null && raw !== undefined) {
        if (typeof raw === 'string') {
          found = tagCache.get(raw) ?? null
          if (!tagCache.has(raw)) {
            found = tagValue(raw, options.systemTag)
            if (tagCache.size > 10_000) tagCache.clear()
            tagCache.set(detached(raw), found)
          }
        } else if (typeof raw === 'object') {
          const value = (raw as Record<string, unknown>)[options.systemTag]
          found = typeof value === 'string' && value.trim() !== '' ? value.trim() : null
        }
      }
      if (found instanceof Error) {
        problem(
          place,
          'Tags',
          raw,
          found.message,
          'Tags holds a JSON object of keys and values, e.g. {"SystemId": "MIC-0001"} (FOCUS Key-Value Format)',
        )
        return undefined
      }
      if (found !== null) return {system: found, source: 'tag'}
    }
    const resource = values[COLUMN_INDEX.ResourceId]
    if (options.resourceSystems && typeof resource === 'string') {
      const system = options.resourceSystems.get(resource)
      if (system !== undefined) return {system, source: 'resource'}
    }
    const subAccount = values[COLUMN_INDEX.SubAccountId]
    if (options.subAccountSystems && typeof subAccount === 'string') {
      const system = options.subAccountSystems.get(subAccount)
      if (system !== undefined) return {system, source: 'sub-account'}
    }
    return {system: '', source: 'untagged'}
  }

  const row = (values: unknown[], place: RowPlace): void => {
    const before = issueCount
    const text = (column: ReadColumn): string | null | undefined => {
      const value = values[COLUMN_INDEX[column]]
      return value === undefined || value === null ? (value as null | undefined) : typeof value === 'string' ? value : JSON.stringify(value)
    }
    for (const column of COST_COLUMNS) {
      const value = text(column)
      if (value === null || value === undefined) {
        if (value === null)
          problem(
            place,
            column,
            undefined,
            `${column} must not be null`,
            'every FOCUS row has a BilledCost, EffectiveCost, ListCost and ContractedCost',
          )
      } else if (!NUMBER.test(value)) {
        const {reason, hint} = numberProblem(value)
        problem(place, column, value, reason, hint)
      }
    }
    for (const column of NULLABLE_NUMERIC_COLUMNS) {
      const value = text(column)
      if (value === '')
        problem(place, column, value, 'an empty string for an absent value', 'FOCUS uses null (an empty cell) for a value that is absent')
      else if (value !== null && value !== undefined && !NUMBER.test(value)) {
        const {reason, hint} = numberProblem(value)
        problem(place, column, value, reason, hint)
      }
    }
    const times: Partial<Record<(typeof DATETIME_COLUMNS)[number], string>> = {}
    for (const column of DATETIME_COLUMNS) {
      const value = text(column)
      if (value === null || value === undefined) {
        if (value === null) problem(place, column, undefined, `${column} must not be null`)
        continue
      }
      if (!instants.has(value)) {
        const match = DATETIME.exec(value)
        if (!match) {
          const {reason, hint} = datetimeProblem(value)
          problem(place, column, value, reason, hint)
          continue
        }
        const [, year, month, day, hour, minute, second] = match.map(Number)
        const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second))
        if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
          problem(place, column, value, 'no such date or time')
          continue
        }
        // A bill repeats a few thousand instants: each is checked once and remembered, with its time.
        if (instants.size > 100_000) instants.clear()
        instants.set(detached(value), Date.parse(value))
      }
      times[column] = value
    }
    for (const [start, end] of [
      ['ChargePeriodStart', 'ChargePeriodEnd'],
      ['BillingPeriodStart', 'BillingPeriodEnd'],
    ] as const) {
      const from = times[start]
      const to = times[end]
      if (from === undefined || to === undefined) continue
      if (instants.get(to)! <= instants.get(from)!)
        problem(
          place,
          end,
          to,
          `${end} is not after ${start} (${from})`,
          `the end of a period is exclusive: a day that starts ${from.slice(0, 10)} ends the next day at 00:00:00Z`,
        )
      else if (/T23:59:59(?:\.\d+)?Z$/.test(to))
        problem(
          place,
          end,
          to,
          `${end} looks like an inclusive end (23:59:59)`,
          `FOCUS period ends are exclusive: write the next instant, e.g. ${nextDay(to)}`,
        )
    }
    const strings: Partial<Record<(typeof REQUIRED_STRINGS)[number], string>> = {}
    for (const column of REQUIRED_STRINGS) {
      const value = text(column)
      if (value === undefined) continue
      if (value === null) problem(place, column, undefined, `${column} must not be null`)
      else if (value.trim() === '') problem(place, column, value, `${column} must not be empty`)
      else if (PLACEHOLDER.test(value.trim()))
        problem(
          place,
          column,
          value,
          'a placeholder for an absent value',
          'FOCUS forbids placeholder strings (FOCUS Null Handling); this column must hold a real value',
        )
      else strings[column] = value
    }
    const category = strings.ChargeCategory
    if (category !== undefined) {
      const check = allowed(CHARGE_CATEGORIES, category)
      if (!check.ok) problem(place, 'ChargeCategory', category, 'not an allowed ChargeCategory', check.hint)
    }
    const service = strings.ServiceCategory
    if (service !== undefined) {
      const check = allowed(SERVICE_CATEGORIES, service)
      if (!check.ok) problem(place, 'ServiceCategory', service, 'not an allowed ServiceCategory', check.hint)
    }
    const currency = strings.BillingCurrency
    if (currency !== undefined && !/^[A-Z]{3}$/.test(currency))
      problem(
        place,
        'BillingCurrency',
        currency,
        'not an ISO 4217 currency code',
        'three capital letters, e.g. JPY or USD (FOCUS Currency Code Format)',
      )
    const chargeClass = text('ChargeClass')
    if (chargeClass !== null && chargeClass !== undefined && chargeClass !== 'Correction')
      problem(
        place,
        'ChargeClass',
        chargeClass,
        'ChargeClass is null or "Correction"',
        chargeClass.trim() === '' || PLACEHOLDER.test(chargeClass.trim()) ? 'leave the cell empty (null) for a regular charge' : undefined,
      )
    if (category !== undefined && CATEGORY_GROUP[category] !== undefined) {
      const isCorrection = chargeClass === 'Correction'
      // pricingquantity.md, pricingunit.md, listunitprice.md, contractedunitprice.md (1.0 and 1.1)
      for (const column of PRICED_COLUMNS) {
        if (!present.has(column)) continue
        const value = text(column)
        if (category === 'Tax' && value !== null && value !== undefined)
          problem(
            place,
            column,
            value,
            `${column} must be null for a Tax charge`,
            `FOCUS ${version}: ${column} MUST be null when ChargeCategory is "Tax"; leave the cell empty`,
          )
        else if ((category === 'Usage' || category === 'Purchase') && !isCorrection && value === null)
          problem(
            place,
            column,
            undefined,
            `${column} must not be null for a ${category} charge`,
            `FOCUS ${version}: ${column} MUST NOT be null when ChargeCategory is "Usage" or "Purchase" and ChargeClass is not "Correction"`,
          )
      }
      // consumedquantity.md: null outside usage and for unused commitments; given for other usage
      if (present.has('ConsumedQuantity')) {
        const consumed = text('ConsumedQuantity')
        const unused = text('CommitmentDiscountStatus') === 'Unused'
        if (consumed !== null && consumed !== undefined && (category !== 'Usage' || unused))
          problem(
            place,
            'ConsumedQuantity',
            consumed,
            category !== 'Usage'
              ? `ConsumedQuantity must be null for a ${category} charge`
              : 'ConsumedQuantity must be null for an unused commitment (CommitmentDiscountStatus "Unused")',
            `FOCUS ${version}: ConsumedQuantity MUST be null unless ChargeCategory is "Usage" and CommitmentDiscountStatus is not "Unused"; leave the cell empty`,
          )
        else if (category === 'Usage' && !unused && !isCorrection) {
          if (consumed === null)
            problem(
              place,
              'ConsumedQuantity',
              undefined,
              'ConsumedQuantity must not be null for a Usage charge',
              `FOCUS ${version}: ConsumedQuantity MUST NOT be null when ChargeCategory is "Usage", ChargeClass is not "Correction" and CommitmentDiscountStatus is not "Unused"`,
            )
          else if (version === '1.1' && consumed !== undefined && NUMBER.test(consumed) && (consumed.startsWith('-') || !/[1-9]/.test(consumed)))
            problem(place, 'ConsumedQuantity', consumed, 'ConsumedQuantity must be positive for a Usage charge', POSITIVE_HINT)
        }
      }
    }
    let frequency: string | null | undefined
    if (frequencyColumn) {
      frequency = text('ChargeFrequency')
      if (frequency === null || frequency === undefined) problem(place, 'ChargeFrequency', undefined, 'ChargeFrequency must not be null')
      else {
        const check = allowed(CHARGE_FREQUENCIES, frequency)
        if (!check.ok) problem(place, 'ChargeFrequency', frequency, 'not an allowed ChargeFrequency', check.hint)
        else if (category === 'Purchase' && frequency === 'Usage-Based')
          problem(
            place,
            'ChargeFrequency',
            frequency,
            'a Purchase is never "Usage-Based"',
            'FOCUS: when ChargeCategory is "Purchase", ChargeFrequency MUST NOT be "Usage-Based"',
          )
      }
    }
    const found = issueCount === before ? systemOf(values, place) : undefined
    if (issueCount !== before || found === undefined) return

    const chargeStart = times.ChargePeriodStart!
    const calendarYear = Number(chargeStart.slice(0, 4))
    const fiscalYear = Number(chargeStart.slice(5, 7)) >= options.fiscalYearStart ? calendarYear : calendarYear - 1
    const group: ChargeGroup = chargeClass === 'Correction' ? 'correction' : CATEGORY_GROUP[category!]
    const pool = pools?.get(service!) ?? DEFAULT_POOL_OF_SERVICE[service as keyof typeof DEFAULT_POOL_OF_SERVICE]
    const oneTime = frequency === 'One-Time'
    const provider = strings.ProviderName!
    const key = `${provider}\u0001${times.BillingPeriodStart}\u0001${times.BillingPeriodEnd}\u0001${currency}\u0001${found.system}\u0001${found.source}\u0001${fiscalYear}\u0001${pool}\u0001${oneTime ? 1 : 0}\u0001${group}`
    let cell = cells.get(key)
    if (!cell) {
      cell = {
        provider: detached(provider),
        billingPeriodStart: detached(times.BillingPeriodStart!),
        billingPeriodEnd: detached(times.BillingPeriodEnd!),
        currency: detached(currency!),
        system: detached(found.system),
        source: found.source,
        fiscalYear,
        pool,
        oneTime,
        group,
        billed: new ExactSum(),
        effective: new ExactSum(),
        rows: 0,
        first: {...place},
      }
      cells.set(key, cell)
    }
    cell.billed.add(values[COLUMN_INDEX.BilledCost] as string)
    cell.effective.add(values[COLUMN_INDEX.EffectiveCost] as string)
    cell.rows++
  }

  let stopped = false
  const sink = {
    header: (columns: string[]) => {
      stopped = !header(columns)
      return !stopped
    },
    row,
    // Reading goes on past the cap so that the count of problems is whole; only a bad header stops it.
    stop: () => stopped,
    // Tags, ResourceId and SubAccountId only name systems, and only when asked to.
    unused: new Set<ReadColumn>([
      ...(options.systemTag ? [] : (['Tags'] as const)),
      ...(options.resourceSystems ? [] : (['ResourceId'] as const)),
      ...(options.subAccountSystems ? [] : (['SubAccountId'] as const)),
    ]),
  }
  const result = format === 'parquet' ? await readFocusParquet(file, sink) : await readFocusCsv(file, format === 'csv.gz', sink)
  for (const issue of result.structural) {
    issueCount++
    if (issues.length < maxIssues) issues.push({...issue, file: name})
  }
  return {file: name, format, version, rows: result.rows, ignoredColumns, issues, issueCount, cells: [...cells.values()]}
}

/**
 * A copy of a string that does not point into the text it was cut from: a
 * cell of a CSV chunk kept as a key would otherwise keep the whole chunk alive.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8')
}

function nextDay(text: string): string {
  const date = new Date(Date.parse(text.replace(/\.\d+Z$/, 'Z')) + 1000)
  return date.toISOString().replace('.000Z', 'Z')
}

/** A tag's value from the Tags JSON object; null when the row has no such tag; an Error when Tags is not an object. */
function tagValue(raw: string, key: string): string | null | Error {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return new Error('Tags is not valid JSON')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return new Error('Tags is not a JSON object')
  const value = (parsed as Record<string, unknown>)[key]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}
