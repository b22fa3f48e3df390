import {createHash} from 'node:crypto'

import type {InputIssue} from '../domain/errors.js'
import type {ClosingStage, Country, FacilityMetrics, FacilityRecord, KeyMissionType, OwnershipType, SharedPosition, Tier} from '../domain/facility.js'
import {ECHO_LIMIT, truncateText} from '../domain/text-safety.js'
import {readCsv, type EncodingOption} from './csv.js'
import {columnLabel} from './table.js'

/**
 * The quarterly data-centre inventory of the US Federal Data Center
 * Optimization Initiative (DCOI), as agencies send it to OMB through the
 * Integrated Data Collection (IDC): one row per data centre.
 *
 * Its checks are of two kinds, and every finding names its rule:
 * - `omb.*`: the checks of OMB's own validator (`validate.py` in
 *   github.com/ombegov/dcoi), reproduced condition for condition: the same
 *   rows and fields get the same errors and warnings. Like that tool, columns
 *   are found by their lower-cased header and values are compared as written
 *   (no trimming; "Yes", "Valid Facility", "Agency Owned", "Closed" and
 *   "Tenant" exactly, closing stages, tiers and key mission types in any case).
 * - `kasumi.*`: what OMB's validator does not check and kasumi does, because
 *   the figures go into the register: the values of every closed list, numbers
 *   that are not numbers or are negative, impossible combinations, the Data
 *   Center ID written with other than ASCII digits. Where the validator would
 *   stop with a Python exception (a row with fewer cells than the header, a
 *   file that is not UTF-8, an empty file), kasumi reports an ordinary error.
 */

/** The columns of the IDC inventory, with OMB's spelling; matched lower-cased, as OMB's validator does. */
export const IDC_COLUMNS = [
  'Agency Abbreviation',
  'Component',
  'Data Center ID',
  'Data Center Name',
  'Record Validity',
  'Ownership Type',
  'Inter-Agency Shared Services Position',
  'Country',
  'Data Center Tier',
  'Gross Floor Area',
  'Key Mission Facility',
  'Key Mission Facility Type',
  'Electricity Is Metered',
  'Avg Electricity Usage',
  'Avg IT Electricity Usage',
  'Underutilized Servers',
  'Actual Hours of Facility Downtime',
  'Planned Hours of Facility Availability',
  'Rack Count',
  'Total Mainframes',
  'Total HPC Cluster Nodes',
  'Total Servers',
  'Total Virtual Hosts',
  'Closing Stage',
  'Closing Fiscal Year',
  'Closing Quarter',
  'Comments',
] as const
export type IdcColumn = (typeof IDC_COLUMNS)[number]

/** Whether a header row is an IDC inventory's (Agency Abbreviation with Data Center ID or Record Validity). */
export function isIdcHeader(cells: readonly string[]): boolean {
  const keys = new Set(cells.map((cell) => cell.toLowerCase().trim()))
  return keys.has('agency abbreviation') && (keys.has('data center id') || keys.has('record validity'))
}

/** A finding on an IDC file: an input issue with its rule and where the rule comes from. */
export interface IdcFinding extends InputIssue {
  rule: string
  severity: 'error' | 'warning'
  /** `omb`: OMB's validate.py reports it too; `kasumi`: kasumi's stricter check. */
  source: 'omb' | 'kasumi'
}

/** A row that becomes a facility: valid records without errors. */
export interface IdcFacilityRow {
  line: number
  facility: FacilityRecord
  metrics: Omit<FacilityMetrics, 'facilityId' | 'period'>
  /** True when the file gave no Data Center ID and kasumi made one from agency, component and name. */
  generatedId: boolean
}

export interface IdcOutcome {
  encoding: string
  bytes: number
  /** Data rows read. */
  records: number
  /** Errors and warnings in file order (line, then rule order). */
  findings: IdcFinding[]
  errors: number
  warnings: number
  /** Rows that would become facilities (only meaningful when there are no errors). */
  facilities: IdcFacilityRow[]
  /** Rows marked "Invalid Facility": checked, never imported. */
  invalidRecords: number
  /** Counts by rule id. */
  byRule: Record<string, number>
}

