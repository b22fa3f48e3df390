import {
  FACILITY_FIELD_NAMES,
  FACILITY_FIELDS,
  METRIC_FIELDS,
  comparePeriods,
  facilityValueText,
  type FacilityMetrics,
  type FacilityRecord,
} from '../domain/facility.js'
import {groupDigits} from '../domain/money.js'
import type {TableData} from '../domain/table.js'
import type {CsvColumn} from '../format/csv.js'
import type {Store} from '../store/open.js'
import {listFacilities, listFacilityMetrics, listSystems} from '../store/register.js'

/** A facility with its figures of the latest period the store has for it. */
export interface FacilityWithLatest {
  facility: FacilityRecord
  latest: FacilityMetrics | null
}

/** Facilities (of some agencies, when asked) each with its latest figures. */
export async function facilitiesWithLatest(store: Store, agencies?: string[]): Promise<FacilityWithLatest[]> {
  const facilities = await listFacilities(store, {agency: agencies})
  const latest = new Map<string, FacilityMetrics>()
  for (const metrics of await listFacilityMetrics(store)) {
    const seen = latest.get(metrics.facilityId)
    if (!seen || comparePeriods(metrics.period, seen.period) > 0) latest.set(metrics.facilityId, metrics)
  }
  return facilities.map((facility) => ({facility, latest: latest.get(facility.id) ?? null}))
}

const count = (value: number | null) => (value === null ? '' : groupDigits(String(value)))

/** PUE of one period's figures, to two places, or '' when either figure is missing or the IT load is 0. */
export function pueText(metrics: FacilityMetrics | null): string {
  if (!metrics?.avgElectricity || !metrics.avgItElectricity || Number(metrics.avgItElectricity) === 0) return ''
  return (Number(metrics.avgElectricity) / Number(metrics.avgItElectricity)).toFixed(2)
}

export function facilityListTable(rows: readonly FacilityWithLatest[]): TableData {
  const head = ['id', 'agency', 'component', 'name', 'ownership', 'tier', 'closing', 'period', 'servers', 'floor area', 'PUE']
  const body = rows.map(({facility, latest}) => [
    facility.id,
    facility.agency,
    facility.component ?? '',
    facility.name ?? '',
    facility.ownership ?? '',
    facility.tier ?? '',
    facility.closingStage === null
      ? ''
      : facility.closingStage === 'not-closing'
        ? 'not closing'
        : `${facility.closingStage}${facility.closingYear ? ` FY${facility.closingYear}${facility.closingQuarter ? ` Q${facility.closingQuarter}` : ''}` : ''}`,
    latest?.period ?? '',
    count(latest?.totalServers ?? null),
    latest?.grossFloorArea ? groupDigits(latest.grossFloorArea) : '',
    pueText(latest),
  ])
  const servers = rows.reduce((total, row) => total + (row.latest?.totalServers ?? 0), 0)
  return {
    head,
    rows: body,
    footer: rows.length > 1 ? [[`total (${rows.length})`, '', '', '', '', '', '', '', count(servers), '', '']] : [],
    align: head.map((_, index) => (index >= 8 ? 'right' : 'left')),
  }
}

export interface FacilityDetail {
  facility: FacilityRecord
  metrics: FacilityMetrics[]
  /** Ids of the systems that name this facility. */
  systems: string[]
}

export async function facilityDetail(store: Store, facility: FacilityRecord): Promise<FacilityDetail> {
  const metrics = await listFacilityMetrics(store, {facilityIds: [facility.id]})
  const systems = (await listSystems(store)).filter((system) => system.facilityId === facility.id).map((system) => system.id)
  return {facility, metrics, systems}
}

/** The fields table and the figures by period (one column per period). */
export function facilityDetailTables(detail: FacilityDetail): TableData[] {
  const {facility} = detail
  const fields: TableData = {
    title: `${facility.id} ${facility.name ?? ''}`.trim(),
    head: ['field', 'value'],
    rows: FACILITY_FIELDS.filter((field) => facility[field] !== null).map((field) => [
      FACILITY_FIELD_NAMES[field],
      facilityValueText(facility[field]) ?? '',
    ]),
  }
  if (detail.systems.length > 0) fields.rows.push(['systems', detail.systems.join(', ')])
  if (detail.metrics.length === 0) return [fields]
  const figures: TableData = {
    title: 'Figures by reporting period',
    head: ['figure', ...detail.metrics.map((metrics) => metrics.period)],
    rows: [
      ...METRIC_FIELDS.map((field) => [
        FACILITY_FIELD_NAMES[field],
        ...detail.metrics.map((metrics) => {
          const text = facilityValueText(metrics[field])
          return text === null ? '' : typeof metrics[field] === 'boolean' ? text : groupDigits(text)
        }),
      ]),
      ['PUE', ...detail.metrics.map((metrics) => pueText(metrics))],
    ],
    align: ['left', ...detail.metrics.map(() => 'right' as const)],
  }
  return [fields, figures]
}

/* ---------- export in the IDC layout ---------- */

