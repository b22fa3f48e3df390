import {existsSync} from 'node:fs'
import {stat} from 'node:fs/promises'
import {basename, extname, join, resolve} from 'node:path'

import {InvalidInputError, NotFoundError, type InputIssue} from '../domain/errors.js'
import {CALENDARS, type Calendar} from '../domain/fiscal-year.js'
import {CATEGORIES, COST_POOLS, ELIGIBILITIES, FREQUENCIES, SPEND_TYPES, STATUSES, type CostPool, type SpendType} from '../domain/inventory.js'
import {matchKey} from '../domain/text-match.js'
import {MAPPING_DIR} from '../platform/paths.js'
import {ENCODINGS, type EncodingOption} from './encodings.js'
import {listFolder, readTextFile} from './files.js'
import {KINDS, TABLE_KINDS, type Kind} from './kinds.js'
import {HEADER_UNITS, type FieldSpec} from './table.js'
import {UNIT_FLAG, type UnitName} from './workbook/options.js'
import {keyPathText, readYamlDocument, shortValue, valueAt, type KeyPath, type YamlSource} from './yaml.js'
import {schemaValidator} from '../platform/schema-validators.js'

/**
 * Saved mappings: a YAML file that says how one publisher's layout reads as
 * kasumi's kinds — which sheet, where the header is, which source column is
 * which field, what the publisher's own labels mean, the money unit, the
 * calendar, defaults, and columns to pass over. A mapping drives the same
 * header, alias and value machinery as any other file: it only changes the
 * names the fields answer to and the values their cells hold.
 */

/** One amount column of a wide layout, with the values of the fields it stands for. */
export interface AmountColumn {
  /** Accepted header names of the column. */
  names: string[]
  fiscalYear?: number
  spendType?: SpendType
  pool?: CostPool
  frequency?: string
  note?: string
  /** Its key path in the mapping, for messages. */
  path: string
}

export interface KindMapping {
  /** Field key → the header names that column has in the publisher's files. */
  columns: Map<string, string[]>
  /** Field key → the publisher's label (as a match key) → kasumi's value. */
  values: Map<string, Map<string, string>>
  /** Cost lines across the columns, one per amount column. */
  amounts?: AmountColumn[]
  /** A column holding the sum of the amount columns: checked, not imported. */
  total?: string[]
}

export interface Mapping {
  name: string
  title?: string
  description?: string
  source?: string
  /** The mapping's own file. */
  file: string
  sheet?: string
  header?: {row: number; rows: number}
  unit: UnitName
  calendar?: Calendar
  fiscalYearStart?: number
  encoding?: EncodingOption
  /** Field key → the value of every row without one. */
  defaults: Map<string, string>
  /** Header names (match keys) that are no kasumi field and are passed over. */
  ignore: Set<string>
  /** The kinds the file feeds, in the order they are read and written. */
  kinds: Partial<Record<Kind, KindMapping>>
}

export const MAPPING_LIMITS = {bytes: 256 * 1024, aliasCount: 50, issues: 100} as const

/** Kinds in the order one file feeds them: ministries before the systems that name them, systems before their cost lines. */
export const MAPPING_KIND_ORDER: readonly Kind[] = ['ministries', 'systems', 'costs']

/** Fields whose cells a mapping may translate, with the values kasumi accepts (undefined: free text). */
const VALUE_FIELDS: Record<Kind, Record<string, readonly string[] | undefined>> = {
  systems: {ministry: undefined, category: CATEGORIES, status: STATUSES, eligibility: ELIGIBILITIES},
  costs: {pool: COST_POOLS, spend_type: SPEND_TYPES, frequency: FREQUENCIES, currency: undefined},
  ministries: {},
  procedures: {},
  documents: {},
  'life-events': {},
}

/** Fields a mapping may give a default for, by kasumi's column name. */
const DEFAULT_FIELDS: Record<string, readonly string[] | undefined> = {
  ministry: undefined,
  category: CATEGORIES,
  status: STATUSES,
  eligibility: ELIGIBILITIES,
  currency: undefined,
  pool: COST_POOLS,
  spend_type: SPEND_TYPES,
  frequency: FREQUENCIES,
}