/* ---------- the closed lists, as OMB spells them ---------- */

const RECORD_VALIDITY = {'Valid Facility': 'valid', 'Invalid Facility': 'invalid'} as const
const OWNERSHIP: Record<string, OwnershipType> = {
  'Agency Owned': 'agency-owned',
  Colocation: 'colocation',
  Outsourcing: 'outsourcing',
  'Using Cloud Provider': 'cloud-provider',
}
const POSITIONS: Record<string, SharedPosition> = {Provider: 'provider', Tenant: 'tenant', None: 'none'}
const COUNTRIES: Record<string, Country> = {'U.S.': 'us', 'Outside U.S.': 'outside-us'}
const TIERS: Record<string, Tier> = {
  'Tier 1': 'tier-1',
  'Tier 2': 'tier-2',
  'Tier 3': 'tier-3',
  'Tier 4': 'tier-4',
  'Non-Tiered': 'non-tiered',
  Unknown: 'unknown',
  'Using Cloud Provider': 'cloud',
}
const YES_NO: Record<string, boolean> = {Yes: true, No: false}
const KMF_TYPES: Record<string, KeyMissionType> = {
  Mission: 'mission',
  Processing: 'processing',
  Control: 'control',
  Location: 'location',
  Legal: 'legal',
  Other: 'other',
}
const STAGES: Record<string, ClosingStage> = {'Not Closing': 'not-closing', 'Migration Execution': 'migration-execution', Closed: 'closed'}
const QUARTERS: Record<string, number> = {Q1: 1, Q2: 2, Q3: 3, Q4: 4}

/** validate.py's own lists (lower-cased there). */
const OMB_CLOSING_STAGES = ['closed', 'migration execution', 'not closing']
const OMB_RECORD_VALIDITY = ['invalid facility', 'valid facility']
const OMB_TIERS = ['tier 1', 'tier 2', 'tier 3', 'tier 4']
const OMB_KMF_TYPES = ['mission', 'processing', 'control', 'location', 'legal', 'other']

/** Python's `re.match(r"DCOI-DC-\d+$", s)`: anchored at the start; `\d` is any Unicode digit; `$` also matches before a final line break. */
const OMB_ID = /^DCOI-DC-\p{Nd}+\n?$/u
const STRICT_ID = /^DCOI-DC-[0-9]+$/

/** Fields whose spelling changes OMB's verdict, because validate.py compares them exactly. */
const EXACT_FIELDS: ReadonlySet<IdcColumn> = new Set([
  'Record Validity',
  'Ownership Type',
  'Inter-Agency Shared Services Position',
  'Key Mission Facility',
  'Electricity Is Metered',
  'Closing Stage',
])

const ENUMS: Partial<Record<IdcColumn, Record<string, unknown>>> = {
  'Record Validity': RECORD_VALIDITY,
  'Ownership Type': OWNERSHIP,
  'Inter-Agency Shared Services Position': POSITIONS,
  Country: COUNTRIES,
  'Data Center Tier': TIERS,
  'Key Mission Facility': YES_NO,
  'Key Mission Facility Type': KMF_TYPES,
  'Electricity Is Metered': YES_NO,
  'Closing Stage': STAGES,
  'Closing Quarter': QUARTERS,
}

const COUNT_FIELDS = [
  'Underutilized Servers',
  'Rack Count',
  'Total Mainframes',
  'Total HPC Cluster Nodes',
  'Total Servers',
  'Total Virtual Hosts',
] as const satisfies readonly IdcColumn[]
const DECIMAL_FIELDS = [
  'Gross Floor Area',
  'Avg Electricity Usage',
  'Avg IT Electricity Usage',
  'Actual Hours of Facility Downtime',
  'Planned Hours of Facility Availability',
] as const satisfies readonly IdcColumn[]

/* ---------- one row, as validate.py sees it ---------- */

/** A row keyed by lower-cased header, like Python's csv.DictReader over a lower-cased header line: null for a column the file lacks. */
class IdcRow {
  constructor(
    private readonly cells: readonly string[],
    private readonly index: ReadonlyMap<string, number>,
  ) {}

