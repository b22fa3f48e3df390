import {userInfo} from 'node:os'

import {Flags} from '@oclif/core'

import {UsageError} from '../domain/errors.js'
import {CALENDARS} from '../domain/fiscal-year.js'
import {ENCODINGS} from '../ingest/encodings.js'
import {LANGS} from '../domain/lang.js'
import {UNIT_FLAG, monthNumber, type UnitName, type WorkbookOptions} from '../ingest/workbook/options.js'
import {DEFAULT_DATABASE} from '../store/open.js'
import type {Calendar} from '../domain/fiscal-year.js'
import type {EncodingOption} from '../ingest/csv.js'
import type {Kind} from '../ingest/kinds.js'

function defaultActor(): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}

/** Flags every command has. */
export const globalFlags = {
  'no-color': Flags.boolean({description: 'Do not colour the output (NO_COLOR does the same).', helpGroup: 'GLOBAL'}),
  'no-input': Flags.boolean({description: 'Never prompt; fail with exit code 2 when something is missing.', helpGroup: 'GLOBAL'}),
}

/** Flags of every command that reads or writes the store. */
export const storeFlags = {
  database: Flags.string({
    char: 'd',
    description: 'Store: a SQLite file path or a postgres:// URL.',
    env: 'KASUMI_DATABASE',
    default: DEFAULT_DATABASE,
    helpGroup: 'GLOBAL',
  }),
}

export const actorFlag = {
  actor: Flags.string({
    description: 'Who makes the change, for the change log (default: your OS user name).',
    env: 'KASUMI_ACTOR',
    default: defaultActor(),
  }),
}

/** How to read a spreadsheet file. */
export const readingFlags = {
  kind: Flags.string({
    description:
      "What the file holds (auto: guess from the header); dcoi-idc: a US DCOI data-centre inventory (IDC); procedures, documents, life-events: the citizens' side; focus: a FOCUS cloud cost and usage export.",
    options: ['auto', 'systems', 'costs', 'ministries', 'dcoi-idc', 'procedures', 'documents', 'life-events', 'focus'],
    default: 'auto',
  }),
  encoding: Flags.string({description: 'Text encoding (auto: a BOM, else UTF-8).', options: [...ENCODINGS], default: 'auto'}),
  calendar: Flags.string({description: 'How bare year numbers count: roc reads 98年度 as 2009.', options: [...CALENDARS], default: 'gregorian'}),
  'allow-unknown-columns': Flags.boolean({description: 'Leave out columns kasumi does not know, with a warning, instead of failing.'}),
  'max-issues': Flags.integer({description: 'Report at most this many problems.', default: 100, min: 1}),
}

/** How to read a workbook (.xlsx, .xlsm, .xls, .ods). */
export const workbookFlags = {
  sheet: Flags.string({description: 'The sheet to read, by name or position (1 = the first); default: the sheet whose header matches.'}),
  unit: Flags.string({
    description: 'Money unit of amounts when neither the header (金額（千円）) nor a title row (（単位：千円）) names one.',
    options: Object.keys(UNIT_FLAG),
  }),
  'fiscal-year-start': Flags.string({
    description: 'Month fiscal years start in, for dates in year columns and FOCUS charge periods: 4 or april (Japan), 10 (US), 1 (Taiwan).',
    default: '4',
  }),
  ministry: Flags.string({description: 'The ministry of every row of a file without a ministry column (code or name).'}),
}

/** A saved mapping for a layout kasumi does not know by itself. */
export const mappingFlag = {
  mapping: Flags.string({
    char: 'm',
    description:
      'A saved mapping (YAML) that says which columns are which fields, what the labels mean, the money unit and defaults: a file, or the name of a bundled one (it-dashboard-budget, it-dashboard-cost-reduction, gyosei-review-budget).',
  }),
}

export function workbookOptions(flags: {sheet?: string; unit?: string; 'fiscal-year-start'?: string; ministry?: string}): WorkbookOptions {
  const month = monthNumber(flags['fiscal-year-start'] ?? '4')
  if (month === undefined)
    throw new UsageError(`--fiscal-year-start ${flags['fiscal-year-start']} is not a month`, {
      suggestion: 'give 1–12 or a month name, e.g. 4 or april',
    })
  return {sheet: flags.sheet, unit: flags.unit as UnitName | undefined, fiscalYearStart: month, ministry: flags.ministry}
}

/** How `inventory import` and `validate` read a file, from their shared reading and workbook flags. */
export function readingOptions(flags: {
  kind: string
  encoding: string
  calendar: string
  'allow-unknown-columns': boolean
  'max-issues': number
  sheet?: string
  unit?: string
  'fiscal-year-start'?: string
  ministry?: string
}) {
  return {
    kind: flags.kind as Kind | 'auto',
    encoding: flags.encoding as EncodingOption,
    calendar: flags.calendar as Calendar,
    allowUnknownColumns: flags['allow-unknown-columns'],
    maxIssues: flags['max-issues'],
    ...workbookOptions(flags),
  }
}

/** How a FOCUS cost and usage export becomes cost lines. */
export const focusFlags = {
  cost: Flags.string({
    description: 'FOCUS: the cost column cost lines take: effective (EffectiveCost, amortised) or billed (BilledCost, cash).',
    options: ['effective', 'billed'],
    default: 'effective',
  }),
  'system-tag': Flags.string({description: "FOCUS: the key in the Tags column that names a row's system, e.g. SystemId."}),
  'system-map': Flags.string({description: 'FOCUS: a CSV mapping ResourceId or SubAccountId to system_id.'}),
  untagged: Flags.string({description: 'FOCUS: the (shared) system that takes rows naming no system; without it such rows are refused.'}),
  'pool-map': Flags.string({description: 'FOCUS: a CSV of ServiceCategory,pool over the default table (every category to cloud).'}),
}

export function focusOptions(flags: {
  cost?: string
  'system-tag'?: string
  'system-map'?: string
  untagged?: string
  'pool-map'?: string
  'fiscal-year-start'?: string
}) {
  return {
    cost: (flags.cost ?? 'effective') as 'billed' | 'effective',
    fiscalYearStart: workbookOptions(flags).fiscalYearStart!,
    systemTag: flags['system-tag'],
    systemMap: flags['system-map'],
    untagged: flags.untagged,
    poolMap: flags['pool-map'],
  }
}

/** The formats and language of a report (`kasumi report`, `kasumi audit export`), given the report's formats. */
export function reportOutputFlags(formats: readonly string[]) {
  return {
    format: Flags.string({
      char: 'f',
      description: `Formats to write, comma-separated (default: all of ${formats.join(', ')}).`,
      multiple: true,
      delimiter: ',',
      options: [...formats],
      default: [...formats],
    }),
    lang: Flags.string({
      description: 'Language of headings, labels and notes; names in the data are never translated.',
      options: [...LANGS],
      default: 'en',
    }),
  }
}