const columnNames = {
  description: 'The header of the column in the source file; a list for headers that vary between files.',
  oneOf: [
    {type: 'string', minLength: 1, maxLength: 200},
    {type: 'array', items: {type: 'string', minLength: 1, maxLength: 200}, minItems: 1, maxItems: 20},
  ],
}

function kindSchema(kind: Kind): object {
  const fields = TABLE_KINDS[kind].fields
  const properties: Record<string, object> = {
    columns: {
      type: 'object',
      description: `Source column → kasumi field. Fields left out are found by kasumi's own names and aliases.`,
      additionalProperties: false,
      properties: Object.fromEntries(fields.map((field) => [field.header, columnNames])),
    },
    values: {
      type: 'object',
      description: "The publisher's own labels → kasumi's values, per field.",
      additionalProperties: false,
      properties: Object.fromEntries(
        Object.entries(VALUE_FIELDS[kind]).map(([field, values]) => [
          field,
          {type: 'object', additionalProperties: values ? {enum: [...values]} : {type: 'string', minLength: 1}},
        ]),
      ),
    },
  }
  if (kind === 'costs') {
    properties.amounts = {
      type: 'array',
      description: 'Cost lines across the columns: each amount column becomes a cost line with the fields given here.',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['column'],
        properties: {
          column: columnNames,
          fiscal_year: {type: 'integer', minimum: 1900, maximum: 2100},
          spend_type: {enum: [...SPEND_TYPES]},
          pool: {enum: [...COST_POOLS]},
          frequency: {enum: [...FREQUENCIES]},
          note: {type: 'string', maxLength: 1000},
        },
      },
    }
    properties.total = {...columnNames, description: 'A column holding the sum of the amount columns: checked against them, not imported.'}
  }
  return {type: 'object', additionalProperties: false, properties}
}

/** The JSON Schema of mapping files; `npm run build` writes it to data/mappings/schema.json for editors. */
export function mappingSchema(): object {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://kasumi.example/schemas/mapping.json',
    title: 'kasumi import mapping',
    description: "How one publisher's spreadsheet layout reads as kasumi's systems, cost lines or ministries.",
    type: 'object',
    additionalProperties: false,
    required: ['name', 'unit'],
    anyOf: KINDS.map((kind) => ({required: [kind]})),
    properties: {
      $schema: {type: 'string'},
      name: {type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: 'The mapping\'s name: lower case, digits and "-".'},
      title: {type: 'string', maxLength: 200},
      description: {type: 'string', maxLength: 2000},
      source: {type: 'string', maxLength: 500, description: 'Where the publisher publishes files of this layout.'},
      sheet: {
        oneOf: [
          {type: 'string', minLength: 1},
          {type: 'integer', minimum: 1},
        ],
        description: 'The sheet of a workbook, by name or position.',
      },
      header: {
        type: 'object',
        additionalProperties: false,
        required: ['row'],
        properties: {
          row: {type: 'integer', minimum: 1, maximum: 1000, description: 'The (first) row of the header.'},
          rows: {enum: [1, 2], description: 'Rows of the header: 2 for a group row over its columns.'},
        },
      },
      unit: {enum: Object.keys(UNIT_FLAG), description: 'The money unit the mapping assumes for amounts; a unit the file names must agree.'},
      calendar: {enum: [...CALENDARS], description: 'How bare year numbers count.'},
      fiscalYearStart: {type: 'integer', minimum: 1, maximum: 12, description: 'The month fiscal years start in, for dates.'},
      encoding: {enum: ENCODINGS.filter((encoding) => encoding !== 'auto'), description: 'The text encoding of CSV files.'},
      defaults: {
        type: 'object',
        description: 'The value of every row that has no column (or an empty cell) for the field.',
        additionalProperties: false,
        properties: Object.fromEntries(
          Object.entries(DEFAULT_FIELDS).map(([field, values]) => [
            field,
            values ? {enum: [...values]} : field === 'currency' ? {type: 'string', pattern: '^[A-Z]{3}$'} : {type: 'string', minLength: 1},
          ]),
        ),
      },
      ignore: {type: 'array', items: {type: 'string', minLength: 1}, maxItems: 500, description: 'Columns that are no kasumi field.'},
      ...Object.fromEntries(KINDS.map((kind) => [kind, kindSchema(kind)])),
    },
  }
}