  /** `row.get(name)`: the cell as written, or null when the file has no such column. */
  get(column: IdcColumn): string | null {
    const at = this.index.get(column.toLowerCase())
    return at === undefined ? null : this.cells[at]
  }

  /** `row.get(name, '')`. */
  text(column: IdcColumn): string {
    return this.get(column) ?? ''
  }

  /** Python's `not row.get(name)`: absent or empty. */
  blank(column: IdcColumn): boolean {
    const value = this.get(column)
    return value === null || value === ''
  }

  /** Python's `row.get(name) == ''`: the column is there and the cell is empty. */
  emptyCell(column: IdcColumn): boolean {
    return this.get(column) === ''
  }

  lower(column: IdcColumn): string {
    return this.text(column).toLowerCase()
  }
}

interface RowContext {
  file: string
  line: number
  row: IdcRow
  label(column: IdcColumn): string
  findings: IdcFinding[]
}

function finding(
  context: RowContext,
  source: 'omb' | 'kasumi',
  severity: 'error' | 'warning',
  rule: string,
  column: IdcColumn | undefined,
  message: string,
  hint?: string,
): void {
  const value = column === undefined ? undefined : context.row.get(column)
  context.findings.push({
    file: context.file,
    line: context.line,
    ...(column === undefined ? {} : {column: context.label(column)}),
    ...(value === null || value === undefined ? {} : {value: truncateText(value, ECHO_LIMIT)}),
    message,
    ...(hint === undefined ? {} : {hint}),
    severity,
    rule,
    source,
  })
}

const BLANK_HINT = 'fill it in; OMB does not accept the file without it'

/**
 * validate.py's checks (github.com/ombegov/dcoi, validate.py), in its order,
 * with the same conditions: each `errors.append` is an `omb.*` error here and
 * each `warnings.append` an `omb.*` warning, on the field it is about.
 */