const OWNERSHIP_TEXT = {
  'agency-owned': 'Agency Owned',
  colocation: 'Colocation',
  outsourcing: 'Outsourcing',
  'cloud-provider': 'Using Cloud Provider',
}
const POSITION_TEXT = {provider: 'Provider', tenant: 'Tenant', none: 'None'}
const COUNTRY_TEXT = {us: 'U.S.', 'outside-us': 'Outside U.S.'}
const TIER_TEXT = {
  'tier-1': 'Tier 1',
  'tier-2': 'Tier 2',
  'tier-3': 'Tier 3',
  'tier-4': 'Tier 4',
  'non-tiered': 'Non-Tiered',
  unknown: 'Unknown',
  cloud: 'Using Cloud Provider',
}
const STAGE_TEXT = {'not-closing': 'Not Closing', 'migration-execution': 'Migration Execution', closed: 'Closed'}
const yesNo = (value: boolean | null) => (value === null ? null : value ? 'Yes' : 'No')
const capitalised = (value: string | null) => (value === null ? null : value[0].toUpperCase() + value.slice(1))

/** One facility with one period's figures (or none), as an IDC row. */
export interface FacilityPeriodRow {
  facility: FacilityRecord
  metrics: FacilityMetrics | null
}

/** The IDC inventory's columns, as OMB names them: an export reads back with `kasumi inventory import --kind dcoi-idc`. */
export const FACILITY_EXPORT_COLUMNS: ReadonlyArray<CsvColumn<FacilityPeriodRow>> = [
  {header: 'Agency Abbreviation', value: ({facility}) => facility.agency, text: true},
  {header: 'Component', value: ({facility}) => facility.component, text: true},
  {header: 'Data Center ID', value: ({facility}) => (facility.id.startsWith('DCOI-DC-') ? facility.id : null), text: true},
  {header: 'Data Center Name', value: ({facility}) => facility.name, text: true},
  {header: 'Record Validity', value: () => 'Valid Facility'},
  {header: 'Ownership Type', value: ({facility}) => (facility.ownership ? OWNERSHIP_TEXT[facility.ownership] : null)},
  {header: 'Inter-Agency Shared Services Position', value: ({facility}) => (facility.sharedPosition ? POSITION_TEXT[facility.sharedPosition] : null)},
  {header: 'Country', value: ({facility}) => (facility.country ? COUNTRY_TEXT[facility.country] : null)},
  {header: 'Data Center Tier', value: ({facility}) => (facility.tier ? TIER_TEXT[facility.tier] : null)},
  {header: 'Gross Floor Area', value: ({metrics}) => metrics?.grossFloorArea},
  {header: 'Key Mission Facility', value: ({facility}) => yesNo(facility.keyMission)},
  {header: 'Key Mission Facility Type', value: ({facility}) => capitalised(facility.keyMissionType)},
  {header: 'Electricity Is Metered', value: ({metrics}) => yesNo(metrics?.electricityMetered ?? null)},
  {header: 'Avg Electricity Usage', value: ({metrics}) => metrics?.avgElectricity},
  {header: 'Avg IT Electricity Usage', value: ({metrics}) => metrics?.avgItElectricity},
  {header: 'Underutilized Servers', value: ({metrics}) => metrics?.underutilisedServers},
  {header: 'Actual Hours of Facility Downtime', value: ({metrics}) => metrics?.downtimeHours},
  {header: 'Planned Hours of Facility Availability', value: ({metrics}) => metrics?.plannedHours},
  {header: 'Rack Count', value: ({metrics}) => metrics?.rackCount},
  {header: 'Total Mainframes', value: ({metrics}) => metrics?.mainframes},
  {header: 'Total HPC Cluster Nodes', value: ({metrics}) => metrics?.hpcNodes},
  {header: 'Total Servers', value: ({metrics}) => metrics?.totalServers},
  {header: 'Total Virtual Hosts', value: ({metrics}) => metrics?.virtualHosts},
  {header: 'Closing Stage', value: ({facility}) => (facility.closingStage ? STAGE_TEXT[facility.closingStage] : null)},
  {header: 'Closing Fiscal Year', value: ({facility}) => facility.closingYear},
  {header: 'Closing Quarter', value: ({facility}) => (facility.closingQuarter === null ? null : `Q${facility.closingQuarter}`)},
  {header: 'Comments', value: ({facility}) => facility.comments, text: true},
]

/** The latest reporting period in the store, or undefined when no facility has figures. */
export async function latestPeriod(store: Store): Promise<string | undefined> {
  const periods = (await listFacilityMetrics(store)).map((metrics) => metrics.period).sort(comparePeriods)
  return periods.at(-1)
}

/** Every facility with its figures for `period` (none when it has no figures for it). */
export async function facilityPeriodRows(store: Store, period: string | undefined): Promise<FacilityPeriodRow[]> {
  const facilities = await listFacilities(store)
  const figures = period === undefined ? [] : await listFacilityMetrics(store, {period})
  const byId = new Map(figures.map((metrics) => [metrics.facilityId, metrics]))
  return facilities.map((facility) => ({facility, metrics: byId.get(facility.id) ?? null}))
}

/** Every facility with all its figures, for JSON. */
export async function facilitiesWithAllMetrics(store: Store): Promise<Array<FacilityRecord & {metrics: Array<Omit<FacilityMetrics, 'facilityId'>>}>> {
  const facilities = await listFacilities(store)
  const all = await listFacilityMetrics(store)
  return facilities.map((facility) => ({
    ...facility,
    metrics: all.filter((metrics) => metrics.facilityId === facility.id).map(({facilityId: _id, ...rest}) => rest),
  }))
}