/* ---------- finding and loading ---------- */

/** A bundled mapping by name, or a mapping file by path. */
export async function locateMapping(nameOrFile: string): Promise<string> {
  if (existsSync(nameOrFile) && extname(nameOrFile) !== '') return resolve(nameOrFile)
  for (const extension of ['.yaml', '.yml']) {
    const bundled = join(MAPPING_DIR, `${nameOrFile}${extension}`)
    if (existsSync(bundled)) return bundled
  }
  throw new NotFoundError(`no mapping file or bundled mapping named ${nameOrFile}`, {
    suggestion: `bundled mappings: ${(await bundledMappingNames()).join(', ')}; or give the path of a .yaml file`,
  })
}

export async function bundledMappingNames(): Promise<string[]> {
  const files = existsSync(MAPPING_DIR) ? await listFolder(MAPPING_DIR) : []
  return files
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => file.replace(/\.ya?ml$/, ''))
    .sort()
}

/** Loads a bundled mapping by name or a mapping file by path, and checks it. */
export async function loadMapping(nameOrFile: string): Promise<Mapping> {
  const file = await locateMapping(nameOrFile)
  const info = await stat(file)
  if (!info.isFile()) throw new InvalidInputError(`${basename(file)}: not a regular file`, [{file, message: 'a mapping is a YAML file'}])
  if (info.size > MAPPING_LIMITS.bytes)
    throw new InvalidInputError(`${basename(file)}: the mapping is too large`, [
      {file, message: `the file has ${info.size} bytes; a mapping may have at most ${MAPPING_LIMITS.bytes}`},
    ])
  return parseMapping(await readTextFile(file), file)
}

/** Checks a mapping's text: YAML, then the JSON Schema, then consistency; all problems at once, with line and key path. */
export async function parseMapping(text: string, file: string): Promise<Mapping> {
  const source = await readYamlDocument(text, file, {
    what: 'mapping',
    maxAliasCount: MAPPING_LIMITS.aliasCount,
    maxIssues: 100,
    shape: 'a mapping is a YAML mapping of keys to values',
  })
  const issues: InputIssue[] = []
  const add = (path: KeyPath, message: string, hint?: string) =>
    issues.push({
      file,
      line: source.line(path),
      column: path.length === 0 ? undefined : keyPathText(path),
      value: path.length === 0 ? undefined : shortValue(valueAt(source.raw, path)),
      message,
      hint,
    })
  await checkSchema(source, add)
  if (issues.length === 0) checkConsistency(source, add)
  if (issues.length > 0) {
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    throw new InvalidInputError(
      `${basename(file)}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the mapping`,
      issues.slice(0, MAPPING_LIMITS.issues),
      {
        totalIssues: issues.length,
        suggestion: 'correct the mapping (its JSON Schema is data/mappings/schema.json) and run the command again',
      },
    )
  }
  return buildMapping(source)
}