function ombChecks(context: RowContext): void {
  const {row} = context
  const error = (rule: string, column: IdcColumn, message: string, hint = BLANK_HINT) =>
    finding(context, 'omb', 'error', `omb.${rule}`, column, message, hint)
  const warning = (rule: string, column: IdcColumn, message: string, hint?: string) =>
    finding(context, 'omb', 'warning', `omb.${rule}`, column, message, hint)

  // Data acceptance rules.
  if (row.blank('Agency Abbreviation')) error('agency-blank', 'Agency Abbreviation', 'the agency abbreviation is missing')
  if (row.blank('Component')) error('component-blank', 'Component', 'the component is missing')
  if (!row.blank('Data Center ID') && !OMB_ID.test(row.text('Data Center ID')))
    error(
      'id-form',
      'Data Center ID',
      'a Data Center ID has the form DCOI-DC- followed by digits',
      'write it as OMB issued it, e.g. DCOI-DC-12345, or leave it empty for a new data centre',
    )
  if (!OMB_RECORD_VALIDITY.includes(row.lower('Record Validity')))
    error(
      'record-validity-value',
      'Record Validity',
      'the record validity is missing or not one of "Valid Facility", "Invalid Facility"',
      'write Valid Facility or Invalid Facility',
    )

  const keyMission = row.get('Key Mission Facility') === 'Yes'
  if (keyMission) {
    const type = row.lower('Key Mission Facility Type')
    if (row.blank('Key Mission Facility Type'))
      error(
        'kmf-type-blank',
        'Key Mission Facility Type',
        'a key mission facility needs its key mission facility type',
        'write one of Mission, Processing, Control, Location, Legal, Other',
      )
    else if (!OMB_KMF_TYPES.includes(type))
      error(
        'kmf-type-value',
        'Key Mission Facility Type',
        'not a key mission facility type',
        'write one of Mission, Processing, Control, Location, Legal, Other',
      )
    else if (type === 'legal' && row.blank('Comments'))
      error(
        'kmf-legal-comment',
        'Comments',
        'a key mission facility of type Legal must name the statute or regulation in the comments',
        'name the statute or regulation in Comments',
      )
    else if (type === 'other' && row.blank('Comments'))
      error('kmf-other-comment', 'Comments', 'a key mission facility of type Other must be explained in the comments', 'explain the type in Comments')
  }

  // The data centres still to be optimised: valid, agency-owned, not closed, not a tenant.
  const target =
    row.get('Record Validity') === 'Valid Facility' &&
    row.get('Ownership Type') === 'Agency Owned' &&
    row.get('Closing Stage') !== 'Closed' &&
    row.get('Inter-Agency Shared Services Position') !== 'Tenant'
  if (target) {
    if (row.blank('Closing Stage'))
      error(
        'closing-stage-blank',
        'Closing Stage',
        'an open agency-owned data centre needs its closing stage',
        'write Not Closing, Migration Execution or Closed',
      )
    else if (!OMB_CLOSING_STAGES.includes(row.lower('Closing Stage')))
      error('closing-stage-value', 'Closing Stage', 'not a closing stage', 'write Not Closing, Migration Execution or Closed')
    else if (row.lower('Closing Stage') !== 'not closing') {
      if (row.blank('Closing Fiscal Year'))
        error(
          'closing-fy-blank',
          'Closing Fiscal Year',
          'a data centre that is closing needs the fiscal year it closes in',
          'write the fiscal year, e.g. 2025',
        )
      if (row.blank('Closing Quarter'))
        error('closing-quarter-blank', 'Closing Quarter', 'a data centre that is closing needs the quarter it closes in', 'write Q1, Q2, Q3 or Q4')
    }
    if (keyMission) {
      if (row.blank('Key Mission Facility Type'))
        error(
          'target-kmf-type-blank',
          'Key Mission Facility Type',
          'an open agency-owned key mission facility needs its key mission facility type',
          'write one of Mission, Processing, Control, Location, Legal, Other',
        )
    } else {
      if (row.blank('Data Center Name')) error('name-blank', 'Data Center Name', 'an open agency-owned data centre needs its name')
      if (row.blank('Gross Floor Area')) error('floor-area-blank', 'Gross Floor Area', 'an open agency-owned data centre needs its gross floor area')
      if (row.blank('Data Center Tier')) error('tier-blank', 'Data Center Tier', 'an open agency-owned data centre needs its tier')
      if (row.blank('Electricity Is Metered'))
        error(
          'metered-blank',
          'Electricity Is Metered',
          'an open agency-owned data centre must say whether its electricity is metered',
          'write Yes or No',
        )
      else if (row.get('Electricity Is Metered') === 'Yes') {
        if (row.blank('Avg Electricity Usage'))
          error('electricity-blank', 'Avg Electricity Usage', 'metered electricity needs the average electricity usage')
        if (row.blank('Avg IT Electricity Usage'))
          error('it-electricity-blank', 'Avg IT Electricity Usage', 'metered electricity needs the average IT electricity usage')
      }
      // Figures that may be 0: validate.py checks for an empty cell of a column that is there.
      const zeroable: Array<[IdcColumn, string]> = [
        ['Underutilized Servers', 'underutilized-blank'],
        ['Actual Hours of Facility Downtime', 'downtime-blank'],
        ['Planned Hours of Facility Availability', 'planned-hours-blank'],
        ['Rack Count', 'racks-blank'],
        ['Total Mainframes', 'mainframes-blank'],
        ['Total HPC Cluster Nodes', 'hpc-blank'],
        ['Total Servers', 'servers-blank'],
        ['Total Virtual Hosts', 'virtual-hosts-blank'],
      ]
      for (const [column, rule] of zeroable)
        if (row.emptyCell(column))
          error(rule, column, `an open agency-owned data centre needs this figure (0 if there are none)`, 'write the number, 0 when there are none')
    }
  }

  // Data validation rules (warnings).
  if (
    row.get('Record Validity') === 'Valid Facility' &&
    row.get('Closing Stage') !== 'Closed' &&
    row.get('Ownership Type') === 'Agency Owned' &&
    !OMB_TIERS.includes(row.lower('Data Center Tier'))
  )
    warning(
      'non-tiered',
      'Data Center Tier',
      'only tiered data centres need to be reported',
      'OMB asks for Tier 1–4 facilities; check the tier or leave the facility out',
    )
  const total = row.get('Avg Electricity Usage')
  const it = row.get('Avg IT Electricity Usage')
  if (total && it && total === it)
    warning(
      'pue-one',
      'Avg Electricity Usage',
      'the average electricity usage equals the IT electricity usage (a PUE of exactly 1.0 is not possible)',
      'check both figures: the total includes cooling and lighting',
    )
  if (!row.blank('Key Mission Facility Type') && !keyMission)
    warning(
      'kmf-type-without-kmf',
      'Key Mission Facility Type',
      'a key mission facility type is given but Key Mission Facility is not "Yes"',
      'write Yes in Key Mission Facility, or leave the type empty',
    )
  if (keyMission) {
    if (!OMB_TIERS.includes(row.lower('Data Center Tier')))
      warning('kmf-non-tiered', 'Data Center Tier', 'a key mission facility should be a tiered data centre (Tier 1–4)')
    if (row.get('Ownership Type') !== 'Agency Owned') warning('kmf-not-owned', 'Ownership Type', 'a key mission facility should be agency-owned')
    if (row.get('Record Validity') !== 'Valid Facility')
      warning('kmf-invalid-record', 'Record Validity', 'an invalid record should not be a key mission facility')
  }
}