async function checkSchema(source: YamlSource, add: (path: KeyPath, message: string, hint?: string) => void): Promise<void> {
  const validate = await schemaValidator('mapping', mappingSchema)
  if (validate(source.raw as unknown)) return
  const seen = new Set<string>()
  for (const error of validate.errors ?? []) {
    // oneOf and anyOf echo the precise errors of their branches.
    if (error.keyword === 'oneOf' || error.keyword === 'if' || error.schemaPath.startsWith('#/anyOf/')) continue
    const path: KeyPath = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')))
    let target = path
    let message = error.message ?? 'invalid'
    let hint: string | undefined
    if (error.keyword === 'additionalProperties') {
      const property = (error.params as {additionalProperty: string}).additionalProperty
      target = [...path, property]
      const known = Object.keys(
        (
          valueAt(
            mappingSchemaProperties(),
            path.filter((part) => typeof part === 'string' && part !== ''),
          ) as {properties?: object} | undefined
        )?.properties ?? {},
      )
      message = path.at(-1) === 'columns' ? `${property} is not a field of ${String(path[0])}` : 'unknown key'
      if (known.length > 0) hint = `use one of: ${known.join(', ')}`
    } else if (error.keyword === 'required') {
      const missing = (error.params as {missingProperty: string}).missingProperty
      message = `${missing} is required${path.length === 0 ? '' : ' here'}`
      if (missing === 'unit') hint = 'say the money unit the mapping assumes: yen, thousand or million'
    } else if (error.keyword === 'anyOf' && path.length === 0) {
      message = 'the mapping feeds no kind'
      hint = 'add systems:, costs: or ministries: with the columns of that kind'
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(error.params as {allowedValues: unknown[]}).allowedValues.join(', ')}`
    } else if (error.keyword === 'pattern' && path.length === 1 && path[0] === 'name') {
      message = 'a mapping name is lower-case letters, digits and "-"'
      hint = 'e.g. mic-budget-2024'
    } else if (error.keyword === 'type' && path.at(-2) === 'columns') {
      message = 'must be a column header, or a list of them'
    }
    const key = `${keyPathText(target)}|${message}`
    if (seen.has(key)) continue
    // A type error under a key that already has a precise error is an echo.
    if (error.keyword === 'type' && [...seen].some((entry) => entry.startsWith(`${keyPathText(target)}|`))) continue
    seen.add(key)
    add(target, message, hint)
  }
}

/** The schema's properties, to list the keys a level accepts. */
function mappingSchemaProperties(): object {
  return {properties: (mappingSchema() as {properties: object}).properties}
}

function names(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((name) => String(name).trim())
}

/** Step 2: what the schema cannot say — one column claimed by two fields, a column both mapped and ignored. */
function checkConsistency(source: YamlSource, add: (path: KeyPath, message: string, hint?: string) => void): void {
  const raw = source.raw
  const ignored = new Set(((raw.ignore as string[] | undefined) ?? []).map(matchKey))
  for (const kind of KINDS) {
    const section = raw[kind] as Record<string, unknown> | undefined
    if (!section) continue
    const owners = new Map<string, string>()
    const claim = (path: KeyPath, value: unknown) => {
      for (const name of names(value)) {
        const key = matchKey(name)
        const owner = owners.get(key)
        if (owner !== undefined) add(path, `the column ${name} is already mapped by ${owner}`, 'map each column of a kind once')
        else owners.set(key, keyPathText(path))
        if (ignored.has(key)) add(path, `the column ${name} is also listed under ignore`, 'map it or ignore it, not both')
      }
    }
    for (const [field, value] of Object.entries((section.columns as Record<string, unknown> | undefined) ?? {}))
      claim([kind, 'columns', field], value)
    const amounts = (section.amounts as Array<Record<string, unknown>> | undefined) ?? []
    amounts.forEach((amount, index) => claim([kind, 'amounts', index, 'column'], amount.column))
    if (section.total !== undefined) claim([kind, 'total'], section.total)
    const columns = (section.columns as Record<string, unknown> | undefined) ?? {}
    if (amounts.length > 0 && columns.amount !== undefined)
      add([kind, 'columns', 'amount'], 'a cost-line file has an amount column or amounts across the columns, not both', 'remove one of them')
    if (section.total !== undefined && amounts.length === 0)
      add([kind, 'total'], 'a total needs amounts across the columns to check', 'list the amount columns under amounts')
  }
}

function buildMapping(source: YamlSource): Mapping {
  const raw = source.raw
  const keyOf = (kind: Kind, header: string) => TABLE_KINDS[kind].fields.find((field) => field.header === header)?.key ?? header
  const kinds: Partial<Record<Kind, KindMapping>> = {}
  for (const kind of MAPPING_KIND_ORDER) {
    const section = raw[kind] as Record<string, unknown> | undefined
    if (!section) continue
    const columns = new Map<string, string[]>()
    for (const [header, value] of Object.entries((section.columns as Record<string, unknown> | undefined) ?? {}))
      columns.set(keyOf(kind, header), names(value))
    const values = new Map<string, Map<string, string>>()
    for (const [header, labels] of Object.entries((section.values as Record<string, Record<string, string>> | undefined) ?? {})) {
      values.set(keyOf(kind, header), new Map(Object.entries(labels).map(([label, value]) => [matchKey(label), value])))
    }
    const amounts = (section.amounts as Array<Record<string, unknown>> | undefined)?.map((amount, index): AmountColumn => ({
      names: names(amount.column),
      fiscalYear: amount.fiscal_year as number | undefined,
      spendType: amount.spend_type as SpendType | undefined,
      pool: amount.pool as CostPool | undefined,
      frequency: amount.frequency as string | undefined,
      note: amount.note as string | undefined,
      path: `${kind}.amounts[${index}]`,
    }))
    kinds[kind] = {columns, values, amounts, total: section.total === undefined ? undefined : names(section.total)}
  }
  const defaults = new Map<string, string>()
  for (const [header, value] of Object.entries((raw.defaults as Record<string, string> | undefined) ?? {})) {
    const kind = KINDS.find((candidate) => TABLE_KINDS[candidate].fields.some((field) => field.header === header)) ?? 'systems'
    defaults.set(keyOf(kind, header), value)
  }
  const header = raw.header as {row: number; rows?: number} | undefined
  return {
    name: raw.name as string,
    title: raw.title as string | undefined,
    description: raw.description as string | undefined,
    source: raw.source as string | undefined,
    file: source.file,
    sheet: raw.sheet === undefined ? undefined : String(raw.sheet),
    header: header ? {row: header.row, rows: header.rows ?? 1} : undefined,
    unit: raw.unit as UnitName,
    calendar: raw.calendar as Calendar | undefined,
    fiscalYearStart: raw.fiscalYearStart as number | undefined,
    encoding: raw.encoding as EncodingOption | undefined,
    defaults,
    ignore: new Set(((raw.ignore as string[] | undefined) ?? []).map(matchKey)),
    kinds,
  }
}

/* ---------- how a mapping drives the header machinery ---------- */

/**
 * The fields of a kind as a mapping names them: a mapped field answers to its
 * source names (and kasumi's own name for it); every other field keeps kasumi's
 * names and aliases, less the names the mapping gives to other fields.
 */
export function mappedFields(kind: Kind, mapping: Mapping | undefined): readonly FieldSpec[] {
  const fields = TABLE_KINDS[kind].fields
  const section = mapping?.kinds[kind]
  if (!section) return fields
  const taken = new Set([...section.columns.values()].flat().map(matchKey))
  for (const amount of section.amounts ?? []) for (const name of amount.names) taken.add(matchKey(name))
  for (const name of section.total ?? []) taken.add(matchKey(name))
  return fields.map((field) => {
    const mapped = section.columns.get(field.key)
    // A unit in a mapped amount header (経費額（千円）) is read as a unit, as in any header.
    if (mapped) return {...field, aliases: field.scalable ? mapped.map(withoutHeaderUnit) : mapped}
    return {...field, aliases: field.aliases.filter((alias) => !taken.has(matchKey(alias)))}
  })
}

function withoutHeaderUnit(name: string): string {
  const match = /^(.*?)\s*[(（]([^()（）]+)[)）]$/.exec(name.normalize('NFKC'))
  return match && HEADER_UNITS[matchKey(match[2])] !== undefined ? match[1] : name
}

/** Header names the reading of one kind passes over without an issue: the mapping's ignored columns and the columns of its other kinds. */
export function passedOver(kind: Kind, mapping: Mapping | undefined): Set<string> {
  const keys = new Set<string>(mapping?.ignore ?? [])
  if (!mapping) return keys
  for (const [other, section] of Object.entries(mapping.kinds) as Array<[Kind, KindMapping]>) {
    if (other === kind) continue
    for (const list of section.columns.values()) for (const name of list) keys.add(matchKey(name))
    for (const amount of section.amounts ?? []) for (const name of amount.names) keys.add(matchKey(name))
    for (const name of section.total ?? []) keys.add(matchKey(name))
  }
  return keys
}

/** Whether a header cell is one of the names (width, case and spaces aside). */
export function namesMatch(header: string, list: readonly string[]): boolean {
  const key = matchKey(header)
  return list.some((name) => matchKey(name) === key)
}

/** The mapping as a plain object, for --json and for `mapping test`. */
export function describeMapping(mapping: Mapping): Record<string, unknown> {
  return {
    name: mapping.name,
    title: mapping.title ?? null,
    file: mapping.file,
    unit: mapping.unit,
    kinds: MAPPING_KIND_ORDER.filter((kind) => mapping.kinds[kind] !== undefined),
  }
}