/* ---------- kasumi's stricter checks ---------- */

type Parsed = {ok: true; value: string | null} | {ok: false; reason: string; hint: string}

const DECIMAL = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$/

function parseNumber(raw: string, integer: boolean): Parsed {
  const text = raw.trim()
  if (text === '') return {ok: true, value: null}
  const negative = /^[-−]/.test(text)
  const body = negative ? text.slice(1).trim() : text
  if (!DECIMAL.test(body))
    return {
      ok: false,
      reason: 'not a number',
      hint: /^(n\/?a|none|tbd|unknown|-+)$/i.test(text)
        ? 'write a number; leave the cell empty when the figure is not reported'
        : 'write a plain number, e.g. 1250 or 1250.5',
    }
  if (negative) return {ok: false, reason: 'must not be negative', hint: 'write the figure as a number of 0 or more'}
  let value = body.replace(/,/g, '')
  if (value.startsWith('.')) value = `0${value}`
  if (value.includes('.')) value = value.replace(/0+$/, '').replace(/\.$/, '')
  value = value.replace(/^0+(?=\d)/, '')
  if (integer && value.includes('.')) return {ok: false, reason: 'a count is a whole number', hint: 'write a whole number, e.g. 12'}
  return {ok: true, value}
}

const compare = (a: string, b: string): number => {
  // Exact comparison of non-negative canonical decimals.
  const [ai, af = ''] = a.split('.')
  const [bi, bf = ''] = b.split('.')
  if (ai.length !== bi.length) return ai.length - bi.length
  if (ai !== bi) return ai < bi ? -1 : 1
  const width = Math.max(af.length, bf.length)
  const x = af.padEnd(width, '0')
  const y = bf.padEnd(width, '0')
  return x === y ? 0 : x < y ? -1 : 1
}

function enumValue<T>(list: Record<string, T>, raw: string): {value: T; exact: boolean} | undefined {
  if (raw in list) return {value: list[raw], exact: true}
  const key = Object.keys(list).find((name) => name.toLowerCase() === raw.trim().toLowerCase())
  return key === undefined ? undefined : {value: list[key], exact: false}
}

interface Built {
  facility: FacilityRecord
  metrics: Omit<FacilityMetrics, 'facilityId' | 'period'>
  generatedId: boolean
}

/** kasumi's checks of one row (skipping fields OMB's checks already fault), and the facility it gives. */
function kasumiChecks(context: RowContext, seenIds: Map<string, number>): Built | undefined {
  const {row} = context
  const faulted = new Set(context.findings.filter((entry) => entry.severity === 'error').map((entry) => entry.column))
  const error = (rule: string, column: IdcColumn | undefined, message: string, hint?: string) => {
    if (column !== undefined && faulted.has(context.label(column))) return
    finding(context, 'kasumi', 'error', `kasumi.${rule}`, column, message, hint)
    if (column !== undefined) faulted.add(context.label(column))
  }

  for (const column of IDC_COLUMNS) {
    const value = row.get(column)
    if (value !== null && value !== '' && value.trim() === '')
      error('blank-spaces', column, 'a cell of only spaces: OMB’s validator counts it as filled in', 'empty the cell, or write the value')
  }

  const id = row.text('Data Center ID')
  if (id !== '' && OMB_ID.test(id) && !STRICT_ID.test(id))
    error(
      'id-form',
      'Data Center ID',
      'a Data Center ID is DCOI-DC- followed by ASCII digits only',
      'write the digits 0–9 as plain ASCII, with nothing after them',
    )

  const validity = enumValue(RECORD_VALIDITY, row.text('Record Validity'))
  if (validity && !validity.exact)
    error(
      'spelling',
      'Record Validity',
      `write "${validity.value === 'valid' ? 'Valid Facility' : 'Invalid Facility'}" exactly: OMB’s validator compares it as written and skips its checks otherwise`,
    )
  // Invalid records are not data centres: OMB's checks only; kasumi neither imports nor checks them further.
  if (validity?.value !== 'valid') return undefined

  const values: Partial<Record<IdcColumn, unknown>> = {}
  for (const [column, list] of Object.entries(ENUMS) as Array<[IdcColumn, Record<string, unknown>]>) {
    const raw = row.get(column)
    if (raw === null || raw.trim() === '') continue
    const found = enumValue(list, raw)
    if (!found) {
      error('value', column, 'not one of the values OMB accepts', `write one of: ${Object.keys(list).join(', ')}`)
      continue
    }
    if (!found.exact && EXACT_FIELDS.has(column))
      error(
        'spelling',
        column,
        `write "${Object.keys(list).find((name) => list[name] === found.value)}" exactly: OMB’s validator compares it as written`,
      )
    values[column] = found.value
  }

  const numbers: Partial<Record<IdcColumn, string | null>> = {}
  for (const column of [...COUNT_FIELDS, ...DECIMAL_FIELDS]) {
    const raw = row.get(column)
    if (raw === null) continue
    const parsed = parseNumber(raw, (COUNT_FIELDS as readonly string[]).includes(column))
    if (!parsed.ok) error('number', column, parsed.reason, parsed.hint)
    else numbers[column] = parsed.value
  }
  if (row.get('Ownership Type') === null || row.text('Ownership Type').trim() === '')
    error(
      'ownership-blank',
      'Ownership Type',
      'a valid facility needs its ownership type',
      'write Agency Owned, Colocation, Outsourcing or Using Cloud Provider',
    )

  const planned = numbers['Planned Hours of Facility Availability']
  const downtime = numbers['Actual Hours of Facility Downtime']
  if (planned === '0')
    error(
      'planned-hours-zero',
      'Planned Hours of Facility Availability',
      'planned hours of availability must be more than 0',
      'write the hours the facility was planned to be available in the quarter (about 2,190 for round the clock)',
    )
  else if (planned && downtime && compare(downtime, planned) > 0)
    error(
      'downtime-exceeds-planned',
      'Actual Hours of Facility Downtime',
      `more hours of downtime than planned hours of availability (${planned})`,
      'check both figures',
    )
  const total = numbers['Avg Electricity Usage']
  const it = numbers['Avg IT Electricity Usage']
  if (total && it && compare(it, total) > 0)
    error(
      'it-exceeds-total',
      'Avg IT Electricity Usage',
      `the IT equipment uses more electricity than the whole facility (${total})`,
      'the total includes the IT load: check both figures',
    )
  const servers = numbers['Total Servers']
  const under = numbers['Underutilized Servers']
  if (servers && under && compare(under, servers) > 0)
    error('underutilized-exceeds-servers', 'Underutilized Servers', `more underutilised servers than servers (${servers})`, 'check both figures')

  const ownership = values['Ownership Type'] as OwnershipType | undefined
  const tier = values['Data Center Tier'] as Tier | undefined
  if (ownership === 'cloud-provider' && tier !== undefined && tier !== 'cloud')
    error('cloud-tier', 'Data Center Tier', 'a facility using a cloud provider has the tier "Using Cloud Provider"', 'write Using Cloud Provider')

  const stage = values['Closing Stage'] as ClosingStage | undefined
  if (
    stage === 'closed' &&
    ownership === 'agency-owned' &&
    values['Inter-Agency Shared Services Position'] !== 'tenant' &&
    (numbers['Gross Floor Area'] ?? null) === null
  )
    error(
      'closed-floor-area',
      'Gross Floor Area',
      'a closed agency-owned data centre needs its gross floor area: it is the floor area the closure removed',
      'write the floor area it had, in square feet',
    )

  let closingYear: number | null = null
  const yearRaw = row.text('Closing Fiscal Year').trim()
  if (yearRaw !== '') {
    const match = /^(?:FY\s*)?(\d{4})$/i.exec(yearRaw)
    if (!match || Number(match[1]) < 2000 || Number(match[1]) > 2100)
      error('closing-fy', 'Closing Fiscal Year', 'not a fiscal year', 'write the year as four digits, e.g. 2025')
    else closingYear = Number(match[1])
  }

  const agency = row.text('Agency Abbreviation').trim()
  const component = row.text('Component').trim() || null
  const name = row.text('Data Center Name').trim() || null
  let facilityId = id
  let generatedId = false
  if (id === '') {
    if (name === null)
      error(
        'new-without-name',
        'Data Center Name',
        'a data centre without a Data Center ID needs its name: kasumi knows it by agency, component and name until OMB issues the ID',
        'write the name, or the Data Center ID',
      )
    else {
      generatedId = true
      facilityId = `NEW-${createHash('sha256')
        .update(`${agency.toLowerCase()}\u0000${(component ?? '').toLowerCase()}\u0000${name.toLowerCase()}`)
        .digest('hex')
        .slice(0, 12)}`
    }
  }
  if (facilityId !== '' && agency !== '') {
    const previous = seenIds.get(facilityId)
    if (previous !== undefined)
      error(
        'duplicate',
        generatedId ? 'Data Center Name' : 'Data Center ID',
        generatedId ? `line ${previous} has the same agency, component and name` : `line ${previous} has the same Data Center ID`,
        'each data centre is one row',
      )
    else seenIds.set(facilityId, context.line)
  }

  if (context.findings.some((entry) => entry.severity === 'error') || facilityId === '' || agency === '') return undefined
  const count = (column: IdcColumn) => (numbers[column] === undefined || numbers[column] === null ? null : Number(numbers[column]))
  const decimal = (column: IdcColumn) => numbers[column] ?? null
  return {
    generatedId,
    facility: {
      id: facilityId,
      agency,
      component,
      name,
      country: (values.Country as Country | undefined) ?? null,
      ownership: ownership ?? null,
      sharedPosition: (values['Inter-Agency Shared Services Position'] as SharedPosition | undefined) ?? null,
      tier: tier ?? null,
      keyMission: (values['Key Mission Facility'] as boolean | undefined) ?? null,
      keyMissionType: (values['Key Mission Facility Type'] as KeyMissionType | undefined) ?? null,
      closingStage: stage ?? null,
      closingYear,
      closingQuarter: (values['Closing Quarter'] as number | undefined) ?? null,
      comments: row.text('Comments').trim() || null,
    },
    metrics: {
      grossFloorArea: decimal('Gross Floor Area'),
      rackCount: count('Rack Count'),
      totalServers: count('Total Servers'),
      mainframes: count('Total Mainframes'),
      hpcNodes: count('Total HPC Cluster Nodes'),
      virtualHosts: count('Total Virtual Hosts'),
      underutilisedServers: count('Underutilized Servers'),
      electricityMetered: (values['Electricity Is Metered'] as boolean | undefined) ?? null,
      avgElectricity: decimal('Avg Electricity Usage'),
      avgItElectricity: decimal('Avg IT Electricity Usage'),
      plannedHours: planned ?? null,
      downtimeHours: downtime ?? null,
    },
  }
}

/* ---------- the file ---------- */

/** Reads and checks a whole IDC inventory file. Structural problems (quotes, field counts, bytes) are errors of rule `kasumi.csv`. */
export async function readIdcFile(file: string, options: {encoding: EncodingOption}): Promise<IdcOutcome> {
  const findings: IdcFinding[] = []
  const facilities: IdcFacilityRow[] = []
  const seenIds = new Map<string, number>()
  let index = new Map<string, number>()
  let header: string[] = []
  let invalidRecords = 0
  const labels = new Map<IdcColumn, string>()
  const label = (column: IdcColumn): string => {
    let text = labels.get(column)
    if (text === undefined) {
      const at = index.get(column.toLowerCase())
      text = at === undefined ? `${column} (not in the file)` : columnLabel(at, header[at])
      labels.set(column, text)
    }
    return text
  }

  const result = await readCsv(
    {file, encoding: options.encoding},
    {
      header(cells, line) {
        header = cells
        // Like csv.DictReader: a repeated header keeps the last column of that name.
        index = new Map(cells.map((cell, at) => [cell.toLowerCase(), at]))
        const known = new Set(IDC_COLUMNS.map((column) => column.toLowerCase()))
        const seen = new Map<string, number>()
        cells.forEach((cell, at) => {
          const key = cell.toLowerCase()
          const kasumiError = (rule: string, message: string, hint: string) =>
            findings.push({
              file,
              line,
              column: columnLabel(at, cell),
              value: truncateText(cell, ECHO_LIMIT),
              message,
              hint,
              severity: 'error',
              rule: `kasumi.${rule}`,
              source: 'kasumi',
            })
          if (seen.has(key))
            kasumiError(
              'duplicate-column',
              `the column is there twice (also column ${seen.get(key)! + 1}); OMB’s validator reads only the last`,
              'keep one of them',
            )
          seen.set(key, at)
          if (known.has(key)) return
          if (known.has(key.trim()))
            kasumiError(
              'header-spaces',
              'a known IDC column with spaces around its name: OMB’s validator does not recognise it',
              'remove the spaces from the header',
            )
          else
            findings.push({
              file,
              line,
              column: columnLabel(at, cell),
              value: truncateText(cell, ECHO_LIMIT),
              message: 'not an IDC inventory column: not read',
              hint: `the columns are: ${IDC_COLUMNS.join(', ')}`,
              severity: 'warning',
              rule: 'kasumi.unknown-column',
              source: 'kasumi',
            })
        })
        for (const column of IDC_COLUMNS)
          if (!index.has(column.toLowerCase()))
            findings.push({
              file,
              line,
              column,
              message: 'a column of the IDC inventory is missing',
              hint: `add the column "${column}" (OMB's template has it), even if it is empty`,
              severity: 'error',
              rule: 'kasumi.missing-column',
              source: 'kasumi',
            })
      },
      record(cells, line) {
        const row = new IdcRow(cells, index)
        const context: RowContext = {file, line, row, label, findings: []}
        ombChecks(context)
        const built = kasumiChecks(context, seenIds)
        findings.push(...context.findings)
        if (row.text('Record Validity').toLowerCase() === 'invalid facility') invalidRecords++
        if (built) facilities.push({line, ...built})
      },
    },
    {maxIssues: 1000},
  )
  const structural: IdcFinding[] = result.issues.map((issue) => ({...issue, severity: 'error', rule: 'kasumi.csv', source: 'kasumi'}))
  const all = [
    ...structural,
    ...findings,
    ...result.warnings.map((issue) => ({...issue, severity: 'warning' as const, rule: 'kasumi.text', source: 'kasumi' as const})),
  ]
  all.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  const byRule: Record<string, number> = {}
  for (const entry of all) byRule[entry.rule] = (byRule[entry.rule] ?? 0) + 1
  return {
    encoding: result.encoding,
    bytes: result.bytes,
    records: result.records,
    findings: all,
    errors: all.filter((entry) => entry.severity === 'error').length,
    warnings: all.filter((entry) => entry.severity === 'warning').length,
    facilities,
    invalidRecords,
    byRule,
  }
}
